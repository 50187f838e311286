"""The review domain's actions: what the API, the CLI, the pages and the region report call, so
that every interface gives the same answers and the same refusals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .service import Reviews

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = ["reviews_of"]


def reviews_of(app: SmartSpecApp) -> Reviews:
    """The peer review service on ``app``'s store (made once per app)."""
    found = app.__dict__.get("_reviews_service")
    if not isinstance(found, Reviews) or found.store is not app.store:
        found = Reviews(
            app.store,
            app.registry,
            app.accounts,
            public_read=bool(app.settings.get("public_read", True)),
        )
        app.__dict__["_reviews_service"] = found
    return found
