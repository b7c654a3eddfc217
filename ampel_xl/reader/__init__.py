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
5. :mod:`.konzept` – the Konzept sheet, its structure table found by the fields it names.

It reads in two passes (:class:`WorkbookReader`):

1. The lessons. Every sheet is parsed once; field sheets are told by their title and their header
   is found. Then what the workbook teaches is gathered from all sheets at once and frozen into
   :class:`Lessons`: its theme and palette, the formats of its conditional formatting, its words
   (every Legende sheet, every drop-down list of a status column with the colour its rules give
   each entry, and the letter rule for the letters its status cells hold). Lessons of one kind are
   merged as a set, so what a word means never depends on the order of the sheet tabs.
2. The fields. Every field sheet is laid out with those lessons and frozen into its field at once;
   its grid is dropped then. The one decision that needs every field (nothing is marked, so every
   measure counts) rebuilds only the measures it changes. The Konzept sheet is read last: its
   structure table is found by the fields it names.

Judging what was read is :mod:`ampel_xl.validation`'s job.

The reader changes no process-wide state (it neither pauses nor tunes the garbage collector).
It keeps little for the collector to walk: parts are streamed, cells are stored as plain values,
drafts die with their sheet. Between the passes the grids of the field sheets are kept (a sheet
is not parsed twice): at 100,000 measures that is some 30 MB more at the peak than a one-pass read
(see docs/benchmark.md). No step is superlinear in a cell's length: a text longer than a label or
a name can be is not compared with the labels, and is kept whole as content.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import ReadError
from ..findings import FIELD_DUPLICATE, MASTER_OPEN, SHEET_NOT_A_FIELD, WORD_CONFLICT
from ..model import Anomaly, Feld, Konzept, Massnahme, SheetInfo, Status, TableInfo, Unterziel, field_key
from ..vocabulary import Lesson
from . import parts
from .colors import ColorClass, ColorResolver, Theme, classify
from .conditional import ConditionalFormats, Dxf, parse_dxfs
from .drawings import read_drawings, rich_data_anomalies
from .grid import Grid, col_letter, text_of
from .konzept import META, FoundField, read_konzept
from .layout import FieldLayout, MeasureDraft, SheetDraft, find_title, match_title, norm, template_sheet
from .refs import parse_range, split_sheet_ref
from .sniff import check_master_file
from .status import StatusReader, icon_status
from .words import Words, merge, words_from_legend, words_from_list

__all__ = ["read", "match_title", "parse_status_text", "parse_flag", "MAX_TABLE_ROWS"]

MAX_TABLE_ROWS = 200_000
"""Most table rows with content (measures and Unterziele) in one workbook. A county's master has
a few hundred, a state-wide roll-up about 100,000 (the benchmark's largest); the cap bounds time
and memory for a small file that holds millions of rows."""


def parse_status_text(text: str) -> tuple[Status | None, bool]:
    """Status named by a status cell's text with the built-in words, and whether it is an
    ambiguous "G" (Grün or Gelb; the reader decides that per workbook, from its letters)."""
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
        return WorkbookReader(wb, path).run(_open_elsewhere(path) + rich_data_anomalies(wb))
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


@dataclass(frozen=True)
class Lessons:
    """What the workbook teaches, frozen before any field is laid out: its theme and palette
    (in ``resolver``), the formats of its conditional formatting, and its words (every Legende,
    every drop-down list of a status column with the colour its rules give each entry, the letter
    rule for the letters its status cells hold). Nothing in it depends on the order of the tabs."""

    resolver: ColorResolver
    dxfs: tuple[Dxf, ...]
    dxf_error: str | None
    words: Words
    anomalies: tuple[Anomaly, ...] = ()
    """Contradictions in what the workbook teaches (a word taught as two statuses)."""


@dataclass
class _Seen:
    """A sheet as the first pass saw it. ``grid`` is kept only as long as a later step needs it:
    a field sheet's until it is laid out, the Konzept sheet's until it is read, any other sheet's
    until the drop-down lists (which may point at its cells) are taught."""

    ref: parts.SheetRef
    kind: str
    """``feld``, ``konzept``, ``legende`` or ``ignoriert``."""
    grid: Grid | None = None
    layout: FieldLayout | None = None
    header_end: int | None = None

    @property
    def hidden(self) -> bool:
        return self.ref.state != "visible"

    @property
    def status_col(self) -> int | None:
        return self.layout.draft.roles.get("status") if self.layout is not None and self.header_end else None


class WorkbookReader:
    """Reads a workbook in two passes.

    1. :meth:`learn`: every sheet is parsed once; field sheets are told by their title and their
       header row is found; the workbook's lessons are gathered from all sheets and frozen into
       :class:`Lessons`.
    2. :meth:`run`: every field is laid out with those lessons, in tab order, and frozen at once
       (its grid dropped); then the Konzept sheet is read against the fields found.
    """

    def __init__(self, wb: parts.WorkbookParts, path: Path) -> None:
        self.wb = wb
        self.path = path

    # -- pass 1: the lessons -----------------------------------------------------------------
    def learn(self) -> tuple[Lessons, list[_Seen]]:
        wb = self.wb
        resolver = ColorResolver(Theme.from_xml(wb.theme_xml), wb.styles.indexed_colors)
        dxfs: list[Dxf] = []
        dxf_error: str | None = None
        if wb.styles.root is not None:
            try:
                dxfs = parse_dxfs(wb.styles.root, resolver)
            except Exception as exc:  # noqa: BLE001 - unreadable formats become findings at the cells
                dxf_error = f"Formate der bedingten Formatierung nicht lesbar ({type(exc).__name__})"
        seen: list[_Seen] = []
        konzept_found = False
        for sref in wb.sheets:
            if sref.part is None:
                seen.append(_Seen(sref, "ignoriert"))
                continue
            grid = self._grid(wb.sheet(sref), resolver, dxfs, dxf_error)
            if not konzept_found and norm(sref.name) in _KONZEPT_NAMES:
                konzept_found = True
                seen.append(_Seen(sref, "konzept", grid))
                continue
            title = find_title(grid, sref.name)
            if title is None:
                if template_sheet(grid):  # the template's own Anleitung: known, never named
                    kind = "vorlage"
                elif _LEGENDE_RE.search(sref.name) and norm(sref.name) not in _KONZEPT_NAMES:
                    kind = "legende"
                else:
                    kind = "ignoriert"
                seen.append(_Seen(sref, kind, grid))
                continue
            layout = FieldLayout(grid, sref.name, title)
            seen.append(_Seen(sref, "feld", grid, layout, layout.find_header()))

        anomalies: list[Anomaly] = []
        legends = [self._legend_lesson(s.grid, s.ref.name, anomalies)
                   for s in seen if s.kind == "legende" and s.grid is not None]
        lists: list[tuple[Lesson, str, str, int]] = []
        grids = {s.ref.name: s.grid for s in seen if s.grid is not None}
        letters: set[str] = set()
        for s in seen:
            col = s.status_col
            if s.grid is None or col is None or s.header_end is None:
                continue
            lists.extend(self._list_lessons(s.grid, col, s.header_end, s.ref.name, grids, anomalies))
            for r, row in s.grid.rows.items():
                v = row.get(col)
                if type(v) is str and len(v) < 8 and r > s.header_end and (letter := Words.letter(v)) is not None:
                    letters.add(letter)
        # a word two lessons teach differently is taught by neither, and named where it contradicts
        legend = merge(legends)
        legend_sheets = [s.ref.name for s in seen if s.kind == "legende"]
        for word, statuses, i in legend.conflicts:
            anomalies.append(Anomaly.of(WORD_CONFLICT, legend_sheets[i], None, None, word=word,
                                        statuses=" / ".join(status.label for status in statuses)))
        listed = merge([lesson for lesson, *_ in lists])
        for word, statuses, i in listed.conflicts:
            _, sheet, cell, at_row = lists[i]
            anomalies.append(Anomaly.of(WORD_CONFLICT, sheet, cell, at_row, word=word,
                                        statuses=" / ".join(status.label for status in statuses)))
        for s in seen:
            if s.kind not in ("feld", "konzept"):
                s.grid = None  # taught: nothing reads these sheets again
        words = Words.learned(legend.words, listed.words, letters)
        return Lessons(resolver, tuple(dxfs), dxf_error, words, tuple(anomalies)), seen

    def _grid(self, part: parts.SheetPart, resolver: ColorResolver, dxfs: list[Dxf], dxf_error: str | None) -> Grid:
        if part.bad_strings:
            r, c = part.bad_strings[0]
            raise _damaged(self.path, what=f"Zelle {col_letter(c)}{r} verweist auf einen Text, der in der Datei fehlt")
        cf = None
        cf_error = None
        if part.conditional or part.ext is not None:
            elements = list(part.conditional) + ([part.ext] if part.ext is not None else [])
            extent = (max(part.rows, default=1), max((max(r) for r in part.rows.values() if r), default=1))
            if dxf_error and part.conditional:
                cf_error = dxf_error
            else:
                try:
                    cf = ConditionalFormats.from_sheet(elements, dxfs, resolver, extent=extent)
                except Exception as exc:  # noqa: BLE001 - the whole sheet's formats are unreadable
                    cf_error = f"bedingte Formatierung des Blatts nicht lesbar ({type(exc).__name__})"
        g = Grid(part, self.wb, resolver, cf, cf_error)
        if cf is None and cf_error:
            g.cf_error_ranges = parts.cf_ranges(part)
        return g

    # -- pass 2: the fields ------------------------------------------------------------------
    def run(self, outside: list[Anomaly] | None = None) -> Konzept:
        """Read the workbook; ``outside`` are findings about the file itself (a lock file beside it)."""
        wb = self.wb
        lessons, seen = self.learn()
        status = StatusReader(lessons.words)
        sheets: list[SheetInfo] = []
        fields: list[tuple[Feld, bool]] = []  # each field as soon as its sheet is read, and whether hidden
        table_rows = 0
        not_fields: list[Anomaly] = []  # sheets whose heading merely mentions the fields
        for s in seen:
            sheets.append(SheetInfo(s.ref.name, s.kind if s.kind in ("feld", "konzept", "vorlage") else "ignoriert",
                                    s.hidden))
            if s.layout is None:
                continue
            layout = s.layout
            grid = layout.grid
            if s.header_end is None and (why := layout.not_a_field()) is not None:
                # a heading that merely mentions the fields (an overview, the clerk's own evaluation)
                title = layout.draft
                sheets[-1] = SheetInfo(s.ref.name, "ignoriert", s.hidden)
                not_fields.append(Anomaly.of(SHEET_NOT_A_FIELD, s.ref.name, title.title_cell, layout.title_row,
                                             text=title.title_text, why=why))
                s.grid = s.layout = None
                continue
            if s.ref.part is not None:  # (a field sheet always has its part)
                grid.drawn = read_drawings(wb, s.ref.part, lessons.resolver.theme, grid.part.pictures)
            layout.read_labels(layout.draft.header_row or (grid.max_row + 1))
            if s.header_end is not None:
                layout.read_table(s.header_end, status)
            draft = layout.draft
            draft.anomalies.extend(grid.uncached_anomalies(s.ref.name, _status_formulas(draft)))
            draft.anomalies.extend(grid.placed_anomalies(s.ref.name, draft.header_row,
                                                         (m.evidence.cell for m in draft.measures)))
            table_rows += draft.table_rows
            if table_rows > MAX_TABLE_ROWS:
                limit = f"{MAX_TABLE_ROWS:,}".replace(",", ".")
                raise ReadError(
                    f"„{self.path.name}“ hat mehr als {limit} Tabellenzeilen mit Inhalt – so groß ist kein "
                    f"Ampel-Master, daher wird die Datei nicht weiter gelesen. Bitte prüfen Sie, ob Sie die richtige "
                    f"Datei gewählt haben."
                )
            # frozen at once, and the sheet's grid and drafts dropped, so that a large master never
            # holds a read sheet's cells beside its model; the workbook-wide decision follows below
            fields.append((_freeze(draft), s.hidden))
            s.grid = s.layout = None
            del layout, draft, grid
        anomalies = [*(outside or ()), *lessons.anomalies, *not_fields]
        kept, sheets = _duplicates(fields, sheets, anomalies)

        # the one decision that needs every field: whether nothing is marked, so that every measure counts
        any_marked = any(m.marked for f in kept for m in _measures(f))  # of the fields kept, not of a dropped copy
        felder = tuple(_decide(f, any_marked) for f in kept)

        konzept_sheet = next((s for s in seen if s.kind == "konzept"), None)
        konzept = None
        if konzept_sheet is not None and konzept_sheet.grid is not None:
            # the structure table is found by what it holds: the names of the fields read from the sheets
            found = [FoundField(f.name, f.sheet, len(f.unterziele), sum(1 for _ in _measures(f))) for f in kept]
            konzept = read_konzept(konzept_sheet.grid, konzept_sheet.ref.name, found)
            konzept.anomalies.extend(konzept_sheet.grid.uncached_anomalies(konzept_sheet.ref.name))
            konzept_sheet.grid = None

        meta: dict[str, Any] = {}
        meta_rows = konzept.meta if konzept else []
        for key, value in meta_rows:
            meta.setdefault(norm(key), value)

        def meta_value(*keys: str) -> Any:
            for k in keys:
                if meta.get(k) not in (None, ""):
                    return meta[k]
            return None

        anomalies += konzept.anomalies if konzept else []
        return Konzept(
            source=str(self.path),
            felder=felder,
            titel=_str_or_none(meta_value(*META["titel"])),
            gebiet=_str_or_none(meta_value(*META["gebiet"])),
            stand=_parse_stand(meta_value(*META["stand"])),
            kopfzeile=_str_or_none(meta_value(*META["kopfzeile"])),
            amt=_str_or_none(meta_value(*META["amt"])),
            meta=tuple(meta_rows),
            meta_cells=tuple(konzept.meta_cells) if konzept else (),
            declared=konzept.declared if konzept else None,
            declared_total=konzept.total if konzept else None,
            konzept_sheet=konzept_sheet.ref.name if konzept_sheet is not None else None,
            sheets=tuple(sheets),
            any_marked=any_marked,
            modified=wb.modified,
            anomalies=tuple(anomalies),
        )

    # -- words the workbook teaches --------------------------------------------------------------
    @staticmethod
    def _legend_lesson(grid: Grid, sheet: str, anomalies: list[Anomaly]) -> Lesson:
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
        lesson = words_from_legend(rows)
        for conflict in lesson.conflicts:
            r, c = conflict.places[0] if conflict.places else (0, 0)
            at_row: int | None = None
            at_cols: list[int] = []
            if r < len(places):
                at_row, at_cols = places[r]
            cell = f"{col_letter(at_cols[c])}{at_row}" if at_row is not None and c < len(at_cols) else None
            anomalies.append(Anomaly.of(WORD_CONFLICT, sheet, cell, at_row, word=conflict.word,
                                        statuses=" / ".join(s.label for s in conflict.statuses)))
        return lesson

    def _list_entries(self, formula: str, grid: Grid, sheet: str, grids: dict[str, Grid]) -> list[str]:
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
        source = grid if name is None or name == sheet else grids.get(name)
        if source is None:
            return []
        out = []
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                t = text_of(source.value(r, c))
                if t:
                    out.append(t)
        return out

    def _list_lessons(self, grid: Grid, status_col: int, header_end: int, sheet: str, grids: dict[str, Grid],
                      anomalies: list[Anomaly]) -> list[tuple[Lesson, str, str, int]]:
        """What the drop-down lists of a status column teach: each with the sheet, cell and row it is placed at."""
        if grid.cf is None:
            return []
        lists = parts.list_validations(grid.part)
        if lists:
            # statistics of percent thresholds etc. from the real values, before any hypothetical one;
            # if they cannot be had, the rules are evaluated lazily, as for any cell
            with contextlib.suppress(Exception):
                grid.cf.prepare(grid.stored)
        out = []
        for ranges, entries in lists:
            rng = next((b for b in ranges if b.min_col <= status_col <= b.max_col and b.max_row > header_end), None)
            if rng is None:
                continue
            if isinstance(entries, str):
                entries = self._list_entries(entries, grid, sheet, grids)
                if not entries:
                    continue
            row = max(rng.min_row, header_end + 1)

            def colour(entry: str, _row: int = row, cf: ConditionalFormats = grid.cf) -> Status | None:
                def value_at(r: int, c: int) -> Any:
                    return entry if (r, c) == (_row, status_col) else grid.stored(r, c)

                try:
                    outcome = cf.evaluate(_row, status_col, value_at)
                except Exception:  # noqa: BLE001 - an entry without a readable colour teaches nothing
                    return None
                if outcome is None:
                    return None
                if outcome.fill:
                    hit = _CLASS_STATUS.get(classify(outcome.fill))
                    if hit is not None:
                        return hit
                return icon_status(outcome.icon) if outcome.icon is not None else None

            lesson = words_from_list(entries, colour)
            cell = f"{col_letter(status_col)}{row}"
            for conflict in lesson.conflicts:
                anomalies.append(Anomaly.of(WORD_CONFLICT, sheet, cell, row, word=conflict.word,
                                            statuses=" / ".join(s.label for s in conflict.statuses)))
            out.append((lesson, sheet, cell, row))
        return out


def _named_for(feld: Feld) -> bool:
    """The field's sheet is named for it (its tab, not a copy's "Sprache (2)")."""
    return field_key(feld.sheet) == field_key(feld.name)


# -- two sheets for one field --------------------------------------------------------------
def _duplicates(fields: list[tuple[Feld, bool]], sheets: list[SheetInfo],
                anomalies: list[Anomaly]) -> tuple[list[Feld], list[SheetInfo]]:
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
        # prefer the visible sheet, then the one whose tab names the field (not its copy "Sprache (2)"),
        # then the first one
        if (hidden, not _named_for(f), ) < (first[1], not _named_for(first[0])):
            kept[key] = (f, hidden)
            order[order.index(first[0])] = f
            keep, drop = f, first[0]
        else:
            keep, drop = first[0], f
        dropped.add(drop.sheet)
        anomalies.append(Anomaly.of(FIELD_DUPLICATE, drop.sheet, drop.title_cell, 0,
                                    keep=keep.sheet, drop=drop.sheet, name=keep.name))
    sheets = [SheetInfo(s.name, "ignoriert", s.hidden) if s.name in dropped else s for s in sheets]
    return order, sheets

_CLASS_STATUS = {ColorClass.GRUEN: Status.GRUEN, ColorClass.GELB: Status.GELB, ColorClass.ROT: Status.ROT}


# --------------------------------------------------------------------------------------------
# Freezing


def _freeze(d: SheetDraft) -> Feld:
    """The field of a sheet's draft, as if the workbook marks measures; :func:`_decide` settles
    that once every sheet is read."""
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
            extras=tuple(zip(extra_labels, m.extras, strict=True)) if extra_labels else (),
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


def _decide(feld: Feld, any_marked: bool) -> Feld:
    """The field with the workbook-wide decision applied: where no measure of the workbook is
    marked, every measure is in the evaluation (each measure is built again, the rare case)."""
    if any_marked:
        return feld

    def settle(m: Massnahme) -> Massnahme:
        return replace(m, in_auswertung=True)

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
