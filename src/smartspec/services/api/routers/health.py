"""``GET /health`` and ``GET /settings``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from smartspec import __version__

from ..deps import AppDep
from ..schemas import Health, SettingList

router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health, summary="Service status")
def health(app: AppDep) -> dict[str, Any]:
    """Whether the service is up, its version, database backend and number of datasets."""
    return {
        "status": "ok",
        "version": __version__,
        "database": app.store.backend,
        "revision": app.store.revision(),
        "datasets": len(app.store.list_datasets()),
    }


@router.get("/settings", response_model=SettingList, summary="The platform's settings")
def settings(app: AppDep) -> dict[str, Any]:
    """Every setting with its value, default and help (the database password hidden)."""
    return {"items": app.public_settings()}
