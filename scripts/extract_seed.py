"""Derive ``ampel_xl/data/integrationskonzept_1_0.json`` from the seed text.

Maintenance helper, never imported by the package. The seed is the text extract of the
"Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt" (Landkreis Konstanz, Feb 2025)::

    python scripts/extract_seed.py [SEED.txt] [-o ampel_xl/data/integrationskonzept_1_0.json]

The seed's wording is kept. Only extraction artefacts are repaired: ``**`` markdown,
non-breaking-space filler lines, the count sentence at the end of the focus paragraphs, a stray
count fragment at the end of one Oberziel, and the typos of the seed's own *headings*
("QUERSCHNITTSTEHMA", "ANTIDIKRIMINIERUNG", "ENGAEMENT") – field names are taken from the
running text ("Das Oberziel Antidiskriminierung zielt …"), which spells them correctly.

The script checks what it extracts against the counts the seed states (11 Oberziele,
64 Unterziele, 193 Maßnahmen; per field "In diesem Handlungsfeld gibt es 7 Unterziele und
22 Maßnahmen") and stops if anything disagrees.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import difflib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = ROOT.parent / "shared" / "seed" / "000_6f6bdc1325f5edca.txt"
DEFAULT_OUT = ROOT / "ampel_xl" / "data" / "integrationskonzept_1_0.json"

#: Short sheet names (Excel allows 31 characters); fields not listed keep their name.
SHEET_NAMES = {
    "Beteiligung von Migrantinnen und Migranten": "Beteiligung",
    "Ehrenamtliches Engagement": "Ehrenamt",
    "Zusammenarbeit mit kreisangehörigen Kommunen": "Kommunen",
    "Interkulturelle Öffnung der Verwaltung": "Interkult. Öffnung",
}

MONTHS = {
    name: i
    for i, name in enumerate(
        ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
         "september", "oktober", "november", "dezember"],
        start=1,
    )
}

NBSP = "\u00a0"
HEADING_RE = re.compile(r"^(HANDLUNGSFELD|QUERSCHNITTST\w*)\s+(.+?)\s*$")
FOKUS_RE = re.compile(r"^Das Oberziel (?P<name>.+?) (?:fokussiert|zielt)\b")
COUNT_RE = re.compile(
    r"\s*In diesem (?:Handlungsfeld|Querschnittsthema) gibt es (?P<u>\d+) Unterziele und (?P<m>\d+) Maßnahmen\.\s*$"
)
UNTERZIEL_RE = re.compile(r"^(?:-\s*)?Unterziel (?P<nr>\d+):\s*(?P<text>.+)$")
BEISPIEL_RE = re.compile(r"^Beispiel:\s*(?:Handlungsfeld|Querschnittsthema)\s+(?P<name>.+)$")
MASSNAHME_RE = re.compile(r"^Maßnahme (?P<nr>\d+) von (?P<von>\d+):\s*(?P<text>.+)$")
# A count fragment left at the end of one Oberziel by the extraction ("Insgesamt 5 Unterziele und 16 Maßnahmen: ca.").
OBERZIEL_TAIL_RE = re.compile(r"\s*Insgesamt \d+ Unterziele und \d+ Maßnahmen:?\s*(?:ca\.)?\s*$")


class SeedError(Exception):
    pass


def clean(text: str) -> str:
    """Remove markdown emphasis and normalise whitespace, keeping the wording."""
    text = text.replace("**", "").replace(NBSP, " ")
    return re.sub(r"\s+", " ", text).strip()


def paragraphs(lines: list[str]) -> list[str]:
    """Non-empty lines (the seed has one paragraph or bullet per line)."""
    return [line for line in (raw.replace(NBSP, " ").strip() for raw in lines) if line]


def split_pages(text: str) -> tuple[str, list[list[str]]]:
    """Split at the running header; return (header line, pages as lists of lines)."""
    lines = text.splitlines()
    header = next(line.strip() for line in lines if line.strip().startswith("ANLAGE"))
    pages: list[list[str]] = [[]]
    for line in lines:
        if line.strip() == header:
            pages.append([])
        elif line.strip().startswith("Ampeldokument des Integrationskonzepts"):
            continue
        else:
            pages[-1].append(line)
    return header, [p for p in pages if paragraphs(p)]


def parse_stand(header: str) -> dt.date:
    m = re.search(r"(\d{1,2})\.\s*([A-Za-zÄÖÜäöü]+)\s+(\d{4})", header)
    if not m:
        raise SeedError(f"no date in the running header: {header!r}")
    return dt.date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))


def parse_summary_page(heading: re.Match[str], lines: list[str]) -> dict:
    """A field's summary page: focus, Sachstand, Highlights bullets, further paragraphs."""
    paras = paragraphs(lines)
    try:
        end = next(i for i, p in enumerate(paras) if p.startswith("ERGEBNISSE"))
    except StopIteration:
        end = len(paras)
    paras = paras[:end]
    fokus_i = next((i for i, p in enumerate(paras) if FOKUS_RE.match(p)), None)
    if fokus_i is None:
        raise SeedError(f"no focus paragraph under {heading.group(0)!r}")
    fokus_raw = clean(paras[fokus_i])
    name = FOKUS_RE.match(fokus_raw).group("name")  # type: ignore[union-attr]
    count = COUNT_RE.search(fokus_raw)
    if not count:
        raise SeedError(f"no count sentence in the focus paragraph of {name!r}")
    fokus = fokus_raw[: count.start()].strip()

    rest = paras[fokus_i + 1 :]
    sachstand: list[str] = []
    highlights: list[str] = []
    ausblick: list[str] = []
    for p in rest:
        if p.startswith("- "):
            highlights.append(clean(p[2:]))
        elif not sachstand:
            sachstand.append(clean(p))
        else:
            ausblick.append(clean(p))

    # The heading (upper case, with the seed's typos) must name the same field.
    heading_name = heading.group(2)
    ratio = difflib.SequenceMatcher(None, name.upper(), heading_name.upper()).ratio()
    if ratio < 0.9:
        raise SeedError(f"heading {heading_name!r} does not match field name {name!r}")
    art = "Handlungsfeld" if heading.group(1).upper() == "HANDLUNGSFELD" else "Querschnittsthema"
    return {
        "name": name,
        "art": art,
        "fokus": fokus,
        "sachstand": sachstand[0] if sachstand else "",
        "highlights": highlights,
        "ausblick": "\n\n".join(ausblick),
        "_unterziele_angegeben": int(count.group("u")),
        "_massnahmen_angegeben": int(count.group("m")),
    }


def parse_goals_page(lines: list[str]) -> tuple[str, list[dict]]:
    """A field's goals page: the Oberziel and the numbered Unterziele."""
    oberziel = None
    unterziele: list[dict] = []
    for p in paragraphs(lines):
        p = clean(p)
        if p.startswith("Oberziel:"):
            oberziel = OBERZIEL_TAIL_RE.sub("", p[len("Oberziel:") :]).strip()
            continue
        m = UNTERZIEL_RE.match(p)
        if m:
            unterziele.append({"nr": int(m.group("nr")), "text": m.group("text").strip()})
        elif unterziele:
            raise SeedError(f"unexpected line on a goals page: {p!r}")
    if oberziel is None:
        raise SeedError("goals page without an Oberziel")
    return oberziel, unterziele


def parse_intro(pages: list[list[str]]) -> tuple[str, dict[str, int], dict[str, dict[str, str]], dict]:
    """Introduction paragraph, stated totals, the example measure(s), title/Amt."""
    einfuehrung = None
    totals: dict[str, int] = {}
    known: dict[str, dict[str, str]] = collections.defaultdict(dict)
    beispiel_feld = None
    meta: dict[str, str] = {}
    for page in pages:
        paras = paragraphs(page)
        for i, p in enumerate(paras):
            if p.startswith("Amt für") and "amt" not in meta:
                nxt = paras[i + 1] if i + 1 < len(paras) else ""
                meta["amt"] = clean(p) + (f" – {clean(nxt)}" if nxt.startswith("Referat") else "")
            if p.startswith("Mit dem Ampeldokument") and einfuehrung is None:
                einfuehrung = clean(p)
            m = re.match(r"^- (\d+) (Oberziele|Unterziele|Maßnahmen)$", p)
            if m:
                totals[m.group(2)] = int(m.group(1))
            m = BEISPIEL_RE.match(p)
            if m:
                beispiel_feld = clean(m.group("name"))
            m = MASSNAHME_RE.match(clean(p))
            if m and beispiel_feld:
                known[beispiel_feld][m.group("nr")] = m.group("text").strip()
        if any(p.startswith("HANDLUNGSFELD") for p in paras) and einfuehrung:
            break
    if einfuehrung is None:
        raise SeedError("no introduction paragraph")
    return einfuehrung, totals, dict(known), meta


def extract(seed_text: str) -> dict:
    header, pages = split_pages(seed_text)
    stand = parse_stand(header)
    title_m = re.search(r"Ampeldokument des (Integrationskonzept)s? ([\d.]+)", seed_text)
    if not title_m:
        raise SeedError("no title")
    titel = f"{title_m.group(1)} {title_m.group(2)}"
    gebiete = collections.Counter(re.findall(r"\bLandkreis(?:es)? ([A-ZÄÖÜ]\w+)", seed_text))
    gebiet = f"Landkreis {gebiete.most_common(1)[0][0]}"

    # Field summary pages are the pages whose first paragraph is a field heading (the
    # table of contents also lists headings, but with page numbers and not first).
    felder: list[dict] = []
    intro_pages: list[list[str]] = []
    i = 0
    while i < len(pages):
        first = paragraphs(pages[i])[0]
        heading = HEADING_RE.match(first)
        if heading and not re.search(r"\d\s*$", first):
            feld = parse_summary_page(heading, pages[i])
            if i + 1 >= len(pages):
                raise SeedError(f"no goals page for {feld['name']!r}")
            oberziel, unterziele = parse_goals_page(pages[i + 1])
            feld["oberziel"] = oberziel
            feld["unterziele"] = unterziele
            felder.append(feld)
            i += 2
            continue
        if not felder:
            intro_pages.append(pages[i])
        i += 1

    einfuehrung, totals, known, meta = parse_intro(intro_pages)

    out_felder = []
    sheets: set[str] = set()
    for f in felder:
        nrs = [u["nr"] for u in f["unterziele"]]
        if nrs != list(range(1, len(nrs) + 1)):
            raise SeedError(f"{f['name']}: Unterziele not numbered 1..n: {nrs}")
        if len(nrs) != f["_unterziele_angegeben"]:
            raise SeedError(f"{f['name']}: {len(nrs)} Unterziele listed, {f['_unterziele_angegeben']} stated")
        sheet = SHEET_NAMES.get(f["name"], f["name"])[:31]
        if sheet.lower() in sheets or re.search(r"[\[\]:*?/\\]", sheet):
            raise SeedError(f"bad or duplicate sheet name {sheet!r}")
        sheets.add(sheet.lower())
        bekannt = known.get(f["name"], {})
        out_felder.append(
            {
                "name": f["name"],
                "art": f["art"],
                "sheet": sheet,
                "oberziel": f["oberziel"],
                "fokus": f["fokus"],
                "sachstand": f["sachstand"],
                "highlights": f["highlights"],
                "ausblick": f["ausblick"],
                "unterziele": f["unterziele"],
                "massnahmen_anzahl": f["_massnahmen_angegeben"],
                "massnahmen_bekannt": bekannt,
            }
        )

    n_u = sum(len(f["unterziele"]) for f in out_felder)
    n_m = sum(f["massnahmen_anzahl"] for f in out_felder)
    stated = (totals.get("Oberziele"), totals.get("Unterziele"), totals.get("Maßnahmen"))
    if (len(out_felder), n_u, n_m) != stated:
        raise SeedError(f"found {len(out_felder)}/{n_u}/{n_m}, the seed states {stated}")
    for name in known:
        if name not in {f["name"] for f in out_felder}:
            raise SeedError(f"example measure for unknown field {name!r}")

    return {
        "titel": titel,
        "gebiet": gebiet,
        "amt": meta.get("amt", ""),
        "kopfzeile": clean(header),
        "stand": stand.isoformat(),
        "quelle": "Ampeldokument des Integrationskonzepts 1.0 – Kurzextrakt (Anlage 1 zum Protokoll der "
        "Steuerungsgruppe Integration vom 3. Februar 2025)",
        "hinweis_massnahmen": "„massnahmen_anzahl“ ist die im Konzept festgelegte Zahl der Maßnahmen je Feld "
        "(laut Ampeldokument). Die Maßnahmen selbst nennt der Kurzextrakt nicht; „massnahmen_bekannt“ "
        "enthält nur die dort zitierten (Nummer = laufende Nummer im Feld).",
        "einfuehrung": einfuehrung,
        "felder": out_felder,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seed", nargs="?", type=Path, default=DEFAULT_SEED)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data = extract(args.seed.read_text(encoding="utf-8"))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    n_u = sum(len(f["unterziele"]) for f in data["felder"])
    n_m = sum(f["massnahmen_anzahl"] for f in data["felder"])
    print(f"{args.output}: {len(data['felder'])} Felder, {n_u} Unterziele, {n_m} Maßnahmen")
    return 0


if __name__ == "__main__":
    sys.exit(main())
