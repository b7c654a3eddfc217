"""Masters built in code with openpyxl, for the tests: one small builder, many variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Color, PatternFill

GREEN, YELLOW, RED, BLUE = "00B050", "FFFF00", "FF0000", "BDD7EE"


class Text(str):
    """A value written as a text cell even when it starts with "=" (openpyxl would make it a formula)."""


def solid(color: str | Color) -> PatternFill:
    c = color if isinstance(color, Color) else Color(rgb="FF" + color if len(color) == 6 else color)
    return PatternFill(fill_type="solid", fgColor=c, bgColor=c)


@dataclass
class FieldSheet:
    """A field sheet; rows are added in order. Column roles map to header labels."""

    title: str
    sheet: str
    oberziel: str | None = "Ein Oberziel."
    header: tuple[str, ...] = ("Nr", "Unterziel / Maßnahme", "Ampel")
    header_row: int = 4
    sachstand: str | None = None
    highlights: str | None = None
    einleitung: str | None = None
    ausblick: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    merges: list[str] = field(default_factory=list)

    def col(self, label: str) -> int:
        return self.header.index(label) + 1

    def unterziel(self, nr: int, text: str | None = None, **extra: Any) -> FieldSheet:
        label = f"Unterziel {nr}: {text or f'Unterziel {nr} Text'}"
        self.rows.append({"kind": "uz", "values": {"Unterziel / Maßnahme": label, **extra.pop("values", {})}, **extra})
        return self

    def measure(self, nr: Any, text: str = "Eine Maßnahme", status: str | None = None, fill: Any = None,
                blue: str | None = None, values: dict[str, Any] | None = None, **extra: Any) -> FieldSheet:
        """blue: None, "nr", "text" or "row" (where the blue highlight is painted)."""
        vals = {self._nr_label(): nr, self._text_label(): text}
        if status is not None:
            vals[self._status_label()] = status
        vals.update(values or {})
        self.rows.append({"kind": "m", "values": vals, "fill": fill, "blue": blue, **extra})
        return self

    def blank(self) -> FieldSheet:
        self.rows.append({"kind": "blank", "values": {}})
        return self

    def _text_label(self) -> str:
        for label in self.header:
            if "Maßnahme" in label or label in ("Beschreibung",):
                return label
        return self.header[1]

    def _nr_label(self) -> str:
        for label in self.header:
            if label in ("Nr", "Nr.", "Nummer"):
                return label
        return "Nr"

    def _status_label(self) -> str:
        for label in self.header:
            if label in ("Ampel", "Status", "Bewertung"):
                return label
        return "Ampel"

    def row_of(self, index: int) -> int:
        """Sheet row of the index-th added row."""
        return self.header_row + 1 + index

    def write(self, wb: Workbook) -> None:
        ws = wb.create_sheet(self.sheet)
        ws["A1"] = self.title
        if self.oberziel is not None:
            ws["A2"] = "Oberziel"
            ws["B2"] = self.oberziel
        if self.sachstand is not None:
            ws["D1"] = "Sachstand"
            ws["E1"] = self.sachstand
        if self.highlights is not None:
            ws["D2"] = "Highlights"
            ws["E2"] = self.highlights
        if self.einleitung is not None:
            ws["D3"] = "Einleitung"
            ws["E3"] = self.einleitung
        if self.ausblick is not None:
            ws["G1"] = "Ausblick"
            ws["H1"] = self.ausblick
        for i, label in enumerate(self.header, start=1):
            ws.cell(self.header_row, i, label)
        status_col = self.col(self._status_label()) if self._status_label() in self.header else None
        for i, row in enumerate(self.rows):
            r = self.row_of(i)
            for label, value in row["values"].items():
                if label in self.header and value is not None:
                    cell = ws.cell(r, self.col(label), value)
                    if isinstance(value, Text):
                        cell.data_type = "s"
            if row.get("fill") is not None and status_col:
                ws.cell(r, status_col).fill = solid(row["fill"])
            blue = row.get("blue")
            if blue:
                blue_fill = solid(row.get("blue_color", BLUE))
                if blue == "row":
                    for c in range(1, len(self.header) + 1):
                        if c != status_col or row.get("fill") is None:
                            ws.cell(r, c).fill = blue_fill
                else:
                    label = self._nr_label() if blue == "nr" else self._text_label()
                    ws.cell(r, self.col(label)).fill = blue_fill
        for r in self.hidden_rows:
            ws.row_dimensions[r].hidden = True
        for rng in self.merges:
            ws.merge_cells(rng)


def build(path: Path, fields: list[FieldSheet], konzept: dict[str, Any] | None = None,
          declared: list[tuple[str, str, int, int]] | None = None, extra_sheets: dict[str, Any] | None = None,
          total: tuple[int, int] | None = None) -> Path:
    """Write a master with an optional Konzept sheet, the field sheets and extra sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    if konzept is not None or declared is not None:
        ws = wb.create_sheet("Konzept")
        r = 1
        for key, value in (konzept or {}).items():
            ws.cell(r, 1, key)
            ws.cell(r, 2, value)
            r += 1
        if declared is not None:
            r += 1
            for c, label in enumerate(("Feld", "Art", "Unterziele", "Maßnahmen"), start=1):
                ws.cell(r, c, label)
            for d in declared:
                r += 1
                for c, value in enumerate(d, start=1):
                    ws.cell(r, c, value)
            if total is not None:
                r += 1
                ws.cell(r, 1, "Gesamt")
                ws.cell(r, 3, total[0])
                ws.cell(r, 4, total[1])
    for f in fields:
        f.write(wb)
    for name, builder in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        builder(ws)
    wb.save(path)
    return path


def simple_field(title: str = "Handlungsfeld Sprache", sheet: str = "Sprache", n_uz: int = 2, per_uz: int = 3,
                 statuses: tuple[str, ...] = ("Grün", "Gelb", "Rot"), blue: str | None = None) -> FieldSheet:
    """A hierarchical field with text statuses, field-wide measure numbers."""
    f = FieldSheet(title, sheet)
    n = 0
    for u in range(1, n_uz + 1):
        f.unterziel(u)
        for _ in range(per_uz):
            n += 1
            f.measure(n, f"Maßnahme {n} Text", status=statuses[(n - 1) % len(statuses)], blue=blue)
    return f
