"""Reference values of the collaboration networks on small hand-checked graphs."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.actors.helix import HELIX, helix_of
from smartspec.domains.actors.networks import (
    bridges,
    centrality,
    collaboration_graph,
    communities,
    crossing_edges,
    mixing,
    neighbours,
)
from smartspec.domains.errors import UnknownRecordError


def table(projects: dict[str, list[str]], **attrs: dict[str, str]) -> pd.DataFrame:
    """A participation table: one row per (project, org), with per-org attributes."""
    rows = []
    for project, orgs in projects.items():
        for org in orgs:
            row = {"project": project, "org": org}
            row.update({name: values.get(org, "") for name, values in attrs.items()})
            rows.append(row)
    return pd.DataFrame(rows)


# a - b - c - d, one project per tie
PATH = table({"p1": ["a", "b"], "p2": ["b", "c"], "p3": ["c", "d"]})
# c at the centre of a, b, d
STAR = table({"p1": ["c", "a"], "p2": ["c", "b"], "p3": ["c", "d"]})
# two triangles {a, b, c} (research, ES) and {d, e, f} (business, DE) joined by c - d;
# a and b share a second project.
TRIANGLES = table(
    {"p1": ["a", "b", "c"], "p2": ["d", "e", "f"], "p3": ["c", "d"], "p4": ["a", "b"]},
    type={"a": "HES", "b": "REC", "c": "HES", "d": "PRC", "e": "PRC", "f": "PRC"},
    country={"a": "ES", "b": "ES", "c": "ES", "d": "DE", "e": "DE", "f": "DE"},
    name={o: o.upper() for o in "abcdef"},
)


def test_helix_mapping() -> None:
    assert HELIX == {
        "HES": "research",
        "REC": "research",
        "PRC": "business",
        "PUB": "government",
        "OTH": "civil society",
    }
    assert (
        helix_of("") == "unknown"
        and helix_of("XYZ") == "unknown"
        and helix_of("pub") == "government"
    )


def test_graph_weights_and_attributes() -> None:
    g = collaboration_graph(TRIANGLES)
    assert sorted(g.nodes) == list("abcdef")
    assert g.number_of_edges() == 7
    assert g["a"]["b"]["weight"] == 2 and g["a"]["b"]["projects"] == ("p1", "p4")
    assert g["c"]["d"]["weight"] == 1
    assert g.nodes["a"] == {
        "projects": 2,
        "name": "A",
        "country": "ES",
        "type": "HES",
        "helix": "research",
    }
    assert g.nodes["d"]["helix"] == "business" and g.nodes["d"]["projects"] == 2


def test_graph_drops_empty_and_duplicate_rows_and_self_ties() -> None:
    rows = pd.DataFrame(
        {
            "project": ["p1", "p1", "p1", "p1", "", "p2"],
            "org": ["a", "a", "b", "", "c", "d"],
            "country": ["ES", "ES", "ES", "FR", "DE", "DE"],
        }
    )
    orgs = collaboration_graph(rows)
    assert sorted(orgs.nodes) == ["a", "b", "d"]  # "" org and "" project dropped
    assert orgs["a"]["b"]["weight"] == 1  # a listed twice in p1 counts once
    countries = collaboration_graph(rows, node="country")
    # p1: ES, ES, ES, FR -> ES-FR once; ES with itself gives no self-loop; p2 only DE
    assert sorted(countries.nodes) == ["DE", "ES", "FR"]
    assert list(countries.edges(data="weight")) == [("ES", "FR", 1)]
    assert nx.number_of_selfloops(countries) == 0


def test_graph_missing_column() -> None:
    with pytest.raises(ValidationError, match="'project' and 'org'"):
        collaboration_graph(pd.DataFrame({"org": ["a"]}))


def test_centrality_path() -> None:
    c = centrality(collaboration_graph(PATH))
    assert c["degree"].to_dict() == {"b": 2, "c": 2, "a": 1, "d": 1}
    # b lies on the shortest paths a-c and a-d: 2 of the (3 choose 2) = 3 pairs -> 2/3
    assert c.loc["b", "betweenness"] == pytest.approx(2 / 3)
    assert c.loc["c", "betweenness"] == pytest.approx(2 / 3)
    assert c.loc["a", "betweenness"] == 0
    # leading eigenvector of P4: sin(k pi / 5), k = 1..4, unit norm
    raw = [math.sin(k * math.pi / 5) for k in range(1, 5)]
    norm = math.sqrt(sum(x * x for x in raw))
    assert c.loc["a", "eigenvector"] == pytest.approx(raw[0] / norm, abs=1e-6)
    assert c.loc["b", "eigenvector"] == pytest.approx(raw[1] / norm, abs=1e-6)
    assert list(c.index[:2]) == ["b", "c"]  # sorted by strength, then node


def test_centrality_star() -> None:
    c = centrality(collaboration_graph(STAR))
    assert c.index[0] == "c"
    assert c.loc["c", "degree"] == 3 and c.loc["c", "strength"] == 3
    assert c.loc["c", "betweenness"] == pytest.approx(1.0)
    assert c.loc["a", "betweenness"] == 0
    # eigenvalue sqrt(3): centre sqrt(3)/sqrt(6), leaves 1/sqrt(6)
    assert c.loc["c", "eigenvector"] == pytest.approx(1 / math.sqrt(2), abs=1e-6)
    assert c.loc["a", "eigenvector"] == pytest.approx(1 / math.sqrt(6), abs=1e-6)
    assert c.loc["a", "projects"] == 1 and c.loc["c", "projects"] == 3


def test_centrality_triangles_and_against_networkx() -> None:
    g = collaboration_graph(TRIANGLES)
    c = centrality(g)
    # c lies on every shortest path from a, b to d, e, f: 6 pairs of 10 -> 0.6
    assert c.loc["c", "betweenness"] == pytest.approx(0.6)
    assert c.loc["d", "betweenness"] == pytest.approx(0.6)
    assert c.loc["e", "betweenness"] == 0
    assert c.loc["a", "strength"] == 3  # a-b twice, a-c once
    assert set(c.columns) >= {
        "degree",
        "strength",
        "betweenness",
        "eigenvector",
        "projects",
        "name",
        "country",
        "helix",
    }
    random = nx.gnm_random_graph(40, 120, seed=3)
    nx.set_edge_attributes(random, 1, "weight")
    ours = centrality(random)["betweenness"]
    theirs = nx.betweenness_centrality(random, normalized=True)
    assert all(ours[v] == pytest.approx(theirs[v]) for v in random.nodes)


def test_communities_two_triangles() -> None:
    g = collaboration_graph(TRIANGLES)
    found = communities(g, seed=0)
    assert found.to_dict() == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1}
    assert found.equals(communities(g, seed=0))
    # an isolated node is its own, smallest, community
    g.add_node("z", projects=1)
    assert communities(g)["z"] == 2
    with pytest.raises(ValidationError):
        communities(g, resolution=0)


def test_bridges_between_helices_and_countries() -> None:
    g = collaboration_graph(TRIANGLES)
    helix = bridges(g, "helix")
    assert list(helix.index[:2]) == ["c", "d"]
    assert helix.loc["c", "group"] == "research" and helix.loc["c", "reaches"] == "business"
    assert helix.loc["c", "ties"] == 3 and helix.loc["c", "cross_ties"] == 1
    assert helix.loc["c", "cross_share"] == pytest.approx(1 / 3)
    assert helix.loc["a", "cross_ties"] == 0
    edges = crossing_edges(g, "country")
    assert edges.to_dict("records") == [
        {"source": "c", "target": "d", "source_group": "ES", "target_group": "DE", "weight": 1}
    ]
    table_ = mixing(g, "helix")
    assert table_.loc["research", "research"] == 4  # a-b (2), a-c, b-c
    assert table_.loc["research", "business"] == table_.loc["business", "research"] == 1
    assert table_.loc["business", "business"] == 3


def test_bridges_leave_out_unknown_groups() -> None:
    rows = table({"p1": ["a", "b", "x"]}, type={"a": "HES", "b": "PRC"})
    b = bridges(collaboration_graph(rows), "helix")
    assert "x" not in b.index  # no type: unknown helix
    assert b.loc["a", "ties"] == 1 and b.loc["a", "cross_ties"] == 1


def test_neighbours_two_steps() -> None:
    g = collaboration_graph(TRIANGLES)
    near = neighbours(g, "a")
    assert list(near.index) == ["b", "c", "d"]
    assert near.loc["b", "distance"] == 1 and near.loc["b", "shared"] == 2
    assert near.loc["b", "shared_projects"] == "p1;p4"
    assert near.loc["d", "distance"] == 2 and near.loc["d", "via"] == "c"
    assert near.loc["d", "shared"] == 0 and near.loc["d", "paths"] == 1
    far = neighbours(g, "a", steps=3)
    assert far.loc["e", "distance"] == 3 and far.loc["e", "via"] == "c"
    # in a square a-b-d, a-c-d: two shortest paths to d, via b and c
    square = collaboration_graph(
        table({"p1": ["a", "b"], "p2": ["a", "c"], "p3": ["b", "d"], "p4": ["c", "d"]})
    )
    sq = neighbours(square, "a")
    assert (
        sq.loc["d", "paths"] == 2 and sq.loc["d", "via"] == "b;c" and sq.loc["d", "strength"] == 2
    )
    with pytest.raises(UnknownRecordError):
        neighbours(g, "nobody")
    with pytest.raises(ValidationError):
        neighbours(g, "a", steps=0)
