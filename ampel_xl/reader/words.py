"""The reader's access to the status words: one place that talks to :mod:`ampel_xl.vocabulary`.

The vocabulary owns every word list; the reader asks it to read a status cell's text and an
In-Auswertung cell, and hands it what the workbook teaches (Legende sheet, drop-down lists).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..model import Status

try:  # the vocabulary module (branch "vocab"); until it is merged the reader keeps its own list
    from ..vocabulary import Vocabulary as _Vocabulary  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the merge order
    _Vocabulary = None


@dataclass(frozen=True)
class Reading:
    """What a status text says."""

    status: Status | None
    ambiguous: bool = False
    addition: str | None = None
    source: str | None = None


_BUILTIN: dict[str, Status] = {
    "grün": Status.GRUEN, "gruen": Status.GRUEN, "grun": Status.GRUEN, "green": Status.GRUEN,
    "realisiert": Status.GRUEN, "umgesetzt": Status.GRUEN, "erledigt": Status.GRUEN, "abgeschlossen": Status.GRUEN,
    "durchgeführt": Status.GRUEN, "done": Status.GRUEN, "🟢": Status.GRUEN,
    "gelb": Status.GELB, "yellow": Status.GELB, "amber": Status.GELB, "orange": Status.GELB,
    "in arbeit": Status.GELB, "in planung": Status.GELB, "in umsetzung": Status.GELB, "laufend": Status.GELB,
    "begonnen": Status.GELB, "in bearbeitung": Status.GELB, "teilweise umgesetzt": Status.GELB,
    "🟡": Status.GELB, "🟠": Status.GELB,
    "rot": Status.ROT, "red": Status.ROT, "nicht verfolgt": Status.ROT, "nicht weiterverfolgt": Status.ROT,
    "offen": Status.ROT, "nicht begonnen": Status.ROT, "nicht umgesetzt": Status.ROT, "🔴": Status.ROT,
}
_HEADS = {"grün", "gruen", "grun", "gelb", "rot", "green", "yellow", "red", "🟢", "🟡", "🟠", "🔴"}
_LETTERS = {"y": Status.GELB, "r": Status.ROT}
_TRUE_FLAGS = {"x", "ja", "j", "1", "✓", "✔", "✔️", "yes", "y", "true", "wahr", "ok", "•", "●"}
_FALSE_FLAGS = {"nein", "n", "0", "-", "–", "no", "false", "falsch", ""}
_SPLIT = re.compile(r"^(.*?)\s*(?:[(\[]\s*(.*?)\s*[)\]]?|[–—:,;/-]\s*(.*))\s*$", re.S)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


class Words:
    """The status words of one workbook: built-in plus taught."""

    def __init__(self) -> None:
        self._vocab = _Vocabulary.builtin() if _Vocabulary is not None else None
        self._taught: dict[str, tuple[Status, str]] = {}

    def teach(self, words: Mapping[str, Status], source: str) -> None:
        if not words:
            return
        if self._vocab is not None:
            self._vocab = self._vocab.taught(dict(words), source)
        for w, s in words.items():
            self._taught.setdefault(_norm(w), (s, source))

    def read(self, text: str) -> Reading:
        if self._vocab is not None:
            r = self._vocab.read(text)
            return Reading(r.status, bool(r.ambiguous), r.addition or None, getattr(r, "source", None))
        return _fallback_read(text, self._taught)

    def flag(self, value: Any) -> bool | None:
        """An In-Auswertung cell: True, False, or None when it cannot be read."""
        if value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        t = _norm(str(value)).strip(" .:")
        if t in _TRUE_FLAGS:
            return True
        if t in _FALSE_FLAGS:
            return False
        return None


def _lookup(t: str, taught: Mapping[str, tuple[Status, str]]) -> tuple[Status, str] | None:
    if t in taught:
        return taught[t]
    if t in _BUILTIN:
        return _BUILTIN[t], "eingebaut"
    compact = t.replace(" ", "")
    if compact in _BUILTIN:
        return _BUILTIN[compact], "eingebaut"
    return None


def _fallback_read(text: str, taught: Mapping[str, tuple[Status, str]]) -> Reading:
    t = _norm(text)
    if not t:
        return Reading(None)
    hit = _lookup(t, taught)
    if hit:
        return Reading(hit[0], source=hit[1])
    if t in _LETTERS:
        return Reading(_LETTERS[t], source="eingebaut")
    if t == "g":
        return Reading(None, ambiguous=True)
    # a leading status word with an addition: "Grün (verzögert)", "gelb – Finanzierung offen"
    m = _SPLIT.match(text.strip())
    if m and m.group(1):
        head = _norm(m.group(1))
        hit = _lookup(head, taught)
        if hit:
            addition = (m.group(2) or m.group(3) or "").strip() or None
            return Reading(hit[0], addition=addition, source=hit[1])
    first = re.match(r"^([a-zäöüß]+|[\U0001F7E0-\U0001F7EB])(.*)$", t, re.S)
    if first:
        hit = _lookup(first.group(1), taught)
        if hit and first.group(1) in _HEADS:
            addition = first.group(2).strip(" ()-–—:,") or None
            return Reading(hit[0], addition=addition, source=hit[1])
    return Reading(None)
