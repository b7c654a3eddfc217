"""Number formats: the text a cell shows for what it stores, and the colour of the section used.

A clerk can make a cell holding 1, 2 or 3 show "Grün", "Gelb" or "Rot" (``[=1]"Grün";[=2]"Gelb";"Rot"``),
or a green or red ● (``[Color10]"●";[Red]"●"``). What a person reads is the displayed text, so the
grid renders every stored value through its number format here:

* sections ``positive;negative;zero;text`` (one section: every number, negatives with a minus; two:
  the second for negatives, without a minus of its own), and conditional sections (``[=1]…``,
  ``[<3]…``, ``[>=10]…``: the first two carry a condition, the last one takes the rest);
* literal text in quotes, escaped with a backslash, ``_x`` (a space as wide as x), ``*x`` (fill: shows
  nothing, the cell width is unknown), ``[$€-407]`` (a currency symbol), and other plain characters;
* ``@`` (the text), ``General``, digit placeholders ``0 # ?``, the decimal point, the thousands
  separator ``,`` (and trailing commas that scale by 1,000), percent, scientific ``E+00``;
* colour tokens: ``[Red]``, ``[Rot]``, ``[Color10]``, ``[Farbe10]``, given as Excel's palette index
  (``[ColorN]`` is palette entry N + 7; the grid resolves it with the workbook's own palette).

Dates and times are converted by the parts stage (their formats are recognised there); a date
value is shown as TT.MM.JJJJ. A fraction format (``# ?/?``) shows the number as "General" does.

German Excel displays a decimal comma and a thousands dot: those are the defaults. Everything here
is pure and costs time linear in the length of the format code (each format is compiled once).
"""

from __future__ import annotations

import datetime as _dt
import decimal
import functools
import math
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = ["BUILTIN_FORMATS", "NumberFormat", "Rendered", "compile_format", "render", "general"]

#: The built-in number formats (``numFmtId`` without a ``numFmt`` element), as German Excel shows
#: them (ECMA-376 Part 1, 18.8.30; the currency formats 5–8 and 41–44 are those of the German locale).
BUILTIN_FORMATS: dict[int, str] = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '#,##0 "€";-#,##0 "€"', 6: '#,##0 "€";[Red]-#,##0 "€"',
    7: '#,##0.00 "€";-#,##0.00 "€"', 8: '#,##0.00 "€";[Red]-#,##0.00 "€"',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "dd.mm.yyyy", 15: "dd. mmm yy", 16: "dd. mmm", 17: "mmm yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM",
    20: "hh:mm", 21: "hh:mm:ss", 22: "dd.mm.yyyy hh:mm",
    37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
    41: '_-* #,##0 _€_-;-* #,##0 _€_-;_-* "-" _€_-;_-@_-',
    42: '_-* #,##0 "€"_-;-* #,##0 "€"_-;_-* "-" "€"_-;_-@_-',
    43: '_-* #,##0.00 _€_-;-* #,##0.00 _€_-;_-* "-"?? _€_-;_-@_-',
    44: '_-* #,##0.00 "€"_-;-* #,##0.00 "€"_-;_-* "-"?? "€"_-;_-@_-',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mm:ss.0", 48: "##0.0E+0", 49: "@",
}

#: Colour names of a format section → Excel's palette index (English as stored, German as typed).
_COLOUR_NAMES = {
    "black": 8, "schwarz": 8, "white": 9, "weiß": 9, "weiss": 9, "red": 10, "rot": 10,
    "green": 11, "grün": 11, "gruen": 11, "blue": 12, "blau": 12, "yellow": 13, "gelb": 13,
    "magenta": 14, "cyan": 15, "zyan": 15,
}
_COLOUR_N = re.compile(r"(?:color|farbe)\s*(\d{1,2})", re.I)
_CONDITION = re.compile(r"(<=|>=|<>|=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_ELAPSED = re.compile(r"(?:h+|m+|s+)", re.I)
_OPS = {
    "=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}

# token kinds
_LIT, _DIGIT, _POINT, _COMMA, _PERCENT, _EXP, _TEXT, _GENERAL, _DATE = range(9)


class _Token(NamedTuple):
    kind: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class _Section:
    tokens: tuple[_Token, ...]
    color: int | None
    condition: tuple[str, float] | None
    is_date: bool
    has_text: bool
    shows_number: bool
    """Digit placeholders or General: the number itself appears."""
    literal: bool
    """Literal text beyond spaces, or nothing of the value at all: what shows is not just the value."""
    layout: _Layout | None = None
    """Where the number goes (None for a section with an exponent)."""


class _Layout(NamedTuple):
    """The placeholders of a number section, worked out once when the format is compiled."""

    point: int | None
    """Index of the decimal point's token."""
    int_idx: tuple[int, ...]
    frac_idx: tuple[int, ...]
    grouping: bool
    scale: int
    """Commas right after the last placeholder: each divides by 1,000."""
    percent: int


def _layout(tokens: list[_Token]) -> _Layout | None:
    if any(t.kind == _EXP for t in tokens):
        return None
    # where the integer placeholders end: the decimal point, else after the last placeholder
    point = next((k for k, t in enumerate(tokens) if t.kind == _POINT), None)
    int_end = point if point is not None else len(tokens)
    int_idx = tuple(k for k in range(int_end) if tokens[k].kind == _DIGIT)
    frac_idx = tuple(k for k in range(int_end, len(tokens)) if tokens[k].kind == _DIGIT)
    scale = percent = 0
    grouping = False
    last_int = int_idx[-1] if int_idx else -1
    last_frac = frac_idx[-1] if frac_idx else -1
    for k, t in enumerate(tokens):
        if t.kind == _PERCENT:
            percent += 1
        elif t.kind == _COMMA:
            if int_idx and int_idx[0] < k < last_int:
                grouping = True
            elif (int_idx and k > last_int and (point is None or k < point)) or (frac_idx and k > last_frac):
                scale += 1
    # grouping inserts separators into one run of placeholders (none with literals between them)
    grouping = grouping and all(tokens[k].kind in (_DIGIT, _COMMA) for k in range(int_idx[0], last_int + 1))
    return _Layout(point, int_idx, frac_idx, grouping, scale, percent)


class Rendered(NamedTuple):
    """A value as displayed: its ``text``, the palette ``color`` of the section used (None without a
    colour token), and ``literal``: the text is more than the value written as a number (a word, a
    symbol, a unit, or nothing at all where the section hides the value)."""

    text: str
    color: int | None = None
    literal: bool = False


def _sections(code: str) -> list[tuple[list[_Token], int | None, tuple[str, float] | None, bool]]:
    """Split and tokenise ``code`` in one pass: per section its tokens, colour, condition, and whether
    it holds date or time codes."""
    out: list[tuple[list[_Token], int | None, tuple[str, float] | None, bool]] = []
    tokens: list[_Token] = []
    color: int | None = None
    condition: tuple[str, float] | None = None
    is_date = False
    n = len(code)
    i = 0
    closing = True  # whether a "]" may still follow (once none does, "[" is a literal: linear)
    lower = code.lower()
    while i < n:
        ch = code[i]
        if ch == '"':
            j = code.find('"', i + 1)
            end = n if j < 0 else j
            if end > i + 1:
                tokens.append(_Token(_LIT, code[i + 1:end]))
            i = end + 1
        elif ch == "\\":
            if i + 1 < n:
                tokens.append(_Token(_LIT, code[i + 1]))
            i += 2
        elif ch == "_":
            tokens.append(_Token(_LIT, " "))
            i += 2
        elif ch == "*":
            i += 2
        elif ch == "[":
            j = code.find("]", i + 1) if closing else -1
            if j < 0:
                closing = False
                tokens.append(_Token(_LIT, "["))
                i += 1
                continue
            inner = code[i + 1:j].strip()
            key = inner.casefold()
            m_colour = _COLOUR_N.fullmatch(inner)
            m_cond = _CONDITION.fullmatch(inner)
            if key in _COLOUR_NAMES:
                color = _COLOUR_NAMES[key]
            elif m_colour:
                k = int(m_colour.group(1))
                if 1 <= k <= 56:
                    color = k + 7
            elif m_cond:
                condition = (m_cond.group(1), float(m_cond.group(2)))
            elif inner.startswith("$"):
                symbol = inner[1:].split("-", 1)[0]
                if symbol:
                    tokens.append(_Token(_LIT, symbol))
            elif _ELAPSED.fullmatch(inner):
                is_date = True
                tokens.append(_Token(_DATE, inner))
            i = j + 1  # other brackets ([DBNum1], [NatNum1], …) change no text that matters here
        elif ch == ";":
            out.append((tokens, color, condition, is_date))
            tokens, color, condition, is_date = [], None, None, False
            i += 1
        elif ch in "0#?":
            tokens.append(_Token(_DIGIT, ch))
            i += 1
        elif ch == ".":
            tokens.append(_Token(_POINT))
            i += 1
        elif ch == ",":
            tokens.append(_Token(_COMMA))
            i += 1
        elif ch == "%":
            tokens.append(_Token(_PERCENT))
            i += 1
        elif ch == "@":
            tokens.append(_Token(_TEXT))
            i += 1
        elif ch in "eE" and i + 1 < n and code[i + 1] in "+-":
            tokens.append(_Token(_EXP, code[i + 1]))
            i += 2
        elif lower.startswith("general", i):
            tokens.append(_Token(_GENERAL))
            i += 7
        elif lower.startswith("standard", i):  # "General" as German Excel names it
            tokens.append(_Token(_GENERAL))
            i += 8
        elif lower.startswith("am/pm", i):
            is_date = True
            tokens.append(_Token(_DATE, code[i:i + 5]))
            i += 5
        elif lower.startswith("a/p", i):
            is_date = True
            tokens.append(_Token(_DATE, code[i:i + 3]))
            i += 3
        elif ch in "dDmMyYhHsS":
            is_date = True
            tokens.append(_Token(_DATE, ch))
            i += 1
        else:
            tokens.append(_Token(_LIT, ch))
            i += 1
    out.append((tokens, color, condition, is_date))
    return out


def _section(tokens: list[_Token], color: int | None, condition: tuple[str, float] | None,
             is_date: bool) -> _Section:
    kinds = {t.kind for t in tokens}
    shows_number = _DIGIT in kinds or _GENERAL in kinds
    has_text = _TEXT in kinds
    literal = any(t.kind == _LIT and not t.text.isspace() for t in tokens) or not (shows_number or has_text)
    return _Section(tuple(tokens), color, condition, is_date, has_text, shows_number, literal, _layout(tokens))


class NumberFormat:
    """A compiled number format (see :func:`compile_format`)."""

    __slots__ = ("code", "colored", "conditional", "is_date", "numeric", "text", "textual", "textual_numbers",
                 "textual_text")

    def __init__(self, code: str) -> None:
        self.code = code
        sections = [_section(*s) for s in _sections(code)]
        text: _Section | None = None
        if len(sections) >= 4:
            text, sections = sections[3], sections[:3]
        elif len(sections) > 1 and sections[-1].has_text:
            text, sections = sections[-1], sections[:-1]
        elif len(sections) == 1 and sections[0].has_text:
            text, sections = sections[0], []
        self.numeric: tuple[_Section, ...] = tuple(sections)
        """The sections for numbers (empty: numbers show as General)."""
        self.text = text
        """The section for text (None: text shows as it is)."""
        self.conditional = any(s.condition is not None for s in sections)
        every = sections + ([text] if text is not None else [])
        self.colored = any(s.color is not None for s in every)
        """A section has a colour token: the font colour depends on the value."""
        self.is_date = bool(sections) and sections[0].is_date
        self.textual_numbers = any(s.literal and not s.is_date for s in sections)
        """Some number shows as more than itself (a word, a symbol, a unit) or is hidden."""
        self.textual_text = text is not None and text.literal
        """Text shows with literals around it, or is hidden."""
        self.textual = self.textual_numbers or self.textual_text
        """Some value shows as more than itself (a word, a symbol, a unit) or is hidden."""

    # -- choosing the section ------------------------------------------------------------------
    def _pick(self, x: float) -> tuple[_Section | None, bool]:
        """The section for number ``x`` and whether the minus sign is shown (a section of its own
        for negatives shows none). (None, True): no section fits; the number shows as General."""
        secs = self.numeric
        if not secs:
            return None, True
        if self.conditional:
            for s in secs:
                if s.condition is None:
                    return s, True  # the section for every other number
                op, bound = s.condition
                if _OPS[op](x, bound):
                    # a section for negatives ("[<0]", "[<=-1]") shows no minus of its own
                    return s, not (op in ("<", "<=") and bound <= 0)
            return None, True
        if len(secs) == 1 or x > 0 or (x == 0 and len(secs) == 2):
            return secs[0], True
        if x < 0:
            return secs[1], False
        return secs[2], True

    # -- rendering -------------------------------------------------------------------------------
    def render(self, value: Any, decimal_sep: str = ",", thousands_sep: str = ".") -> Rendered:
        """``value`` (number, text, bool, date or None) as this format displays it."""
        if value is None:
            return Rendered("")
        if isinstance(value, bool):
            return Rendered("WAHR" if value else "FALSCH")
        if isinstance(value, (_dt.date, _dt.time)):
            return Rendered(_date_text(value))
        if isinstance(value, (int, float)):
            try:
                x = float(value)
            except OverflowError:  # an integer beyond any float: Excel cannot hold it either
                return Rendered("#ZAHL!")
            if not math.isfinite(x):
                return Rendered("#ZAHL!")
            sec, signed = self._pick(x)
            if sec is None:
                return Rendered(general(value, decimal_sep))
            if sec.is_date:
                return Rendered(general(value, decimal_sep), sec.color)
            body = _number(sec, abs(x), value if isinstance(value, int) else None, decimal_sep, thousands_sep)
            if x < 0 and signed:
                body = "-" + body
            return Rendered(body, sec.color, sec.literal)
        text = str(value)
        sec = self.text
        if sec is None:
            return Rendered(text)
        out = []
        for t in sec.tokens:
            if t.kind == _TEXT:
                out.append(text)
            elif t.kind == _LIT:
                out.append(t.text)
        return Rendered("".join(out), sec.color, sec.literal)


@functools.lru_cache(maxsize=2048)
def compile_format(code: str) -> NumberFormat:
    """The compiled format of ``code`` (cached: a workbook has a few dozen formats)."""
    return NumberFormat(code)


def render(value: Any, code: str | None, *, decimal_sep: str = ",", thousands_sep: str = ".") -> Rendered:
    """The text Excel displays for ``value`` under format ``code`` (None or "" is General), with the
    palette index of the section's colour (see :class:`Rendered`). Never raises."""
    if not code:
        code = "General"
    return compile_format(code).render(value, decimal_sep, thousands_sep)


# --------------------------------------------------------------------------------------------
# Numbers


def _date_text(value: _dt.date | _dt.time) -> str:
    if isinstance(value, _dt.datetime):
        return value.strftime("%d.%m.%Y") if value.time() == _dt.time(0) else value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, _dt.date):
        return value.strftime("%d.%m.%Y")
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def general(value: int | float, decimal_sep: str = ",") -> str:
    """A number as Excel's "General" (Standard) shows it: integers whole, at most 11 characters,
    very large or small numbers in scientific notation."""
    x = float(value)
    if not math.isfinite(x):
        return "#ZAHL!"
    if isinstance(value, int) and abs(value) < 10**11:
        return str(value)
    ax = abs(x)
    if ax == 0:
        return "0"
    if ax >= 1e11 or ax < 1e-9:
        mantissa, _, exp = f"{ax:.5E}".partition("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        e = int(exp)
        text = f"{mantissa}E{'+' if e >= 0 else '-'}{abs(e):02d}"
    elif x.is_integer():
        text = str(int(ax))
    else:
        digits = len(str(int(ax)))
        text = f"{ax:.{max(0, 10 - digits)}f}".rstrip("0").rstrip(".")
        if text in ("", "0") and ax:
            text = f"{ax:.5E}"
    if x < 0:
        text = "-" + text
    return text.replace(".", decimal_sep)


def _digits(x: float, exact: int | None, places: int) -> tuple[str, str]:
    """Integer and fraction digits of ``x`` ≥ 0 rounded half away from zero to ``places`` decimals
    (Excel rounds the decimal value it shows: 2.675 → 2.68)."""
    if exact is not None and places == 0:
        return str(abs(exact)), ""
    d = decimal.Decimal(repr(x))
    width = max(1, d.adjusted() + 1) + places + 2
    ctx = decimal.Context(prec=width, rounding=decimal.ROUND_HALF_UP, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    q = d.quantize(decimal.Decimal(1).scaleb(-places, ctx), context=ctx)
    text = f"{q:f}"
    whole, _, frac = text.partition(".")
    return whole.lstrip("-"), frac.ljust(places, "0")


def _number(sec: _Section, x: float, exact: int | None, decimal_sep: str, thousands_sep: str) -> str:
    """The tokens of a number section with ``x`` ≥ 0 filled in (the sign is the caller's)."""
    tokens = sec.tokens
    layout = sec.layout
    if layout is None:
        return _scientific(tokens, x, decimal_sep)
    point, int_idx, frac_idx, grouping, scale, percent = layout
    if percent or scale:
        exact = None
        x = x * 100.0**percent / 1000.0**scale
        if not math.isfinite(x):
            return "#ZAHL!"
    whole, frac = _digits(x, exact, len(frac_idx))
    if whole == "0":
        whole = ""
    # integer digits fill the placeholders from the right; the leftmost takes what is left
    fill: dict[int, str] = {}
    rest = whole
    for pos, k in enumerate(reversed(int_idx)):
        if not rest:
            fill[k] = {"0": "0", "?": " "}.get(tokens[k].text, "")
        elif pos == len(int_idx) - 1:
            fill[k], rest = rest, ""
        else:
            fill[k], rest = rest[-1], rest[:-1]
    if grouping:
        run = "".join(fill[k] for k in int_idx)
        digits = run.lstrip(" ")
        pad = run[:len(run) - len(digits)]
        groups = []
        while len(digits) > 3:
            groups.append(digits[-3:])
            digits = digits[:-3]
        grouped = thousands_sep.join([digits, *reversed(groups)]) if digits else thousands_sep.join(reversed(groups))
        for k in int_idx:
            fill[k] = ""
        fill[int_idx[0]] = pad + grouped
    # fraction digits fill from the left; trailing zeros drop under "#" and blank under "?"
    chars = list(frac)
    for j in range(len(frac_idx) - 1, -1, -1):
        if chars[j] != "0" or tokens[frac_idx[j]].text == "0":
            break
        chars[j] = "" if tokens[frac_idx[j]].text == "#" else " "
    for j, k in enumerate(frac_idx):
        fill[k] = chars[j]
    out: list[str] = []
    general_done = False
    for k, t in enumerate(tokens):
        kind = t.kind
        if kind == _DIGIT:
            out.append(fill[k])
        elif kind == _LIT:
            out.append(t.text)
        elif kind == _POINT:
            out.append(decimal_sep if k == point else "")
        elif kind == _PERCENT:
            out.append("%")
        elif kind == _GENERAL and not general_done:
            general_done = True
            out.append(general(x if exact is None else exact, decimal_sep).lstrip("-"))
        elif kind == _TEXT:
            out.append(general(x if exact is None else exact, decimal_sep).lstrip("-"))
    return "".join(out)


def _scientific(tokens: tuple[_Token, ...], x: float, decimal_sep: str) -> str:
    """A section with an exponent (``0.00E+00``, ``##0.0E+0``)."""
    e_at = next(k for k, t in enumerate(tokens) if t.kind == _EXP)
    mant, exp_tokens = tokens[:e_at], tokens[e_at + 1:]
    point = next((k for k, t in enumerate(mant) if t.kind == _POINT), len(mant))
    n_int = sum(1 for t in mant[:point] if t.kind == _DIGIT) or 1
    n_frac = sum(1 for t in mant[point:] if t.kind == _DIGIT)
    exp = 0
    if x:
        exp = math.floor(math.log10(x))
        exp = exp - (exp % n_int) if n_int > 1 else exp
    m = x / 10.0**exp if x else 0.0
    whole, frac = _digits(m, None, n_frac)
    if len(whole) > n_int and x:  # 9.999 rounded to 10.00: one more in the exponent
        exp += n_int if n_int > 1 else 1
        whole, frac = _digits(x / 10.0**exp, None, n_frac)
    mantissa = whole + (decimal_sep + frac if n_frac else "")
    n_exp = sum(1 for t in exp_tokens if t.kind == _DIGIT) or 1
    sign = "-" if exp < 0 else ("+" if tokens[e_at].text == "+" else "")
    lead = "".join(t.text for k, t in enumerate(mant) if t.kind == _LIT and k < point)
    tail = "".join(t.text for t in exp_tokens if t.kind == _LIT)
    return f"{lead}{mantissa}E{sign}{str(abs(exp)).zfill(n_exp)}{tail}"
