"""docs/beispiel.ipynb runs top to bottom in a fresh kernel, without errors, from any folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

DOCS = Path(__file__).resolve().parents[1] / "docs"
NOTEBOOK = DOCS / "beispiel.ipynb"
KERNEL = "python3"
CELL_TIMEOUT = 120  # seconds per cell; the kernel must start within 60 s


def _kernel_available() -> str | None:
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

        KernelSpecManager().get_kernel_spec(KERNEL)
    except (ImportError, NoSuchKernel) as exc:  # pragma: no cover - depends on the machine
        return f"kein Jupyter-Kernel „{KERNEL}“ installiert ({type(exc).__name__})"
    return None


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    reason = _kernel_available()
    if reason:
        pytest.skip(reason)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    # the kernel starts in an empty folder outside the repository: the example comes from the package
    cwd = tmp_path_factory.mktemp("irgendwo")
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, startup_timeout=60, kernel_name=KERNEL,
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute()
    return nb


def _outputs(nb, mime: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if mime in data:
                found.append(data[mime])
            elif mime == "text/plain" and out.get("output_type") == "stream":
                found.append(out["text"])
    return found


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == KERNEL
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_notebook_runs_without_errors(executed):
    errors = [out for cell in executed.cells for out in cell.get("outputs", []) if out.get("output_type") == "error"]
    assert not errors
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in code_cells)


def test_notebook_shows_every_step(executed):
    html = "\n".join(_outputs(executed, "text/html"))
    text = "\n".join(_outputs(executed, "text/plain"))
    assert "11 Felder, 64 Unterziele, 193 Maßnahmen" in html       # Konzept
    assert "Prüfbericht" in html                                   # Report
    assert "Ergebnisse Integrationskonzept 1.0" in html            # Summary
    assert "Vergleich Stand 14. Oktober 2024 → Stand 3. Februar 2025" in html  # Changes
    assert "↑" in html
    assert "Verbesserungen" in text
    for name in ("Beispiel_Zusammenfassung.xlsx", "Veränderungen.xlsx", "Verlauf.xlsx"):
        assert name in text
    # the workflow in one call (ampel_xl.run), as `ampel-xl summary` runs it
    one_call = " ".join(text.split())
    assert "(False, ['Beispiel_Zusammenfassung_in_einem_Schritt.xlsx'], {'error': 0, 'warning': 0, 'info': 0})" \
        in one_call


def test_notebook_speaks_german_and_formats_shares(executed):
    html = "\n".join(_outputs(executed, "text/html"))
    # shares as "63 %" (no-break space), never as raw fractions like 0.494048
    assert re.search(r"\d{1,3}\u00a0%", html)
    assert not re.search(r"\b0\.\d{3,}", html)
    # the findings' severity in German, column headings in German
    assert "Hinweis" in html and ">info<" not in html and ">severity<" not in html
    for heading in ("Feld", "Anteil Grün", "Maßnahme", "Schwere", "Was tun", "vorher", "nachher"):
        assert f">{heading}<" in html, heading
    assert ">anteil_gruen<" not in html and ">prozent_gruen<" not in html
    # comments and docstrings in German (a few English words that would give an English comment away)
    english = re.compile(r"\b(the|and|of|with|per|share|copy|empty|row)\b")
    for cell in executed.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            comment = line.split("#", 1)[1] if "#" in line else ""
            assert not english.search(comment), line
        for doc in re.findall(r'"""(.*?)"""', cell.source, re.S):
            assert not english.search(doc), doc


def test_example_path_is_the_bundled_example():
    import ampel_xl

    path = ampel_xl.example_path()
    assert "example_path" in ampel_xl.__all__
    assert path.is_file() and path.parent.name == "data" and path.parent.parent.name == "ampel_xl"
    # the package's copy is the committed example in workbooks/ (scripts/make_workbooks.py keeps them equal)
    assert path.read_bytes() == (DOCS.parent / "workbooks" / "Beispiel_Ampel-Master.xlsx").read_bytes()
    k = ampel_xl.read(path)
    assert (len(k.felder), len(k.unterziele), len(k.massnahmen)) == (11, 64, 193)


def test_example_is_shipped_in_the_wheel():
    import fnmatch
    import tomllib

    config = tomllib.loads((DOCS.parent / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "ampel_xl.data" in config["packages"]
    patterns = config["package-data"]["ampel_xl.data"]
    assert any(fnmatch.fnmatch("Beispiel_Ampel-Master.xlsx", p) for p in patterns)
    assert any(fnmatch.fnmatch("integrationskonzept_1_0.json", p) for p in patterns)
