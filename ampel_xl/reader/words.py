"""The reader's access to words: the status words and the words of header labels.

The vocabulary owns every word list and the letter rule; the reader gathers what the workbook
teaches (its Legende sheets, the drop-down lists of its status columns, the letters its status
cells hold) in its first pass, and :meth:`Words.learned` freezes all of it into one
:class:`Words` before any field is laid out. What a word means therefore never depends on the
order of the sheet tabs: lessons of one kind are merged as a set, and a word two lessons teach
differently is a conflict, whichever comes first.
:func:`stem_role` reads a header label a colleague understands at once by its word stems.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Status
from ..vocabulary import LEGEND, LIST, STATUS_ORDER, Lesson, Vocabulary, read_flag, words_from_legend, words_from_list

__all__ = ["Reading", "Words", "Merged", "merge", "words_from_legend", "words_from_list"]


@dataclass(frozen=True)
class Reading:
    """What a status text says. ``ambiguous``: it can mean more than one status (a lone "G"
    outside a G/Y/R workbook, or two colours named at once: "Grün/Gelb")."""

    status: Status | None
    ambiguous: bool = False
    addition: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Merged:
    """The lessons of one kind (every Legende sheet, or every drop-down list) taken together.

    ``conflicts``: a word that two lessons teach as different statuses, with the statuses and the
    index of the first lesson that contradicts an earlier one (where the finding is placed)."""

    words: dict[str, Status]
    conflicts: tuple[tuple[str, tuple[Status, ...], int], ...] = ()


def merge(lessons: Sequence[Lesson]) -> Merged:
    """The words of several lessons as one: a word taught alike by several is taught once, a word
    taught differently is a conflict and taught by none. The result does not depend on the order
    of ``lessons`` except for where a conflict is placed."""
    first: dict[str, str] = {}
    given: dict[str, dict[Status, int]] = {}
    for i, lesson in enumerate(lessons):
        for word, status in lesson.words.items():
            key = word.casefold()  # the words of a lesson are written the same way (prepared)
            first.setdefault(key, word)
            given.setdefault(key, {}).setdefault(status, i)
    words: dict[str, Status] = {}
    conflicts = []
    for key, statuses in given.items():
        if len(statuses) == 1:
            words[first[key]] = next(iter(statuses))
        else:
            order = tuple(s for s in STATUS_ORDER if s in statuses)
            conflicts.append((first[key], order, max(statuses.values())))
    return Merged(words, tuple(conflicts))


_KEPT_TEXT = 64
_KEPT_READINGS = 4096
"""Readings :meth:`Words.read` keeps: of texts up to ``_KEPT_TEXT`` characters, at most this many."""


class Words:
    """The status words of one workbook, frozen: built-in plus what the workbook teaches."""

    __slots__ = ("_read", "vocabulary")

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary.builtin()
        self._read: dict[str, Reading] = {}
        """Readings of short texts already read: a status column repeats a few words thousands of times."""

    @classmethod
    def learned(cls, legend: Mapping[str, Status], lists: Mapping[str, Status], letters: Iterable[str]) -> Words:
        """The words of a workbook: the built-in ones, its Legende's, its drop-down lists' (a list
        wins over the Legende: it is what the cells were filled from), read with the letter rule of
        the letters its status cells hold (:meth:`~ampel_xl.vocabulary.Vocabulary.for_letters`)."""
        vocabulary = Vocabulary.builtin()
        if legend:
            vocabulary = vocabulary.taught(legend, LEGEND)
        if lists:
            vocabulary = vocabulary.taught(lists, LIST)
        return cls(vocabulary.for_letters(letters))

    def read(self, text: str) -> Reading:
        hit = self._read.get(text)
        if hit is not None:
            return hit
        r = self.vocabulary.read(text)
        if r.addition_status is not None and r.addition_status is not r.status:
            reading = Reading(None, ambiguous=True, addition=r.addition, source=r.source)
        else:
            reading = Reading(r.status, bool(r.ambiguous), r.addition or None, r.source)
        if len(text) <= _KEPT_TEXT and len(self._read) < _KEPT_READINGS:
            self._read[text] = reading  # (the words are frozen: a text always reads the same)
        return reading

    @staticmethod
    def letter(text: Any) -> str | None:
        """The letter a status cell holds, for the letter rule (None for anything longer)."""
        return Vocabulary.letter(text) if isinstance(text, str) else None

    @staticmethod
    def flag(value: Any) -> bool | None:
        """An In-Auswertung cell: True, False, or None when it cannot be read."""
        return read_flag(value)


# --------------------------------------------------------------------------------------------
# Header labels

# The word stems a colleague reads a column's role from. A label is a noun phrase: its head is its
# first content word ("Stand der Umsetzung", "Bemerkung zur Ampel"), and a compound's head is its
# last stem ("Maßnahmen|beschreibung", "Umsetzungs|stand"). A head that only qualifies (a number, a
# title, a colour, a Stand) takes its role from its modifier: "Ampel|farbe" is the status,
# "Unterziel-Nr." the Unterziel, "Maßnahmen|titel" the text, "Umsetzungs|stand" the status.
_ROLE_STEMS: dict[str, str] = {
    "ampel": "status", "status": "status", "bewertung": "status", "einschätzung": "status",
    "einstufung": "status", "zielerreichung": "status", "erfüllung": "status", "umsetzungsgrad": "status",
    "maßnahme": "text", "massnahme": "text", "beschreibung": "text", "bezeichnung": "text", "was": "text",
    "aktivität": "text", "vorhaben": "text",
    "nummer": "nr", "nr": "nr", "no": "nr", "lfd": "nr", "#": "nr", "pos": "nr", "position": "nr",
    "bemerkung": "bemerkung", "anmerkung": "bemerkung", "kommentar": "bemerkung", "hinweis": "bemerkung",
    "erläuterung": "bemerkung", "notiz": "bemerkung",
    "verantwort": "verantwortlich", "zuständig": "verantwortlich", "federführ": "verantwortlich",
    "ansprechp": "verantwortlich", "wer": "verantwortlich", "leitung": "verantwortlich",
    "zeitraum": "zeitraum", "zeitrahmen": "zeitraum", "zeitplan": "zeitraum", "frist": "zeitraum",
    "termin": "zeitraum", "laufzeit": "zeitraum", "wann": "zeitraum", "dauer": "zeitraum", "bis": "zeitraum",
    "auswertung": "auswertung", "ausgewertet": "auswertung",
    "unterziel": "unterziel", "uz": "unterziel", "teilziel": "unterziel",
}
#: heads that qualify their modifier: head → (role alone, {modifier's role or stem → role})
_QUALIFIERS: dict[str, tuple[str | None, dict[str, str]]] = {
    "nummer": ("nr", {"unterziel": "unterziel", "text": "nr"}),
    "nr": ("nr", {"unterziel": "unterziel", "text": "nr"}),
    "titel": ("text", {"unterziel": "unterziel", "text": "text"}),
    "text": (None, {"unterziel": "unterziel", "text": "text"}),
    "name": (None, {"text": "text"}),
    "farbe": (None, {"status": "status"}),
    "stand": (None, {"status": "status", "umsetzung": "status"}),
    "umsetzung": (None, {"stand": "status", "bis": "zeitraum"}),
}
#: stems that are whole words only (inside a longer word they are something else: "Wer" in "Werkstatt")
_WHOLE_ONLY = frozenset({"nr", "no", "#", "pos", "was", "wer", "wann", "bis", "uz", "lfd", "text", "name"})
_FUNCTION_WORDS = frozenset({"in", "im", "der", "die", "das", "des", "den", "zur", "zum", "zu", "für", "von",
                             "vom", "am", "an", "und", "oder", "je", "pro", "mit", "ggf", "laut", "lt"})
_STEMS = sorted(set(_ROLE_STEMS) | set(_QUALIFIERS), key=len, reverse=True)


_PREFIX_STEMS = frozenset({"verantwort", "zuständig", "federführ", "ansprechp"})
_ENDINGS = frozenset({"", "e", "en", "n", "s", "es", "er", "ern"})


def _stems_of(word: str) -> list[str]:
    """The known stems a word is made of, left to right ("maßnahmenbeschreibung" → maßnahme,
    beschreibung); empty when the word does not end in one (its head is unknown: "Bewertungskriterien")."""
    out: list[str] = []
    tail = ""
    for part in (p for p in word.split("-") if p):
        if part in _WHOLE_ONLY:
            out.append(part)
            tail = ""
            continue
        i = 0
        end = 0
        while i < len(part):
            hit = next((st for st in _STEMS if st not in _WHOLE_ONLY and part.startswith(st, i)), None)
            if hit is not None:
                out.append(hit)
                i += len(hit)
                end = i
            else:
                i += 1
        tail = part[end:] if out else part
        if out and out[-1] in _PREFIX_STEMS:
            tail = ""
    return out if tail in _ENDINGS else []


def stem_role(key: str) -> str | None:
    """The role of a header label by its stems (see :data:`_ROLE_STEMS`), or None."""
    if re.match(r"^(.*\s)?bis(\s|$)", key):
        return "zeitraum"  # "Umsetzung bis", "bis wann"
    words = [w.strip(".:?!*") for w in re.split(r"[\s/]+", key)]
    if len(words) > 5 or len(key) > 48 or any(ch.isdigit() for ch in key) or ": " in key:
        return None  # a sentence, a numbered heading: no column label
    stems = [_stems_of(w) for w in words if w and w not in _FUNCTION_WORDS]
    if not stems or not all(stems):
        return None  # a word that names no role: a heading or a text, not a label
    head = stems[0]
    last = head[-1]
    if last in _QUALIFIERS:
        alone, by_modifier = _QUALIFIERS[last]
        modifiers = list(reversed(head[:-1])) or [st for rest in stems[1:] for st in rest]
        for mod in modifiers:
            hit = by_modifier.get(mod) or by_modifier.get(_ROLE_STEMS.get(mod, ""))
            if hit:
                return hit
        return alone
    return _ROLE_STEMS.get(last)
