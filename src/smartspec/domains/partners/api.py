"""The JSON API of the partners domain."""

from __future__ import annotations

from fastapi import APIRouter

from smartspec.services.api.errors import ERROR_RESPONSES

__all__ = ["router"]

router = APIRouter(tags=["partners"], responses=ERROR_RESPONSES)
