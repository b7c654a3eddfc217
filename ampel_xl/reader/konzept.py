"""Stage 5, the Konzept sheet: key/value rows and the table of the expected structure.

The table's header is found by its labels with synonyms ("Anzahl Unterziele", "Soll",
"Soll-Anzahl Maßnahmen"); a sheet that looks like it holds such a table but whose table cannot
be read is an anomaly (``konzept-unreadable``), never a silent skip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..findings import KONZEPT_HEADER_UNREADABLE, KONZEPT_NUMBER_UNREADABLE
from ..model import Anomaly, DeclaredFeld
from .grid import Grid, ref, text_of
from .layout import header_key, norm


def konzept_role(label: str) -> str | None:
    key = header_key(label)
    if not key:
        return None
    if re.search(r"unterziel|^uz$|^anzahl uz$", key):
        return "unterziele"
    if re.search(r"ma(ß|ss)nahme", key) and not re.search(r"^(handlungsfeld|feld)", key):
        return "massnahmen"
    if re.fullmatch(r"(feld|handlungsfeld|querschnittsthema|bezeichnung|name|thema|oberziel|"
                    r"handlungsfeld/querschnittsthema|handlungsfelder|felder|"
                    r"handlungsfeld bzw\. querschnittsthema)", key):
        return "feld"
    if re.fullmatch(r"(art|typ|kategorie|feldart|art des feldes)", key):
        return "art"
    if re.fullmatch(r"(soll|anzahl|soll-anzahl|soll anzahl|sollwert|soll-wert)", key):
        return "soll"
    return None


_TOTAL = ("gesamt", "summe", "insgesamt", "total", "integrationskonzept gesamt")


@dataclass
class KonzeptDraft:
    meta: list[tuple[str, Any]] = field(default_factory=list)
    meta_cells: list[tuple[str, str]] = field(default_factory=list)
    """(key, A1 cell of its value) for every key/value row."""
    declared: tuple[DeclaredFeld, ...] | None = None
    total: DeclaredFeld | None = None
    anomalies: list[Anomaly] = field(default_factory=list)


def int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    t = text_of(value)
    if t.isdigit():
        return int(t)
    # a count under a format with a unit ("0 \"Maßnahmen\"" shows "12 Maßnahmen") is the number a person reads
    m = re.fullmatch(r"(\d+)\s*[^\W\d_][^\d]*", t)
    return int(m.group(1)) if m else None


def read_konzept(grid: Grid, sheet: str) -> KonzeptDraft:
    out = KonzeptDraft()
    header: dict[str, int] | None = None
    declared: list[DeclaredFeld] = []
    header_like: int | None = None
    for idx in sorted(grid.rows):
        row = grid.rows[idx]
        values = {c: value for c, value in row.items() if value is not None}
        if not values:
            continue
        if header is None:
            roles: dict[str, int] = {}
            for c, v in sorted(values.items()):
                if isinstance(v, str):
                    role = konzept_role(v)
                    if role:
                        roles.setdefault(role, c)
            if "soll" in roles and "massnahmen" not in roles:
                roles["massnahmen"] = roles.pop("soll")
            roles.pop("soll", None)
            if "feld" in roles and ("unterziele" in roles or "massnahmen" in roles):
                header = roles
                continue
            if (len(roles) >= 2 or len(values) >= 3) and header_like is None:
                header_like = idx
            cols = sorted(values)
            key = values[cols[0]]
            if isinstance(key, str) and len(cols) >= 2:
                out.meta.append((key.strip().rstrip(":"), values[cols[1]]))
                out.meta_cells.append((key.strip().rstrip(":"), ref(cols[1], idx)))
            continue
        name = text_of(values.get(header["feld"]))
        if not name:
            continue
        counts = {}
        for role in ("unterziele", "massnahmen"):
            col = header.get(role)
            raw = values.get(col) if col is not None else None
            counts[role] = int_or_none(raw)
            if col is not None and raw is not None and counts[role] is None and norm(name) not in _TOTAL:
                out.anomalies.append(Anomaly.of(KONZEPT_NUMBER_UNREADABLE, sheet, ref(col, idx), idx,
                                                name=name, value=text_of(raw)))
        entry = DeclaredFeld(
            name=name,
            art=text_of(values.get(header.get("art", -1))) or None,
            unterziele=counts["unterziele"],
            massnahmen=counts["massnahmen"],
            row=idx,
        )
        if norm(name) in _TOTAL:
            out.total = entry
        else:
            declared.append(entry)
    if header is not None:
        out.declared = tuple(declared)
    elif header_like is not None:
        out.anomalies.append(Anomaly.of(KONZEPT_HEADER_UNREADABLE, sheet, f"A{header_like}", header_like))
    return out
