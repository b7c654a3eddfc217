"""Cell-level helpers of the output workbooks: sheet names, text, row heights, plurals.

Spreadsheet programs do not grow rows for wrapped text reliably (LibreOffice keeps the default
height, merged cells never grow), so every row with wrapped text gets a height from
:func:`wrapped_lines`, the one row-height estimate of the package.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

_ILLEGAL_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_EXCEL_MAX_STRING = 32767

# Row heights (points) used to reserve space for charts and to size merged text cells.
ROW_PT = 15.0
PX_PER_PT = 4 / 3


def sheet_name(name: str, taken: set[str]) -> str:
    """A legal, unique Excel sheet name for ``name``; records it (lower-cased) in ``taken``.

    Excel allows at most 31 characters, none of ``[ ] : * ? / \\``, no leading or trailing
    apostrophe, not the reserved name "History", and compares names case-insensitively.
    """
    clean = _ILLEGAL_SHEET_CHARS.sub("-", str(name))
    clean = re.sub(r"\s+", " ", clean).strip().strip("'").strip()
    if not clean:
        clean = "Feld"
    if clean.lower() == "history":
        clean = f"{clean} (Feld)"
    clean = clean[:31].rstrip().rstrip("'")
    candidate, n = clean, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate = clean[: 31 - len(suffix)].rstrip().rstrip("'") + suffix
        n += 1
    taken.add(candidate.lower())
    return candidate


def clip(text: Any) -> str:
    s = "" if text is None else str(text)
    if len(s) > _EXCEL_MAX_STRING:
        s = s[: _EXCEL_MAX_STRING - 1] + "…"
    return s


def wrapped_lines(text: str, width_chars: float, *, chars_per_line: float | None = None) -> int:
    """Estimated number of lines of ``text`` wrapped in a cell ``width_chars`` wide.

    Spreadsheet programs do not grow rows for wrapped text reliably (LibreOffice keeps the
    default height, merged cells never grow), so every row with wrapped text gets a height
    from this estimate. The outputs wrap by words (Calibri 11: about 1.1 characters per unit of
    column width). The master template counts characters instead: with ``chars_per_line`` each
    paragraph takes ``ceil(len / chars_per_line)`` lines (at least one), a generous estimate for
    cells that staff will edit (``width_chars`` is then ignored).
    """
    if chars_per_line is not None:
        return sum(max(1, math.ceil(len(para) / chars_per_line)) for para in str(text).split("\n"))
    capacity = max(4.0, width_chars * 1.15 - 1)
    if len(text) <= capacity and "\n" not in text:
        return 1
    total = 0
    for para in str(text).split("\n"):
        line: float = 0
        n = 1
        for word in para.split():
            w = len(word)
            if line and line + 1 + w > capacity:
                n += 1
                line = 0
            if line == 0:
                # a word longer than the line breaks over several lines
                extra = int(w // capacity) if w > capacity else 0
                n += extra
                line = w - extra * capacity
            else:
                line += 1 + w
        total += n
    return max(1, total)


def row_height(text: Any, width_chars: float = 0.0, *, chars_per_line: float | None = None,
               line_pt: float = ROW_PT, padding: float = 3, min_lines: int = 1) -> float:
    """Height (points) of a row whose cell shows ``text`` wrapped: the estimated lines
    (:func:`wrapped_lines`, at least ``min_lines``) of ``line_pt`` each, plus ``padding``."""
    s = "" if text is None else str(text)
    lines = max(min_lines, wrapped_lines(s, width_chars, chars_per_line=chars_per_line)) if s else min_lines
    return lines * line_pt + padding


def fit_row(ws, row: int, cells: Iterable[tuple[Any, float]], *, min_lines: int = 1, line_pt: float = ROW_PT) -> None:
    """Give ``row`` the height its wrapped ``(text, width)`` cells need (never below one line)."""
    height = max([row_height(t, w, line_pt=line_pt, min_lines=min_lines) for t, w in cells if t]
                 or [row_height("", line_pt=line_pt, min_lines=min_lines)])
    if height > line_pt + 3:
        ws.set_row(row, height)


def fit_width(texts: Iterable[Any], minimum: float, maximum: float = 70.0) -> float:
    """A column width (in characters) that shows the longest of ``texts`` on one line, within
    ``minimum`` and ``maximum`` (a longer text wraps, and its row is made tall enough)."""
    longest = max((len(str(t)) for t in texts if not missing(t)), default=0)
    return float(min(maximum, max(minimum, math.ceil(longest * 1.05) + 2)))



def missing(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def is_int_text(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{1,9}", value.strip()))


