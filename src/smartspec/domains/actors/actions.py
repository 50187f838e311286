"""The actors domain's actions: what the API, the CLI and the pages call, so that the three
interfaces give the same answers and the same refusals; and the first-start hook that loads the
example data (the full consortia of the FP7 and Horizon 2020 projects with a Mexican partner).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import pandas as pd

from smartspec.domains.accounts.rules import Account

from .service import Actors, require_editor
from .transfer import import_file, import_records
from .views import ActorsImportReport

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp

__all__ = [
    "EXAMPLE_KEY",
    "actors_of",
    "example_rows",
    "import_organisations",
    "load_example_once",
    "on_start",
]

#: The domain setting that says the example data were loaded.
EXAMPLE_KEY = "example_loaded"


def actors_of(app: SmartSpecApp) -> Actors:
    """The organisation registry service on ``app``'s store (made once per app)."""
    found = app.__dict__.get("_actors_service")
    if not isinstance(found, Actors) or found.store is not app.store:
        found = Actors(app.store, public_read=bool(app.settings.get("public_read", True)))
        app.__dict__["_actors_service"] = found
    return found


def import_organisations(
    app: SmartSpecApp,
    actor: Account | None,
    data: bytes,
    filename: str,
    *,
    kind: Literal["organisations", "participations"] = "organisations",
    dry_run: bool = False,
) -> ActorsImportReport:
    """Import an organisations or participations file, all or nothing
    (:func:`~.transfer.import_file`); an editor or administrator only (a dry run too), bounded
    by the ``max_upload_mb`` setting."""
    require_editor(actor, None, "importing organisations")
    max_bytes = int(float(app.settings["max_upload_mb"]) * 2**20)
    return import_file(
        actors_of(app), actor, data, filename, kind=kind, dry_run=dry_run, max_bytes=max_bytes
    )


def example_rows() -> list[list[str]]:
    """The example participations as text rows, header first: the full consortia of the
    Horizon 2020 and FP7 projects with a Mexican participant
    (:func:`smartspec.domains.cooperation.cordis.consortia`)."""
    from smartspec.domains.cooperation.cordis import consortia

    from .helix import PARTICIPATION_COLUMNS

    frame = pd.concat([consortia("h2020"), consortia("fp7")], ignore_index=True)
    columns = list(PARTICIPATION_COLUMNS)
    text = frame[columns].astype(object).where(frame[columns].notna(), "")
    text["contribution"] = ["" if v == "" else repr(float(v)) for v in text["contribution"]]
    text["start_year"] = ["" if v == "" else str(int(v)) for v in text["start_year"]]
    # a missing name written as the text "NA" by the source's R export (never a real name)
    text["name"] = text["name"].where(text["name"] != "NA", "")
    return [columns, *text.astype(str).values.tolist()]


def load_example_once(app: SmartSpecApp) -> ActorsImportReport | None:
    """Load the example participations into a database that never had them; ``None`` when it
    had (or another process is loading them now).

    The first process to insert the ``example_loaded`` key loads them (the key's primary key
    makes the claim atomic); deleting organisations later does not bring them back. When
    loading fails, the claim is withdrawn so that the next start tries again.
    """
    from sqlalchemy.exc import IntegrityError

    from smartspec.domains.accounts.service import SYSTEM_ACCOUNT

    from .models import ActorsMetaRow

    try:
        with app.store.session() as s:
            if s.get(ActorsMetaRow, EXAMPLE_KEY) is not None:
                return None
            s.add(ActorsMetaRow(key=EXAMPLE_KEY, value="loading"))
            s.flush()
    except IntegrityError:
        return None
    actors = actors_of(app)
    try:
        report = import_records(
            actors,
            SYSTEM_ACCOUNT,
            example_rows(),
            kind="participations",
            filename="cordis-mx-consortia (FP7, Horizon 2020)",
        )
    except BaseException:
        with app.store.session() as s:
            row = s.get(ActorsMetaRow, EXAMPLE_KEY)
            if row is not None:
                s.delete(row)
        raise
    actors.set_meta(
        EXAMPLE_KEY,
        f"{report.organisations_new} organisations, {report.participations_new} participations",
    )
    return report


def on_start(app: SmartSpecApp) -> None:
    """The actors domain's first-start work: the example participations, when the
    ``registry_example`` setting (the platform's example-data switch) is on
    (:func:`load_example_once`)."""
    if app.settings.get("registry_example", True):
        load_example_once(app)
