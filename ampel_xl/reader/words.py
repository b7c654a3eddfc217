"""The reader's access to the status words: one place that talks to :mod:`ampel_xl.vocabulary`.

The vocabulary owns every word list and the letter rule; the reader gathers what the workbook
teaches (its Legende sheets, the drop-down lists of its status columns, the letters its status
cells hold) in its first pass, and :meth:`Words.learned` freezes all of it into one
:class:`Words` before any field is laid out. What a word means therefore never depends on the
order of the sheet tabs: lessons of one kind are merged as a set, and a word two lessons teach
differently is a conflict, whichever comes first.
"""

from __future__ import annotations

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


class Words:
    """The status words of one workbook, frozen: built-in plus what the workbook teaches."""

    __slots__ = ("vocabulary",)

    def __init__(self, vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = vocabulary or Vocabulary.builtin()

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
        r = self.vocabulary.read(text)
        if r.addition_status is not None and r.addition_status is not r.status:
            return Reading(None, ambiguous=True, addition=r.addition, source=r.source)
        return Reading(r.status, bool(r.ambiguous), r.addition or None, r.source)

    @staticmethod
    def letter(text: Any) -> str | None:
        """The letter a status cell holds, for the letter rule (None for anything longer)."""
        return Vocabulary.letter(text) if isinstance(text, str) else None

    @staticmethod
    def flag(value: Any) -> bool | None:
        """An In-Auswertung cell: True, False, or None when it cannot be read."""
        return read_flag(value)
