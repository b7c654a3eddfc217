"""The reader's access to the status words: one place that talks to :mod:`ampel_xl.vocabulary`.

The vocabulary owns every word list; the reader asks it to read a status cell's text and an
In-Auswertung cell, and hands it what the workbook teaches (Legende sheet, drop-down lists).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Status
from ..vocabulary import LEGEND, LIST, Lesson, Vocabulary, read_flag, words_from_legend, words_from_list


@dataclass(frozen=True)
class Reading:
    """What a status text says. ``ambiguous``: it can mean more than one status (a lone "G"
    outside a G/Y/R workbook, or two colours named at once: "Grün/Gelb")."""

    status: Status | None
    ambiguous: bool = False
    addition: str | None = None
    source: str | None = None


class Words:
    """The status words of one workbook: built-in plus what the workbook teaches."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary.builtin()

    def teach(self, lesson: Lesson, source: str) -> None:
        if lesson.words:
            self.vocabulary = self.vocabulary.taught(lesson.words, source)

    def teach_legend(self, rows: Iterable[Sequence[tuple[Any, Status | None]]]) -> Lesson:
        lesson = words_from_legend(rows)
        self.teach(lesson, LEGEND)
        return lesson

    def teach_list(self, entries: Iterable[Any],
                   colour_of_entry: Callable[[str], Status | None] | Mapping[str, Status | None]) -> Lesson:
        lesson = words_from_list(entries, colour_of_entry)
        self.teach(lesson, LIST)
        return lesson

    def read(self, text: str) -> Reading:
        r = self.vocabulary.read(text)
        if r.addition_status is not None and r.addition_status is not r.status:
            return Reading(None, ambiguous=True, addition=r.addition, source=r.source)
        return Reading(r.status, bool(r.ambiguous), r.addition or None, r.source)

    @staticmethod
    def flag(value: Any) -> bool | None:
        """An In-Auswertung cell: True, False, or None when it cannot be read."""
        return read_flag(value)
