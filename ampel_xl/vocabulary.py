"""Every word and every colour of a status, in one place.

What a status *is* and how it *looks*: the :class:`Status` itself, its German label and meaning
(the Ampelsystem-Legende), its chart colour and its light table fill, the "ohne Bewertung" entry for
counted measures without a status, and the blue marking of measures in the evaluation. Every writer
(summary, Ampeldokument, charts, comparison, history, notebook display, master template) takes its
labels and colours from here.

What a status cell *says*: :class:`Vocabulary` reads the text of a status cell
(:meth:`Vocabulary.read`), with the built-in words below plus the words a workbook teaches through
its Legende sheet (:func:`words_from_legend`) or the status column's drop-down list
(:func:`words_from_list`); :func:`read_flag` reads an "In Auswertung" cell.

Pure: no I/O, no spreadsheet library, no import from the rest of the package.
:mod:`ampel_xl.model` imports :class:`Status` and the palette from here and re-exports them, so
``from ampel_xl.model import Status, STATUS_COLORS`` keeps working and no import cycle arises
(the model depends on the vocabulary, never the other way round).

Built-in words (any case and spacing; ä/ö/ü also written ae/oe/ue or a/o/u):

========  ===========================================================================================
Status    Words
========  ===========================================================================================
Grün      Grün, gruen, green, 🟢; umgesetzt, abgeschlossen, erledigt, realisiert, durchgeführt, fertig
Gelb      Gelb, yellow, amber, orange, 🟡, 🟠; in Umsetzung, in Arbeit, in Planung, in Bearbeitung,
          in Vorbereitung, laufend, begonnen, teilweise umgesetzt
Rot       Rot, red, 🔴; offen, noch offen, nicht begonnen, noch nicht begonnen, nicht umgesetzt,
          noch nicht umgesetzt, nicht verfolgt, nicht weiterverfolgt, zurückgestellt, entfallen
========  ===========================================================================================

Short forms count only as the whole cell: ``Y`` is Gelb, ``R`` is Rot. A lone ``G`` can mean Grün or
Gelb; it reads as Grün only in a workbook that also uses ``Y`` (the English G/Y/R scheme, see
:meth:`Vocabulary.for_letters`), otherwise it is ambiguous.

A cell that begins with a status word and goes on ("Grün (verzögert)", "gelb – Finanzierung offen",
"in Arbeit seit 03/2024") is that status; the rest is returned as the addition. Words inside the
addition never count ("offen" in "gelb – Finanzierung offen" does not make it Rot), and a word
counts only as a whole word ("nicht umgesetzt" is Rot, never "umgesetzt"; "Rotation" is nothing).
A status word followed only by question marks ("offen?", "Grün (?)") names no status: the writer
was unsure, and a guess would be a silent misreading.
"""

from __future__ import annotations

import enum
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

__all__ = [
    "BLUE_LABEL",
    "BLUE_MARK",
    "BLUE_MEANING",
    "BUILTIN",
    "COLOUR_WORDS",
    "FLAG_MARK",
    "LEGEND",
    "LIST",
    "Lesson",
    "Look",
    "LOOKS",
    "NO_STATUS",
    "NO_STATUS_MEASURE",
    "NO_STATUS_SHORT",
    "OFFICE_WORDS",
    "STATUS_CHOICE",
    "STATUS_COLORS",
    "STATUS_EDGES",
    "STATUS_FILLS",
    "STATUS_LABELS",
    "STATUS_MEANINGS",
    "STATUS_ORDER",
    "Status",
    "Vocabulary",
    "WordConflict",
    "WordReading",
    "look",
    "read_flag",
    "status_key",
    "words_from_legend",
    "words_from_list",
]


# --------------------------------------------------------------------------------------------
# What a status is and how it looks


class Status(str, enum.Enum):
    """The traffic light of a Maßnahme. The value is the export spelling and the palette key."""

    GRUEN = "gruen"
    GELB = "gelb"
    ROT = "rot"

    @property
    def label(self) -> str:
        """German word shown to staff ("Grün")."""
        return LOOKS[self.value].label

    @property
    def meaning(self) -> str:
        """The Ampelsystem-Legende's meaning of this status."""
        return LOOKS[self.value].meaning

    @property
    def color(self) -> str:
        """Chart colour (``"#RRGGBB"``), also the fill of a status cell in a master."""
        return LOOKS[self.value].color

    @property
    def fill(self) -> str:
        """Light fill of a table cell that shows this status (black text stays readable)."""
        return LOOKS[self.value].fill

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.label


STATUS_ORDER: tuple[Status, ...] = (Status.GRUEN, Status.GELB, Status.ROT)

#: Palette key of a counted measure without a status ("ohne Bewertung").
NO_STATUS = "ohne"


@dataclass(frozen=True)
class Look:
    """Label, meaning and colours of one status (or of "ohne Bewertung")."""

    key: str
    """``gruen``, ``gelb``, ``rot`` (the :class:`Status` value) or ``ohne``."""
    label: str
    """German label of a count or legend row: "Grün", "ohne Bewertung"."""
    meaning: str
    """The legend's sentence."""
    color: str
    """Chart colour (bars, donuts, lines) and strong cell fill."""
    edge: str
    """A darker tone of ``color``: outlines and hatching in charts (stays apart in grey print)."""
    fill: str
    """Light fill of a table cell, with black text on top."""


#: Everything a status looks like, in drawing order: the three statuses, then "ohne Bewertung".
LOOKS: dict[str, Look] = {
    look.key: look
    for look in (
        Look("gruen", "Grün", "Die Maßnahme ist realisiert oder hat stattgefunden.",
             color="#00B050", edge="#006B30", fill="#C6EFCE"),
        Look("gelb", "Gelb",
             "Die Maßnahme ist in der Planungs- oder Realisierungsphase und wird derzeit be- bzw. überarbeitet.",
             color="#FFC000", edge="#9A7400", fill="#FFEB9C"),
        Look("rot", "Rot", "Die Maßnahme wurde (noch) nicht weiterverfolgt.",
             color="#FF0000", edge="#9E0000", fill="#FFC7CE"),
        Look(NO_STATUS, "ohne Bewertung", "Die Maßnahme ist in der Auswertung, hat im Master aber keinen Status.",
             color="#BFBFBF", edge="#7F7F7F", fill="#F2F2F2"),
    )
}

#: Short column head for "ohne Bewertung" where space is tight (notebook tables).
NO_STATUS_SHORT = "ohne"
#: One measure without a status (a cell in a list of measures or changes).
NO_STATUS_MEASURE = "ohne Status"

#: Palette key → label / colour / edge / fill (keys ``gruen``, ``gelb``, ``rot``, ``ohne``).
STATUS_LABELS: dict[str, str] = {k: v.label for k, v in LOOKS.items()}
STATUS_COLORS: dict[str, str] = {k: v.color for k, v in LOOKS.items()}
STATUS_EDGES: dict[str, str] = {k: v.edge for k, v in LOOKS.items()}
STATUS_FILLS: dict[str, str] = {k: v.fill for k, v in LOOKS.items()}
STATUS_MEANINGS: dict[Status, str] = {s: LOOKS[s.value].meaning for s in STATUS_ORDER}

#: "Grün, Gelb oder Rot": the allowed values in a sentence.
STATUS_CHOICE = ", ".join(s.label for s in STATUS_ORDER[:-1]) + " oder " + STATUS_ORDER[-1].label

#: Blue marking of measures in the evaluation: fill, legend label and legend sentence.
BLUE_MARK = "#BDD7EE"
BLUE_LABEL = "Blau"
BLUE_MEANING = "Blau hinterlegte Maßnahmen sind in die Auswertung eingeflossen."

#: The mark the master template offers in its "In Auswertung" drop-down.
FLAG_MARK = "x"

#: The title the master template writes into A1 of its first sheet "Anleitung". The reader knows a
#: sheet by it as the template's own (never reported), whatever its tab is called now; a sheet a
#: clerk named "Anleitung" with other content is a sheet like any other (named in a Hinweis).
ANLEITUNG_TITLE = "Anleitung: So pflegen Sie den Ampel-Master"


def status_key(status: Status | str | None) -> str:
    """Palette key of a status: its value, or ``"ohne"`` for none."""
    if status is None or status == "":
        return NO_STATUS
    return Status(status).value


def look(status: Status | str | None) -> Look:
    """The :class:`Look` of a status, a palette key, or None ("ohne Bewertung")."""
    if isinstance(status, str) and status in LOOKS:
        return LOOKS[status]
    return LOOKS[status_key(status)]


# --------------------------------------------------------------------------------------------
# What a status cell says

#: Source of a built-in word.
BUILTIN = "eingebaut"
#: Source of a word taught by the workbook's Legende sheet.
LEGEND = "Legende"
#: Source of a word taught by the status column's drop-down list.
LIST = "Auswahlliste"

#: Names of the colours (and the coloured-circle symbols): the words that *are* the status.
COLOUR_WORDS: dict[Status, tuple[str, ...]] = {
    Status.GRUEN: ("Grün", "green", "🟢"),  # gruen, grun: see _spellings
    Status.GELB: ("Gelb", "yellow", "amber", "orange", "🟡", "🟠"),
    Status.ROT: ("Rot", "red", "🔴"),
}
#: Status words offices use instead of a colour.
OFFICE_WORDS: dict[Status, tuple[str, ...]] = {
    Status.GRUEN: ("umgesetzt", "abgeschlossen", "erledigt", "realisiert", "durchgeführt", "fertig"),
    Status.GELB: ("in Umsetzung", "in Arbeit", "in Planung", "in Bearbeitung", "in Vorbereitung", "laufend",
                  "begonnen", "teilweise umgesetzt"),
    Status.ROT: ("offen", "noch offen", "nicht begonnen", "noch nicht begonnen", "nicht umgesetzt",
                 "noch nicht umgesetzt", "nicht verfolgt", "nicht weiterverfolgt", "zurückgestellt", "entfallen"),
}
#: One-letter short forms that are unambiguous as a whole cell.
_LETTERS: dict[str, Status] = {"y": Status.GELB, "r": Status.ROT}
#: The one letter that is ambiguous (Grün or Gelb), and what it means in a G/Y/R workbook.
_LETTER_G, _LETTER_Y = "g", "y"

#: Variation selector, zero-width space and joiner, soft hyphen: invisible, and dropped.
_INVISIBLE = ("\ufe0f", "\u200b", "\u200d", "\u00ad")
#: Characters that separate a status word from its addition (and are not part of the addition).
_SEPARATORS = " \t-–—:;,./|\\+"
_UMLAUTS = (("ä", "ae", "a"), ("ö", "oe", "o"), ("ü", "ue", "u"))
#: A token of a status text: a run of word characters, or one other visible character.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _prepare(text: str) -> str:
    """Composed characters, no invisible marks, single spaces (any Unicode space), stripped; case kept."""
    text = str(text)
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        for mark in _INVISIBLE:
            if mark in text:
                text = text.replace(mark, "")
    return " ".join(text.split())


def _key(text: str) -> str:
    """The lookup key of a word: prepared and case-folded."""
    return _prepare(text).casefold()


def _spellings(word: str) -> set[str]:
    """A word's key and its spellings without umlauts ("grün" → grün, gruen, grun)."""
    out = {_key(word)}
    for umlaut, digraph, plain in _UMLAUTS:
        out |= {w.replace(umlaut, digraph) for w in out} | {w.replace(umlaut, plain) for w in out}
    return out


#: Every spelling of a colour name (case-folded, without spaces) → its status.
_COLOUR_KEYS: dict[str, Status] = {
    spelling.replace(" ", ""): status
    for status, entries in COLOUR_WORDS.items() for word in entries for spelling in _spellings(word)
}


def _unwrap(text: str) -> str:
    """The addition without its separators and one pair of enclosing brackets."""
    text = text.strip(_SEPARATORS)
    pairs = {"(": ")", "[": "]", "{": "}", "„": "“", '"': '"'}
    if len(text) >= 2 and pairs.get(text[0]) == text[-1] and text.count(text[0]) == 1 + (text[0] == '"'):
        text = text[1:-1].strip(_SEPARATORS)
    return text


@dataclass(frozen=True)
class WordReading:
    """What the text of a status cell says."""

    status: Status | None
    """The status the text names, or None."""
    ambiguous: bool = False
    """The text can mean more than one status (a lone "G" outside a G/Y/R workbook)."""
    addition: str | None = None
    """What follows a leading status word ("verzögert" in "Grün (verzögert)"), as written."""
    source: str | None = None
    """Where the word that decided comes from: :data:`BUILTIN`, :data:`LEGEND`, :data:`LIST` (or the
    source given to :meth:`Vocabulary.taught`); None when no status was read."""
    addition_status: Status | None = None
    """The addition is itself the name of another colour ("Grün/Gelb", "🟢 Rot"): the text names two
    statuses and the reader should say so at the cell."""


_NOTHING = WordReading(None)
_AMBIGUOUS = WordReading(None, ambiguous=True)


class Vocabulary:
    """The words that name a status, and where each comes from.

    Immutable: :meth:`taught` and :meth:`for_letters` return new vocabularies. Build the built-in
    one with :meth:`builtin`; a reader teaches it the workbook's own words, then reads every status
    cell with :meth:`read`.
    """

    _builtin: Vocabulary | None = None

    def __init__(self, taught: Mapping[str, tuple[Status, str]] | None = None, *,
                 letter_g: Status | None = None) -> None:
        self._taught: dict[str, tuple[Status, str]] = dict(taught or {})
        self._letter_g = letter_g
        words: dict[str, tuple[Status, str]] = {}
        for table in (COLOUR_WORDS, OFFICE_WORDS):
            for status, entries in table.items():
                for word in entries:
                    for spelling in _spellings(word):
                        words[spelling] = (status, BUILTIN)
        words.update(self._taught)  # taught words win over built-in ones
        self._words = words
        self._compact = {k.replace(" ", ""): v for k, v in words.items()}
        for k, v in self._taught.items():  # a taught word's compact form wins too
            self._compact[k.replace(" ", "")] = v
        self._most_tokens = max(len(_TOKEN.findall(k)) for k in words)
        self._heads = {m.group() for k in words if (m := _TOKEN.match(k))}  # first tokens of the words
        self._cache: dict[str, WordReading] = {}

    def __repr__(self) -> str:
        sources = sorted({source for _status, source in self._taught.values()})
        return f"Vocabulary(eingebaut + {len(self._taught)} gelehrte Schreibweisen aus {sources or '–'})"

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def builtin(cls) -> Vocabulary:
        """The built-in words only (shared; vocabularies never change)."""
        if cls._builtin is None:
            cls._builtin = cls()
        return cls._builtin

    def taught(self, words: Mapping[str, Status], source: str) -> Vocabulary:
        """A new vocabulary that also knows ``words`` (word → status), each marked with ``source``.

        Taught words win over built-in ones and over words taught before (teach the Legende first,
        then the drop-down list, and the list wins). Each word is also known without umlauts.
        Contradictions are the caller's to find: :func:`words_from_legend` and
        :func:`words_from_list` return them instead of deciding.
        """
        taught = dict(self._taught)
        for word, status in words.items():
            if not _key(word):
                continue
            for spelling in _spellings(word):
                taught[spelling] = (Status(status), source)
        return Vocabulary(taught, letter_g=self._letter_g)

    def for_letters(self, letters: Iterable[str]) -> Vocabulary:
        """The vocabulary for a workbook whose status cells hold these one-letter texts.

        A lone "G" means Grün when the workbook also uses "Y" (an English G/Y/R scheme); otherwise
        it stays ambiguous (Grün or Gelb). Collect the letters with :meth:`letter`.
        """
        seen = {str(x).strip().casefold() for x in letters}
        letter_g = Status.GRUEN if _LETTER_Y in seen else None
        if letter_g is self._letter_g:
            return self
        return Vocabulary(self._taught, letter_g=letter_g)

    @staticmethod
    def letter(text: str | None) -> str | None:
        """The case-folded character when ``text`` is a single character (for :meth:`for_letters`)."""
        t = (text or "").strip()
        return t.casefold() if len(t) == 1 else None

    # -- what it knows -----------------------------------------------------------------------

    @property
    def canonical(self) -> tuple[str, ...]:
        """The words a master offers for its status column: "Grün", "Gelb", "Rot"."""
        return tuple(s.label for s in STATUS_ORDER)

    @property
    def taught_words(self) -> dict[str, tuple[Status, str]]:
        """Every taught spelling (case-folded) → (status, source)."""
        return dict(self._taught)

    def words(self, status: Status | None = None) -> dict[str, tuple[Status, str]]:
        """Every known spelling (case-folded) → (status, source), optionally of one status."""
        return {k: v for k, v in self._words.items() if status is None or v[0] is status}

    # -- reading -----------------------------------------------------------------------------

    def read(self, text: Any) -> WordReading:
        """What the text of a status cell says (see the module docstring for the rules)."""
        if text is None:
            return _NOTHING
        text = str(text)
        hit = self._cache.get(text)
        if hit is None:
            hit = self._read(text)
            if len(self._cache) >= 8192:
                self._cache.clear()
            self._cache[text] = hit
        return hit

    def _whole(self, key: str) -> tuple[Status, str] | None:
        hit = self._words.get(key)
        if hit is None:
            hit = self._compact.get(key.replace(" ", ""))
        return hit

    def _leading(self, prepared: str) -> tuple[int, tuple[Status, str]] | None:
        """The longest known word at the start of ``prepared`` and where it ends.

        Words are matched token by token (a token is a run of word characters or one other
        character), so "nicht umgesetzt" is never "umgesetzt" and "Rotation" never "Rot".
        """
        first = _TOKEN.match(prepared)
        if first is None or first.group().casefold() not in self._heads:
            return None
        ends = [m.end() for m in itertools.islice(_TOKEN.finditer(prepared), self._most_tokens)]
        for end in reversed(ends):
            hit = self._words.get(prepared[:end].casefold())
            if hit is not None:
                return end, hit
        return None

    def _read(self, text: str) -> WordReading:
        prepared = _prepare(text)
        key = prepared.casefold()
        if not key:
            return _NOTHING
        if key in self._taught:
            status, source = self._taught[key]
            return WordReading(status, source=source)
        if key in _LETTERS:
            return WordReading(_LETTERS[key], source=BUILTIN)
        if key == _LETTER_G:
            if self._letter_g is not None:
                return WordReading(self._letter_g, source=BUILTIN)
            return _AMBIGUOUS
        hit = self._whole(key)
        if hit is not None:
            return WordReading(hit[0], source=hit[1])
        found = self._leading(prepared)
        if found is None:
            return _NOTHING
        end, (status, source) = found
        addition = _unwrap(prepared[end:])
        if not addition:
            return WordReading(status, source=source)
        if not addition.strip("?( )[]"):
            return _NOTHING  # "offen?": the writer was unsure
        named = _colour_name(addition)
        if named is status:
            return WordReading(status, source=source)  # "🟢 Grün": one colour written twice
        return WordReading(status, addition=addition, source=source, addition_status=named)


def read_flag(value: Any) -> bool | None:
    """An "In Auswertung" cell: True (x, ja, 1, ✓, wahr/true …), False (nein, 0, empty …), or None
    when it says neither."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    t = _prepare(str(value)).casefold().strip(" .:*?")
    if t in _TRUE_FLAGS:
        return True
    if t in _FALSE_FLAGS:
        return False
    return None


_TRUE_FLAGS = frozenset({FLAG_MARK, "ja", "j", "1", "✓", "✔", "☑", "☒", "yes", "y", "true", "wahr", "ok", "•", "●"})
_FALSE_FLAGS = frozenset({"nein", "n", "0", "-", "–", "—", "no", "false", "falsch", "✗", "✘", "☐", ""})


# --------------------------------------------------------------------------------------------
# What a workbook teaches


@dataclass(frozen=True)
class WordConflict:
    """One word that a workbook teaches as more than one status."""

    word: str
    """The word as written (first occurrence)."""
    statuses: tuple[Status, ...]
    """Every status it was given, in the order of the statuses (Grün, Gelb, Rot)."""
    places: tuple[tuple[int, int], ...] = ()
    """Where: (row index, cell index) into the legend's rows, or (entry index, 0) into the list."""


class Lesson(NamedTuple):
    """Words a workbook teaches (case as written → status) and the contradictions found."""

    words: dict[str, Status]
    conflicts: tuple[WordConflict, ...] = ()


#: A legend word is short: at most this many characters and words (longer texts are explanations).
_WORD_MAX_CHARS, _WORD_MAX_PARTS = 40, 4


def _colour_name(text: str) -> Status | None:
    """The status a text names as a colour ("Grün", "gruen", "🟢"), else None."""
    return _COLOUR_KEYS.get(_key(text).replace(" ", ""))


def _word_like(text: str) -> bool:
    """Short enough to be a status word, and no sentence ("Die Maßnahme ist realisiert.")."""
    t = _prepare(text)
    parts = t.split(" ")
    if not t or len(t) > _WORD_MAX_CHARS or len(parts) > _WORD_MAX_PARTS:
        return False
    if t.endswith(".") and len(parts) >= 3:
        return False
    return any(ch.isalpha() for ch in t)


_PAIR_SPLIT = re.compile(r"\s*(?:=|:|→|->|–|—|\s-\s|\|)\s*")


def _bracket_pair(text: str) -> tuple[str, str] | None:
    """("Rot", "offen") for "Rot (offen)": the text before the first bracket and what the brackets at
    the end enclose (as ``^(.+?)\\s*\\((.+)\\)$`` on a one-line text, in one pass: that pattern
    tries every bracket of a long text again)."""
    if not text.endswith(")") or "\n" in text:
        return None
    i = text.find("(", 1)
    if i < 0 or i > len(text) - 3:
        return None
    return text[:i].rstrip() or text[:1], text[i + 1:-1]


def _pair_in_cell(text: str) -> tuple[str, Status] | None:
    """A colour name and a word in one cell ("Grün = umgesetzt", "in Arbeit: gelb", "🟢 erledigt",
    "Rot (offen)"): the word and the status, else None."""
    bracketed = _bracket_pair(text)
    if bracketed:
        parts = list(bracketed)
    else:
        parts = _PAIR_SPLIT.split(text, maxsplit=1)
        if len(parts) != 2:
            first, _, rest = text.partition(" ")
            if not first or first[0].isalnum() or not rest:
                return None
            parts = [first, rest]  # a symbol before the word
    a, b = (p.strip() for p in parts)
    status_a, status_b = _colour_name(a), _colour_name(b)
    if status_a is not None and status_b is None and _alternatives(b):
        return b, status_a
    if status_b is not None and status_a is None and _alternatives(a):
        return a, status_b
    return None


@dataclass(frozen=True)
class _LegendCell:
    index: int
    words: tuple[str, ...]
    statuses: frozenset[Status]


_ALTERNATIVES = re.compile(r"\s*[/,;]\s*")


def _alternatives(text: str) -> list[str]:
    """The words of a legend text: "umgesetzt / erledigt" is two; a long explanation is none."""
    parts = _ALTERNATIVES.split(text)
    if len(parts) > 1 and all(p and _word_like(p) for p in parts):
        return parts
    return [text] if _word_like(text) else []


class _Collector:
    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.given: dict[str, dict[Status, None]] = {}
        self.places: dict[str, list[tuple[int, int]]] = {}

    def add(self, word: str, statuses: Iterable[Status], place: tuple[int, int]) -> None:
        key = _key(word)
        self.first.setdefault(key, _prepare(word))
        given = self.given.setdefault(key, {})
        for s in statuses:
            given[s] = None
        self.places.setdefault(key, []).append(place)

    def lesson(self) -> Lesson:
        words: dict[str, Status] = {}
        conflicts: list[WordConflict] = []
        for key, given in self.given.items():
            if len(given) == 1:
                words[self.first[key]] = next(iter(given))
            else:
                conflicts.append(WordConflict(self.first[key], tuple(s for s in STATUS_ORDER if s in given),
                                              tuple(self.places[key])))
        return Lesson(words, tuple(conflicts))


LegendCell = tuple[Any, "Status | None"]


def words_from_legend(rows: Iterable[Sequence[LegendCell]]) -> Lesson:
    """The words a Legende sheet teaches.

    ``rows`` are the sheet's rows, each a sequence of cells ``(text, color_status)``: the cell's
    text (or None) and the status its displayed fill names (or None). A row teaches its short texts
    ("umgesetzt", "in Arbeit"; sentences and texts longer than four words or 40 characters are not words)
    the status of the row: the status a cell names as a colour ("umgesetzt | Grün") or the status of
    a coloured cell (a swatch beside the word, or the word on a coloured cell). A colour name and a
    word can also share one cell ("Grün = umgesetzt", "in Arbeit: gelb", "🟢 erledigt"). A row that shows
    several statuses is a legend laid out across ("Grün | umgesetzt | Gelb | in Arbeit"): each word
    takes the status of the nearest status cell on the side where the row begins.

    A word given two statuses (in two rows, or a cell whose colour contradicts the colour it names,
    such as "Rot" on a green fill) is returned as a :class:`WordConflict`, not in ``words``.
    """
    out = _Collector()
    for r, row in enumerate(rows):
        cells: list[_LegendCell] = []
        for c, cell in enumerate(row):
            text, fill_status = (cell[0], cell[1]) if cell is not None else (None, None)
            text = _prepare(str(text)) if text is not None else ""
            named = _colour_name(text) if text else None
            pair = _pair_in_cell(text) if text and named is None else None
            if pair is not None:  # "Grün = umgesetzt" in one cell
                text, named = pair
            statuses = frozenset(s for s in (fill_status, named) if s is not None)
            if named is not None and fill_status is not None and named is not fill_status:
                # "Rot" painted green, "Grün = umgesetzt" painted red
                out.add(text, statuses, (r, c))
                if pair is not None:
                    continue
            words = _alternatives(text) if text and (pair is not None or named is None) else []
            if statuses or words:
                cells.append(_LegendCell(c, tuple(words), statuses))
        status_cells = [x for x in cells if x.statuses]
        if not status_cells:
            continue
        if len({x.statuses for x in status_cells}) == 1:  # one status for the whole row
            for x in cells:
                for word in x.words:
                    out.add(word, status_cells[0].statuses, (r, x.index))
            continue
        # laid out across: each word takes its own colour, else the neighbouring status cell on
        # the side where the row begins
        leading_status = bool(cells[0].statuses)
        for x in cells:
            if not x.words:
                continue
            if x.statuses:
                given = x.statuses
            else:
                side = [y for y in status_cells if (y.index < x.index if leading_status else y.index > x.index)]
                if not side:
                    continue
                given = (side[-1] if leading_status else side[0]).statuses
            for word in x.words:
                out.add(word, given, (r, x.index))
    return out.lesson()


def words_from_list(entries: Iterable[Any],
                    colour_of_entry: Callable[[str], Status | None] | Mapping[str, Status | None]) -> Lesson:
    """The words a status column's drop-down list teaches, with the colour conditional formatting
    gives each entry (``colour_of_entry``: entry → status of the fill shown for it, or None).

    An entry without a colour teaches nothing (the built-in words may still know it). An entry
    that names a colour ("Grün") but is shown in another, or an entry listed twice with two
    colours, is a :class:`WordConflict`.
    """
    colour: Callable[[str], Status | None]
    if isinstance(colour_of_entry, Mapping):
        mapping = colour_of_entry
        colour = lambda e: mapping.get(e)  # noqa: E731
    else:
        colour = colour_of_entry
    out = _Collector()
    for i, entry in enumerate(entries):
        if entry is None:
            continue
        text = _prepare(str(entry))
        if not text:
            continue
        given = colour(str(entry))
        if given is None:
            continue
        named = _colour_name(text)
        out.add(text, {s for s in (given, named) if s is not None}, (i, 0))
    return out.lesson()


def plural(n: int, one: str, many: str) -> str:
    """``"1 Hinweis"``, ``"2 Hinweise"``, ``"0 Hinweise"``: the number with the fitting German noun."""
    return f"{n} {one if n == 1 else many}"


def counts_text(counts: dict[str, int]) -> str:
    """The findings' counts as staff read them: ``"0 Fehler, 2 Warnungen, 1 Hinweis"``."""
    return (f"{counts['error']} Fehler, {plural(counts['warning'], 'Warnung', 'Warnungen')}, "
            f"{plural(counts['info'], 'Hinweis', 'Hinweise')}")


# --------------------------------------------------------------------------------------------
# The comparison of two Stände

#: Kinds of change (``art``) with their German label, in the order they are listed.
ARTEN: dict[str, str] = {
    "status": "Status geändert",
    "auswertung": "Auswertung geändert",
    "neu": "Neu",
    "entfernt": "Entfernt",
    "nummer": "Neue Nummer",
    "text": "Text geändert",
    "bemerkung": "Bemerkung geändert",
    "verantwortlich": "Verantwortlich geändert",
    "zeitraum": "Zeitraum geändert",
}

#: The columns of a measure compared as text, besides the status and the evaluation flag.
TEXT_FIELDS = ("text", "bemerkung", "verantwortlich", "zeitraum")
