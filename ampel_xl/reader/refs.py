"""A1 references and cell ranges: the reader's one parser of ``B12``, ``A1:C3``, ``D:D`` and ``2:5``.

A range is a :class:`CellRange` (first row, first column, last row, last column), 1-based and
inclusive, always in that order and with its corners sorted; a single cell is a range of one, a
whole column runs to row 1,048,576, a whole row to column 16,384. ``$`` marks (absolute
references) are read and ignored. Everything that reads a reference (merged cells, the ranges of
conditional formatting and data validation, a drop-down list's source with its sheet name, a
formula's cell reference) goes through here.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "MAX_ROW", "MAX_COL", "CellRange", "COLUMNS", "column_index", "parse_cell", "parse_range", "parse_sqref",
    "split_sheet_ref",
]

MAX_ROW = 1_048_576
MAX_COL = 16_384

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COL_RE = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROW_RE = re.compile(r"^\$?(\d+)$")


class CellRange(NamedTuple):
    """A rectangle of cells, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def covers(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col

    @property
    def size(self) -> int:
        """The number of cells."""
        return (self.max_row - self.min_row + 1) * (self.max_col - self.min_col + 1)


COLUMNS: dict[str, int] = {}
"""Every column name :func:`column_index` has read (as written, ``$`` and case kept) → its column:
the sheet parser looks a cell's letters up here first, inline."""


def column_index(letters: str) -> int:
    """``"B"`` → 2, ``"$AA"`` → 27 (cached: the sheet parser asks for every cell)."""
    col = COLUMNS.get(letters)
    if col is None:
        name = letters.replace("$", "").upper()
        if not name or not (name.isascii() and name.isalpha() and len(name) <= 3):
            raise ValueError(f"invalid cell reference {letters!r}")
        col = 0
        for ch in name:
            col = col * 26 + ord(ch) - 64
        COLUMNS[letters] = col
    return col


def parse_cell(text: str) -> tuple[int, int]:
    """``"B12"`` → (row 12, col 2); ValueError for anything else."""
    m = _CELL_RE.match(text.strip())
    if not m:
        raise ValueError(f"invalid cell reference {text!r}")
    return int(m.group(2)), column_index(m.group(1))


def parse_range(text: str) -> CellRange:
    """``"A1:C3"``, ``"B2"``, ``"D:D"`` or ``"2:5"`` as a :class:`CellRange`; ValueError for anything else."""
    parts = text.strip().split(":")
    if len(parts) == 1:
        row, col = parse_cell(parts[0])
        return CellRange(row, col, row, col)
    if len(parts) != 2:
        raise ValueError(f"invalid range {text!r}")
    a, b = parts
    ca, cb = _CELL_RE.match(a), _CELL_RE.match(b)
    if ca and cb:
        r1, c1 = int(ca.group(2)), column_index(ca.group(1))
        r2, c2 = int(cb.group(2)), column_index(cb.group(1))
    elif (la := _COL_RE.match(a)) and (lb := _COL_RE.match(b)):
        c1, c2 = column_index(la.group(1)), column_index(lb.group(1))
        r1, r2 = 1, MAX_ROW
    elif (na := _ROW_RE.match(a)) and (nb := _ROW_RE.match(b)):
        r1, r2 = int(na.group(1)), int(nb.group(1))
        c1, c2 = 1, MAX_COL
    else:
        raise ValueError(f"invalid range {text!r}")
    return CellRange(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def parse_sqref(text: str | None) -> tuple[CellRange, ...] | None:
    """The ranges of an ``sqref`` (``"A1:B3 D5"``); None when it is empty or any part is unreadable."""
    if not text or not text.strip():
        return None
    ranges = []
    for part in text.replace(",", " ").split():
        try:
            ranges.append(parse_range(part))
        except ValueError:
            return None
    return tuple(ranges)


_SHEET_REF_RE = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$")


def split_sheet_ref(formula: str) -> tuple[str | None, str]:
    """``"'Listen neu'!$A$1:$A$3"`` → ("Listen neu", "$A$1:$A$3"); without a sheet (None, ref)."""
    m = _SHEET_REF_RE.match(formula.strip())
    if not m:
        return None, formula.strip()
    name = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return name, m.group(3)
