"""The dashboard pages of the benchmark domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi import FastAPI

    from smartspec.services.web.pages_base import DashboardBase

__all__ = ["attach"]


def attach(api: FastAPI, dashboard: DashboardBase) -> None:
    """Add the benchmark pages to ``api``; the domain's pages hook (``Domain(pages=...)``)."""
