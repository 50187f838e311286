"""Heavy computations in the background: one child process each, a bounded queue, a status.

A backtest of the largest panel takes a minute and a network layout of world trade several
seconds. The server must neither hold a request for that long nor let the computation take its
memory and its interpreter. :class:`Jobs` runs each heavy computation once per key:

- in a child process (:func:`smartspec.io.worker.run_limited`: its own interpreter, a memory cap
  and a time budget), at most ``workers`` at a time, the others queued;
- the child records the :class:`~smartspec.core.errors.SmartSpecWarning` texts the computation
  raised (:func:`recorded`) and sends back a :class:`Computed`;
- the caller waits a little (:meth:`Job.wait`); a request that would wait longer is answered
  ``202 Accepted`` with a link to the job's status (:class:`Pending`), and asks again.

Finished jobs stay listed (the newest :data:`KEEP_FINISHED`) so that their status, or their
error, can still be read.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .core.errors import SmartSpecError, ValidationError

__all__ = [
    "KEEP_FINISHED",
    "MAX_PENDING",
    "REQUESTED_WAIT",
    "ComputeBudgetError",
    "Computed",
    "Job",
    "JobQueueFullError",
    "Jobs",
    "Pending",
    "backtest_job",
    "layout_job",
    "recorded",
]

#: Seconds the request being answered asked to wait at most for a heavy result (HTTP
#: ``Prefer: wait=N``, RFC 7240; the dashboard's pages ask for a short wait and show a progress
#: page); None: the ``job_wait_s`` setting. Set per request by the API, read by
#: :meth:`smartspec.app.SmartSpecApp.heavy`.
REQUESTED_WAIT: ContextVar[float | None] = ContextVar("smartspec_requested_wait", default=None)

#: Finished jobs whose status stays readable.
KEEP_FINISHED = 256
#: Jobs queued or running at once; a request for one more is refused (each varying parameter,
#: a seed for example, would otherwise queue another computation without end).
MAX_PENDING = 64


@dataclass(frozen=True)
class Computed:
    """A result with the warnings raised while it was computed (one line each)."""

    value: Any
    warnings: tuple[str, ...] = ()


def recorded(factory: Callable[[], Any]) -> Computed:
    """``factory()`` with the notices it raised (:func:`smartspec.core.errors.notify`).

    The notices are collected in the calling thread's context only
    (:func:`~smartspec.core.errors.collect_notices`): computations may run side by side in
    threads, each getting its own.

    Examples
    --------
    >>> from smartspec.core.errors import notify
    >>> def f():
    ...     notify("few   regions")
    ...     return 1
    >>> recorded(f)
    Computed(value=1, warnings=('few regions',))
    """
    from .core.errors import collect_notices

    with collect_notices() as notices:
        value = factory()
    return Computed(value, tuple(dict.fromkeys(notices)))


def _child(func: Callable[..., Any], args: tuple[Any, ...]) -> Computed:
    """Run in the child process: the computation with its warnings."""
    return recorded(lambda: func(*args))


def backtest_job(matrix: Any, params: dict[str, Any]) -> Any:
    """:func:`smartspec.core.validation.backtest` of ``matrix`` with ``params`` (a job)."""
    from .core.validation import backtest

    return backtest(matrix, **params)


def layout_job(phi: Any, n_extra: int) -> tuple[list[tuple[int, int, float, str]], Any]:
    """The drawable activity space of proximity ``phi``: its backbone links (the maximum
    spanning tree plus ``n_extra`` strongest others) and their force-directed layout (a job)."""
    import numpy as np

    from .core.network import backbone, layout

    edges = backbone(phi, n_extra)
    pairs = np.array([(i, j) for i, j, _, _ in edges], dtype=np.int64).reshape(-1, 2)
    weights = np.array([w for _, _, w, _ in edges], dtype=np.float64)
    return edges, layout(phi.shape[0], pairs, weights)


class ComputeBudgetError(ValidationError):
    """A computation that needed more time or memory than the server gives one (HTTP 422)."""

    code = "compute_budget"


class JobQueueFullError(SmartSpecError):
    """Too many heavy computations queued already (HTTP 503: ask again later)."""

    code = "queue_full"


class Pending(Exception):  # noqa: N818 - a state, not an error
    """A computation still running after the caller's wait: answer 202 with :attr:`job`."""

    def __init__(self, job: Job) -> None:
        super().__init__(f"job {job.id} is {job.state}")
        self.job = job


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(eq=False)
class Job:
    """One heavy computation: what, for which dataset, and where it stands."""

    id: str
    kind: str
    dataset: str
    state: str = "queued"  # queued, running, done, failed
    submitted_at: datetime = field(default_factory=_now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: SmartSpecError | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _order: int = 0

    def wait(self, timeout: float | None) -> bool:
        """Wait until the job has finished (``None``: as long as it takes); True when it has."""
        return self._done.wait(timeout)

    @property
    def finished(self) -> bool:
        """Whether the job is done or failed."""
        return self._done.is_set()

    def status(self, position: int | None = None) -> dict[str, Any]:
        """The job as plain values (the API's ``JobStatus``)."""
        end = self.finished_at or _now()
        start = self.started_at
        err = None
        if self.error is not None:
            err = {
                k: getattr(self.error, k, None)
                for k in ("message", "expected", "found", "where", "fix")
            }
            err["type"] = type(self.error).__name__
            err["code"] = getattr(self.error, "code", "error")
        return {
            "id": self.id,
            "kind": self.kind,
            "dataset": self.dataset,
            "state": self.state,
            "submitted_at": self.submitted_at,
            "started_at": start,
            "finished_at": self.finished_at,
            "elapsed_s": round((end - start).total_seconds(), 3) if start else 0.0,
            "queue_position": position,
            "error": err,
        }


class Jobs:
    """The queue of heavy computations of one process.

    Parameters
    ----------
    workers : int
        Computations run at once (each in its own child process).
    timeout : float
        Seconds one computation may run before its process is killed.
    memory : int
        Bytes of address space one computation may use.
    """

    def __init__(self, workers: int, timeout: float, memory: int) -> None:
        self.timeout = float(timeout)
        self.memory = int(memory)
        self._slots = threading.Semaphore(max(1, int(workers)))
        self._lock = threading.Lock()
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._counter = itertools.count()

    def submit(
        self,
        job_id: str,
        kind: str,
        dataset: str,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        on_done: Callable[[Computed], None],
    ) -> Job:
        """The job ``job_id``: the running or queued one, else a new one computing
        ``func(*args)`` in a child process; ``on_done(result)`` keeps the result.

        ``func`` must be importable by name and ``args`` must pickle. A failed job is replaced
        by a new one.

        Raises
        ------
        JobQueueFullError
            When :data:`MAX_PENDING` jobs are queued or running already.
        """
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.state != "failed":
                return job
            pending = sum(not j.finished for j in self._jobs.values())
            if pending >= MAX_PENDING:
                raise JobQueueFullError(
                    "too many computations are waiting",
                    where=f"the {kind} of dataset {dataset!r}",
                    expected=f"at most {MAX_PENDING} queued or running",
                    found=f"{pending} queued or running",
                    fix="ask again in a minute (GET /api/v1/jobs shows the queue)",
                )
            job = Job(job_id, kind, dataset, _order=next(self._counter))
            self._jobs[job_id] = job
            self._jobs.move_to_end(job_id)
            self._trim()
        thread = threading.Thread(
            target=self._run,
            args=(job, func, args, on_done),
            name=f"job-{job_id[:8]}",
            daemon=True,
        )
        thread.start()
        return job

    def _run(
        self,
        job: Job,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        on_done: Callable[[Computed], None],
    ) -> None:
        from .io.worker import run_limited

        with self._slots:
            job.started_at = _now()
            job.state = "running"
            try:
                result = run_limited(
                    _child,
                    (func, args),
                    timeout=self.timeout,
                    memory=self.memory,
                    what=f"the {job.kind} of dataset {job.dataset!r}",
                    action="compute",
                    too_large=ComputeBudgetError,
                    fix="ask for less (fewer bootstrap resamples, fewer links), or run it "
                    "from the command line (smartspec validate, smartspec analyse), where "
                    "these limits do not apply",
                )
                on_done(result)
                job.state = "done"
            except SmartSpecError as err:
                job.error = err
                job.state = "failed"
            except Exception as err:  # a bug: reported as such, never a silent hang
                job.error = SmartSpecError(
                    f"the {job.kind} failed unexpectedly ({type(err).__name__}: {err})",
                    fix="report it with the request that started it",
                )
                job.state = "failed"
            finally:
                job.finished_at = _now()
                job._done.set()

    def _trim(self) -> None:
        """Forget the oldest finished jobs beyond :data:`KEEP_FINISHED` (the lock is held)."""
        finished = [k for k, j in self._jobs.items() if j.finished]
        for key in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[key]

    def get(self, job_id: str) -> Job | None:
        """The job ``job_id``, or ``None``."""
        with self._lock:
            return self._jobs.get(job_id)

    def position(self, job: Job) -> int | None:
        """Jobs queued before ``job`` (``None`` once it runs)."""
        if job.state != "queued":
            return None
        with self._lock:
            return sum(
                1 for j in self._jobs.values() if j.state == "queued" and j._order < job._order
            )

    def all(self) -> list[Job]:
        """Every listed job, newest first."""
        with self._lock:
            return list(reversed(self._jobs.values()))

    def idle(self) -> bool:
        """Whether no job is queued or running."""
        with self._lock:
            return all(j.finished for j in self._jobs.values())

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until no job is queued or running; True when that happened in time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.idle():
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True
