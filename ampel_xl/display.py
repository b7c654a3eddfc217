"""Rich display in Jupyter: small HTML tables with traffic-light colours. No I/O.

A low-level module: it imports only the vocabulary at run time, so that the model and the domain
objects can build their ``_repr_html_`` here without importing anything above them."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .vocabulary import (
    ARTEN,
    NO_STATUS,
    NO_STATUS_MEASURE,
    NO_STATUS_SHORT,
    STATUS_COLORS,
    STATUS_FILLS,
    STATUS_LABELS,
    STATUS_ORDER,
    TEXT_FIELDS,
    counts_text,
)

if TYPE_CHECKING:  # pragma: no cover
    from .comparison import Changes
    from .figures import Summary
    from .model import Konzept, Massnahme
    from .validation import Report

_CSS = "border-collapse:collapse;font-family:sans-serif;font-size:12px"
_TD = "padding:2px 8px;border:1px solid #ddd"
#: Column heads of the small tables ("ohne" for "ohne Bewertung": the tables are narrow).
_HEADS = {**STATUS_LABELS, NO_STATUS: NO_STATUS_SHORT}


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _bar(g: int, y: int, r: int, o: int, width: int = 160) -> str:
    total = g + y + r + o
    if not total:
        return ""
    parts = []
    for key, n in zip(_HEADS, (g, y, r, o), strict=True):
        label = _HEADS[key]
        if n:
            w = max(1, round(width * n / total))
            parts.append(
                f'<span title="{label}: {n}" style="display:inline-block;height:10px;width:{w}px;'
                f'background:{STATUS_COLORS[key]}"></span>'
            )
    return "".join(parts)


def _counts_table(rows: list[dict], first: str) -> str:
    head = (
        f"<tr><th style='{_TD}'>{_esc(first)}</th>"
        + "".join(
            f"<th style='{_TD};background:{STATUS_FILLS[k]}'>{lab}</th>"
            for k, lab in ((s.value, _HEADS[s.value]) for s in STATUS_ORDER)
        )
        + f"<th style='{_TD}'>{_HEADS[NO_STATUS]}</th><th style='{_TD}'>Summe</th>"
        f"<th style='{_TD}'>Verteilung</th></tr>"
    )
    body = []
    for row in rows:
        body.append(
            f"<tr><td style='{_TD}'>{_esc(row['name'])}</td>"
            + "".join(f"<td style='{_TD};text-align:right'>{int(row[k])}</td>"
                      for k in ("gruen", "gelb", "rot", "ohne", "summe"))
            + f"<td style='{_TD}'>{_bar(int(row['gruen']), int(row['gelb']), int(row['rot']), int(row['ohne']))}"
            f"</td></tr>"
        )
    return f"<table style='{_CSS}'>{head}{''.join(body)}</table>"


def _status_counts(massnahmen: Sequence[Massnahme]) -> dict[str, int]:
    """Grün, Gelb, Rot, ohne Bewertung and their sum over the measures in the evaluation
    (what :func:`ampel_xl.figures.count` counts, without the shares)."""
    counts = dict.fromkeys(("gruen", "gelb", "rot", "ohne", "summe"), 0)
    for m in massnahmen:
        if not m.in_auswertung:
            continue
        counts["summe"] += 1
        counts[m.status.value if m.status is not None else "ohne"] += 1
    return counts


def konzept_html(k: Konzept) -> str:
    rows = [{"name": f.name, **_status_counts(f.massnahmen)} for f in k.felder]
    title = _esc(k.titel or "Ampel-Master")
    info = f"{len(k.felder)} Felder, {len(k.unterziele)} Unterziele, {len(k.massnahmen)} Maßnahmen"
    if k.stand_text:
        info += f" · Stand {_esc(k.stand_text)}"
    return f"<div><b>{title}</b><br><small>{_esc(info)}</small>{_counts_table(rows, 'Feld')}</div>"


def summary_html(s: Summary) -> str:
    rows = [{"name": r["feld"], **r} for r in s.felder.to_dict("records")]
    rows.append({"name": "Gesamt", **s.total.iloc[0].to_dict()})
    return (
        f"<div><b>Ergebnisse {_esc(s.konzept.titel or '')}</b><br><small>{_esc(s.rule)}</small>"
        f"{_counts_table(rows, 'Feld')}</div>"
    )


def report_html(r: Report) -> str:
    colours = {"error": STATUS_FILLS["rot"], "warning": STATUS_FILLS["gelb"], "info": "#DDEBF7"}
    c = r.counts
    head = f"<b>Prüfbericht</b> – {counts_text(c)}"
    if not r.findings:
        return f"<div>{head}<br>Keine Auffälligkeiten.</div>"
    rows = "".join(
        f"<tr style='background:{colours[f.severity.value]}'><td style='{_TD}'>{f.severity.label}</td>"
        f"<td style='{_TD}'>{_esc(f.location)}</td><td style='{_TD}'><code>{_esc(f.code)}</code></td>"
        f"<td style='{_TD}'>{_esc(f.message)}<br><small>{_esc(f.hint)}</small></td></tr>"
        for f in r.findings
    )
    return f"<div>{head}<table style='{_CSS}'>{rows}</table></div>"


_ARROW_CSS = {"besser": STATUS_COLORS["gruen"], "schlechter": STATUS_COLORS["rot"], "": "#7F7F7F"}


def _status_td(value: str | None, present: bool = True) -> str:
    if not present:
        return f"<td style='{_TD}'></td>"
    key = value or NO_STATUS
    word = STATUS_LABELS[key] if key != NO_STATUS else NO_STATUS_MEASURE
    return f"<td style='{_TD};background:{STATUS_FILLS[key]};text-align:center'>{word}</td>"


def changes_html(c: Changes, limit: int = 200) -> str:
    """The comparison: summary sentences, per-field ↑/↓ counts, then the changes (at most ``limit``)."""
    lines = c.text(per_feld=False).splitlines()  # the per-field table follows
    head = f"<b>{_esc(lines[0])}</b><br>" + "<br>".join(f"<small>{_esc(line)}</small>" for line in lines[1:])
    felder = [r for r in c.per_feld_counts() if any(v for k, v in r.items() if k != "feld")]
    feld_table = ""
    if felder:
        cols = (("verbesserungen", "↑ besser"), ("rueckschritte", "↓ schlechter"), ("neu", "neu"),
                ("entfernt", "entfernt"), ("auswertung", "Auswertung"), ("nummer", "neue Nr."))
        feld_table = (
            f"<table style='{_CSS}'><tr><th style='{_TD}'>Feld</th>"
            + "".join(f"<th style='{_TD}'>{lab}</th>" for _, lab in cols) + "</tr>"
            + "".join(
                f"<tr><td style='{_TD}'>{_esc(r['feld'])}</td>"
                + "".join(f"<td style='{_TD};text-align:right'>{r[k]}</td>" for k, _ in cols) + "</tr>"
                for r in felder
            ) + "</table>"
        )
    rows = []
    for ch in c.items[:limit]:
        if ch.art == "auswertung":
            before = f"<td style='{_TD}'>{'ja' if ch.auswertung_alt else 'nein'}</td>"
            after = f"<td style='{_TD}'>{'ja' if ch.auswertung_neu else 'nein'}</td>"
        elif ch.art == "nummer":
            before = f"<td style='{_TD}'>{_esc(ch.alt_id)}</td>"
            after = f"<td style='{_TD}'>{_esc(ch.massnahme_id)}</td>"
        elif ch.art in TEXT_FIELDS:
            before = f"<td style='{_TD}'>{_esc(ch.vorher) or '<i>(leer)</i>'}</td>"
            after = f"<td style='{_TD}'>{_esc(ch.nachher) or '<i>(leer)</i>'}</td>"
        else:
            before = _status_td(ch.alt, ch.art != "neu")
            after = _status_td(ch.neu, ch.art != "entfernt")
        old_id = f" <small>(bisher {_esc(ch.alt_id)})</small>" if ch.alt_id and ch.alt_id != ch.massnahme_id else ""
        rows.append(
            f"<tr><td style='{_TD}'>{_esc(ch.massnahme_id)}{old_id}</td><td style='{_TD}'>{_esc(ARTEN[ch.art])}</td>"
            f"{before}<td style='{_TD};text-align:center;font-weight:bold;color:{_ARROW_CSS[ch.richtung]}'>"
            f"{ch.pfeil}</td>{after}<td style='{_TD}'>{_esc(ch.massnahme)}</td></tr>"
        )
    more = (f"<small>… und {len(c.items) - limit} weitere (siehe <code>to_frame()</code>)</small>"
            if len(c.items) > limit else "")
    table = ""
    if rows:
        table = (
            f"<table style='{_CSS}'><tr><th style='{_TD}'>Maßnahme</th><th style='{_TD}'>Art</th>"
            f"<th style='{_TD}'>Vorher</th><th style='{_TD}'></th><th style='{_TD}'>Nachher</th>"
            f"<th style='{_TD}'>Text</th></tr>{''.join(rows)}</table>"
        )
    return f"<div>{head}{feld_table}{table}{more}</div>"
