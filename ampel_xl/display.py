"""Rich display in Jupyter: small HTML tables with traffic-light colours. No I/O."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .model import STATUS_COLORS, STATUS_FILLS, Konzept

if TYPE_CHECKING:  # pragma: no cover
    from .figures import Summary
    from .validate import Report

_CSS = "border-collapse:collapse;font-family:sans-serif;font-size:12px"
_TD = "padding:2px 8px;border:1px solid #ddd"


def _esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _bar(g: int, y: int, r: int, o: int, width: int = 160) -> str:
    total = g + y + r + o
    if not total:
        return ""
    parts = []
    for key, n, label in (("gruen", g, "Grün"), ("gelb", y, "Gelb"), ("rot", r, "Rot"), ("ohne", o, "ohne")):
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
            for k, lab in (("gruen", "Grün"), ("gelb", "Gelb"), ("rot", "Rot"))
        )
        + f"<th style='{_TD}'>ohne</th><th style='{_TD}'>Summe</th><th style='{_TD}'>Verteilung</th></tr>"
    )
    body = []
    for row in rows:
        body.append(
            f"<tr><td style='{_TD}'>{_esc(row['name'])}</td>"
            + "".join(f"<td style='{_TD};text-align:right'>{int(row[k])}</td>" for k in ("gruen", "gelb", "rot", "ohne", "summe"))
            + f"<td style='{_TD}'>{_bar(int(row['gruen']), int(row['gelb']), int(row['rot']), int(row['ohne']))}</td></tr>"
        )
    return f"<table style='{_CSS}'>{head}{''.join(body)}</table>"


def konzept_html(k: Konzept) -> str:
    from .figures import count

    rows = [{"name": f.name, **count(f.massnahmen)} for f in k.felder]
    title = _esc(k.titel or "Ampel-Master")
    info = f"{len(k.felder)} Felder, {len(k.unterziele)} Unterziele, {len(k.massnahmen)} Maßnahmen"
    if k.stand_text:
        info += f" · Stand {_esc(k.stand_text)}"
    return f"<div><b>{title}</b><br><small>{_esc(info)}</small>{_counts_table(rows, 'Feld')}</div>"


def summary_html(s: "Summary") -> str:
    rows = [{"name": r["feld"], **r} for r in s.felder.to_dict("records")]
    rows.append({"name": "Gesamt", **s.total.iloc[0].to_dict()})
    return (
        f"<div><b>Ergebnisse {_esc(s.konzept.titel or '')}</b><br><small>{_esc(s.rule)}</small>"
        f"{_counts_table(rows, 'Feld')}</div>"
    )


def report_html(r: "Report") -> str:
    colours = {"error": "#FFC7CE", "warning": "#FFEB9C", "info": "#DDEBF7"}
    c = r.counts
    head = f"<b>Prüfbericht</b> – {c['error']} Fehler, {c['warning']} Warnungen, {c['info']} Hinweise"
    if not r.findings:
        return f"<div>{head}<br>Keine Auffälligkeiten.</div>"
    rows = "".join(
        f"<tr style='background:{colours[f.severity.value]}'><td style='{_TD}'>{f.severity.label}</td>"
        f"<td style='{_TD}'>{_esc(f.location)}</td><td style='{_TD}'><code>{_esc(f.code)}</code></td>"
        f"<td style='{_TD}'>{_esc(f.message)}<br><small>{_esc(f.hint)}</small></td></tr>"
        for f in r.findings
    )
    return f"<div>{head}<table style='{_CSS}'>{rows}</table></div>"
