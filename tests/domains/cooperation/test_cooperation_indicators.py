"""The indicators on a small hand-built participation table, with hand-computed answers.

Projects (start year) and rows (org, country, role, contribution):

* p1 (2015): a MX coordinator 100; x ES participant 50; y DE participant 70
* p2 (2016): a MX partner (none); b MX participant 0; x ES coordinator 30
* p3 (2016): b MX participant 20; z FR coordinator 10

Shared-project ties: a-x 2, a-y 1, x-y 1, a-b 1, b-x 1, b-z 1.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartspec.domains.cooperation import indicators as ind
from smartspec.domains.cooperation.cordis import COLUMNS

ROWS = [
    ("p1", "a", "MX", "coordinator", 100.0, 2015),
    ("p1", "x", "ES", "participant", 50.0, 2015),
    ("p1", "y", "DE", "participant", 70.0, 2015),
    ("p2", "a", "MX", "partner", np.nan, 2016),
    ("p2", "b", "MX", "participant", 0.0, 2016),
    ("p2", "x", "ES", "coordinator", 30.0, 2016),
    ("p3", "b", "MX", "participant", 20.0, 2016),
    ("p3", "z", "FR", "coordinator", 10.0, 2016),
]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frame = pd.DataFrame(
        ROWS, columns=["project", "org", "country", "role", "contribution", "start_year"]
    )
    frame["start_year"] = frame["start_year"].astype("Int64")
    frame["name"] = frame["org"].str.upper()
    frame["type"] = "HES"
    for column in ("city", "nuts", "parts", "acronym", "title"):
        frame[column] = ""
    frame["programme"] = "h2020"
    frame = frame[COLUMNS].copy()
    frame["focus"] = frame["country"] == "MX"
    return frame


@pytest.fixture(scope="module")
def values(table: pd.DataFrame) -> dict:
    return ind.measure(table, programme="h2020", top=10)


def test_coordinator_share_and_funding(values: dict) -> None:
    assert values["projects"] == 3
    assert values["coordinated_projects"] == 1
    assert math.isclose(values["coordinator_share"], 1 / 3)
    assert (values["funded_participations"], values["unfunded_participations"]) == (2, 2)
    assert values["funded_share"] == 0.5
    assert values["eu_contribution"] == 120.0


def test_repeat_collaborations(table: pd.DataFrame, values: dict) -> None:
    pairs = ind.pair_counts(table)
    assert pairs.values.tolist() == [["a", "x", 2], ["a", "y", 1], ["b", "x", 1], ["b", "z", 1]]
    assert (values["partner_pairs"], values["repeat_pairs"]) == (4, 1)
    assert values["repeat_share"] == 0.25
    [pair] = values["top_repeat_pairs"]
    assert (pair.org, pair.partner, pair.partner_country, pair.projects) == ("a", "x", "ES", 2)


def test_new_entrants(values: dict) -> None:
    got = [(e.year, e.new_organisations, e.active_organisations) for e in values["new_entrants"]]
    assert got == [(2015, 1, 1), (2016, 1, 2)]


def test_hubs(values: dict) -> None:
    hubs = {h.org: h for h in values["hubs"]}
    assert [h.org for h in values["hubs"]][:3] == ["a", "x", "b"]  # strength 4, 4, 3
    assert (hubs["a"].strength, hubs["a"].degree) == (4.0, 3)
    assert (hubs["b"].strength, hubs["z"].strength, hubs["y"].strength) == (3.0, 1.0, 2.0)
    # betweenness, normalised by (n-1)(n-2)/2 = 6: b lies on the 3 paths to z; a and x each on
    # half of the y-b and y-z paths
    assert math.isclose(hubs["b"].betweenness, 3 / 6)
    assert math.isclose(hubs["a"].betweenness, 1 / 6)
    assert math.isclose(hubs["x"].betweenness, 1 / 6)
    assert hubs["y"].betweenness == 0 and hubs["z"].betweenness == 0
    assert [h.org for h in values["focus_hubs"]] == ["b", "a"]
    assert hubs["a"].focus and not hubs["x"].focus


def test_fp7_has_no_roles_or_money(table: pd.DataFrame) -> None:
    got = ind.measure(table, programme="fp7", hubs=False)
    assert got["coordinator_share"] is None and got["funded_participations"] is None
    assert got["new_entrants"] == [] and got["repeat_pairs"] == 1


def test_real_mexico() -> None:
    view = ind.indicators("MX", "h2020", top=5)
    assert view.coordinated_projects == 0 and view.coordinator_share == 0
    assert (view.funded_participations, view.unfunded_participations) == (6, 73)
    assert view.repeat_pairs <= view.partner_pairs
    assert sum(e.new_organisations for e in view.new_entrants) == 39
    assert view.focus_hubs[0].name == "UNIVERSIDAD NACIONAL AUTONOMA DE MEXICO"
    assert len(view.hubs) == 5
    fp7 = ind.indicators("MX", "fp7")
    assert fp7.coordinator_share is None and fp7.hubs  # the disconnected FP7 network works


def test_network_search() -> None:
    net = ind.network("MX", "h2020", q="unam", top=50)
    assert net.matches == ["999865816"]  # UNAM, found by its initials
    ids = {n.id for n in net.nodes}
    assert "999865816" in ids and len(ids) == 50
    assert all(e.source in ids and e.target in ids for e in net.edges)
    word = ind.network("MX", "h2020", q="politécnico", top=500)
    assert {"996430658", "999467437"} <= set(word.matches)  # accents folded


@pytest.mark.parametrize(("top", "q"), [(0, ""), (501, ""), (10, "x" * 101)])
def test_network_bounds(top: int, q: str) -> None:
    from smartspec.core.errors import ValidationError

    with pytest.raises(ValidationError):
        ind.network("MX", "h2020", q=q, top=top)


def test_large_consortium_refused() -> None:
    from smartspec.core.errors import ValidationError

    with pytest.raises(ValidationError, match="too large"):
        ind.network("ES", "h2020")
    view = ind.indicators("ES", "h2020")
    assert view.hubs == [] and "network_too_large" in {c.code for c in view.caveats}
