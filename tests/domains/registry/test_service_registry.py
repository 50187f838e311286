"""The registry service: permissions of each role, bounds, regions and strategies, imports all or
nothing, and the comparison and similarity of regions on small hand-made data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.accounts.service import SYSTEM_ACCOUNT
from smartspec.domains.errors import (
    AuthenticationRequiredError,
    ForbiddenError,
    UnknownRecordError,
)
from smartspec.domains.registry.search import CODES_MEASURE, TEXT_MEASURE
from smartspec.domains.registry.service import Registry
from smartspec.domains.registry.views import PriorityIn, RegionIn, StrategyIn

ADMIN = Account(1, "root", "admin")
EDITOR = Account(2, "ed", "editor", frozenset({"CZ064"}))
VIEWER = Account(3, "v", "viewer")


def _priority(region: str = "CZ064", **changes: object) -> PriorityIn:
    values: dict[str, object] = {
        "region": region,
        "period": "2021-2027",
        "title": "Pokročilé strojírenství",
        "language": "cs",
        "codes": {"nace": ["28"]},
    }
    values.update(changes)
    return PriorityIn(**values)  # type: ignore[arg-type]


def test_who_may_write(registry: Registry) -> None:
    made = registry.create_priority(ADMIN, _priority("CZ080"))  # admin: any region
    mine = registry.create_priority(EDITOR, _priority("CZ064"))  # editor: its region
    with pytest.raises(ForbiddenError):
        registry.create_priority(EDITOR, _priority("CZ080"))  # another region
    with pytest.raises(ForbiddenError):
        registry.update_priority(EDITOR, made.id, _priority("CZ080"), version=1)
    with pytest.raises(ForbiddenError):  # nor move its own priority to another region
        registry.update_priority(EDITOR, mine.id, _priority("CZ080"), version=1)
    with pytest.raises(ForbiddenError):
        registry.delete_priority(EDITOR, made.id, version=1)
    with pytest.raises(ForbiddenError):
        registry.create_priority(VIEWER, _priority("CZ064"))
    with pytest.raises(AuthenticationRequiredError):
        registry.create_priority(None, _priority("CZ064"))
    with pytest.raises(AuthenticationRequiredError):
        registry.restore(None, mine.id, 1)
    with pytest.raises(ForbiddenError):
        registry.upsert_region(EDITOR, RegionIn(code="CZ080", name="Kraj Vysočina"))
    with pytest.raises(ForbiddenError):
        registry.upsert_strategy(VIEWER, StrategyIn(region="CZ064", period="2028-2034"))
    assert registry.search(None).total == 2  # nothing was stored by the refused calls
    assert [h.version for h in registry.history(VIEWER, made.id)] == [1]


def test_anonymous_reading_needs_an_account_on_a_private_registry(
    make_registry: Callable[..., Registry],
) -> None:
    private = make_registry(public_read=False)
    made = private.create_priority(ADMIN, _priority())
    for read in (
        lambda who: private.get_priority(who, made.id),
        lambda who: private.search(who),
        lambda who: private.history(who, made.id),
        lambda who: private.list_regions(who),
        lambda who: private.list_strategies(who),
        lambda who: private.compare(who, ["CZ064"]),
        lambda who: private.similar_regions(who, "CZ064"),
    ):
        with pytest.raises(AuthenticationRequiredError):
            read(None)
        read(VIEWER)  # any account reads


def test_bounds_give_clear_errors(registry: Registry) -> None:
    cases = {
        "title": _priority(title="x" * 501),
        "description": _priority(description="x" * 20_001),
        "tags": _priority(tags=[f"t{i}" for i in range(51)]),
        "language": _priority(language="Czech"),
        "region": _priority(region="CZ 064"),
        "period": _priority(period=""),
        "codes.sdg": _priority(codes={"sdg": ["18"]}),
        "codes": _priority(codes={"isic": ["28"]}),
    }
    for where, data in cases.items():
        with pytest.raises(ValidationError) as caught:
            registry.create_priority(ADMIN, data)
        assert caught.value.where == where, where
    with pytest.raises(ValidationError) as caught:
        registry.create_priority(ADMIN, _priority(tags=["x" * 101]))
    assert "100 characters" in caught.value.expected
    assert registry.search(None).total == 0
    edge = registry.create_priority(
        ADMIN, _priority(title="x" * 500, tags=[f"t{i}" for i in range(50)])
    )
    assert len(edge.tags) == 50


def test_unknown_code_error_names_scheme_code_and_closest(registry: Registry) -> None:
    with pytest.raises(ValidationError) as caught:
        registry.create_priority(ADMIN, _priority(codes={"nace": ["29.99"]}))
    error = caught.value
    assert error.code == "invalid.code"
    assert "nace" in error.message and "29.99" in error.message
    assert "29.32" in error.fix  # the closest valid codes are named
    assert registry.list_regions(None) == []


def test_regions_and_strategies(registry: Registry) -> None:
    region = registry.upsert_region(ADMIN, RegionIn(code="cz064"))  # filled from NUTS
    assert region.model_dump() == {
        "code": "CZ064",
        "name": "Jihomoravský kraj",
        "level": "NUTS3",
        "parent": "CZ06",
        "country": "CZ",
    }
    other = registry.upsert_region(
        ADMIN, RegionIn(code="MX28", name="Tamaulipas", level="state", country="mx")
    )
    assert (other.country, other.parent) == ("MX", None)
    assert [r.code for r in registry.list_regions(None, country="CZ")] == ["CZ064"]
    with pytest.raises(UnknownRecordError):
        registry.get_region(None, "CZ080")

    strategy = registry.upsert_strategy(
        EDITOR, StrategyIn(region="CZ064", period="2021-2027", title="RIS3 JMK", source="p. 4")
    )
    assert (strategy.version, strategy.title, strategy.n_priorities) == (1, "RIS3 JMK", 0)
    again = registry.upsert_strategy(
        EDITOR, StrategyIn(region="CZ064", period="2021-2027", title="RIS3 JMK 2")
    )
    assert (again.id, again.version, again.title) == (strategy.id, 2, "RIS3 JMK 2")
    made = registry.create_priority(EDITOR, PriorityIn(strategy_id=strategy.id, title="A"))
    assert (made.region, made.period, made.strategy_title) == ("CZ064", "2021-2027", "RIS3 JMK 2")
    assert registry.get_strategy(None, strategy.id).n_priorities == 1
    assert [p.id for p in registry.region_priorities(None, "cz064")] == [made.id]
    with pytest.raises(UnknownRecordError):
        registry.create_priority(ADMIN, PriorityIn(strategy_id=999, title="A"))


@dataclass
class Draft:
    """A draft as the import makes it (the fields :class:`DraftLike` names)."""

    region: str
    title: str
    codes: dict[str, list[str]]
    period: str = "2021-2027"
    region_name: str | None = None
    country: str | None = None
    level: str | None = None
    parent: str | None = None
    strategy_title: str | None = "RIS3"
    strategy_source: str | None = "Annex 2"
    strategy_url: str | None = None
    description: str = ""
    language: str = "cs"
    tags: list[str] = field(default_factory=list)
    set_aside_codes: dict[str, list[str]] = field(default_factory=dict)
    row: int = 2
    id: int | None = None
    version: int | None = None


def test_store_drafts_all_or_nothing(registry: Registry) -> None:
    good = Draft("CZ080", "Nové materiály", {"nace": ["20"]}, set_aside_codes={"nace": ["34"]})
    bad = Draft("CZ064", "Strojírenství", {"nace": ["99.9"]})
    with pytest.raises(ValidationError):
        registry.store_drafts(ADMIN, [good, bad], source="ris3.csv")
    assert registry.search(None).total == 0 and registry.list_regions(None) == []
    with pytest.raises(AuthenticationRequiredError):
        registry.store_drafts(None, [good], source="ris3.csv")
    with pytest.raises(ForbiddenError):  # the editor of CZ064 may not import CZ080
        registry.store_drafts(EDITOR, [good], source="ris3.csv")
    stored = registry.store_drafts(SYSTEM_ACCOUNT, [good], source="ris3.csv")
    assert stored[0].set_aside_codes == {"nace": ["34"]}
    assert (stored[0].region_name, stored[0].strategy_title) == ("Moravskoslezský kraj", "RIS3")
    (change,) = registry.history(None, stored[0].id)
    assert (change.action, change.source, change.actor) == ("import", "ris3.csv", "smartspec")


def test_meta(registry: Registry) -> None:
    assert registry.meta("example_loaded") is None
    registry.set_meta("example_loaded", "1")
    registry.set_meta("example_loaded", "2")
    assert registry.meta("example_loaded") == "2"


def _three_regions(reg: Registry) -> None:
    """A: divisions {28, 26, 27}; B: {28, 20} (one by a group, 20.1); C: {55}."""
    reg.create_priority(ADMIN, _priority("CZ064", codes={"nace": ["28", "26"], "sdg": ["7"]}))
    reg.create_priority(
        ADMIN, _priority("CZ064", title="Elektro", codes={"nace": ["27.1"], "sdg": ["9"]})
    )
    reg.create_priority(
        ADMIN, _priority("CZ080", title="Chemie", codes={"nace": ["28", "20.1"], "sdg": ["7"]})
    )
    reg.create_priority(
        ADMIN, _priority("ES30", title="Turismo", language="es", codes={"nace": ["55"]})
    )


def test_compare(registry: Registry) -> None:
    _three_regions(registry)
    view = registry.compare(None, ["CZ064", "cz080"])
    a, b = view.regions
    assert (a.region.code, len(a.priorities), a.divisions) == ("CZ064", 2, ["26", "27", "28"])
    assert a.codes == {"nace": ["26", "27.1", "28"], "sdg": ["7", "9"]}
    assert b.divisions == ["20", "28"]
    assert [(d.code, d.regions) for d in view.divisions] == [
        ("20", ["CZ080"]),
        ("26", ["CZ064"]),
        ("27", ["CZ064"]),
        ("28", ["CZ064", "CZ080"]),
    ]
    assert view.divisions[-1].title and "machinery" in view.divisions[-1].title.lower()
    assert view.shared == {"nace": ["28"], "sdg": ["7"]}
    with pytest.raises(UnknownRecordError):
        registry.compare(None, ["CZ064", "XX1"])


def test_similar_regions_by_codes_is_the_jaccard_of_divisions(registry: Registry) -> None:
    _three_regions(registry)
    view = registry.similar_regions(None, "CZ064", by="codes")
    assert view.measure == CODES_MEASURE
    # CZ064 {26, 27, 28} vs CZ080 {20, 28}: 1 shared of 4 -> 0.25; vs ES30 {55}: 0 of 4 -> 0
    assert [(i.region, i.score, i.shared_codes) for i in view.items] == [
        ("CZ080", 0.25, ["28"]),
        ("ES30", 0.0, []),
    ]


def test_similar_regions_by_text_and_both(registry: Registry) -> None:
    _three_regions(registry)
    registry.create_priority(ADMIN, _priority("CZ010", title="Pokročilé strojírenství a elektro"))
    text = registry.similar_regions(None, "CZ064", by="text")
    assert text.measure == TEXT_MEASURE
    assert text.items[0].region == "CZ010"  # the same words
    assert text.items[-1].region == "ES30"  # other words, another language
    assert all(0.0 <= i.score <= 1.0 for i in text.items)
    both = registry.similar_regions(None, "CZ064", by="both", limit=2)
    assert len(both.items) == 2
    for item in both.items:
        assert item.score == pytest.approx(
            ((item.codes_score or 0) + (item.text_score or 0)) / 2, abs=1e-6
        )
