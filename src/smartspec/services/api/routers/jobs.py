"""``GET /jobs`` and ``GET /jobs/{job_id}``: the heavy computations running in the background."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response

from smartspec.jobs import Job

from ..deps import AppDep
from ..errors import ERROR_RESPONSES, UnknownJobError
from ..schemas import JobList, JobStatus
from ..security import redact, server_paths

router = APIRouter(tags=["service"], responses=ERROR_RESPONSES)


def _status(request: Request, job: Job) -> dict[str, Any]:
    """The job's status; its error, like every error answer, without server paths."""
    app = request.app.state.smartspec
    out = job.status(app.jobs.position(job))
    if out["error"]:
        roots = server_paths(request.app)
        out["error"] = {k: v if k == "type" else redact(v, roots) for k, v in out["error"].items()}
    return out


@router.get("/jobs", response_model=JobList, summary="Heavy computations")
def jobs(app: AppDep, request: Request, response: Response) -> dict[str, Any]:
    """The backtests and network layouts this server process computes or computed (the newest
    finished ones stay listed), newest first."""
    response.headers["Cache-Control"] = "no-store"
    items = [_status(request, job) for job in app.jobs.all()]
    return {"items": items, "total": len(items)}


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="One heavy computation")
def job(
    app: AppDep,
    request: Request,
    response: Response,
    job_id: Annotated[str, Path(max_length=64, description="The id a 202 answer gave.")],
) -> dict[str, Any]:
    """Whether the computation is queued, running, done or failed (with its error). Once it is
    done, the request that started it answers at once."""
    response.headers["Cache-Control"] = "no-store"
    found = app.jobs.get(job_id)
    if found is None:
        raise UnknownJobError(
            "unknown job",
            where="path parameter 'job_id'",
            expected="the id of a job this server process started (see GET /api/v1/jobs)",
            found=repr(job_id),
            fix="ask the original URL again: it starts the computation when needed",
        )
    return _status(request, found)
