"""A1 references and cell ranges: the reader's one parser of ``B12``, ``A1:C3``, ``D:D`` and ``2:5``.

A range is a :class:`CellRange` (first row, first column, last row, last column), 1-based and
inclusive; a single cell is a range of one, a whole column runs to row 1,048,576, a whole row to
column 16,384. ``$`` marks (absolute references) are read and ignored.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ROW", "MAX_COL", "Range", "column_index", "parse_range", "parse_sqref"]

MAX_ROW = 1_048_576
MAX_COL = 16_384

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_COL_RE = re.compile(r"^\$?([A-Za-z]{1,3})$")
_ROW_RE = re.compile(r"^\$?(\d+)$")


def column_index(letters: str) -> int:
    value = 0
    for ch in letters.upper():
        value = value * 26 + (ord(ch) - 64)
    return value


Range = tuple[int, int, int, int]  # min_row, min_col, max_row, max_col


def parse_range(text: str) -> Range | None:
    parts = text.strip().split(":")
    if len(parts) == 1:
        m = _CELL_RE.match(parts[0])
        if not m:
            return None
        row, col = int(m.group(2)), column_index(m.group(1))
        return (row, col, row, col)
    if len(parts) != 2:
        return None
    a, b = parts
    ma, mb = _CELL_RE.match(a), _CELL_RE.match(b)
    if ma and mb:
        r1, c1 = int(ma.group(2)), column_index(ma.group(1))
        r2, c2 = int(mb.group(2)), column_index(mb.group(1))
    elif _COL_RE.match(a) and _COL_RE.match(b):
        c1, c2 = column_index(_COL_RE.match(a).group(1)), column_index(_COL_RE.match(b).group(1))  # type: ignore[union-attr]
        r1, r2 = 1, MAX_ROW
    elif _ROW_RE.match(a) and _ROW_RE.match(b):
        r1, r2 = int(_ROW_RE.match(a).group(1)), int(_ROW_RE.match(b).group(1))  # type: ignore[union-attr]
        c1, c2 = 1, MAX_COL
    else:
        return None
    return (min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))


def parse_sqref(text: str | None) -> tuple[Range, ...] | None:
    if not text or not text.strip():
        return None
    ranges = []
    for part in text.replace(",", " ").split():
        parsed = parse_range(part)
        if parsed is None:
            return None
        ranges.append(parsed)
    return tuple(ranges)

