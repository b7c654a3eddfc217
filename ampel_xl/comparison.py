"""Comparing two Stände of a master: which measures changed status, came, went or moved.

Measures are matched in four passes, each only among the measures still unmatched:

1. the same stable ID (``Sprache/M5``) *and* the same normalised text;
2. the same normalised text within the same field (a renumbered measure, e.g. after a row was
   inserted above it);
3. similar text within the same field (:data:`SIMILARITY` or more by :mod:`difflib`), the most
   similar pairs first (reworded a little, perhaps renumbered);
4. the same stable ID with another text (reworded) – but when numbers moved in that field
   (passes 2–3 found renumbered measures), a number no longer proves identity, and the texts
   must still be alike (:data:`REWORDED_SIMILARITY`).

Texts are normalised by case and whitespace only. A renumbered measure is reported as the same
measure (``alt_id`` is its old ID) and not as removed plus added.

:class:`Changes` holds one :class:`Change` per difference; ``art`` is one of

* ``status`` – the traffic light changed (``alt`` → ``neu``),
* ``auswertung`` – the measure went into or out of the evaluation,
* ``neu`` / ``entfernt`` – the measure was added / removed,
* ``nummer`` – the measure got a new number (``alt_id`` → ``massnahme_id``),
* ``text`` – the measure's text was reworded (a change of spacing alone is none),
* ``bemerkung``, ``verantwortlich``, ``zeitraum`` – that column of the measure changed.

A measure with several differences gets one change per kind. ``alt`` and ``neu`` are always the
measure's status before and after, spelled as in the export (``gruen``, ``gelb``, ``rot``; None
when there is none); ``vorher`` and ``nachher`` are what changed, as German text (the status
word, "ja"/"nein", the old and new number or text; empty for a value that was empty).

Example::

    import ampel_xl
    changes = ampel_xl.compare("Master_2024-10.xlsx", "Master_2025-02.xlsx")
    print(changes.text())
    changes.to_frame()                       # one row per change
    ampel_xl.write_changes(changes, "Veränderungen.xlsx")   # the workbook "Veränderungen"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .display import changes_html
from .model import Konzept, Massnahme, Status
from .vocabulary import ARTEN, NO_STATUS_MEASURE, STATUS_ORDER, TEXT_FIELDS, plural

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ARTEN",
    "Change",
    "Changes",
    "REWORDED_SIMILARITY",
    "SIMILARITY",
    "TEXT_FIELDS",
    "compare",
]

#: Least :class:`difflib.SequenceMatcher` ratio for pairing two texts as the same measure.
SIMILARITY = 0.9
#: Least ratio for pairing by the same ID in a field whose numbers moved (pass 4).
REWORDED_SIMILARITY = 0.6


#: Columns of :meth:`Changes.to_frame`.
COLUMNS = [
    "feld", "massnahme_id", "alt_id", "art", "alt", "neu", "richtung", "unterziel_nr", "massnahme",
    "auswertung_alt", "auswertung_neu", "zuordnung", "vorher", "nachher",
]

_RANK = {Status.ROT: 0, Status.GELB: 1, Status.GRUEN: 2}
STATUS_WORD: dict[str | None, str] = {None: "", **{s.value: s.label for s in STATUS_ORDER}}
_ARROW = {"besser": "↑", "schlechter": "↓", "": "→"}


@dataclass(frozen=True)
class Change:
    """One difference between two Stände of a measure."""

    feld: str
    massnahme_id: str
    """The measure's ID in the new Stand (in the old one for ``entfernt``)."""
    art: str
    """One of :data:`ARTEN`: ``status``, ``auswertung``, ``neu``, ``entfernt``, ``nummer``, ``text``,
    ``bemerkung``, ``verantwortlich`` or ``zeitraum``."""
    alt: str | None
    """Status before (``gruen``/``gelb``/``rot``), None when there was none or no measure."""
    neu: str | None
    """Status after, None when there is none or the measure was removed."""
    alt_id: str | None = None
    """The measure's ID in the old Stand (None for ``neu``)."""
    massnahme: str = ""
    unterziel_nr: int | None = None
    auswertung_alt: bool | None = None
    auswertung_neu: bool | None = None
    zuordnung: str = ""
    """How old and new were paired: ``id``, ``text``, ``aehnlich`` (similar text); empty for ``neu``/``entfernt``."""
    vorher: str = ""
    """What changed, before (German text; see the module docstring)."""
    nachher: str = ""
    """What changed, after."""

    @property
    def richtung(self) -> str:
        """``besser`` (e.g. Rot → Gelb), ``schlechter`` (e.g. Grün → Gelb) or empty."""
        if self.art != "status" or self.alt is None or self.neu is None:
            return ""
        step = _RANK[Status(self.neu)] - _RANK[Status(self.alt)]
        return "besser" if step > 0 else "schlechter" if step < 0 else ""

    @property
    def pfeil(self) -> str:
        """↑ for an improvement, ↓ for a setback, → otherwise."""
        return _ARROW[self.richtung]

    def as_dict(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in COLUMNS}


def stand_label(konzept: Konzept) -> str:
    """``Stand 3. Februar 2025``, else the file's name."""
    if konzept.stand_text:
        return f"Stand {konzept.stand_text}"
    return Path(konzept.source).name


@dataclass(frozen=True, repr=False)
class Changes:
    """All differences between an old and a new Stand, ordered by field, kind and position."""

    old: Konzept
    new: Konzept
    items: tuple[Change, ...]
    felder_neu: tuple[str, ...] = ()
    """Fields only in the new Stand."""
    felder_entfernt: tuple[str, ...] = ()
    """Fields only in the old Stand."""

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"<Changes {self.alt_label} → {self.neu_label}: {len(self.items)} Änderungen>"

    def __iter__(self) -> Iterator[Change]:
        return iter(self.items)

    @property
    def alt_label(self) -> str:
        return stand_label(self.old)

    @property
    def neu_label(self) -> str:
        return stand_label(self.new)

    @property
    def felder(self) -> tuple[str, ...]:
        """Every field of both Stände: the new order, then fields that were removed."""
        return tuple(f.name for f in self.new.felder) + self.felder_entfernt

    def of(self, art: str) -> tuple[Change, ...]:
        return tuple(c for c in self.items if c.art == art)

    @property
    def verbesserungen(self) -> tuple[Change, ...]:
        return tuple(c for c in self.items if c.richtung == "besser")

    @property
    def rueckschritte(self) -> tuple[Change, ...]:
        return tuple(c for c in self.items if c.richtung == "schlechter")

    def to_frame(self) -> pd.DataFrame:
        """One row per change; columns :data:`COLUMNS` (see the module docstring)."""
        import pandas as pd

        df = pd.DataFrame([c.as_dict() for c in self.items], columns=COLUMNS)
        df["unterziel_nr"] = df["unterziel_nr"].astype("Int64")
        for col in ("auswertung_alt", "auswertung_neu"):
            df[col] = df[col].astype("boolean")
        return df

    def per_feld(self) -> pd.DataFrame:
        """Counts per field: ``verbesserungen``, ``rueckschritte``, ``status`` (all status
        changes), ``neu``, ``entfernt``, ``auswertung``, ``nummer``; every field, changed or not."""
        import pandas as pd

        return pd.DataFrame(self.per_feld_counts(), columns=_PER_FELD_COLUMNS)

    def per_feld_counts(self) -> list[dict[str, Any]]:
        """The rows of :meth:`per_feld` as plain dicts (no pandas needed)."""
        rows: dict[str, dict[str, Any]] = {
            f: {"feld": f, **dict.fromkeys(_PER_FELD_COLUMNS[1:], 0)} for f in self.felder
        }
        for c in self.items:
            row = rows[c.feld]
            row[c.art] += 1
            if c.richtung == "besser":
                row["verbesserungen"] += 1
            elif c.richtung == "schlechter":
                row["rueckschritte"] += 1
        return list(rows.values())

    def text(self, per_feld: bool = True) -> str:
        """A short German summary for the console; ``per_feld=False`` leaves out the line per field
        (for displays that show a per-field table anyway)."""
        lines = [f"Vergleich {self.alt_label} → {self.neu_label}"]
        if not self.items and not self.felder_neu and not self.felder_entfernt:
            lines.append("Keine Veränderungen: Status, Auswertung und Maßnahmen sind gleich geblieben.")
            return "\n".join(lines)
        status = self.of("status")
        if status:
            lines.append(f"{plural(len(status), 'Statusänderung', 'Statusänderungen')}: "
                         f"{plural(len(self.verbesserungen), 'Verbesserung', 'Verbesserungen')}"
                         f"{_steps(self.verbesserungen)}, "
                         f"{plural(len(self.rueckschritte), 'Rückschritt', 'Rückschritte')}"
                         f"{_steps(self.rueckschritte)}"
                         + _other_status(status) + ".")
        else:
            lines.append("Keine Statusänderungen.")
        more = []
        for art, one, many in (("neu", "Maßnahme neu", "Maßnahmen neu"),
                               ("entfernt", "Maßnahme entfernt", "Maßnahmen entfernt"),
                               ("auswertung", "Änderung der Auswertung", "Änderungen der Auswertung"),
                               ("nummer", "Maßnahme neu nummeriert", "Maßnahmen neu nummeriert"),
                               ("text", "Text geändert", "Texte geändert"),
                               ("bemerkung", "Bemerkung geändert", "Bemerkungen geändert"),
                               ("verantwortlich", "Verantwortlich geändert", "Verantwortlich geändert"),
                               ("zeitraum", "Zeitraum geändert", "Zeiträume geändert")):
            if self.of(art):
                more.append(plural(len(self.of(art)), one, many))
        if more:
            lines.append(", ".join(more) + ".")
        if self.felder_neu:
            lines.append("Neue Felder: " + ", ".join(self.felder_neu) + ".")
        if self.felder_entfernt:
            lines.append("Nicht mehr vorhandene Felder: " + ", ".join(self.felder_entfernt) + ".")
        moved = [r for r in self.per_feld_counts() if r["verbesserungen"] or r["rueckschritte"]]
        if per_feld and moved:
            lines.append("Je Feld: " + "; ".join(
                f"{r['feld']} {r['verbesserungen']} ↑ / {r['rueckschritte']} ↓" for r in moved) + ".")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return changes_html(self)


_PER_FELD_COLUMNS = ["feld", "verbesserungen", "rueckschritte", "status", "neu", "entfernt", "auswertung", "nummer",
                     *TEXT_FIELDS]


def _steps(changes: tuple[Change, ...]) -> str:
    counts: dict[tuple[str, str], int] = {}
    for c in changes:
        key = (STATUS_WORD[c.alt], STATUS_WORD[c.neu])
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ""
    return " (" + ", ".join(f"{a} → {b}: {n}" for (a, b), n in counts.items()) + ")"


def _other_status(status: tuple[Change, ...]) -> str:
    n = sum(1 for c in status if not c.richtung)
    if not n:
        return ""
    return f", {n} ohne Richtung (Status neu gesetzt oder gelöscht)"


# --------------------------------------------------------------------------------------------
# Matching


def ja_nein(value: bool | None) -> str:
    """"ja", "nein", or "" for unknown: how a yes/no value of a measure reads in German."""
    return "" if value is None else "ja" if value else "nein"


def short_id(massnahme_id: str | None) -> str:
    """``Sprache/M5`` → ``M5`` (the field has its own column)."""
    return "" if not massnahme_id else massnahme_id.rsplit("/", 1)[-1]


def _norm_text(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


def _status(m: Massnahme) -> str | None:
    return m.status.value if m.status else None


def _status_word(m: Massnahme) -> str:
    return STATUS_WORD[_status(m)] or NO_STATUS_MEASURE


def _spaced(text: str | None) -> str:
    """A text with its whitespace collapsed: a change of spacing alone is no change."""
    return re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()


def _ratio(a: Massnahme, b: Massnahme) -> float:
    x, y = _norm_text(a.text), _norm_text(b.text)
    if not x or not y:
        return 0.0
    return difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()


def _pair(old: list[Massnahme], new: list[Massnahme]) -> list[tuple[Massnahme, Massnahme, str]]:
    """Pairs (old, new, how) of one field; the four passes of the module docstring."""
    pairs: list[tuple[Massnahme, Massnahme, str]] = []
    old_left = list(old)
    new_left = list(new)

    def accept(o: Massnahme, n: Massnahme, how: str) -> None:
        old_left.remove(o)
        new_left.remove(n)
        pairs.append((o, n, how))

    def by_key(key: Callable[[Massnahme], Any], how: str) -> None:
        index: dict[Any, list[Massnahme]] = {}
        for m in new_left:
            index.setdefault(key(m), []).append(m)
        for o in list(old_left):
            candidates = index.get(key(o))
            if candidates:
                accept(o, candidates.pop(0), how)

    by_key(lambda m: (m.id, _norm_text(m.text)), "id")
    by_key(lambda m: _norm_text(m.text), "text")
    scored = sorted(
        (-r, o.id != n.id, i, j)
        for i, o in enumerate(old_left)
        for j, n in enumerate(new_left)
        if (r := _ratio(o, n)) >= SIMILARITY
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    similar = []
    for _, _, i, j in scored:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            similar.append((old_left[i], new_left[j]))
    for o, n in similar:
        accept(o, n, "aehnlich")
    moved = any(o.id != n.id for o, n, _ in pairs)
    new_by_id = {n.id: n for n in new_left}
    for o in list(old_left):
        same_id = new_by_id.get(o.id)
        if same_id is not None and same_id in new_left and (not moved or _ratio(o, same_id) >= REWORDED_SIMILARITY):
            accept(o, same_id, "id")
    return pairs


def compare(old: Konzept, new: Konzept) -> Changes:
    """Compare two read Stände of a master (:func:`ampel_xl.compare` also takes paths).

    >>> changes = compare(ampel_xl.read("Master_alt.xlsx"), ampel_xl.read("Master_neu.xlsx"))   # doctest: +SKIP
    >>> changes.to_frame()[["feld", "massnahme_id", "art", "alt", "neu"]]   # doctest: +SKIP
    """
    k_old, k_new = old, new
    old_felder = {f.name: f for f in k_old.felder}
    new_felder = {f.name: f for f in k_new.felder}
    art_order = {a: i for i, a in enumerate(ARTEN)}
    keyed: list[tuple[tuple[int, int, int, int], Change]] = []

    def add(feld_pos: int, pos: tuple[int, int], change: Change) -> None:
        keyed.append(((feld_pos, art_order[change.art], *pos), change))

    names = list(new_felder) + [n for n in old_felder if n not in new_felder]
    for feld_pos, name in enumerate(names):
        old_ms = list(old_felder[name].massnahmen) if name in old_felder else []
        new_ms = list(new_felder[name].massnahmen) if name in new_felder else []
        pairs = _pair(old_ms, new_ms)
        paired_old = {id(o) for o, _, _ in pairs}
        paired_new = {id(n) for _, n, _ in pairs}
        for o, n, how in pairs:
            common: dict[str, Any] = {
                "feld": name, "massnahme_id": n.id, "alt": _status(o), "neu": _status(n), "alt_id": o.id,
                "massnahme": n.text, "unterziel_nr": n.unterziel_nr, "auswertung_alt": o.in_auswertung,
                "auswertung_neu": n.in_auswertung, "zuordnung": how,
            }
            pos = (0, n.row)
            if _status(o) != _status(n):
                add(feld_pos, pos, Change(art="status", vorher=_status_word(o), nachher=_status_word(n), **common))
            if o.in_auswertung != n.in_auswertung:
                add(feld_pos, pos, Change(art="auswertung", vorher=ja_nein(o.in_auswertung),
                                          nachher=ja_nein(n.in_auswertung), **common))
            if o.id != n.id:
                add(feld_pos, pos, Change(art="nummer", vorher=short_id(o.id), nachher=short_id(n.id), **common))
            for art in TEXT_FIELDS:
                before, after = _spaced(getattr(o, art)), _spaced(getattr(n, art))
                if before != after:
                    add(feld_pos, pos, Change(art=art, vorher=before, nachher=after, **common))
        for n in new_ms:
            if id(n) not in paired_new:
                add(feld_pos, (0, n.row), Change(
                    feld=name, massnahme_id=n.id, art="neu", alt=None, neu=_status(n), massnahme=n.text,
                    unterziel_nr=n.unterziel_nr, auswertung_neu=n.in_auswertung, nachher=_status_word(n)))
        for o in old_ms:
            if id(o) not in paired_old:
                add(feld_pos, (1, o.row), Change(
                    feld=name, massnahme_id=o.id, art="entfernt", alt=_status(o), neu=None, alt_id=o.id,
                    massnahme=o.text, unterziel_nr=o.unterziel_nr, auswertung_alt=o.in_auswertung,
                    vorher=_status_word(o)))
    keyed.sort(key=lambda kc: kc[0])
    return Changes(
        old=k_old,
        new=k_new,
        items=tuple(c for _, c in keyed),
        felder_neu=tuple(n for n in new_felder if n not in old_felder),
        felder_entfernt=tuple(n for n in old_felder if n not in new_felder),
    )
