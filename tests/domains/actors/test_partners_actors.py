"""Find partners on a small hand-made case whose answer is known; networks of the stored
participations."""

from __future__ import annotations

import math
from typing import Any

import pytest

from smartspec.app import SmartSpecApp
from smartspec.domains.actors.actions import actors_of
from smartspec.domains.actors.partners import find_partners, network_view
from smartspec.domains.errors import RequestError, UnknownRecordError


def _names(view: Any, measure: str) -> list[str]:
    return [i.organisation.source_id for i in view.items if i.measure == measure]


def test_network_partners_two_steps(small_app: SmartSpecApp, org_id: Any) -> None:
    actors = actors_of(small_app)
    view = find_partners(actors, None, organisation=org_id(small_app, "PA"), measure="network")
    assert view.measures == ["network"]
    assert _names(view, "network") == ["PB", "PC", "PD"]  # E, F are not reachable
    by = {i.organisation.source_id: i for i in view.items}
    assert by["PB"].distance == 1 and by["PB"].score == 1
    assert by["PB"].shared_projects == ["h2020:p1 (ALFA)"]
    assert "worked together in 1 project" in by["PB"].reason
    assert by["PD"].distance == 2 and by["PD"].via == ["Beta Logistica SL"]
    assert "via Beta Logistica SL" in by["PD"].reason


def _tfidf_cosine(docs: dict[str, list[str]], a: str, b: str) -> float:
    """The documented measure by hand: (1 + ln tf) * (ln((1 + n) / (1 + df)) + 1), unit rows."""
    n = len(docs)
    terms = sorted({t for words in docs.values() for t in words})
    df = {t: sum(t in words for words in docs.values()) for t in terms}

    def vector(words: list[str]) -> list[float]:
        raw = [
            (1 + math.log(words.count(t))) * (math.log((1 + n) / (1 + df[t])) + 1)
            if t in words
            else 0.0
            for t in terms
        ]
        norm = math.sqrt(sum(x * x for x in raw))
        return [x / norm for x in raw]

    return sum(x * y for x, y in zip(vector(docs[a]), vector(docs[b]), strict=True))


def test_topic_partners_by_description(small_app: SmartSpecApp, org_id: Any) -> None:
    actors = actors_of(small_app)
    view = find_partners(actors, None, organisation=org_id(small_app, "PA"), measure="topic")
    # descriptions and topics (the programme parts of their projects), function words dropped
    docs = {
        "PA": ["solar", "energy", "storage", "batteries", "msca"],
        "PB": ["logistics", "software", "msca", "sc3"],
        "PC": ["msca"],
        "PD": ["energy", "policy", "sc3"],
        "PE": ["solar", "batteries", "research", "erc"],
        "PF": ["museum", "heritage", "erc"],
    }
    expected = {k: _tfidf_cosine(docs, "PA", k) for k in docs if k != "PA"}
    ranked = [k for k, v in sorted(expected.items(), key=lambda kv: -kv[1]) if v > 0]
    assert ranked[0] == "PE" and "PF" not in ranked  # E shares two rare words; F none
    assert _names(view, "topic") == ranked
    for item in view.items:
        assert item.score == pytest.approx(expected[item.organisation.source_id], abs=1e-4)
    assert set(view.items[0].shared_terms) == {"solar", "batteries"}
    assert "cosine" in view.items[0].reason


def test_filters_apply_to_partners(small_app: SmartSpecApp, org_id: Any) -> None:
    actors = actors_of(small_app)
    a = org_id(small_app, "PA")
    assert _names(find_partners(actors, None, organisation=a, country="FR"), "network") == ["PD"]
    research = find_partners(actors, None, organisation=a, helix="research")
    assert _names(research, "topic") == ["PE", "PC"] and _names(research, "network") == ["PC"]
    assert research.filters == {"helix": "research"}
    msca = find_partners(actors, None, organisation=a, topic="msc")  # topics = programme parts
    assert _names(msca, "network") == ["PB", "PC"]
    assert set(_names(msca, "topic")) == {"PB", "PC"}


def test_region_target_and_errors(small_app: SmartSpecApp, org_id: Any) -> None:
    actors = actors_of(small_app)
    view = find_partners(actors, None, region="ES", measure="network")
    assert view.organisations == 1 and view.target == "ES"
    assert _names(view, "network") == ["PA", "PC", "PD"]
    with pytest.raises(UnknownRecordError):
        find_partners(actors, None, region="JP")
    with pytest.raises(RequestError):
        find_partners(actors, None)
    with pytest.raises(RequestError):
        find_partners(actors, None, organisation=1, top=101)
    with pytest.raises(UnknownRecordError):
        find_partners(actors, None, organisation=999)


def test_network_view(small_app: SmartSpecApp, org_id: Any) -> None:
    actors = actors_of(small_app)
    view = network_view(actors, None, level="org")
    assert (view.nodes_total, view.edges_total) == (6, 5)  # triangle p1, tie p2, tie p3
    # modularity: {A, B, C, D} and {E, F} give Q = (4/5 - 0.8^2) + (1/5 - 0.2^2) = 0.32, more
    # than {A, B, C}, {D}, {E, F} (0.26)
    assert view.communities_total == 2
    assert [c.size for c in view.communities] == [4, 2]
    strongest = view.nodes[0]
    assert strongest.label == "Beta Logistica SL" and strongest.degree == 3
    # B lies on the paths A-D, C-D of the 15 pairs: 2 / 10 (normalised for n = 6)
    assert strongest.betweenness == pytest.approx(0.2)
    assert {b.label for b in view.helix_bridges} >= {"Beta Logistica SL", "Alfa Universidad"}
    assert view.helix_mixing["research"]["business"] == 2  # A-B, C-B
    found = network_view(actors, None, level="org", q="delta")
    assert [n.label for n in found.nodes if n.focus] == ["Delta Ministere"]
    assert {n.label for n in found.nodes} == {"Delta Ministere", "Beta Logistica SL"}
    by_initials = network_view(actors, None, level="org", q="BLS")  # Beta Logistica SL
    assert [n.label for n in by_initials.nodes if n.focus] == ["Beta Logistica SL"]
    countries = network_view(actors, None, level="country", q="es")
    assert [n.id for n in countries.nodes if n.focus] == ["ES"]
    assert {e.source + e.target for e in countries.edges} >= {"DEES", "ESFR", "ESMX"}
    assert network_view(actors, None, q="zzz").notes == ["nothing in the network matches 'zzz'"]
    with pytest.raises(RequestError):
        network_view(actors, None, top=0)
