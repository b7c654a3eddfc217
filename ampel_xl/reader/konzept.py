"""Stage 5, the Konzept sheet: key/value rows and the table of the expected structure.

The table is found by what it holds, the way a colleague finds it: a column whose entries name the
fields found on the sheets (full names such as "Handlungsfeld 1: Sprache" or the short tab names),
number columns beside it about Unterziele and Maßnahmen, maybe a Σ/Summe row. Which number column
counts what is told by its header in any wording ("UZ", "Anzahl Unterziele", "Ziele", "Soll",
"Maßn.", …) or, where the header does not say, by which column's numbers fit which of the counts
found on the sheets (a row deleted by accident leaves the other rows fitting). A sheet without field
sheets to compare with is read by its header labels alone. The rows above the table are key/value
rows (Titel, Gebiet, Stand, Kopfzeile).

A sheet that holds a table whose counts cannot be told apart is an anomaly
(``konzept-unreadable``), never a silent skip; so is a count that is no number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

from ..findings import KONZEPT_HEADER_UNREADABLE, KONZEPT_NUMBER_UNREADABLE
from ..model import Anomaly, DeclaredFeld, field_key
from .grid import Grid, ref, text_of
from .layout import header_key, norm

#: A label, a field's name or a key is never longer than this; a longer text is content, not compared.
NAME_MAX = 300


def konzept_role(label: str) -> str | None:
    """The role a header label of the structure table names, in the wordings offices use."""
    if len(label) > NAME_MAX:
        return None
    key = header_key(label)
    if not key:
        return None
    if re.fullmatch(r"(lfd\.? ?)?(nr|nummer|no|#)\.?|jahr|seite|stand|bemerkungen?|anmerkungen?|hinweise?", key):
        return "other"
    counts = re.fullmatch(r"(soll|anzahl)([ -]?(anzahl|wert|zahl))?|sollwert", key) is not None
    if re.search(r"unterziel|\buz\b|(^|[^a-zäöüß])ziele?\b|teilziel", key) and not re.search(r"oberziel", key):
        return "unterziele"
    if re.search(r"ma(ß|ss)n|\bm\b|\bmn\b", key) and not re.search(r"^(handlungsfeld|feld)", key):
        return "massnahmen"
    if re.fullmatch(r"(feld|handlungsfeld|querschnittsthema|bezeichnung|name|thema|oberziel|"
                    r"handlungsfeld/querschnittsthema|handlungsfelder|felder|themenfeld|bereich|"
                    r"handlungsfeld bzw\. querschnittsthema|handlungsfelder/querschnittsthemen|"
                    r"(handlungs|themen)?feld(name|bezeichnung)?)", key):
        return "feld"
    if re.fullmatch(r"(art|typ|kategorie|feldart|art des feldes|hf/qt|hf ?/ ?qt)", key):
        return "art"
    if counts:
        return "soll"
    return None


_TOTAL_RE = re.compile(r"^\s*(σ|∑|summe|gesamt|insgesamt|total|zusammen|integrationskonzept gesamt)(\b|\s|$|:)",
                       re.I)
_ART_RE = re.compile(r"^\s*(handlungsfeld|querschnitt|hf|qt)\b", re.I)


def is_total(text: str) -> bool:
    """A Σ/Summe/Gesamt row of the structure table (no field)."""
    return bool(text) and _TOTAL_RE.match(text[:NAME_MAX]) is not None


@dataclass
class KonzeptDraft:
    meta: list[tuple[str, Any]] = field(default_factory=list)
    meta_cells: list[tuple[str, str]] = field(default_factory=list)
    """(key, A1 cell of its value) for every key/value row."""
    declared: tuple[DeclaredFeld, ...] | None = None
    total: DeclaredFeld | None = None
    anomalies: list[Anomaly] = field(default_factory=list)


@dataclass(frozen=True)
class FoundField:
    """A field as read from its sheet, for finding and checking the structure table."""

    name: str
    sheet: str
    unterziele: int
    massnahmen: int


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    t = text_of(value)
    if t.isdigit():
        return int(t) if len(t) <= 9 else None
    # a count under a format with a unit ("0 \"Maßnahmen\"" shows "12 Maßnahmen") is the number a person reads
    m = re.fullmatch(r"(\d{1,9})\s*[^\W\d_][^\d]*", t)
    return int(m.group(1)) if m else None


def _name_key(value: Any) -> str | None:
    """The key of a cell that could name a field (a short text), else None."""
    if not isinstance(value, str) or not value.strip() or len(value) > NAME_MAX:
        return None
    return field_key(value) or None


def read_konzept(grid: Grid, sheet: str, fields: Sequence[FoundField] = ()) -> KonzeptDraft:
    """The Konzept sheet's key/value rows and its structure table, compared with the ``fields`` found
    on the field sheets."""
    rows: dict[int, dict[int, Any]] = {}
    for idx in sorted(grid.rows):
        values = {c: v for c, v in grid.rows[idx].items()
                  if v is not None and not (isinstance(v, str) and not v.strip())}
        if values:
            rows[idx] = values
    out = KonzeptDraft()
    table = _Table.find(rows, fields)
    if table is None:
        _meta(out, rows, None, set())
        looks_like = next((idx for idx, values in rows.items()
                           if len(values) >= 3 or sum(1 for v in values.values()
                                                      if isinstance(v, str) and konzept_role(v)) >= 2), None)
        if looks_like is not None:
            out.anomalies.append(Anomaly.of(KONZEPT_HEADER_UNREADABLE, sheet, ref(min(rows[looks_like]), looks_like),
                                            looks_like))
        return out
    _meta(out, rows, table.top, set(table.rows) | ({table.header} if table.header is not None else set()))
    if table.uz is None and table.m is None:
        at = table.header if table.header is not None else table.top
        out.anomalies.append(Anomaly.of(KONZEPT_HEADER_UNREADABLE, sheet, ref(table.col, at), at))
        return out
    declared: list[DeclaredFeld] = []
    for idx in table.rows:
        values = rows[idx]
        name = text_of(values.get(table.col))
        total = is_total(name) or (not name and any(isinstance(v, str) and is_total(v) for v in values.values()))
        counts: dict[str, int | None] = {}
        for role, col in (("unterziele", table.uz), ("massnahmen", table.m)):
            raw = values.get(col) if col is not None else None
            counts[role] = int_or_none(raw)
            if col is not None and raw is not None and counts[role] is None and not total:
                out.anomalies.append(Anomaly.of(KONZEPT_NUMBER_UNREADABLE, sheet, ref(col, idx), idx,
                                                name=name, value=text_of(raw)[:NAME_MAX]))
        entry = DeclaredFeld(
            name=name or "Summe",
            art=text_of(values.get(table.art)) or None if table.art is not None else None,
            unterziele=counts["unterziele"],
            massnahmen=counts["massnahmen"],
            row=idx,
            cell=ref(table.col, idx),
        )
        if total:
            out.total = entry
        else:
            declared.append(entry)
    out.declared = tuple(declared)
    return out


#: The keys of the key/value rows, each with the words offices use for it.
META = {
    "titel": ("titel", "title", "konzept", "name"),
    "gebiet": ("gebiet", "landkreis", "kommune", "kreis"),
    "stand": ("stand", "stichtag", "datum"),
    "kopfzeile": ("kopfzeile", "kopfzeile für ausdrucke", "kopfzeile (ausdruck)"),
    "amt": ("amt", "dienststelle", "referat", "stelle", "herausgeber"),
}
META_KEYS = frozenset(k for keys in META.values() for k in keys)


def _meta(out: KonzeptDraft, rows: dict[int, dict[int, Any]], top: int | None, table: set[int]) -> None:
    """The key/value rows: the first text of a row above the table (of every row when there is none,
    and of a row below it that names a key) and the cell beside it."""
    for idx, values in rows.items():
        if idx in table:
            continue
        if top is not None and idx >= top:
            first = values[min(values)]
            if not (isinstance(first, str) and norm(first) in META_KEYS):
                continue
        cols = sorted(values)
        key = values[cols[0]]
        if isinstance(key, str) and len(cols) >= 2:
            name = key.strip().rstrip(":").strip()
            out.meta.append((name, values[cols[1]]))
            out.meta_cells.append((name, ref(cols[1], idx)))


@dataclass
class _Table:
    col: int
    """The column that names the fields."""
    header: int | None
    top: int
    """The first row of the table (its header, or its first field row)."""
    rows: list[int]
    """The field rows and the Σ row."""
    uz: int | None = None
    m: int | None = None
    art: int | None = None

    @classmethod
    def find(cls, rows: dict[int, dict[int, Any]], fields: Sequence[FoundField]) -> _Table | None:
        keys: dict[str, int] = {}
        for i, f in enumerate(fields):
            for key in (field_key(f.name), field_key(f.sheet)):
                if key:
                    keys.setdefault(key, i)
        # the column whose entries name the most fields found on the sheets
        named: dict[int, dict[int, int]] = {}  # column → field index → first row
        for idx, values in rows.items():
            for c, v in values.items():
                k = _name_key(v)
                if k is not None and k in keys:
                    named.setdefault(c, {}).setdefault(keys[k], idx)
        header: int | None = None
        labels: dict[int, str] = {}
        if named:
            col = max(named, key=lambda c: (len(named[c]), -c))
            first = min(named[col].values())
            above = [idx for idx in rows if idx < first]
            if above:
                cand = above[-1]
                said = {konzept_role(v) for v in rows[cand].values() if isinstance(v, str)}
                if len(rows[cand]) >= 2 and all(isinstance(v, str) for v in rows[cand].values()) \
                        and said & {"feld", "unterziele", "massnahmen", "soll", "art"}:
                    header = cand
        else:
            # nothing to compare with (no field sheet, or none the table names): the header's labels
            for idx, values in rows.items():
                roles = {c: r for c, v in values.items() if isinstance(v, str) and (r := konzept_role(v))}
                if "feld" in roles.values() and ({"unterziele", "massnahmen", "soll"} & set(roles.values())):
                    header = idx
                    col = next(c for c, r in sorted(roles.items()) if r == "feld")
                    break
            else:
                return None
            first = header + 1
        if header is not None:
            labels = {c: v for c, v in rows[header].items() if isinstance(v, str)}
        body = [idx for idx in rows if idx >= first and (header is None or idx > header)]
        table_rows = []
        for idx in body:
            values = rows[idx]
            name = values.get(col)
            nk = _name_key(name)
            known = nk is not None and nk in keys
            numbers = any(int_or_none(v) is not None for c, v in values.items() if c != col)
            total = (isinstance(name, str) and is_total(name)) or (
                name is None and numbers and any(isinstance(v, str) and is_total(v) for v in values.values()))
            if not known and not total and isinstance(name, str) and norm(name) in META_KEYS:
                continue  # a key/value row below the table ("Stand | 30.06.2025"): no field
            if known or total or (isinstance(name, str) and name.strip() and (numbers or len(values) >= 2)):
                table_rows.append(idx)
        table = cls(col, header, header if header is not None else first, table_rows)
        table._roles(rows, labels, fields, keys)
        return table

    def _roles(self, rows: dict[int, dict[int, Any]], labels: dict[int, str], fields: Sequence[FoundField],
               keys: dict[str, int]) -> None:
        by_label: dict[str, int] = {}
        for c in sorted(labels):
            if c == self.col:
                continue
            role = konzept_role(labels[c])
            if role is not None:
                by_label.setdefault(role, c)
        if "soll" in by_label and "massnahmen" not in by_label:
            by_label["massnahmen"] = by_label["soll"]
        self.art = by_label.get("art")
        self.uz = by_label.get("unterziele")
        self.m = by_label.get("massnahmen")
        field_rows = [idx for idx in self.rows if not is_total(text_of(rows[idx].get(self.col)))]
        if self.art is None:
            for c in sorted({c for idx in field_rows for c in rows[idx]} - {self.col}):
                texts = [rows[idx].get(c) for idx in field_rows]
                if texts and sum(1 for t in texts if isinstance(t, str) and _ART_RE.match(t[:NAME_MAX])) \
                        * 2 > len(texts):
                    self.art = c
                    break
        if self.uz is not None and self.m is not None:
            return
        # the number columns no label claims, beside the field column, fitted to the counts found
        taken = {c for c in (self.col, self.art, self.uz, self.m, *by_label.values()) if c is not None}
        candidates = []
        for c in sorted({c for idx in field_rows for c in rows[idx]} - taken):
            if c < self.col or (c in labels and konzept_role(labels[c]) == "other"):
                continue
            numbers = [int_or_none(rows[idx].get(c)) for idx in field_rows]
            if sum(n is not None for n in numbers) * 2 >= len(field_rows) > 0:
                candidates.append(c)
        if not candidates:
            return
        found: dict[int, FoundField] = {}
        for idx in field_rows:
            k = _name_key(rows[idx].get(self.col))
            if k is not None and k in keys:
                found[idx] = fields[keys[k]]

        def fit(c: int, what: str) -> int:
            return sum(1 for idx, f in found.items() if int_or_none(rows[idx].get(c)) == getattr(f, what))

        need = [r for r, have in (("unterziele", self.uz), ("massnahmen", self.m)) if have is None]
        if len(need) == 2 and len(candidates) >= 2:
            # both counts unlabelled: the pair of columns that fits best
            best, best_score = None, 0
            for cu, cm in permutations(candidates, 2):
                su, sm = fit(cu, "unterziele"), fit(cm, "massnahmen")
                if _fits(su, len(found)) and _fits(sm, len(found)) and su + sm > best_score:
                    best, best_score = (cu, cm), su + sm
            if best is not None:
                self.uz, self.m = best
                return
        for what in need:
            # one count at a time: the column that fits it best (the other may fit none: every row changed)
            free = [c for c in candidates if c not in (self.uz, self.m)]
            scored = [(fit(c, what), -c) for c in free]
            if scored and _fits(max(scored)[0], len(found)):
                c = -max(scored)[1]
                if what == "unterziele":
                    self.uz = c
                else:
                    self.m = c


def _fits(score: int, rows: int) -> bool:
    """A column fits a count where at least two rows, and at least half of the rows that name a
    found field, agree with it (one small number agreeing may be chance)."""
    return score >= 2 and score * 2 >= rows
