"""Print one of the README's commands, as written there, so that CI runs exactly the README's text.

    python3 scripts/readme_command.py main-job     # install + the main job on the bundled example
    python3 scripts/readme_command.py tests        # install + the tests

A command is the one line of the ```sh block that follows the marker ``<!-- ci: NAME -->`` in
README.md. Standard library only: CI runs it with the system's own python3, before anything is
installed. ``tests/test_readme.py`` checks that the markers sit on the README's two commands and
that ``.ci/run`` runs what this prints.
"""

from __future__ import annotations

import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def command(name: str, text: str | None = None) -> str:
    """The command of the ``sh`` block after ``<!-- ci: name -->`` (exactly one line)."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    marker = f"<!-- ci: {name} -->"
    try:
        at = lines.index(marker)
    except ValueError:
        raise SystemExit(f"README.md has no marker {marker}") from None
    if lines[at + 1] != "```sh":
        raise SystemExit(f"the marker {marker} is not followed by a ```sh block")
    end = lines.index("```", at + 2)
    body = lines[at + 2:end]
    if len(body) != 1:
        raise SystemExit(f"the block after {marker} must hold exactly one line, not {len(body)}")
    return body[0]


if __name__ == "__main__":
    print(command(sys.argv[1]))
