"""One BLAS thread per server process: the server answers requests in threads of its own, and
the matrices of a request (a few hundred regions and activities) are small.

OpenBLAS, which numpy and scipy bundle, starts as many threads as the machine has cores for
every call. In a server, where requests (and the background jobs' processes) already run side by
side, those threads fight for the same cores: measured on the 2-core reference machine under
load, analysing ``au-sa3-industry`` took 3.1-5.9 s with two BLAS threads and 0.4-0.55 s with
one, and ``numpy.linalg.eigh`` of a 350 x 350 matrix 0.44 s against 0.07 s (issue 15).

:func:`limit_blas_threads` sets the usual environment variables (for the libraries loaded later
and for child processes: the upload readers, the heavy jobs) and tells the OpenBLAS libraries
already loaded in this process, through their own ``*_set_num_threads`` functions (what
``threadpoolctl`` does, without the dependency). A variable the user set is respected.
"""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

__all__ = ["BLAS_VARIABLES", "limit_blas_threads"]

#: Environment variables that set the threads of the common BLAS libraries.
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

# the setter of each OpenBLAS build: plain, scipy-openblas (32- and 64-bit integers)
_SETTERS = (
    "openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "scipy_openblas_set_num_threads64_",
)


def _loaded_openblas() -> list[str]:
    """Paths of the OpenBLAS libraries loaded in this process (Linux: ``/proc/self/maps``)."""
    maps = Path("/proc/self/maps")
    if not maps.is_file():
        return []
    found: dict[str, None] = {}
    for line in maps.read_text(errors="replace").splitlines():
        path = line.split(maxsplit=5)[-1] if line.count(" ") >= 5 else ""
        if "openblas" in Path(path).name.lower():
            found[path] = None
    return list(found)


def limit_blas_threads(n: int = 1) -> list[str]:
    """Let BLAS use at most ``n`` threads in this process and the processes it starts.

    Parameters
    ----------
    n : int
        Threads per process (at least 1).

    Returns
    -------
    list of str
        The libraries loaded in this process whose threads were set; empty when the user set
        one of :data:`BLAS_VARIABLES` (their choice is kept) or no OpenBLAS is loaded.
    """
    if any(os.environ.get(name) for name in BLAS_VARIABLES):
        return []
    n = max(1, int(n))
    for name in BLAS_VARIABLES:
        os.environ[name] = str(n)
    done: list[str] = []
    for path in _loaded_openblas():
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for symbol in _SETTERS:
            setter = getattr(lib, symbol, None)
            if setter is not None:
                setter(ctypes.c_int(n))
                done.append(path)
                break
    return done
