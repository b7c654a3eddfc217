"""References and ranges as they stand in masters (ampel_xl.reader.refs, the reader's one A1 parser).

Excel writes the range of a drop-down list or a rule as the clerk selected it: a block ("C5:C40"),
several blocks ("C5:C9 C10:C40"), or, when the clerk clicked the column's letter, the whole column
as "C1:C1048576". Scripts that fill a master (openpyxl, a county's own tools) also write "C:C",
which Excel reads as the same column. Each must teach the same words.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ampel_xl.reader.refs import MAX_COL, MAX_ROW, CellRange, parse_range, parse_sqref
from clerk_masters import SOFFICE, build_case, resave_libreoffice
from test_reader_clerk import assert_reads_as_expected


def _with_list_range(src: Path, dst: Path, old: str, new: str) -> Path:
    """A copy of the master whose drop-down list covers ``new`` instead of ``old`` (main or x14 sqref)."""
    with zipfile.ZipFile(src) as zf, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        changed = 0
        for name in zf.namelist():
            data = zf.read(name)
            if name.startswith("xl/worksheets/sheet"):
                text = data.decode("utf-8")
                for was, now in ((f'sqref="{old}"', f'sqref="{new}"'), (f"<xm:sqref>{old}</xm:sqref>",
                                                                       f"<xm:sqref>{new}</xm:sqref>")):
                    if was in text and "dataValidation" in text:
                        changed += text.count(was)
                        text = text.replace(was, now)
                data = text.encode("utf-8")
            out.writestr(name, data)
    assert changed == 1, changed
    return dst


@pytest.mark.parametrize("case_id", ["taught_words-dropdown", "taught_words-dropdown-liste",
                                     "taught_words-dropdown-x14"])
@pytest.mark.parametrize("selection", ["C1:C1048576", "C:C", "C5:C9 C10:C40", "$C$5:$C$40"])
def test_drop_down_list_over_a_whole_column_teaches_its_words(case_id, selection, tmp_path):
    """The list covers column C (as Excel or as a script writes it), two blocks, or is written with $
    signs: the measures below the formatted rows still read with the words the list teaches."""
    case = build_case(case_id, tmp_path)
    assert_reads_as_expected(case, _with_list_range(case.path, tmp_path / "auswahl.xlsx", "C5:C40", selection))


@pytest.mark.libreoffice
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
def test_whole_column_list_reads_the_same_after_libreoffice_saved_it(tmp_path):
    """LibreOffice keeps a whole column's drop-down list (cut to the used rows): the same words."""
    case = build_case("taught_words-dropdown", tmp_path)
    whole = _with_list_range(case.path, tmp_path / "spalte.xlsx", "C5:C40", "C1:C1048576")
    resaved = resave_libreoffice([whole], tmp_path / "lo")[whole]
    with zipfile.ZipFile(resaved) as zf:
        sheets = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    assert any("<dataValidation" in xml for xml in sheets), "LibreOffice dropped the list"
    assert_reads_as_expected(case, resaved)


def test_one_order_for_every_range():
    """Rows first, then columns, for a cell, a block written backwards, a whole column and a whole row."""
    assert parse_range("B12") == CellRange(12, 2, 12, 2)
    assert parse_range("$D$9:b2") == CellRange(2, 2, 9, 4)
    assert parse_range("D:C") == CellRange(1, 3, MAX_ROW, 4)
    assert parse_range("$3:2") == CellRange(2, 1, 3, MAX_COL)
    assert parse_range("AA1").min_col == 27
    for bad in ("", "B", "1", "A1:B2:C3", "ABCD1", "A1:B", "Listen!A1"):
        with pytest.raises(ValueError):
            parse_range(bad)
    assert parse_sqref("A1:B2 D5") == (CellRange(1, 1, 2, 2), CellRange(5, 4, 5, 4))
    assert parse_sqref("A1 ?") is None
