"""The registry's actions that combine services: what the API, the CLI and the pages call, so that
the three interfaces give the same answers and the same refusals.

Each function takes the application object and the acting account; permissions are checked by
:class:`~.service.Registry` (changes) and :func:`~smartspec.domains.accounts.rules.require_reader`
(reads on a private platform).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from smartspec.domains.accounts.rules import Account, require_reader

from .autocode import CodeSuggestion, suggest_codes
from .coherence import CoherenceView, coherence_chart, coherence_for
from .layout import ImportReport
from .transfer import import_file, write_priorities

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "EXPORT_LIMIT",
    "coherence_chart",
    "export_priorities",
    "import_priorities",
    "load_example_once",
    "on_start",
    "region_coherence",
    "suggest",
]

#: Most priorities one export writes.
EXPORT_LIMIT = 100_000


#: The registry setting that says the example set was loaded.
EXAMPLE_KEY = "example_loaded"


def load_example_once(app: SmartSpecApp) -> ImportReport | None:
    """Load the bundled example strategy set (:func:`~.example.load_example`) into a database
    that never had it; ``None`` when it had (or another process is loading it now).

    The first process to insert the ``example_loaded`` key loads it (the key's primary key makes
    the claim atomic); deleting the priorities later does not bring them back. When loading
    fails, the claim is withdrawn so that the next start tries again.
    """
    from sqlalchemy.exc import IntegrityError

    from smartspec.domains.accounts.service import SYSTEM_ACCOUNT

    from .example import load_example
    from .models import MetaRow

    try:
        with app.store.session() as s:
            if s.get(MetaRow, EXAMPLE_KEY) is not None:
                return None
            s.add(MetaRow(key=EXAMPLE_KEY, value="loading"))
            s.flush()
    except IntegrityError:
        return None
    try:
        report = load_example(app.registry, SYSTEM_ACCOUNT)
    except BaseException:
        with app.store.session() as s:
            row = s.get(MetaRow, EXAMPLE_KEY)
            if row is not None:
                s.delete(row)
        raise
    app.registry.set_meta(EXAMPLE_KEY, f"{report.stored} priorities")
    return report


def on_start(app: SmartSpecApp) -> None:
    """The registry's first-start work: the example set, when the ``registry_example`` setting
    is on (:func:`load_example_once`)."""
    if app.settings.get("registry_example", True):
        load_example_once(app)


def region_coherence(
    app: SmartSpecApp,
    actor: Account | None,
    region: str,
    dataset: str,
    *,
    period: str | None = None,
    options: dict[str, Any] | None = None,
) -> CoherenceView:
    """The coherence of ``region``'s declared priorities with the evidence of ``dataset``
    (:func:`~.coherence.coherence_for`): each coded priority evidence-backed, emerging or
    weakly grounded, with the numbers behind it."""
    priorities = app.registry.region_priorities(actor, region)
    clean = {k: v for k, v in (options or {}).items() if v is not None}
    return coherence_for(app, dataset, region, priorities, period=period, options=clean or None)


def suggest(
    app: SmartSpecApp,
    actor: Account | None,
    text: str,
    *,
    language: str | None = None,
    limit: int = 10,
) -> list[CodeSuggestion]:
    """NACE divisions suggested for a free text (:func:`~.autocode.suggest_codes`)."""
    require_reader(actor, bool(app.settings.get("public_read", True)), "suggesting codes")
    return suggest_codes(text, language=language, limit=limit)


def import_priorities(
    app: SmartSpecApp,
    actor: Account | None,
    data: bytes,
    filename: str,
    *,
    dry_run: bool = False,
    invalid_codes: Literal["refuse", "set-aside"] = "refuse",
) -> ImportReport:
    """Import a priorities file, all or nothing (:func:`~.transfer.import_file`); bounded by the
    ``max_upload_mb`` setting."""
    max_bytes = int(float(app.settings["max_upload_mb"]) * 2**20)
    return import_file(
        app.registry,
        actor,
        data,
        filename=filename,
        dry_run=dry_run,
        invalid_codes=invalid_codes,
        max_bytes=max_bytes,
    )


def export_priorities(
    app: SmartSpecApp,
    actor: Account | None,
    fmt: Literal["csv", "xlsx"] = "csv",
    **filters: Any,
) -> bytes:
    """The priorities matching ``filters`` (those of :meth:`~.service.Registry.search`) as a file
    in the import layout: importing it gives the same priorities back."""
    registry = app.registry
    items: list[Any] = []
    offset = 0
    while len(items) < EXPORT_LIMIT:
        page = registry.search(actor, limit=500, offset=offset, **filters)
        items.extend(page.items)
        offset += len(page.items)
        if not page.items or offset >= page.total:
            break
    strategies = {s.id: s for s in registry.list_strategies(actor)}
    regions = {r.code: r for r in registry.list_regions(actor)}
    return write_priorities(items, fmt, strategies=strategies, regions=regions)
