"""``smartspec serve`` keeps BLAS to one thread per process (issue 15: BLAS threads fighting
for two cores made analyses up to ten times slower), unless the user chose otherwise."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import ctypes, json, os
    import numpy, scipy.linalg
    from smartspec.services.blas import BLAS_VARIABLES, _loaded_openblas, limit_blas_threads

    def threads():
        out = []
        for path in _loaded_openblas():
            lib = ctypes.CDLL(path)
            for name in ("openblas_get_num_threads", "openblas_get_num_threads64_",
                         "scipy_openblas_get_num_threads",
                         "scipy_openblas_get_num_threads64_"):
                if hasattr(lib, name):
                    out.append(getattr(lib, name)())
                    break
        return out

    before = threads()
    done = limit_blas_threads(1)
    print(json.dumps({"before": before, "after": threads(), "done": done,
                      "env": {k: os.environ.get(k) for k in BLAS_VARIABLES}}))
    """
)


def _run(**env: str) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    }
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout)


def test_one_thread_in_the_process_and_its_children() -> None:
    got = _run()
    if not got["before"]:
        pytest.skip("numpy is not linked with OpenBLAS here")
    assert got["done"]  # the loaded libraries were told
    assert got["after"] == [1] * len(got["before"])
    assert set(got["env"].values()) == {"1"}


def test_the_users_choice_is_kept() -> None:
    got = _run(OPENBLAS_NUM_THREADS="2")
    assert got["done"] == []
    assert got["env"]["OPENBLAS_NUM_THREADS"] == "2"
    assert got["env"]["OMP_NUM_THREADS"] is None
    assert got["after"] == got["before"]


SERVE = textwrap.dedent(
    """
    import json, os, sys
    from click.testing import CliRunner
    from smartspec.services.cli import main

    result = CliRunner().invoke(main, ["serve", "--data", "us-state-industry", "--data-dir",
                                       sys.argv[1], "--get", "/api/v1/health"])
    print(json.dumps({"exit": result.exit_code, "output": result.output,
                      "env": os.environ.get("OPENBLAS_NUM_THREADS")}))
    """
)


def test_serve_limits_the_threads(tmp_path) -> None:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    }
    out = subprocess.run(
        [sys.executable, "-c", SERVE, str(tmp_path)],
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["exit"] == 0, got["output"]
    assert got["env"] == "1"
