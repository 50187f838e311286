"""Searching the registry on SQLite and PostgreSQL: words as prefixes, accents and case ignored,
filters, ranking, and query text that cannot break the full-text syntax."""

from __future__ import annotations

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import RequestError
from smartspec.domains.registry.service import Registry
from smartspec.domains.registry.views import PriorityIn

ADMIN = Account(1, "root", "admin")


def _seed(reg: Registry) -> dict[str, int]:
    rows = {
        "cz_energy": (
            "CZ064",
            "2021-2027",
            "Inovace v energetice",
            "Čistá energie",
            "cs",
            {"nace": ["35", "28.1"]},
            ["vodík"],
        ),
        "cz_materials": (
            "CZ080",
            "2021-2027",
            "Nové materiály",
            "Pokročilé kompozity",
            "cs",
            {"nace": ["20"]},
            [],
        ),
        "es_energy": (
            "ES30",
            "2021-2027",
            "Energía renovable",
            "Innovación en energía solar",
            "es",
            {"nace": ["35.1"], "sdg": ["7"]},
            ["solar"],
        ),
        "es_old": (
            "ES30",
            "2014-2020",
            "Turismo",
            "Turismo sostenible",
            "es",
            {"nace": ["55"]},
            [],
        ),
        "cz_energy_only_title": ("CZ064", "2014-2020", "Energie energie energie", "", "cs", {}, []),
    }
    ids = {}
    for key, (region, period, title, text, lang, codes, tags) in rows.items():
        ids[key] = reg.create_priority(
            ADMIN,
            PriorityIn(
                region=region,
                period=period,
                title=title,
                description=text,
                language=lang,
                codes=codes,
                tags=tags,
            ),
        ).id
    return ids


def _found(reg: Registry, **kw: object) -> set[int]:
    return {p.id for p in reg.search(None, **kw).items}  # type: ignore[arg-type]


def test_words_are_prefixes_without_accents_or_case(any_registry: Registry) -> None:
    ids = _seed(any_registry)
    assert _found(any_registry, q="inovace") == {ids["cz_energy"]}
    assert _found(any_registry, q="INOV") == {ids["cz_energy"]}
    assert _found(any_registry, q="energia") == {ids["es_energy"]}  # "Energía", "energía"
    assert _found(any_registry, q="ENERGÍ") == {
        ids["cz_energy"],
        ids["es_energy"],
        ids["cz_energy_only_title"],
    }
    assert _found(any_registry, q="energia solar") == {ids["es_energy"]}  # every word
    assert _found(any_registry, q="vodik") == {ids["cz_energy"]}  # tags too
    assert _found(any_registry, q="materialy") == {ids["cz_materials"]}
    assert _found(any_registry, q="nothing-like-this") == set()


def test_results_are_ranked_by_relevance(any_registry: Registry) -> None:
    ids = _seed(any_registry)
    page = any_registry.search(None, q="energie")
    assert page.total == 2
    assert page.items[0].id == ids["cz_energy_only_title"]  # the word three times, short text


HOSTILE = [
    '"*(NEAR',
    "energ* OR",
    "a:b -c",
    "NEAR(energ solar)",
    "'; DROP TABLE x; --",
    "\\",
    "&|!():*",
]


def test_query_syntax_characters_cannot_break_the_query(any_registry: Registry) -> None:
    ids = _seed(any_registry)
    for q in HOSTILE:
        assert any_registry.search(None, q=q).total >= 0, q
    assert _found(any_registry, q="*)(") == set(ids.values())  # no word: no text filter
    assert _found(any_registry, q='"solar*"') == {ids["es_energy"]}  # only the word counts
    assert _found(any_registry, q="NEAR(energ solar)") == set()  # "near" is a word to find


def test_filters(any_registry: Registry) -> None:
    ids = _seed(any_registry)
    reg = any_registry
    assert _found(reg, region="CZ064") == {ids["cz_energy"], ids["cz_energy_only_title"]}
    assert _found(reg, region="cz0") == {
        ids["cz_energy"],
        ids["cz_materials"],
        ids["cz_energy_only_title"],
    }
    assert _found(reg, country="es") == {ids["es_energy"], ids["es_old"]}
    assert _found(reg, period="2014-2020") == {ids["es_old"], ids["cz_energy_only_title"]}
    # a division finds its groups; a section its divisions and groups; other schemes exactly
    assert _found(reg, code="35") == {ids["cz_energy"], ids["es_energy"]}
    assert _found(reg, code="nace:28") == {ids["cz_energy"]}
    assert _found(reg, code="nace:28.1") == {ids["cz_energy"]}
    assert _found(reg, code="C") == {ids["cz_energy"], ids["cz_materials"]}
    assert _found(reg, code="sdg:7") == {ids["es_energy"]}
    assert _found(reg, code="tag:Vodík") == {ids["cz_energy"]}
    strategy = reg.get_priority(None, ids["es_old"]).strategy_id
    assert _found(reg, strategy=strategy) == {ids["es_old"]}
    assert _found(reg, q="energ", country="CZ", code="28") == {ids["cz_energy"]}


def test_pages_and_bounds(registry: Registry) -> None:
    ids = _seed(registry)
    page = registry.search(None, limit=2, offset=1)
    assert (page.total, page.limit, page.offset) == (5, 2, 1)
    assert [p.id for p in page.items] == sorted(ids.values())[1:3]  # no words: by id
    with pytest.raises(RequestError):
        registry.search(None, limit=501)
    with pytest.raises(RequestError):
        registry.search(None, limit=0)
    with pytest.raises(RequestError):
        registry.search(None, offset=-1)
    with pytest.raises(RequestError):
        registry.search(None, q="x" * 501)
    with pytest.raises(ValidationError) as caught:
        registry.search(None, code="nace:99.9")
    assert caught.value.code == "invalid.code"
    with pytest.raises(ValidationError):
        registry.search(None, region="no spaces allowed")


def test_deleted_priorities_are_not_found(registry: Registry) -> None:
    ids = _seed(registry)
    registry.delete_priority(ADMIN, ids["es_energy"], version=1)
    assert _found(registry, q="solar") == set()
    assert _found(registry, code="sdg:7") == set()
    registry.restore(ADMIN, ids["es_energy"], 1)
    assert _found(registry, q="solar") == {ids["es_energy"]}
