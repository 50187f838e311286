"""tools/check_quality.py: the import-cycle and module-length gate of ``make test``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

TOOLS = Path(__file__).resolve().parents[2] / "tools"
sys.path.insert(0, str(TOOLS))

import check_quality as q  # noqa: E402


def test_cycles_found_and_acyclic_graphs_pass() -> None:
    assert q.cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert q.cycles({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_only_imports_run_at_import_time_count() -> None:
    tree = ast.parse(
        "import os\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from x import Y\n"
        "try:\n    import z\nexcept ImportError:\n    z = None\n"
        "def f():\n    import late\n"
    )
    names = [
        a.name if isinstance(n, ast.Import) else n.module
        for n in q.top_level_imports(tree)
        for a in n.names
    ]
    assert names == ["os", "typing", "z"]


def test_the_package_passes() -> None:
    """The gate itself: no module over 800 lines, no import cycle (as make test runs it)."""
    done = subprocess.run(
        [sys.executable, str(TOOLS / "check_quality.py")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
