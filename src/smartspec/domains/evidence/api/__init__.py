"""The evidence domain's API routers (mounted under ``/api/v1`` by
:func:`smartspec.services.api.create_api`, see :data:`smartspec.domains.DOMAINS`)."""
