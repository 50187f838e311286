"""Read an uploaded file in a separate process, with a time and a memory budget.

A hostile or merely enormous file (a small workbook whose sheet expands to millions of rows)
must not take the server's memory or hold a request's thread for minutes. :func:`read_upload`
reads the file with :func:`~smartspec.io.read_table` (and the code names with
:func:`~smartspec.store.files.read_names`) in a child process whose address space is capped
(``RLIMIT_AS``, :data:`WORKER_MEMORY`) and which is killed after :data:`WORKER_TIMEOUT`
seconds. The matrix and names come back pickled; an error raised in the child (a
:class:`~smartspec.core.errors.ValidationError` with its fields) is raised again in the caller.

The child comes from a ``forkserver`` (``spawn`` where there is none) that has imported the
readers once, so that starting it costs milliseconds, not a fresh import of pandas.
"""

from __future__ import annotations

import multiprocessing
import pickle
import sys
import threading
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..core.errors import ValidationError

__all__ = ["WORKER_MEMORY", "WORKER_TIMEOUT", "read_upload", "run_limited"]

#: Most bytes of address space the reading process may use (``RLIMIT_AS``).
WORKER_MEMORY = 4 * 1024**3
#: Most seconds the reading process may run before it is killed.
WORKER_TIMEOUT = 120.0

_PRELOAD = [
    "smartspec.io.readers",
    "smartspec.store.files",
    "smartspec.io.worker",
    "smartspec.jobs",
    "smartspec.core.validation",
    "smartspec.core.evidence",
]
_FIX = (
    "save the sheet as CSV, split the file into several smaller ones, or keep only the periods, "
    "regions or activities needed"
)


def _context() -> multiprocessing.context.BaseContext:
    """The ``forkserver`` context (preloading the readers), or ``spawn`` where there is none."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


_START_LOCK = threading.Lock()
_NO_MAIN = object()


def _start_detached(proc: Any) -> None:
    """Start ``proc`` without making the child import the caller's ``__main__``.

    The children run functions of smartspec only. Left to itself, multiprocessing makes every
    child import the main script again first: a script without an ``if __name__ ==
    "__main__"`` guard would run again in the child, and a script read from standard input
    cannot be found at all. The main module's file and spec are hidden while the child starts.
    """
    main = sys.modules.get("__main__")
    with _START_LOCK:
        saved = {k: getattr(main, k, _NO_MAIN) for k in ("__file__", "__spec__")}
        try:
            if saved["__file__"] is not _NO_MAIN:
                del main.__file__  # type: ignore[union-attr]
            if saved["__spec__"] is not _NO_MAIN:
                main.__spec__ = None  # type: ignore[union-attr]
            proc.start()
        finally:
            for k, v in saved.items():
                if v is not _NO_MAIN:
                    setattr(main, k, v)


def _limit_memory(memory: int | None) -> None:
    """Cap this process's address space at ``memory`` bytes (where the platform allows it)."""
    if memory is None:
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _child(
    conn: Connection,
    func: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: Mapping[str, Any],
    memory: int | None,
) -> None:
    """Run ``func`` under the memory cap; send back ``("ok", result)`` or ``("error", exc)``."""
    try:
        _limit_memory(memory)
        result: tuple[str, Any] = ("ok", func(*args, **kwargs))
    except MemoryError:
        result = ("memory", None)
    except BaseException as exc:  # sent to the caller, which raises it there
        result = ("error", exc)
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    except Exception as exc:  # an error (or a result) that does not pickle
        payload = pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))
    try:
        conn.send_bytes(payload)
    finally:
        conn.close()


def run_limited(
    func: Callable[..., Any],
    args: tuple[Any, ...] = (),
    kwargs: Mapping[str, Any] | None = None,
    *,
    timeout: float | None = None,
    memory: int | None = None,
    what: str = "the file",
    too_large: type[ValidationError] = ValidationError,
    action: str = "read",
    fix: str = _FIX,
) -> Any:
    """``func(*args, **kwargs)`` in a child process with a time and memory budget.

    Parameters
    ----------
    func : callable
        An importable function (it is pickled by name); its result must pickle.
    args, kwargs
        Its arguments (they must pickle).
    timeout : float, optional
        Seconds before the child is killed (default :data:`WORKER_TIMEOUT`).
    memory : int, optional
        Bytes of address space the child may use (default :data:`WORKER_MEMORY`).
    what : str
        What is read, for the messages (``"file 'x.xlsx'"``).
    too_large : type
        The error raised when the budget runs out (a :class:`ValidationError` subclass).
    action : str
        What the child does, for the messages (``"read"``, ``"compute"``).
    fix : str
        How to stay within the budget, for the messages.

    Returns
    -------
    object
        What ``func`` returned.

    Raises
    ------
    ValidationError
        ``too_large``, when the child ran out of time or memory or died; any error ``func``
        raised, as it raised it.
    """
    timeout = WORKER_TIMEOUT if timeout is None else float(timeout)
    memory = WORKER_MEMORY if memory is None else int(memory)
    if multiprocessing.current_process().daemon:  # a daemon cannot have children
        return func(*args, **(kwargs or {}))
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(  # type: ignore[attr-defined]
        target=_child, args=(send, func, tuple(args), dict(kwargs or {}), memory), daemon=True
    )
    _start_detached(proc)
    send.close()
    try:
        if not receive.poll(timeout):
            raise too_large(
                f"it takes too long to {action}",
                where=what,
                expected=f"done within {timeout:g} seconds",
                found=f"still running after {timeout:g} seconds",
                fix=fix,
            )
        try:
            status, value = pickle.loads(receive.recv_bytes())
        except EOFError:  # the child died (killed for memory, crashed) before answering
            status, value = "died", None
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if status == "died":
        value = proc.exitcode
    if status == "ok":
        return value
    if status == "error":
        raise value
    budget = (
        f"{memory / 1024**3:g} GB" if memory >= 1024**3 else f"{memory / 1024**2:.4g} MB"
    ) + " of memory"
    raise too_large(
        f"it needs too much memory to {action}",
        where=what,
        expected=f"done within {budget}",
        found=f"more than {budget} used"
        if status == "memory"
        else f"the process stopped (exit code {value})",
        fix=fix,
    )


def _read(
    path: str, mapping: Mapping[str, Any], columns: Mapping[str, str]
) -> tuple[Any, dict[str, dict[str, str]]]:
    """The matrix and the code names of a file (run in the child)."""
    from ..store.files import read_names
    from .readers import read_table

    m = read_table(path, **mapping)
    return m, read_names(Path(path), mapping, columns)


def read_upload(
    path: str | Path,
    mapping: Mapping[str, Any],
    columns: Mapping[str, str],
    *,
    timeout: float | None = None,
    memory: int | None = None,
    too_large: type[ValidationError] = ValidationError,
) -> tuple[Any, dict[str, dict[str, str]]]:
    """Read an uploaded file in a child process with a time and memory budget.

    Parameters
    ----------
    path : str or pathlib.Path
        The staged file.
    mapping : mapping
        Arguments of :func:`~smartspec.io.read_table` (columns, duplicates, sheet...).
    columns : mapping
        Name columns, as for :func:`~smartspec.store.files.read_names`.
    timeout, memory : optional
        The budget (defaults :data:`WORKER_TIMEOUT`, :data:`WORKER_MEMORY`).
    too_large : type
        The error raised when the budget runs out.

    Returns
    -------
    tuple
        The :class:`~smartspec.ActivityMatrix` and the names (``{axis: {code: name}}``).

    Raises
    ------
    ValidationError
        For any problem in the file (as :func:`~smartspec.io.read_table` raises it), and
        ``too_large`` when reading it takes longer or more memory than the budget.
    """
    p = Path(path)
    return run_limited(
        _read,
        (str(p), dict(mapping), dict(columns)),
        timeout=timeout,
        memory=memory,
        what=f"file '{p.name}'",
        too_large=too_large,
    )
