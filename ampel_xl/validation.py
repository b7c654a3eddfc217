"""Validation: model → findings. No I/O, no spreadsheet library.

Findings are values, not exceptions: each has a stable ``code``, a ``severity``
(``error``/``warning``/``info``, shown as Fehler/Warnung/Hinweis), the sheet and cell, a German
``message`` that names what was found and a ``hint`` how to fix it. Errors stop figures from
being written (unless forced); warnings never do. Every kind of finding, with its severity and
the templates of its message and hint, is in the registry :mod:`ampel_xl.findings` (the README's
table is generated from it); this module only decides *which* findings a master has.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import findings as F
from .display import report_html
from .findings import Finding, FindingType, Severity, codes_table_markdown  # noqa: F401  (re-exports)
from .model import Channel, Feld, Konzept, Massnahme, StatusEvidence, field_key
from .vocabulary import counts_text

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Report:
    """The findings of one master, ordered by sheet and row."""

    source: str
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def infos(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.INFO)

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        c = Counter(f.severity.value for f in self.findings)
        return {"error": c["error"], "warning": c["warning"], "info": c["info"]}

    def by_sheet(self) -> list[tuple[str, list[Finding]]]:
        groups: dict[str, list[Finding]] = {}
        for f in self.findings:
            groups.setdefault(f.sheet or "Arbeitsmappe", []).append(f)
        return list(groups.items())

    def codes(self) -> list[tuple[str | None, str | None, str]]:
        """``(sheet, cell, code)`` for every finding: handy in tests and notebooks."""
        return [(f.sheet, f.cell, f.code) for f in self.findings]

    def as_dict(self) -> dict[str, Any]:
        return {"findings": [f.as_dict() for f in self.findings], "counts": self.counts}

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [f.as_dict() for f in self.findings],
            columns=["code", "severity", "sheet", "cell", "message", "hint"],
        )

    def _repr_html_(self) -> str:
        return report_html(self)


# --------------------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.items: list[Finding] = []

    def add(self, kind: FindingType, sheet: str | None, cell: str | None, row: int | None, **params: Any) -> None:
        self.items.append(kind(sheet, cell, row, **params))


def validate(konzept: Konzept) -> Report:
    """Check a read master and return its :class:`Report` (:func:`ampel_xl.validate` also takes a path)."""
    out = _Collector()
    _check_workbook(konzept, out)
    for feld in konzept.felder:
        _check_feld(feld, out)
    _check_declared(konzept, out)
    _check_placeholders(konzept, out)
    order = {s.name: i for i, s in enumerate(konzept.sheets)}
    findings = sorted(
        out.items,
        key=lambda f: (
            -1 if f.sheet is None else order.get(f.sheet, len(order)),
            f.row or 0,
            _col_index(f.cell),
            f.severity.rank,
        ),
    )
    return Report(source=konzept.source, findings=tuple(findings))


def _col_index(cell: str | None) -> int:
    if not cell:
        return -1
    m = re.match(r"([A-Z]+)", cell)
    n = 0
    for ch in m.group(1) if m else "":
        n = n * 26 + ord(ch) - 64
    return n


def _n_massnahmen(f: Feld) -> int:
    """``len(f.massnahmen)`` without building and sorting the list."""
    return sum(len(u.massnahmen) for u in f.unterziele) + len(f.orphans)


def _check_workbook(k: Konzept, out: _Collector) -> None:
    if not k.felder:
        out.add(F.NO_FIELD_SHEETS, None, None, None)
    doubled = {a.sheet for a in k.anomalies if a.kind in (F.FIELD_DUPLICATE, F.SHEET_NOT_A_FIELD)}  # named already
    for a in k.anomalies:  # what the reader saw in the workbook as a whole (doubled fields, word lists, „Konzept“)
        out.items.append(a.finding())
    for s in k.sheets:  # (a sheet of the template itself, its Anleitung, is "vorlage": known, not named)
        if s.kind == "ignoriert" and s.name not in doubled:
            out.add(F.SHEET_IGNORED, s.name, None, 0)
    if k.konzept_sheet is None and k.felder:
        out.add(F.NO_KONZEPT_SHEET, None, None, None)
    if k.felder and any(_n_massnahmen(f) for f in k.felder) and not k.any_marked:
        out.add(F.NOTHING_MARKED, None, None, None)


def _check_feld(f: Feld, out: _Collector) -> None:
    sheet = f.sheet
    if not f.oberziel:
        out.add(F.MISSING_OBERZIEL, sheet, f.title_cell, 0, name=f.name)
    in_use = bool(_n_massnahmen(f))  # a fresh template's empty labels are there to be filled in
    for a in f.anomalies:
        if a.kind == F.LABEL_EMPTY and in_use:
            out.items.append(a.finding())
    if f.table is None:
        out.add(F.NO_TABLE, sheet, None, 0)
        return
    for a in f.anomalies:  # rows and cells of the table the reader could not place
        if a.kind != F.LABEL_EMPTY:
            out.items.append(a.finding())

    massnahmen = f.massnahmen  # a property that builds and sorts the list: once per field
    if not massnahmen:
        out.add(F.FIELD_EMPTY, sheet, None, 0, name=f.name)

    # Unterziele: numbering
    nrs = [u.nr for u in f.unterziele]
    seen: set[int] = set()
    for u in f.unterziele:
        if u.nr in seen:
            out.add(F.UNTERZIEL_DUPLICATE, sheet, u.cell, u.row, nr=u.nr, name=f.name)
        seen.add(u.nr)
        if u.evidence is not None and not u.evidence.empty:
            out.add(F.STATUS_ON_UNTERZIEL, sheet, u.evidence.cell, u.row, nr=u.nr,
                    what=_what(u.evidence))
        if massnahmen and not u.massnahmen:
            out.add(F.UNTERZIEL_EMPTY, sheet, u.cell, u.row, nr=u.nr, name=f.name)
    if nrs:
        present = ", ".join(map(str, sorted(set(nrs))))
        for missing in sorted(set(range(1, max(nrs) + 1)) - set(nrs)):
            out.add(F.UNTERZIEL_MISSING, sheet, None, 0, name=f.name, nr=missing, present=present)
        for prev, u in zip(f.unterziele, f.unterziele[1:], strict=False):  # pairs of neighbours
            if u.nr < prev.nr:
                out.add(F.UNTERZIEL_ORDER, sheet, u.cell, u.row, nr=u.nr, previous=prev.nr)

    # Maßnahmen
    ids: dict[str, Massnahme] = {}
    unreadable_rows = {a.row for a in f.anomalies if a.kind == F.UNTERZIEL_UNREADABLE}
    for m in massnahmen:
        cell_nr = m.nr_cell or m.text_cell
        if m.unterziel_nr is None and m.row not in unreadable_rows:
            out.add(F.MEASURE_WITHOUT_UNTERZIEL, sheet, m.text_cell, m.row, text=F.short(m.text))
        if not m.nr:
            out.add(F.MEASURE_WITHOUT_NUMBER, sheet, cell_nr, m.row, text=F.short(m.text))
        elif m.id in ids:
            out.add(F.MEASURE_DUPLICATE, sheet, cell_nr, m.row, nr=m.nr, name=f.name, first_row=ids[m.id].row)
        else:
            ids[m.id] = m
        if not m.text:
            out.add(F.MEASURE_WITHOUT_TEXT, sheet, m.text_cell, m.row, nr=m.nr or "?")
        if m.hidden:
            out.add(F.ROW_HIDDEN, sheet, f"{m.row}:{m.row}", m.row, nr=m.nr or "?")
        _check_status(f, m, out)


def _check_status(f: Feld, m: Massnahme, out: _Collector) -> None:
    """The findings of a measure's status cell: one loop over its channels. An unreadable channel
    gets its kind's finding (:data:`ampel_xl.findings.CHANNEL_KINDS`); two readable channels that
    disagree are an error naming both; no status at all is ``status-missing``."""
    ev = m.evidence
    sheet, cell, row = f.sheet, ev.cell, m.row
    label = F.measure_label(m.nr, m.row)
    status = ev.status
    explained = False
    missing = F.STATUS_MISSING
    for ch in ev.channels:
        kind = F.CHANNEL_KINDS[ch.kind]
        if kind.missing is not None:
            missing = kind.missing
        if ch.readable:
            continue
        unread = kind.unread.get(ch.case) or kind.unread.get("")
        if unread is None or (unread.only_missing and status is not None):
            continue
        explained = explained or unread.explains
        params = _params(ch, label)
        params["status"] = status.label if status is not None else None
        params["used"] = _used(ev)
        params["shown"] = unread.shown.format(**params)
        out.add(unread.finding(m.in_auswertung, status is not None), sheet, cell, row, **params)
    pair = ev.disagreeing
    if pair is not None:
        first, second = pair
        assert first.says is not None  # disagreeing() pairs only channels that name a status
        out.add(F.STATUS_CONFLICT, sheet, cell, row, label=label, second=F.capitalized(_says(second)),
                first=_says(first), status=first.says.label, channel=F.CHANNEL_KINDS[first.kind].name)
    if status is None and not explained:
        if m.in_auswertung:
            out.add(missing, sheet, cell or m.text_cell, row, label=label)
        else:
            out.add(F.STATUS_MISSING_UNMARKED, sheet, cell or m.text_cell, row, label=label)


def _params(ch: Channel, label: str = "") -> dict[str, Any]:
    """What the templates of a channel's findings and clauses may name (see :class:`~ampel_xl.findings.ChannelKind`)."""
    said = ch.says.label if ch.says is not None else ""
    return {
        "label": label, "raw": ch.raw, "name": ch.name or "", "text": F.short(ch.raw), "word": F.short(ch.raw, 30),
        "code": f"#{ch.colour}" if ch.colour else F.AUTOMATIC_FONT,
        "colour": f"{ch.name or F.UNNAMED_COLOUR} (#{ch.colour})" if ch.colour else F.NO_FILL,
        "farbe": said.casefold(), "alt": f" (Alternativtext „{F.short(ch.raw)}“)" if ch.raw else "",
        "named": "" if ch.raw.strip().casefold() == said.casefold() else f" ({said})",
    }


def _says(ch: Channel) -> str:
    """What one channel of the status cell says, as a clause: "der Text sagt „Rot“"."""
    assert ch.says is not None  # called for the channels of disagreeing() only
    return F.CHANNEL_KINDS[ch.kind].says.format(**_params(ch), status=ch.says.label)


def _used(ev: StatusEvidence) -> str:
    """The channel whose status is used, as ``status-blue`` names it ("der Text „Grün“")."""
    ch = next((c for c in ev.channels if c.says is not None and c.readable), None)
    return F.CHANNEL_KINDS[ch.kind].used.format(**_params(ch)) if ch is not None else ""


def _what(ev: StatusEvidence) -> str:
    """What an Unterziel row's status cell shows, for ``status-on-unterziel``: its text, else its colour."""
    if ev.text:
        return ev.text
    for ch in ev.channels:
        if ch.colour and ch.kind != "schriftfarbe":
            return f"{ch.name or F.UNNAMED_COLOUR} (#{ch.colour})"
    return F.NO_FILL


def _check_declared(k: Konzept, out: _Collector) -> None:
    if k.declared is None:
        return
    sheet = k.konzept_sheet
    felder_by_key: dict[str, Feld] = {}
    for f in k.felder:
        felder_by_key.setdefault(field_key(f.name), f)
        felder_by_key.setdefault(field_key(f.sheet), f)
    matched: set[str] = set()
    for d in k.declared:
        feld = felder_by_key.get(field_key(d.name))
        if feld is None:
            out.add(F.FIELD_MISSING, sheet, d.name_cell, d.row, name=d.name)
            continue
        matched.add(feld.sheet)
        n_uz, n_m = len(feld.unterziele), _n_massnahmen(feld)
        if d.unterziele is not None and d.unterziele != n_uz:
            out.add(F.COUNT_UNTERZIELE, feld.sheet, None, 0, name=feld.name, found=n_uz, konzept_row=d.row,
                    declared=d.unterziele)
        if d.massnahmen is not None and d.massnahmen != n_m:
            if n_m == 0:
                continue  # nothing entered yet (a fresh template): reported as field-empty
            out.add(F.COUNT_MASSNAHMEN, feld.sheet, None, 0, name=feld.name, found=n_m, konzept_row=d.row,
                    declared=d.massnahmen)
    for f in k.felder:
        if f.sheet not in matched:
            out.add(F.FIELD_UNDECLARED, f.sheet, f.title_cell, 0, name=f.name)
    t = k.declared_total
    if t is not None:
        found_uz = len(k.unterziele)
        found_m = sum(_n_massnahmen(f) for f in k.felder)
        if t.unterziele is not None and t.unterziele != found_uz:
            out.add(F.COUNT_TOTAL_UNTERZIELE, sheet, t.name_cell, t.row, found=found_uz, declared=t.unterziele)
        if t.massnahmen is not None and t.massnahmen != found_m and found_m:
            out.add(F.COUNT_TOTAL_MASSNAHMEN, sheet, t.name_cell, t.row, found=found_m, declared=t.massnahmen)


def _check_placeholders(k: Konzept, out: _Collector) -> None:
    """A placeholder of the template ("[Stichtag eintragen, …]") still in the master."""
    from .placeholders import find_placeholder

    def add(sheet: str | None, cell: str | None, row: int | None, what: str, value: object) -> None:
        placeholder = find_placeholder(value)
        if placeholder is None:
            return
        out.add(F.TEMPLATE_PLACEHOLDER, sheet, cell, row, what=what, placeholder=placeholder)

    cells = dict(k.meta_cells)
    for key, value in k.meta:
        cell = cells.get(key)
        add(k.konzept_sheet, cell, _row_of(cell), f"„{key}“ im Blatt „{k.konzept_sheet or 'Konzept'}“", value)
    for d in k.declared or ():
        add(k.konzept_sheet, d.name_cell, d.row, "Feldname in der Tabelle des Blatts „Konzept“", d.name)
    for f in k.felder:
        add(f.sheet, f.title_cell, _row_of(f.title_cell), "Titel des Feldes", f.title)
        add(f.sheet, f.oberziel_cell, _row_of(f.oberziel_cell), "Oberziel", f.oberziel)
        for label, text in (("Einleitung", f.einleitung), ("Sachstand", f.sachstand), ("Ausblick", f.ausblick),
                            ("Highlights", "\n".join(f.highlights))):
            add(f.sheet, None, 0, label, text)
        for u in f.unterziele:
            add(f.sheet, u.cell, u.row, f"Unterziel {u.nr}", u.text)
        for m in f.massnahmen:
            add(f.sheet, m.text_cell, m.row, f"Maßnahme Nr. {m.nr or '?'}", m.text)


def _row_of(cell: str | None) -> int | None:
    m = re.search(r"(\d+)$", cell or "")
    return int(m.group(1)) if m else None


def render_text(report: Report, color: bool = False) -> str:
    """The German report for the terminal, grouped by sheet, with counts per severity."""
    styles = {"error": ("\x1b[1;31m", "\x1b[0m"), "warning": ("\x1b[33m", "\x1b[0m"), "info": ("\x1b[36m", "\x1b[0m")}
    c = report.counts
    lines = [f"Prüfbericht für {os.path.basename(report.source)}"]
    lines.append(counts_text(c))
    for sheet, items in report.by_sheet():
        lines.append("")
        lines.append(f"{sheet}:")
        for f in items:
            tag = f.severity.label
            if color:
                on, off = styles[f.severity.value]
                tag = f"{on}{tag}{off}"
            where = f"{f.cell}: " if f.cell else ""
            lines.append(f"  {tag} {where}{f.message} [{f.code}]")
            if f.hint:
                lines.append(f"      → {f.hint}")
    if not report.findings:
        lines.append("")
        lines.append("Keine Auffälligkeiten.")
    return "\n".join(lines)
