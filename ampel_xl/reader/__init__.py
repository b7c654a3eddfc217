"""Reads a master workbook into the model. The only package that opens a workbook.

The reader works in stages, each its own module:

1. :mod:`.parts` – the workbook parts: zip, XML (behind a DTD guard), styles, shared strings,
   sheets as stored. The only module that parses XML (openpyxl is not needed to read a master).
2. :mod:`.grid` – every cell as displayed: value, fill (conditional formatting, own fill,
   painted row, gradient, pattern), font colour, icon, owner of its merged range, hidden.
3. :mod:`.layout` – title, labels, header, table extent, records (a measure over merged rows is
   one), Unterziele, rows outside the table.
4. :mod:`.status` – the channels of a status cell → :class:`~ampel_xl.model.StatusEvidence`
   (:mod:`.drawings`: the shapes and pictures drawn over a cell).
5. :mod:`.konzept` – the Konzept sheet.

Each sheet's draft (plain dataclasses) is frozen into its field as soon as the sheet is read;
the workbook-wide decisions (whether "G" means Grün, whether nothing is marked so that every
measure counts) are applied afterwards, rebuilding only the measures they change. Judging what
was read is :mod:`ampel_xl.validation`'s job.

The reader changes no process-wide state (it neither pauses nor tunes the garbage collector).
It keeps little for the collector to walk instead: parts are streamed, cells are stored as plain
values, drafts die with their sheet (see docs/benchmark.md for the measurements).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import ReadError
from ..findings import FIELD_DUPLICATE, MASTER_OPEN, WORD_CONFLICT
from ..model import Anomaly, Feld, Konzept, Massnahme, SheetInfo, Status, TableInfo, Unterziel, field_key
from . import parts
from .colors import ColorClass, ColorResolver, Theme, classify
from .conditional import ConditionalFormats, Dxf, parse_dxfs
from .drawings import read_drawings, rich_data_anomalies
from .grid import Grid, col_letter, text_of
from .konzept import read_konzept
from .layout import FieldLayout, MeasureDraft, SheetDraft, find_title, match_title, norm, template_sheet
from .refs import parse_range, split_sheet_ref
from .sniff import check_master_file
from .status import StatusReader, icon_status
from .words import Words

__all__ = ["read", "match_title", "parse_status_text", "parse_flag", "MAX_TABLE_ROWS"]

MAX_TABLE_ROWS = 200_000
"""Most table rows with content (measures and Unterziele) in one workbook. A county's master has
a few hundred, a state-wide roll-up about 100,000 (the benchmark's largest); the cap bounds time
and memory for a small file that holds millions of rows."""


def parse_status_text(text: str) -> tuple[Status | None, bool]:
    """Status named by a status cell's text with the built-in words, and whether it is an
    ambiguous "G" (Grün or Gelb; the reader decides that per workbook)."""
    r = Words().read(text)
    return r.status, r.ambiguous


def parse_flag(value: Any) -> bool | None:
    """An In-Auswertung cell: True, False, or None when it cannot be read."""
    return Words().flag(value)


# --------------------------------------------------------------------------------------------
# Opening and errors

# What a damaged part raises while it is inflated or parsed: a bad CRC, a part shorter or
# longer than declared, broken deflate data, broken XML (ParseError is a SyntaxError).
_DAMAGE = (LookupError, ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, SyntaxError)


def _damaged(path: Path, exc: BaseException | None = None, what: str = "") -> ReadError:
    detail = f" ({what})" if what else (f" ({type(exc).__name__})" if exc is not None else "")
    return ReadError(
        f"„{path.name}“ ist beschädigt oder unvollständig{detail}. "
        f"Bitte öffnen Sie die Datei in Excel und speichern Sie sie erneut."
    )


def read(path: str | os.PathLike[str]) -> Konzept:
    """Read a master workbook (.xlsx/.xlsm) into a :class:`~ampel_xl.model.Konzept`.

    The file is only read, never written. Raises :class:`~ampel_xl.errors.ReadError` with a
    German message when the file is no readable workbook; everything else that is odd about
    the master is kept as evidence for :func:`ampel_xl.validate`.
    """
    path = Path(path)
    check_master_file(path)
    try:
        wb = parts.open_workbook(path)
    except ReadError:
        raise
    except _DAMAGE as exc:
        raise _damaged(path, exc) from exc
    try:
        reader = WorkbookReader(wb, path)
        reader.anomalies += _open_elsewhere(path) + rich_data_anomalies(wb)
        return reader.run()
    except ReadError:
        raise
    except _DAMAGE as exc:
        raise _damaged(path, exc) from exc
    finally:
        wb.close()


def _open_elsewhere(path: Path) -> list[Anomaly]:
    """A lock file beside the master: it is open in Excel (``~$<name>``) or LibreOffice
    (``.~lock.<name>#``), so edits not yet saved are missing from what is read."""
    for lock, program in ((f"~${path.name}", "Excel"), (f".~lock.{path.name}#", "LibreOffice")):
        if path.with_name(lock).is_file():
            return [Anomaly.of(MASTER_OPEN, None, None, None, name=path.name, program=program, lock=lock)]
    return []


# --------------------------------------------------------------------------------------------
# The workbook


_KONZEPT_NAMES = ("konzept", "konzeptblatt", "konzept-info")
_LEGENDE_RE = re.compile(r"legende|legend|ampelsystem", re.I)


class WorkbookReader:
    def __init__(self, wb: parts.WorkbookParts, path: Path) -> None:
        self.wb = wb
        self.path = path
        self.resolver = ColorResolver(Theme.from_xml(wb.theme_xml), wb.styles.indexed_colors)
        self.words = Words()
        self.status = StatusReader(self.words)
        self.table_rows = 0
        self.dxfs: list[Dxf] = []
        self.dxf_error: str | None = None
        if wb.styles.root is not None:
            try:
                self.dxfs = parse_dxfs(wb.styles.root, self.resolver)
            except Exception as exc:  # noqa: BLE001 - unreadable formats become findings at the cells
                self.dxf_error = f"Formate der bedingten Formatierung nicht lesbar ({type(exc).__name__})"
        self.anomalies: list[Anomaly] = []

    def count_table_row(self) -> None:
        self.table_rows += 1
        if self.table_rows > MAX_TABLE_ROWS:
            limit = f"{MAX_TABLE_ROWS:,}".replace(",", ".")
            raise ReadError(
                f"„{self.path.name}“ hat mehr als {limit} Tabellenzeilen mit Inhalt – so groß ist kein "
                f"Ampel-Master, daher wird die Datei nicht weiter gelesen. Bitte prüfen Sie, ob Sie die richtige Datei "
                f"gewählt haben."
            )

    def grid(self, part: parts.SheetPart) -> Grid:
        if part.bad_strings:
            r, c = part.bad_strings[0]
            raise _damaged(self.path, what=f"Zelle {col_letter(c)}{r} verweist auf einen Text, der in der Datei fehlt")
        cf = None
        cf_error = None
        if part.conditional or part.ext is not None:
            elements = list(part.conditional) + ([part.ext] if part.ext is not None else [])
            extent = (max(part.rows, default=1), max((max(r) for r in part.rows.values() if r), default=1))
            if self.dxf_error and part.conditional:
                cf_error = self.dxf_error
            else:
                try:
                    cf = ConditionalFormats.from_sheet(elements, self.dxfs, self.resolver, extent=extent)
                except Exception as exc:  # noqa: BLE001 - the whole sheet's formats are unreadable
                    cf_error = f"bedingte Formatierung des Blatts nicht lesbar ({type(exc).__name__})"
        g = Grid(part, self.wb, self.resolver, cf, cf_error)
        if cf is None and cf_error:
            g.cf_error_ranges = parts.cf_ranges(part)
        return g

    def run(self) -> Konzept:
        wb = self.wb
        sheets: list[SheetInfo] = []
        fields: list[tuple[Feld, bool]] = []  # each field as soon as its sheet is read, and whether hidden
        konzept_sheet: str | None = None
        konzept = None
        refs = wb.sheets
        # the Legende teaches its words before any status is read
        for sref in refs:
            if sref.part is not None and _LEGENDE_RE.search(sref.name) and norm(sref.name) not in _KONZEPT_NAMES:
                try:
                    g = self.grid(wb.sheet(sref))
                except ReadError:
                    continue
                if find_title(g, sref.name) is None:
                    self._teach_legende(g, sref.name)
        for sref in refs:
            hidden = sref.state != "visible"
            if sref.part is None:
                sheets.append(SheetInfo(sref.name, "ignoriert", hidden))
                continue
            if norm(sref.name) in _KONZEPT_NAMES and konzept is None:
                konzept_sheet = sref.name
                konzept_grid = self.grid(wb.sheet(sref))
                konzept = read_konzept(konzept_grid, sref.name)
                konzept.anomalies.extend(konzept_grid.uncached_anomalies(sref.name))
                sheets.append(SheetInfo(sref.name, "konzept", hidden))
                continue
            part = wb.sheet(sref)
            grid = self.grid(part)
            title = find_title(grid, sref.name)
            if title is None:
                kind = "vorlage" if template_sheet(grid) else "ignoriert"
                sheets.append(SheetInfo(sref.name, kind, hidden))
                continue
            grid.drawn = read_drawings(wb, sref.part, self.resolver.theme, part.pictures)
            layout = FieldLayout(grid, sref.name, title, self.status, self)
            header_end = layout.find_header()
            layout.read_labels(layout.draft.header_row or (grid.max_row + 1))
            if header_end is not None:
                self._teach_validations(grid, part, layout.draft.roles.get("status"), header_end, sref.name)
                layout.read_table(header_end)
            draft = layout.draft
            draft.anomalies.extend(grid.uncached_anomalies(sref.name, _status_formulas(draft)))
            draft.anomalies.extend(grid.placed_anomalies(sref.name, draft.header_row,
                                                         (m.evidence.cell for m in draft.measures)))
            # frozen at once, so that a sheet's drafts never outlive it (a large master would keep
            # two objects per measure alive for nothing); the workbook-wide decisions follow below
            fields.append((_freeze(draft), hidden))
            sheets.append(SheetInfo(sref.name, "feld", hidden))
            del layout, draft, grid, part
        kept, sheets = self._duplicates(fields, sheets)

        # the workbook-wide decisions: whether "G" means Grün, whether nothing is marked so that
        # every measure counts (then each measure is built again, the rare case)
        resolve_g = "y" in self.status.letters_seen
        any_marked = any(m.marked for f in kept for m in _measures(f))  # of the fields kept, not of a dropped copy
        felder = tuple(_decide(f, resolve_g, any_marked) for f in kept)

        meta: dict[str, Any] = {}
        meta_rows = konzept.meta if konzept else []
        for key, value in meta_rows:
            meta.setdefault(norm(key), value)

        def meta_value(*keys: str) -> Any:
            for k in keys:
                if meta.get(k) not in (None, ""):
                    return meta[k]
            return None

        anomalies = list(self.anomalies) + (konzept.anomalies if konzept else [])
        return Konzept(
            source=str(self.path),
            felder=felder,
            titel=_str_or_none(meta_value("titel", "title", "konzept", "name")),
            gebiet=_str_or_none(meta_value("gebiet", "landkreis", "kommune", "kreis")),
            stand=_parse_stand(meta_value("stand", "stichtag", "datum")),
            kopfzeile=_str_or_none(meta_value("kopfzeile", "kopfzeile für ausdrucke", "kopfzeile (ausdruck)")),
            amt=_str_or_none(meta_value("amt", "dienststelle", "referat", "stelle", "herausgeber")),
            meta=tuple(meta_rows),
            meta_cells=tuple(konzept.meta_cells) if konzept else (),
            declared=konzept.declared if konzept else None,
            declared_total=konzept.total if konzept else None,
            konzept_sheet=konzept_sheet,
            sheets=tuple(sheets),
            any_marked=any_marked,
            modified=wb.modified,
            anomalies=tuple(anomalies),
        )

    # -- two sheets for one field --------------------------------------------------------------
    def _duplicates(self, fields: list[tuple[Feld, bool]],
                    sheets: list[SheetInfo]) -> tuple[list[Feld], list[SheetInfo]]:
        kept: dict[str, tuple[Feld, bool]] = {}
        order: list[Feld] = []
        dropped: set[str] = set()
        for f, hidden in fields:
            key = field_key(f.name)
            first = kept.get(key)
            if first is None:
                kept[key] = (f, hidden)
                order.append(f)
                continue
            # prefer the visible sheet; between equals the first one
            if first[1] and not hidden:
                kept[key] = (f, hidden)
                order[order.index(first[0])] = f
                keep, drop = f, first[0]
            else:
                keep, drop = first[0], f
            dropped.add(drop.sheet)
            self.anomalies.append(Anomaly.of(FIELD_DUPLICATE, drop.sheet, drop.title_cell, 0,
                                             keep=keep.sheet, drop=drop.sheet, name=keep.name))
        sheets = [SheetInfo(s.name, "ignoriert", s.hidden) if s.name in dropped else s for s in sheets]
        return order, sheets

    # -- words the workbook teaches --------------------------------------------------------------
    def _teach_legende(self, grid: Grid, sheet: str) -> None:
        rows = []
        places = []
        for idx in sorted(grid.rows):
            cols = sorted(grid.rows[idx])
            cells = []
            for c in cols:
                shown = grid.shown(idx, c)
                cells.append((shown.value, _CLASS_STATUS.get(shown.fill_class)))
            rows.append(cells)
            places.append((idx, cols))
        lesson = self.words.teach_legend(rows)
        for conflict in lesson.conflicts:
            r, c = conflict.places[0] if conflict.places else (0, 0)
            at_row: int | None = None
            at_cols: list[int] = []
            if r < len(places):
                at_row, at_cols = places[r]
            cell = f"{col_letter(at_cols[c])}{at_row}" if at_row is not None and c < len(at_cols) else None
            self.anomalies.append(Anomaly.of(WORD_CONFLICT, sheet, cell, at_row, word=conflict.word,
                                             statuses=" / ".join(s.label for s in conflict.statuses)))

    def _list_entries(self, formula: str, grid: Grid, sheet: str) -> list[str]:
        """The entries of a drop-down list that points at cells (on this or another sheet, or via a name)."""
        for _ in range(3):  # a name may point at a name
            target = self.wb.defined_names.get(formula.strip().casefold())
            if target is None:
                break
            formula = target
        name, rng = split_sheet_ref(formula)
        try:
            bounds = parse_range(rng)
        except ValueError:
            return []
        r0, c0, r1, c1 = bounds
        if bounds.size > 1000:
            return []
        source = grid
        if name is not None and name != sheet:
            sref = next((s for s in self.wb.sheets if s.name == name and s.part is not None), None)
            if sref is None:
                return []
            source = Grid(self.wb.sheet(sref), self.wb, self.resolver)
        out = []
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                t = text_of(source.value(r, c))
                if t:
                    out.append(t)
        return out

    def _teach_validations(self, grid: Grid, part: parts.SheetPart, status_col: int | None, header_end: int,
                           sheet: str) -> None:
        if status_col is None or grid.cf is None:
            return
        lists = parts.list_validations(part)
        if lists:
            # statistics of percent thresholds etc. from the real values, before any hypothetical one;
            # if they cannot be had, the rules are evaluated lazily, as for any cell
            with contextlib.suppress(Exception):
                grid.cf.prepare(grid.stored)
        for ranges, entries in lists:
            rng = next((b for b in ranges if b.min_col <= status_col <= b.max_col and b.max_row > header_end), None)
            if rng is None:
                continue
            if isinstance(entries, str):
                entries = self._list_entries(entries, grid, sheet)
                if not entries:
                    continue
            row = max(rng.min_row, header_end + 1)

            def colour(entry: str, _row: int = row) -> Status | None:
                def value_at(r: int, c: int) -> Any:
                    return entry if (r, c) == (_row, status_col) else grid.stored(r, c)

                try:
                    outcome = grid.cf.evaluate(_row, status_col, value_at)
                except Exception:  # noqa: BLE001 - an entry without a readable colour teaches nothing
                    return None
                if outcome is None:
                    return None
                if outcome.fill:
                    hit = _CLASS_STATUS.get(classify(outcome.fill))
                    if hit is not None:
                        return hit
                return icon_status(outcome.icon) if outcome.icon is not None else None

            lesson = self.words.teach_list(entries, colour)
            for conflict in lesson.conflicts:
                self.anomalies.append(Anomaly.of(WORD_CONFLICT, sheet, f"{col_letter(status_col)}{row}", row,
                                                 word=conflict.word,
                                                 statuses=" / ".join(s.label for s in conflict.statuses)))


_CLASS_STATUS = {ColorClass.GRUEN: Status.GRUEN, ColorClass.GELB: Status.GELB, ColorClass.ROT: Status.ROT}


# --------------------------------------------------------------------------------------------
# Freezing


def _freeze(d: SheetDraft) -> Feld:
    """The field of a sheet's draft, as if the workbook marks measures and "G" stays ambiguous;
    :func:`_decide` settles both once every sheet is read."""
    extra_labels = [label for label, _ in d.extras]

    def measure(m: MeasureDraft, uz_nr: int | None) -> Massnahme:
        text = m.text
        if m.more_text:
            text = f"{text}\n{m.more_text}" if text else m.more_text
        return Massnahme(
            feld=d.name, nr=m.nr, text=text, unterziel_nr=uz_nr, evidence=m.evidence, marked=m.marked,
            in_auswertung=m.marked, sheet=d.sheet, row=m.row, nr_cell=m.nr_cell,
            text_cell=m.text_cell, hidden=m.hidden, mark_source=m.mark_source, auswertung_text=m.auswertung_text,
            last_row=m.last_row, bemerkung=m.bemerkung, verantwortlich=m.verantwortlich, zeitraum=m.zeitraum,
            extras=tuple(zip(extra_labels, m.extras, strict=True)),
        )

    table = None
    if d.header_row is not None:
        table = TableInfo(
            header_row=d.header_row,
            layout="flach" if d.flat else "hierarchisch",
            columns=tuple(sorted(((r, col_letter(c)) for r, c in d.roles.items()), key=lambda x: x[1])),
            extra_columns=tuple((label, col_letter(c)) for label, c in d.extras),
        )
    unterziele = tuple(
        Unterziel(feld=d.name, nr=u.nr, text=u.text, sheet=d.sheet, row=u.row, cell=u.cell, evidence=u.evidence,
                  massnahmen=tuple(measure(m, u.nr) for m in u.measures))
        for u in d.unterziele
    )
    labels = d.labels

    def label(key: str) -> str | None:
        hit = labels.get(key)
        return (hit[0] or None) if hit else None

    oberziel = labels.get("oberziel")
    return Feld(
        name=d.name, art=d.art, sheet=d.sheet, title=d.title_text, title_cell=d.title_cell,
        oberziel=(oberziel[0] or None) if oberziel else None,
        oberziel_cell=oberziel[1] if oberziel else None,
        sachstand=label("sachstand"),
        highlights=tuple(d.highlights),
        highlight_runs=tuple(d.highlight_runs) if any(r.bold for line in d.highlight_runs for r in line) else (),
        einleitung=label("einleitung"),
        ausblick=label("ausblick"),
        table=table,
        unterziele=unterziele,
        orphans=tuple(measure(m, None) for m in d.orphans),
        anomalies=tuple(d.anomalies),
    )


def _status_formulas(d: SheetDraft) -> Iterator[str]:
    """The measures' status cells whose formula without a result validation names already
    (``formula-uncached``)."""
    for m in d.measures:
        if m.evidence.formula_uncached and m.evidence.cell:
            yield m.evidence.cell


def _measures(feld: Feld) -> Iterator[Massnahme]:
    """The measures of a field in any order (without building ``Feld.massnahmen``, which sorts)."""
    for u in feld.unterziele:
        yield from u.massnahmen
    yield from feld.orphans


def _decide(feld: Feld, resolve_g: bool, any_marked: bool) -> Feld:
    """The field with the workbook-wide decisions applied: a lone "G" reads as Grün where the
    workbook also uses "Y" for Gelb; where nothing is marked, every measure is in the evaluation."""

    def settle(m: Massnahme) -> Massnahme:
        ev = m.evidence
        changes: dict[str, Any] = {}
        if resolve_g and ev.text_ambiguous:
            changes["evidence"] = ev.settled(Status.GRUEN)
        if not any_marked:
            changes["in_auswertung"] = True
        return replace(m, **changes) if changes else m

    if any_marked and not (resolve_g and any(m.evidence.text_ambiguous for m in _measures(feld))):
        return feld
    unterziele = tuple(replace(u, massnahmen=tuple(settle(m) for m in u.massnahmen)) for u in feld.unterziele)
    return replace(feld, unterziele=unterziele, orphans=tuple(settle(m) for m in feld.orphans))


def _str_or_none(value: Any) -> str | None:
    t = text_of(value)
    return t or None


def _parse_stand(value: Any) -> _dt.date | str | None:
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    t = text_of(value)
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d.%m.%y"):
        try:
            return _dt.datetime.strptime(t, fmt).date()
        except ValueError:
            pass
    return t
