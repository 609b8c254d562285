"""Print the exact pins (`name==version`) of pyproject.toml's dev extra, as a pip constraints file.

`make` installs the run-time extras (server, contract) under these constraints, so that `make contract` uses
the very versions `make test` checks, while the pins stay declared once, in pyproject.toml.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

PIN = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;,]+)\s*$")


def pins(pyproject: Path) -> list[str]:
    """The dev extra's `name==version` requirements, in order."""
    dev = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["optional-dependencies"]["dev"]
    return [f"{match[1]}=={match[2]}" for requirement in dev if (match := PIN.match(requirement))]


if __name__ == "__main__":
    print("\n".join(pins(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("pyproject.toml"))))
