"""The JSON API of the cooperation domain."""

from __future__ import annotations

from fastapi import APIRouter

from smartspec.services.api.errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["cooperation"], responses=ERROR_RESPONSES)
