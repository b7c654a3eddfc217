"""Generate colour-coded Ampel masters of any size for the benchmark (scripts/benchmark.py).

The masters follow the hierarchical layout of ``workbooks/Beispiel_Ampel-Master.xlsx``:

* a "Konzept" sheet (Titel, Gebiet, Stand, Kopfzeile, Amt and the table
  Feld | Art | Unterziele | Maßnahmen with a "Gesamt" row that matches the generated counts);
* eleven field sheets (six Handlungsfelder, five Querschnittsthemen): title in A1
  ("Handlungsfeld …"), "Oberziel"/"Sachstand"/"Highlights" rows, the header row
  Nr | Unterziel / Maßnahme | Ampel | In Auswertung | Verantwortlich | Zeitraum | Bemerkung,
  grey Unterziel rows "Unterziel n: …" and their measures, numbered per field;
* a "Legende" sheet (ignored by the reader).

Measures are split over the fields and Unterziele in the proportions of the example master
(193 measures in 64 Unterziele); at 193 measures the counts per field equal the example's.

The status cells are colour-coded the way staff do it, in a fixed mix (seeded, reproducible):

* word and a matching plain RGB fill ("Grün" on 00B050, "Gelb" on FFC000, "Rot" on FF0000);
* fill only, plain RGB (92D050, FFFF00, C00000);
* fill only, theme colour with tint (accent6 -25 % = 548235, accent4 +40 % = FFD966), as
  Excel's colour picker writes it: ``<fgColor theme="9" tint="-0.249977111117893"/>``;
* word only, no fill.

About 70 % of the measures are marked for the evaluation by a blue Nr and text cell, half of
them plain RGB BDD7EE, half theme accent5 +60 % (the same colour written as a theme colour).

The workbook is written with XlsxWriter (fast, shared strings like Excel). XlsxWriter cannot
write theme colours, so the theme fills are written with sentinel RGB values and rewritten in
``xl/styles.xml`` afterwards; ``xl/theme/theme1.xml`` is replaced by the Office 2013–2022
theme, so that the theme indexes mean what they mean in a workbook saved by current Excel.

Usage::

    python scripts/make_bench_masters.py --sizes 193 2000 20000 100000 -o /tmp/bench
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import random
import re
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

#: Bump when the generated workbooks change, so that cached masters are rebuilt.
GENERATOR_VERSION = 1

SIZES = (193, 2000, 20000, 100000)

#: (sheet name, title, Art, Unterziele, Maßnahmen) of the example master.
FIELDS: tuple[tuple[str, str, str, int, int], ...] = (
    ("Sprache", "Handlungsfeld Sprache", "Handlungsfeld", 7, 22),
    ("Arbeit", "Handlungsfeld Arbeit", "Handlungsfeld", 10, 29),
    ("Bildung", "Handlungsfeld Bildung", "Handlungsfeld", 9, 31),
    ("Wohnen", "Handlungsfeld Wohnen", "Handlungsfeld", 5, 9),
    ("Gesundheit", "Handlungsfeld Gesundheit", "Handlungsfeld", 7, 16),
    ("Kultur & Freizeit", "Handlungsfeld Kultur & Freizeit", "Handlungsfeld", 4, 9),
    ("Beteiligung", "Querschnittsthema Beteiligung von Migrantinnen und Migranten", "Querschnittsthema", 4, 12),
    ("Ehrenamt", "Querschnittsthema Ehrenamtliches Engagement", "Querschnittsthema", 5, 25),
    ("Kommunen", "Querschnittsthema Zusammenarbeit mit kreisangehörigen Kommunen", "Querschnittsthema", 5, 16),
    ("Interkult. Öffnung", "Querschnittsthema Interkulturelle Öffnung der Verwaltung", "Querschnittsthema", 5, 16),
    ("Antidiskriminierung", "Querschnittsthema Antidiskriminierung", "Querschnittsthema", 3, 8),
)
EXAMPLE_MEASURES = sum(f[4] for f in FIELDS)  # 193

HEADER = ("Nr", "Unterziel / Maßnahme", "Ampel", "In Auswertung", "Verantwortlich", "Zeitraum", "Bemerkung")

#: Sentinel RGB → the theme colour it is rewritten to in styles.xml.
THEME_FILLS: dict[str, str] = {
    "FE0001": '<fgColor theme="9" tint="-0.249977111117893"/>',  # accent6 -25 %: 548235, Grün
    "FE0002": '<fgColor theme="7" tint="0.39997558519241921"/>',  # accent4 +40 %: FFD966, Gelb
    "FE0003": '<fgColor theme="8" tint="0.59999389629810485"/>',  # accent5 +60 %: BDD7EE, Blau
}
GREEN_THEME, YELLOW_THEME, BLUE_THEME = THEME_FILLS

WORDS = {"gruen": "Grün", "gelb": "Gelb", "rot": "Rot"}
WORD_FILLS = {"gruen": "00B050", "gelb": "FFC000", "rot": "FF0000"}
PLAIN_FILLS = {"gruen": "92D050", "gelb": "FFFF00", "rot": "C00000"}
THEME_STATUS_FILLS = {"gruen": GREEN_THEME, "gelb": YELLOW_THEME, "rot": "C00000"}  # no red accent
BLUE_RGB = "BDD7EE"
GREY = "D9D9D9"

RESPONSIBLE = ("Integrationsbeauftragte", "Jobcenter", "Volkshochschule", "Schulamt", "Gesundheitsamt",
               "Kreisjugendamt", "Ausländerbehörde", "Migrationsberatung")
PERIODS = ("2025", "2025–2026", "laufend", "bis 2027", "2026")


@dataclass(frozen=True)
class MasterInfo:
    path: Path
    measures: int
    unterziele: int
    fields: int


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), every share >= 1."""
    wsum = sum(weights)
    raw = [total * w / wsum for w in weights]
    shares = [max(1, int(r)) for r in raw]
    rest = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while rest > 0:
        shares[order[i % len(order)]] += 1
        rest -= 1
        i += 1
    while rest < 0:  # only when total < len(weights)
        j = max(range(len(shares)), key=lambda k: shares[k])
        shares[j] -= 1
        rest += 1
    return shares


def plan(n_measures: int) -> list[tuple[str, str, str, list[int]]]:
    """(sheet, title, Art, measures per Unterziel) for every field of a master of ``n_measures``."""
    per_field = _apportion(n_measures, [f[4] for f in FIELDS])
    out = []
    for (sheet, title, art, n_uz, n_m), m in zip(FIELDS, per_field, strict=True):
        uz = max(1, min(m, round(n_uz * m / n_m)))
        out.append((sheet, title, art, _apportion(m, [1] * uz)))
    return out


def make_master(path: str | os.PathLike[str], n_measures: int, seed: int = 1) -> MasterInfo:
    """Write a master with ``n_measures`` measures to ``path`` and return what it holds."""
    import xlsxwriter

    path = Path(path)
    rng = random.Random(seed * 1_000_003 + n_measures)
    layout = plan(n_measures)
    tmp = path.with_name(path.name + ".raw.xlsx")
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.set_properties({"title": "Ampel-Master (Benchmark)", "created": _dt.datetime(2025, 2, 3)})
    fmt_cache: dict[tuple, object] = {}

    def fmt(fill: str | None = None, bold: bool = False, wrap: bool = False, date: bool = False):
        key = (fill, bold, wrap, date)
        f = fmt_cache.get(key)
        if f is None:
            props: dict[str, object] = {"valign": "top"}
            if fill:
                props.update(pattern=1, bg_color="#" + fill)
            if bold:
                props["bold"] = True
            if wrap:
                props["text_wrap"] = True
            if date:
                props["num_format"] = "dd.mm.yyyy"
            f = fmt_cache[key] = wb.add_format(props)
        return f

    # -- Konzept sheet
    ks = wb.add_worksheet("Konzept")
    ks.set_column(0, 0, 45)
    ks.set_column(1, 3, 18)
    meta = [
        ("Titel", "Integrationskonzept 1.0"),
        ("Gebiet", "Landkreis Benchmark"),
        ("Stand", _dt.datetime(2025, 2, 3)),
        ("Kopfzeile", "ANLAGE 1 – PROTOKOLL STEUERUNGSGRUPPE INTEGRATION"),
        ("Amt", "Amt für Migration und Integration"),
    ]
    for r, (key, value) in enumerate(meta):
        ks.write(r, 0, key, fmt(bold=True))
        if isinstance(value, _dt.datetime):
            ks.write_datetime(r, 1, value, fmt(date=True))
        else:
            ks.write(r, 1, value)
    r = len(meta) + 1
    for c, label in enumerate(("Feld", "Art", "Unterziele", "Maßnahmen")):
        ks.write(r, c, label, fmt(bold=True))
    total_uz = total_m = 0
    for _sheet, title, art, uz_sizes in layout:
        r += 1
        name = re.sub(r"^(Handlungsfeld|Querschnittsthema)\s+", "", title)
        ks.write_row(r, 0, (name, art, len(uz_sizes), sum(uz_sizes)))
        total_uz += len(uz_sizes)
        total_m += sum(uz_sizes)
    r += 1
    ks.write_row(r, 0, ("Gesamt", "", total_uz, total_m), fmt(bold=True))

    # -- field sheets
    for sheet, title, _art, uz_sizes in layout:
        ws = wb.add_worksheet(sheet)
        ws.set_column(0, 0, 6)
        ws.set_column(1, 1, 72)
        ws.set_column(2, 3, 12)
        ws.set_column(4, 6, 22)
        ws.write(0, 0, title, fmt(bold=True))
        ws.write(1, 0, "Oberziel", fmt(bold=True))
        ws.write(1, 1, f"Im ganzen Landkreis bestehen Teilhabe und Chancengleichheit ({sheet}).", fmt(wrap=True))
        ws.write(2, 0, "Sachstand", fmt(bold=True))
        ws.write(2, 1, f"Angebote bestehen, die Nachfrage wächst ({sheet}).", fmt(wrap=True))
        ws.write(3, 0, "Highlights", fmt(bold=True))
        ws.write(3, 1, f"• Auftaktveranstaltung {sheet}\n• Neue Kooperation mit den Kommunen", fmt(wrap=True))
        ws.write_row(5, 0, HEADER, fmt(bold=True))
        row = 6
        nr = 0
        for u, size in enumerate(uz_sizes, start=1):
            grey = fmt(GREY, wrap=True)
            ws.write_number(row, 0, u, grey)
            ws.write_string(row, 1, f"Unterziel {u}: Ziel {u} im Feld {sheet} wird durch passende Angebote erreicht.",
                            grey)
            for c in range(2, len(HEADER)):
                ws.write_blank(row, c, None, grey)
            row += 1
            for _ in range(size):
                nr += 1
                status = rng.choices(("gruen", "gelb", "rot"), (50, 35, 15))[0]
                how = rng.choices(("word", "plain", "theme", "text"), (50, 20, 20, 10))[0]
                blue = None
                if rng.random() < 0.7:
                    blue = BLUE_RGB if rng.random() < 0.5 else BLUE_THEME
                text = (f"Maßnahme {nr} zu Unterziel {u} ({sheet}): Angebot für Zielgruppe "
                        f"{rng.randint(1, 9999)} ausbauen und verstetigen")
                ws.write_number(row, 0, nr, fmt(blue))
                ws.write_string(row, 1, text, fmt(blue, wrap=True))
                if how == "word":
                    ws.write_string(row, 2, WORDS[status], fmt(WORD_FILLS[status]))
                elif how == "plain":
                    ws.write_blank(row, 2, None, fmt(PLAIN_FILLS[status]))
                elif how == "theme":
                    ws.write_blank(row, 2, None, fmt(THEME_STATUS_FILLS[status]))
                else:
                    ws.write_string(row, 2, WORDS[status])
                ws.write_string(row, 4, rng.choice(RESPONSIBLE))
                ws.write_string(row, 5, rng.choice(PERIODS))
                if rng.random() < 0.1:
                    ws.write_string(row, 6, "Förderung beantragt; Rückmeldung steht aus.", fmt(wrap=True))
                row += 1

    # -- Legende (ignored by the reader)
    ls = wb.add_worksheet("Legende")
    ls.write(0, 0, "Ampelsystem-Legende", fmt(bold=True))
    for r, (word, fill, meaning) in enumerate((
        ("Grün", WORD_FILLS["gruen"], "Die Maßnahme ist realisiert oder hat stattgefunden."),
        ("Gelb", WORD_FILLS["gelb"], "Die Maßnahme ist in der Planungs- oder Realisierungsphase."),
        ("Rot", WORD_FILLS["rot"], "Die Maßnahme wurde (noch) nicht weiterverfolgt."),
        ("Blau", BLUE_RGB, "Blau hinterlegte Maßnahmen sind in die Auswertung eingeflossen."),
    ), start=2):
        ls.write(r, 0, word, fmt(fill))
        ls.write(r, 1, meaning)
    wb.close()

    _rewrite_theme_fills(tmp, path)
    tmp.unlink()
    return MasterInfo(path, total_m, total_uz, len(layout))


def _rewrite_theme_fills(src: Path, dst: Path) -> None:
    """Copy the package, turning sentinel fills into theme colours and installing the 2013 theme."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    try:
        from ampel_xl.reader.colors import OFFICE_2013, theme_xml
    finally:
        sys.path.pop(0)

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                text = data.decode("utf-8")
                for sentinel, element in THEME_FILLS.items():
                    text = text.replace(f'<fgColor rgb="FF{sentinel}"/>', element)
                if "FE000" in text:
                    raise RuntimeError("a sentinel fill was not rewritten")
                data = text.encode("utf-8")
            elif item.filename == "xl/theme/theme1.xml":
                data = theme_xml(OFFICE_2013)
            zout.writestr(item, data)


def master_path(directory: str | os.PathLike[str], n_measures: int) -> Path:
    return Path(directory) / f"bench_master_{n_measures}_v{GENERATOR_VERSION}.xlsx"


def ensure_master(directory: str | os.PathLike[str], n_measures: int) -> Path:
    """The cached master of ``n_measures`` in ``directory``, generated when missing."""
    path = master_path(directory, n_measures)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(path.stem + f".part{os.getpid()}.xlsx")
        make_master(part, n_measures)
        os.replace(part, path)
    return path


def default_directory() -> Path:
    return Path(tempfile.gettempdir()) / "ampel_xl_bench"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="numbers of measures")
    parser.add_argument("-o", "--output", type=Path, default=default_directory(), help="directory")
    parser.add_argument("--force", action="store_true", help="regenerate even when cached")
    args = parser.parse_args(argv)
    for n in args.sizes:
        path = master_path(args.output, n)
        if args.force and path.exists():
            path.unlink()
        path = ensure_master(args.output, n)
        print(f"{n:>7} measures: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
