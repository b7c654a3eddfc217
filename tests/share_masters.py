"""Masters whose shares fall on .5 and whose parts round to 99 or 101 %, for the rounding tests."""

from __future__ import annotations

from pathlib import Path

from builders import FieldSheet, build


def half_master(path: Path, *, kommunen_marked: bool = True, stand: str = "01.03.2026") -> Path:
    """A master built to hit the rounding rule's hard cases.

    Interkulturelle Öffnung (blue marking: only blue measures count):

    * Unterziel 1: 10 Grün, 3 Gelb, 3 Rot of 16 – 62.5 / 18.75 / 18.75 % (half-up gives 101);
    * Unterziel 2: 1 Grün, 7 Rot of 8 – 12.5 / 87.5 % (half-up gives 101);
    * Unterziel 3: two measures, none marked: nothing in the evaluation;
    * the field: 11 Grün, 3 Gelb, 10 Rot of 24.

    Zusammenarbeit mit kreisangehörigen Kommunen (the longest field name of the seed): one of
    each status (33.3 % each, half-up gives 99) and 3 Grün, 3 Gelb, 2 Rot (37.5 / 37.5 / 25 %).
    ``kommunen_marked=False`` leaves that field without any measure in the evaluation.
    """
    mark = "nr" if kommunen_marked else None
    f1 = FieldSheet("Handlungsfeld Interkulturelle Öffnung", "Öffnung")
    n = 0
    f1.unterziel(1, "Die Verwaltung öffnet sich interkulturell")
    for status in ["Grün"] * 10 + ["Gelb"] * 3 + ["Rot"] * 3:
        n += 1
        f1.measure(n, f"Maßnahme {n}", status=status, blue="nr")
    f1.unterziel(2, "Beratung in mehreren Sprachen")
    for status in ["Grün"] + ["Rot"] * 7:
        n += 1
        f1.measure(n, f"Maßnahme {n}", status=status, blue="nr")
    f1.unterziel(3, "Ein Unterziel ohne Maßnahme in der Auswertung")
    for status in ("Grün", "Gelb"):
        n += 1
        f1.measure(n, f"Maßnahme {n}", status=status)
    f2 = FieldSheet("Querschnittsthema Zusammenarbeit mit kreisangehörigen Kommunen", "Kommunen")
    n = 0
    f2.unterziel(1, "Drei gleiche Teile")
    for status in ("Grün", "Gelb", "Rot"):
        n += 1
        f2.measure(n, f"Maßnahme {n}", status=status, blue=mark)
    f2.unterziel(2, "Achtel")
    for status in ["Grün"] * 3 + ["Gelb"] * 3 + ["Rot"] * 2:
        n += 1
        f2.measure(n, f"Maßnahme {n}", status=status, blue=mark)
    return build(path, [f1, f2], konzept={"Titel": "Integrationskonzept Rundungsprobe", "Stand": stand})


LONG_HEADINGS = [
    "Migrantinnen und Migranten verfügen über ausreichend Informationen über vorhandene Angebote und deren "
    "Zugangsvoraussetzungen, auch in leichter Sprache und in den häufigsten Herkunftssprachen",
    "Sprachkurse",
    "Die ehrenamtlichen Sprachlehrerinnen und Sprachlehrer in der Flüchtlingsarbeit werden in ihrer Arbeit "
    "unterstützt und begleitet",
]


def long_master(path: Path, *, variant: int = 0, stand: str = "01.03.2026", n_uz: int = 11) -> Path:
    """A master whose field sheets run over several printed pages: many Unterziele with headings of
    one to three lines, measures of one to four lines, Bemerkung and Verantwortlich.

    ``variant`` shifts statuses and rewords some texts, so two variants compare with many changes.
    """
    header = ("Nr", "Unterziel / Maßnahme", "Ampel", "Bemerkung", "Verantwortlich")
    fields = []
    for fi, (title, sheet) in enumerate((("Handlungsfeld Sprache", "Sprache"),
                                         ("Querschnittsthema Zusammenarbeit mit kreisangehörigen Kommunen",
                                          "Kommunen"))):
        f = FieldSheet(title, sheet, header=header)
        n = 0
        for u in range(1, n_uz + 1):
            f.unterziel(u, f"{LONG_HEADINGS[(u + fi) % 3]} ({u})")
            for _j in range(3 + (u * 7 + fi) % 6):
                n += 1
                words = " ".join(["Abstimmung mit den Trägern vor Ort"] * ((n + variant * (n % 2)) % 4))
                text = f"Maßnahme {n}: Beratungsangebot im Landkreis {words}".strip()
                status = ("Grün", "Gelb", "Rot")[(n + variant * (n % 3 == 0)) % 3]
                values = {"Bemerkung": "läuft seit 2024" if n % 5 == 0 else None,
                          "Verantwortlich": "Amt für Migration und Integration" if n % 4 == 0 else None}
                f.measure(n, text, status=status, blue="nr" if (n + u) % 7 else None, values=values)
        fields.append(f)
    return build(path, fields, konzept={"Titel": "Integrationskonzept Druckprobe", "Stand": stand,
                                        "Kopfzeile": "Druckprobe – Steuerungsgruppe Integration"})


def even_master(path: Path) -> Path:
    """A master where only one Unterziel's printed shares miss 100 %.

    Wohnen: Unterziel 1 one Grün, one Gelb; Unterziel 2 one Grün, one Rot; the field 2/1/1 (50/25/25 %).
    Kultur & Freizeit: Unterziel 1 one of each status (33/33/33 %: 99), Unterziel 2 three Grün, one Gelb,
    three Rot (43/14/43 %), the field 4/2/4 (40/20/40 %). The concept 6/3/5 of 14 (43/21/36 %).
    """
    f1 = FieldSheet("Handlungsfeld Wohnen", "Wohnen")
    f1.unterziel(1, "Wohnraum")
    f1.measure(1, "Maßnahme 1", status="Grün").measure(2, "Maßnahme 2", status="Gelb")
    f1.unterziel(2, "Beratung")
    f1.measure(3, "Maßnahme 3", status="Grün").measure(4, "Maßnahme 4", status="Rot")
    f2 = FieldSheet("Handlungsfeld Kultur & Freizeit", "Kultur")
    f2.unterziel(1, "Drei gleiche Teile")
    n = 0
    for status in ("Grün", "Gelb", "Rot"):
        n += 1
        f2.measure(n, f"Maßnahme {n}", status=status)
    f2.unterziel(2, "Vereine")
    for status in ["Grün"] * 3 + ["Gelb"] + ["Rot"] * 3:
        n += 1
        f2.measure(n, f"Maßnahme {n}", status=status)
    return build(path, [f1, f2], konzept={"Titel": "Integrationskonzept Rundungsprobe", "Stand": "01.03.2026"})


SACHSTAND = ("Im Berichtszeitraum wurden die Angebote mit den Trägern vor Ort abgestimmt, neue Kooperationen "
             "mit Kommunen, Kammern und Vereinen geschlossen und die Beratung in mehreren Sprachen ausgebaut. ")


def sizes_master(path: Path) -> Path:
    """A master with fields of many sizes, for the page-break rules: one to twenty Unterziele, one to
    eight measures each, without or with a short or a long Sachstand and Highlights (a long text
    and ten Unterziele push the charts to the bottom of the first page, as Arbeit in the example)."""
    # (sheet, Unterziele, measures per Unterziel, Sachstand paragraphs, Highlights lines)
    plan = [
        ("Sprache", 1, [2], 0, 0),
        ("Arbeit", 10, [3], 3, 3),
        ("Bildung", 4, [6], 1, 0),
        ("Wohnen", 2, [1, 3], 0, 1),
        ("Gesundheit", 14, [2], 2, 2),
        ("Kultur", 7, [8, 1], 4, 4),
        ("Ehrenamt", 20, [1, 2], 1, 1),
        ("Kommunen", 3, [5, 4, 7], 5, 0),
    ]
    fields = []
    for fi, (sheet, n_uz, sizes, n_sach, n_high) in enumerate(plan):
        sachstand = "\n".join(SACHSTAND * (1 + (fi + p) % 3) for p in range(n_sach)) or None
        highlights = "\n".join(f"Highlight {h + 1}: {SACHSTAND[:60 + 20 * h]}" for h in range(n_high)) or None
        f = FieldSheet(f"Handlungsfeld {sheet}", sheet, sachstand=sachstand, highlights=highlights,
                       header=("Nr", "Unterziel / Maßnahme", "Ampel", "Bemerkung"))
        n = 0
        for u in range(1, n_uz + 1):
            f.unterziel(u, f"{LONG_HEADINGS[(u + fi) % 3]} ({u})")
            for _ in range(sizes[(u - 1) % len(sizes)]):
                n += 1
                words = " ".join(["Abstimmung mit den Trägern vor Ort"] * ((n + fi) % 3))
                f.measure(n, f"Maßnahme {n}: Beratungsangebot im Landkreis {words}".strip(),
                          status=("Grün", "Gelb", "Rot")[(n + u) % 3],
                          values={"Bemerkung": "läuft seit 2024" if n % 4 == 0 else None})
        fields.append(f)
    return build(path, fields, konzept={"Titel": "Integrationskonzept Seitenprobe", "Stand": "01.03.2026",
                                        "Kopfzeile": "Seitenprobe – Steuerungsgruppe Integration"})


EINLEITUNG = ("Das Oberziel fokussiert sich auf einen gleichberechtigten Zugang zu den Angeboten im Landkreis, "
              "bei dem auf die individuellen Bedarfe der Migrantinnen und Migranten eingegangen werden kann. ")
AUSBLICK = ("Für das kommende Jahr sind weitere Angebote mit den Trägern vor Ort geplant; der Bedarf an "
            "Vernetzung zwischen den Kommunen und den Ehrenamtlichen wurde mehrfach benannt. ")


def texts_master(path: Path) -> Path:
    """A master whose fields carry every text the Ampeldokument prints (Einleitung, Sachstand, Highlights,
    Ausblick) above six to twelve Unterziele: one line more of text in each field pushes the table of
    Unterziele and its charts further down the first page, through every point where a chart no longer
    fits below the table (as in Arbeit of the example)."""
    fields = []
    for fi in range(20):
        n_uz = 10 if fi < 16 else 6 + fi % 7
        f = FieldSheet(f"Handlungsfeld Feld {fi + 1}", f"Feld {fi + 1}",
                       einleitung=EINLEITUNG * (2 if fi < 16 else 1 + fi % 3),
                       sachstand="\n\n".join([SACHSTAND * 2, SACHSTAND] * (4 + fi // 8 if fi < 16 else 1)),
                       highlights="\n".join(f"Highlight {h + 1}: {SACHSTAND[:60 + 5 * h]}"
                                             for h in range(1 + fi % 8)),
                       ausblick=AUSBLICK,
                       header=("Nr", "Unterziel / Maßnahme", "Ampel"))
        n = 0
        for u in range(1, n_uz + 1):
            f.unterziel(u, f"{LONG_HEADINGS[(u + fi) % 3 if fi >= 16 else 1]} ({u})")
            for _ in range(2 + (u + fi) % 3):
                n += 1
                f.measure(n, f"Maßnahme {n}: Beratungsangebot im Landkreis",
                          status=("Grün", "Gelb", "Rot")[(n + u) % 3])
        fields.append(f)
    return build(path, fields, konzept={"Titel": "Integrationskonzept Textprobe", "Stand": "01.03.2026",
                                        "Kopfzeile": "Textprobe – Steuerungsgruppe Integration"})
