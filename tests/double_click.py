"""The environment the double-click scripts run in, in the tests: a PATH on which exactly the
Python given answers to ``python3`` (no ``ampel-xl``, nothing else of the host's PATH but the
system's basic tools), the checkout on PYTHONPATH, and no pause at the end."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def script_env(tmp_path: Path, python: str | None = sys.executable) -> dict[str, str]:
    """``python`` None: no ``python3`` of our own on the PATH (only what /usr/bin and /bin hold)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    if python is not None:  # a wrapper, not a symlink: a virtual environment's python knows itself by its path
        wrapper = bin_dir / "python3"
        wrapper.write_text(f'#!/bin/sh\nexec "{python}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
    return {**os.environ, "AMPEL_NO_PAUSE": "1", "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
