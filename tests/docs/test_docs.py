"""The documentation says what the code does: generated references are current, and every
indicator, command and profile has its place in the docs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_references_are_current():
    res = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_indicator_has_a_section_with_a_source():
    from smartspec.core import load_all
    from smartspec.core.catalogue import INDICATORS

    load_all()
    text = (ROOT / "docs" / "indicators.md").read_text(encoding="utf-8")
    for name, ind in INDICATORS.items():
        assert f"\n## {name}\n" in text, name
        assert ind.reference.strip(), name


def test_every_profile_is_in_the_conventions_doc():
    from smartspec import PROFILES

    text = (ROOT / "docs" / "conventions.md").read_text(encoding="utf-8")
    for name in PROFILES:
        assert f"`{name}`" in text, name


def test_readme_shows_the_two_commands_and_every_command():
    from smartspec.services.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme
    for command in main.commands:
        assert f"smartspec {command}" in readme, command
