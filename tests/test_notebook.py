"""docs/beispiel.ipynb runs top to bottom in a fresh kernel, without errors."""

from __future__ import annotations

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
def executed():
    reason = _kernel_available()
    if reason:
        pytest.skip(reason)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=CELL_TIMEOUT, startup_timeout=60, kernel_name=KERNEL,
        resources={"metadata": {"path": str(DOCS)}},
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
