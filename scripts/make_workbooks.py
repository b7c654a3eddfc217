"""Write the committed sample workbooks into ``workbooks/``.

Maintenance helper, never imported by the package (the tests load it to check that the
committed files are exactly what it makes now)::

    python scripts/make_workbooks.py [OUTDIR]

* ``Vorlage_Integrationskonzept_1.0.xlsx`` – the template of the Integrationskonzept 1.0
  (11 fields, 64 Unterziele, no measure rows yet);
* ``Beispiel_Ampel-Master.xlsx`` – the same with 193 measures and fictional statuses; the
  default run also copies it into ``ampel_xl/data/`` (shipped in the wheel, found by
  ``ampel_xl.example_path()``).

Run it again after changing :mod:`ampel_xl.xlsx.master` or the packaged structure, and commit
the workbooks with the change.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ampel_xl.xlsx.master import EXAMPLE_FILENAME, load_structure, template_filename, write_master  # noqa: E402

DEFAULT_OUTDIR = ROOT / "workbooks"
#: The package's copy of the example (identical to the one in workbooks/).
PACKAGE_EXAMPLE = ROOT / "ampel_xl" / "data" / EXAMPLE_FILENAME


def make_workbooks(outdir: str | Path = DEFAULT_OUTDIR) -> list[Path]:
    """Write the template and the example master into ``outdir``; return their paths."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    structure = load_structure()
    return [
        write_master(outdir / template_filename(structure), structure),
        write_master(outdir / EXAMPLE_FILENAME, structure, example=True),
    ]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    outdir = Path(argv[0]) if argv else DEFAULT_OUTDIR
    for path in make_workbooks(outdir):
        print(path)
    if outdir == DEFAULT_OUTDIR:
        PACKAGE_EXAMPLE.write_bytes((outdir / EXAMPLE_FILENAME).read_bytes())
        print(PACKAGE_EXAMPLE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
