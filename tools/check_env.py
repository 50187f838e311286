"""Check (or write) the constraints file that pins the environment ``make test`` passed on.

    python tools/check_env.py constraints.txt           # fail if the venv differs from the file
    python tools/check_env.py --write constraints.txt   # pin what this venv holds

``make run`` and ``make test`` install with ``pip install -c constraints.txt``; this check runs
before the suite, so a test-only package that moved a runtime dependency, or a package installed
by hand, stops the run with the names and versions that differ.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import re
import sys
from pathlib import Path

SELF = "smartspec"
HEADER = """\
# The versions `make test` passed on; `make run` and `make test` install with `-c` this file.
# Written by `make lock` (tools/check_env.py --write) on Python {python}; checked by
# `make check-env` before every test run. Supported ranges are in pyproject.toml.
"""


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> dict[str, str]:
    """Every distribution in this environment except smartspec itself."""
    out: dict[str, str] = {}
    for dist in md.distributions():
        name = dist.metadata["Name"]
        if name and canonical(name) != SELF:
            out[canonical(name)] = dist.version
    return out


def read_constraints(path: Path) -> dict[str, str]:
    """``name==version`` lines of a constraints file (comments and blanks ignored)."""
    pins: dict[str, str] = {}
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if "==" not in line:
            raise SystemExit(f"{path}:{n}: expected 'name==version', found {raw!r}")
        name, version = line.split("==", 1)
        pins[canonical(name.split("[", 1)[0].strip())] = version.split(";", 1)[0].strip()
    return pins


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("constraints", type=Path)
    ap.add_argument("--write", action="store_true", help="write the pins of this environment")
    args = ap.parse_args(argv)
    have = installed()
    if args.write:
        lines = [f"{name}=={have[name]}" for name in sorted(have)]
        python = ".".join(map(str, sys.version_info[:3]))
        args.constraints.write_text(
            HEADER.format(python=python) + "\n".join(lines) + "\n", encoding="utf-8"
        )
        print(f"wrote {len(lines)} pins to {args.constraints}")
        return 0
    pins = read_constraints(args.constraints)
    differ = [
        f"  {name}: installed {version}, pinned {pins.get(name, '(not pinned)')}"
        for name, version in sorted(have.items())
        if pins.get(name) != version
    ]
    if differ:
        print(
            f"this environment differs from {args.constraints}:\n" + "\n".join(differ) + "\n"
            "fix: `make clean test` rebuilds the environment from the pins; if a new dependency "
            "was added on purpose, `make lock` re-pins and the suite must pass on the result",
            file=sys.stderr,
        )
        return 1
    print(f"environment matches {args.constraints} ({len(have)} packages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
