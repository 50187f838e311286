"""Shared fixtures of the actors tests: a small hand-made set of projects whose answers are known,
on a real app and database (SQLite)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.actors.actions import actors_of, import_organisations

#: Three projects, CORDIS layout (one row per participant):
#: p1 = A (MX, HES) + B (ES, PRC) + C (DE, HES); p2 = B + D (FR, PUB);
#: p3 = E (IT, HES) + F (IT, OTH).
#: From A: B and C one step away (p1), D two steps via B; E and F unreachable.
PARTICIPATIONS = """project,org,name,role,type,country,city,nuts,contribution,start_year,\
programme,parts,acronym,title
p1,PA,Alfa Universidad,coordinator,HES,MX,,,NA,2016,h2020,MSCA,ALFA,Alfa project
p1,PB,Beta Logistica SL,participant,PRC,ES,,ES51,1000.5,2016,h2020,MSCA,ALFA,Alfa project
p1,PC,Gamma Institut,participant,HES,DE,,,,2016,h2020,MSCA,ALFA,Alfa project
p2,PB,Beta Logistica SL,coordinator,PRC,ES,,ES51,2000,2018,h2020,SC3,BETA,
p2,PD,Delta Ministere,participant,PUB,FR,,,,2018,h2020,SC3,BETA,
p3,PE,Epsilon Universita,coordinator,HES,IT,,,,2019,h2020,ERC,,
p3,PF,Phi Fondazione,participant,OTH,IT,,,,2019,h2020,ERC,,
"""

#: Descriptions of the same organisations (an organisations file: updates them by source id).
DESCRIPTIONS = """source_id,name,description
PA,Alfa Universidad,solar energy storage batteries
PB,Beta Logistica SL,logistics software
PD,Delta Ministere,energy policy
PE,Epsilon Universita,solar batteries research
PF,Phi Fondazione,museum heritage
"""


def make_app(path: str, database_url: str | None = None) -> SmartSpecApp:
    """An app without datasets or example data, with the small set imported."""
    app = SmartSpecApp(
        data_dir=path,
        database_url=database_url,
        datasets=[],
        settings={"registry_example": False},
    )
    import_organisations(
        app, CLI_ACCOUNT, PARTICIPATIONS.encode(), "small.csv", kind="participations"
    )
    import_organisations(app, CLI_ACCOUNT, DESCRIPTIONS.encode(), "descriptions.csv")
    return app


@pytest.fixture(scope="module")
def small_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SmartSpecApp]:
    """The small set on a fresh database, shared by a module's read-only tests."""
    app = make_app(str(tmp_path_factory.mktemp("actors-small")))
    yield app
    app.close()


def _org_id(app: SmartSpecApp, source: str) -> int:
    page = actors_of(app).search(None, q=source, limit=500)
    found = [o.id for o in page.items if o.source_id == source]
    assert len(found) == 1, (source, page.items)
    return found[0]


@pytest.fixture(scope="session")
def org_id() -> Callable[[SmartSpecApp, str], int]:
    """``org_id(app, source_id)``: the stored id of the organisation with this source id."""
    return _org_id


@pytest.fixture(scope="session")
def new_app() -> Callable[[str], SmartSpecApp]:
    """``new_app(folder)``: a fresh app with the small set imported (close it after)."""
    return make_app


@pytest.fixture(scope="session")
def participations_csv() -> bytes:
    """The small set's participations file (:data:`PARTICIPATIONS`)."""
    return PARTICIPATIONS.encode()
