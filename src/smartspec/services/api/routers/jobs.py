"""``GET /jobs`` and ``GET /jobs/{job_id}``: the heavy computations running in the background."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Response

from ..deps import AppDep
from ..errors import ERROR_RESPONSES, UnknownJobError
from ..schemas import JobList, JobStatus

router = APIRouter(tags=["service"], responses=ERROR_RESPONSES)


@router.get("/jobs", response_model=JobList, summary="Heavy computations")
def jobs(app: AppDep, response: Response) -> dict[str, Any]:
    """The backtests and network layouts this server process computes or computed (the newest
    finished ones stay listed), newest first."""
    response.headers["Cache-Control"] = "no-store"
    items = [job.status(app.jobs.position(job)) for job in app.jobs.all()]
    return {"items": items, "total": len(items)}


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="One heavy computation")
def job(
    app: AppDep,
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
    return found.status(app.jobs.position(found))
