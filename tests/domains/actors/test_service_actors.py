"""The organisation registry's rules: who may add, change and delete organisations (editor
role, region grants), optimistic versions, search filters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.actors.actions import actors_of
from smartspec.domains.actors.service import Actors
from smartspec.domains.actors.views import OrganisationIn
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ConflictError,
    EditConflictError,
    ForbiddenError,
    UnknownRecordError,
)

ADMIN = Account(1, "root", "admin")
EDITOR_MX09 = Account(2, "ana", "editor", frozenset({"MX09"}))
EDITOR_MX = Account(3, "luis", "editor", frozenset({"MX"}))
VIEWER = Account(4, "vera", "viewer")
REVIEWER = Account(5, "rita", "reviewer", frozenset({"MX09"}))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, new_app: Any) -> Iterator[SmartSpecApp]:
    made = new_app(str(tmp_path_factory.mktemp("actors-service")))
    yield made
    made.close()


@pytest.fixture
def actors(app: SmartSpecApp) -> Actors:
    return actors_of(app)


def _org(**kw: Any) -> OrganisationIn:
    return OrganisationIn(**{"name": "Centro de Innovación", "type": "REC", "country": "MX", **kw})


def test_write_rules(actors: Actors) -> None:
    with pytest.raises(AuthenticationRequiredError):
        actors.create(None, _org())
    for who in (VIEWER, REVIEWER):
        with pytest.raises(ForbiddenError):
            actors.create(who, _org(region="MX09"))
    with pytest.raises(ForbiddenError):  # an editor of another region
        actors.create(EDITOR_MX09, _org(region="MX15"))
    mine = actors.create(EDITOR_MX09, _org(region="mx09"))
    assert (mine.region, mine.helix, mine.version, mine.created_by) == (
        "MX09",
        "research",
        1,
        "ana",
    )
    covered = actors.create(EDITOR_MX, _org(name="Otro", region="MX15"))  # MX covers MX15
    free = actors.create(EDITOR_MX09, _org(name="Sin región"))  # no region: editors of MX
    assert free.region is None
    with pytest.raises(ForbiddenError, match="country 'MX'"):  # but not an editor of Spain
        actors.update(Account(6, "eva", "editor", frozenset({"ES51"})), free.id, _org(), version=1)
    with pytest.raises(ForbiddenError, match="country 'DE'"):
        actors.create(EDITOR_MX09, _org(name="Institut", country="DE"))
    nowhere = actors.create(EDITOR_MX09, _org(name="Red", country=""))  # neither: any editor
    assert nowhere.country == ""
    with pytest.raises(ForbiddenError):
        actors.update(EDITOR_MX09, covered.id, _org(name="x", region="MX15"), version=1)
    with pytest.raises(ForbiddenError):  # moving its own organisation out of its region
        actors.update(EDITOR_MX09, mine.id, _org(region="MX15"), version=1)
    with pytest.raises(ForbiddenError):
        actors.delete(VIEWER, mine.id, version=1)
    with pytest.raises(AuthenticationRequiredError):
        actors.delete(None, mine.id, version=1)
    changed = actors.update(ADMIN, covered.id, _org(name="Otro centro", region="MX15"), version=1)
    assert changed.version == 2 and changed.updated_by == "root"
    actors.delete(EDITOR_MX, covered.id, version=2)
    with pytest.raises(UnknownRecordError):
        actors.get(None, covered.id)


def test_versions_and_conflicts(actors: Actors) -> None:
    view = actors.create(ADMIN, _org(name="Versionado", source_id="V-1"))
    same = actors.update(ADMIN, view.id, _org(name="Versionado", source_id="V-1"), version=1)
    assert same.version == 1  # nothing changed: no new version
    actors.update(ADMIN, view.id, _org(name="Versionado 2", source_id="V-1"), version=1)
    with pytest.raises(EditConflictError) as caught:
        actors.update(ADMIN, view.id, _org(name="Mine", source_id="V-1"), version=1)
    assert caught.value.code == "edit_conflict"
    assert caught.value.details["current"]["name"] == "Versionado 2"  # type: ignore[index]
    assert caught.value.details["yours"]["name"] == "Mine"  # type: ignore[index]
    with pytest.raises(EditConflictError):
        actors.delete(ADMIN, view.id, version=1)
    with pytest.raises(ConflictError):  # the source id is another organisation's
        actors.create(ADMIN, _org(name="Copy", source_id="V-1"))


def test_bad_fields(actors: Actors) -> None:
    for bad, where in (
        (_org(name=" "), "name"),
        (_org(type="UNI"), "type"),
        (_org(country="MEX"), "country"),
        (_org(region="MX 09"), "region"),
        (_org(source_id="a b"), "source_id"),
        (_org(topics=["x" * 121]), "topics"),
    ):
        with pytest.raises(ValidationError) as caught:
            actors.create(ADMIN, bad)
        assert caught.value.where == where


def test_search_filters_and_delete_cascade(actors: Actors, org_id: Any, app: SmartSpecApp) -> None:
    assert [o.source_id for o in actors.search(None, helix="business").items] == ["PB"]
    assert [o.source_id for o in actors.search(None, country="it").items] == ["PE", "PF"]
    assert [o.source_id for o in actors.search(None, region="ES").items] == ["PB"]  # ES51
    assert actors.search(None, q="LOGÍSTICA beta").items[0].source_id == "PB"
    unam = actors.create(ADMIN, _org(name="Universidad Nacional Autónoma de México"))
    assert [o.id for o in actors.search(None, q="UNAM").items] == [unam.id]  # by initials
    actors.delete(ADMIN, unam.id, version=1)
    assert {o.source_id for o in actors.search(None, topic="sc3").items} == {"PB", "PD"}
    top = actors.search(None, limit=1)
    assert top.items[0].source_id == "PB" and top.items[0].projects == 2  # most projects first
    b = org_id(app, "PB")
    assert [p.project for p in actors.participations(None, b)] == ["p2", "p1"]  # newest first
    before = actors.counts(None)["participations"]
    actors.delete(ADMIN, b, version=actors.get(None, b).version)
    assert actors.counts(None)["participations"] == before - 2


def test_private_platform_reading_needs_an_account(app: SmartSpecApp) -> None:
    private = Actors(app.store, public_read=False)
    with pytest.raises(AuthenticationRequiredError):
        private.search(None)
    assert private.search(VIEWER).total >= 1


def test_example_data_once(tmp_path: Path) -> None:
    from smartspec.domains.actors.actions import load_example_once

    made = SmartSpecApp(data_dir=tmp_path, datasets=[], settings={"registry_example": False})
    try:
        report = load_example_once(made)
        assert report is not None and not report.problems
        # the full consortia: 837 Horizon 2020 and 1,281 FP7 rows; PICs shared by both count once
        assert report.participations_new == 837 + 1281
        actors = actors_of(made)
        assert actors.counts(None) == {
            "organisations": report.organisations_new,
            "participations": 2118,
        }
        assert load_example_once(made) is None
        _, table = actors.frames(None)
        mx = table[(table["country"] == "MX") & (table["programme"] == "h2020")]
        # the contract's counts: 79 Mexican participations, 39 organisations, 55 projects
        assert (len(mx), mx["org"].nunique(), mx["project"].nunique()) == (79, 39, 55)
        assert not (table["name"] == "NA").any()  # a missing name is never the text "NA"
    finally:
        made.close()


def test_on_postgresql(tmp_path: Path, postgres_url: str, new_app: Any, org_id: Any) -> None:
    """The same rules, search, import and partners on PostgreSQL (skipped when not installed)."""
    from smartspec.domains.actors.partners import find_partners, network_view

    made = new_app(str(tmp_path), postgres_url)
    try:
        actors = actors_of(made)
        assert actors.counts(None) == {"organisations": 6, "participations": 7}
        assert actors.search(None, q="logística", region="ES").items[0].source_id == "PB"
        assert {o.source_id for o in actors.search(None, topic="sc3").items} == {"PB", "PD"}
        a = org_id(made, "PA")
        view = find_partners(actors, None, organisation=a, measure="network")
        assert [i.organisation.source_id for i in view.items] == ["PB", "PC", "PD"]
        assert network_view(actors, None).edges_total == 5
        version = actors.get(None, a).version
        actors.update(ADMIN, a, _org(name="Alfa", source_id="PA"), version=version)
        with pytest.raises(EditConflictError):
            actors.update(ADMIN, a, _org(name="Late", source_id="PA"), version=version)
    finally:
        made.close()
