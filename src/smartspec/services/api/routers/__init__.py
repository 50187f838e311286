"""The platform's own routers (health and settings, background jobs); the domains bring theirs
(:data:`smartspec.domains.DOMAINS`), mounted between these two by
:func:`smartspec.services.api.create_api`."""

from . import health, jobs

#: Mounted first (health, settings) and last (jobs), around the domains' routers.
FIRST = (health.router,)
LAST = (jobs.router,)

__all__ = ["FIRST", "LAST"]
