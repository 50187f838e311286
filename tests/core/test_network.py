"""The activity space as a drawable network (``smartspec.core.network``): the backbone is the
maximum spanning tree (hand-checked on small graphs, brute force over every spanning tree, and
scipy) plus the strongest other links; the layout is deterministic, finite and in [0, 1]², and
keeps linked nodes together."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree

from smartspec import ValidationError
from smartspec.core.network import backbone, layout

#: A complete graph of four activities. By hand (Kruskal, strongest first): 0-1 (0.9), 1-2
#: (0.8), 0-2 (0.75) would close the triangle 0-1-2, 2-3 (0.7) joins 3; then 1-3 (0.3) and
#: 0-3 (0.1) are left.
K4 = np.array(
    [
        [0.0, 0.9, 0.75, 0.1],
        [0.9, 0.0, 0.8, 0.3],
        [0.75, 0.8, 0.0, 0.7],
        [0.1, 0.3, 0.7, 0.0],
    ]
)


def spanning_trees(n: int, links: list[tuple[int, int]]):
    """Every spanning tree of the graph on ``n`` nodes with ``links`` (brute force)."""
    for tree in itertools.combinations(links, n - 1):
        adj = np.zeros((n, n))
        for i, j in tree:
            adj[i, j] = adj[j, i] = 1
        if connected_components(adj, directed=False)[0] == 1:
            yield tree


def tree_links(edges) -> set[tuple[int, int]]:
    return {(min(i, j), max(i, j)) for i, j, _, kind in edges if kind == "mst"}


# ------------------------------------------------------------------------------ backbone
def test_complete_graph_of_four_by_hand():
    edges = backbone(K4)
    assert tree_links(edges) == {(0, 1), (1, 2), (2, 3)}
    assert sorted(w for _, _, w, _ in edges) == [0.7, 0.8, 0.9]
    assert {kind for *_, kind in edges} == {"mst"}


def test_extra_links_strongest_first_not_in_the_tree():
    edges = backbone(K4, extra=2)
    assert [e for e in edges if e[3] == "extra"] == [(0, 2, 0.75, "extra"), (1, 3, 0.3, "extra")]
    assert len(backbone(K4, extra=10)) == 6  # every link of the graph, none twice


def test_four_nodes_is_the_best_of_all_sixteen_spanning_trees():
    links = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    trees = list(spanning_trees(4, links))
    assert len(trees) == 16  # Cayley: 4^(4-2)
    best = max(trees, key=lambda t: sum(K4[i, j] for i, j in t))
    assert tree_links(backbone(K4)) == set(best)


def test_asymmetric_missing_and_zero_proximity():
    phi = np.array(
        [
            [np.nan, 0.2, 0.0],
            [0.6, np.nan, np.nan],  # phi[1, 0] > phi[0, 1]: the link weighs 0.6
            [0.0, 0.5, np.nan],  # 0-2 has no link at all
        ]
    )
    assert backbone(phi, extra=5) == [(0, 1, 0.6, "mst"), (1, 2, 0.5, "mst")]


def test_disconnected_graph_gives_a_forest_and_no_link_gives_nothing():
    phi = np.zeros((5, 5))
    phi[0, 1] = phi[1, 0] = 0.4
    phi[2, 3] = phi[3, 2] = 0.9
    phi[3, 4] = phi[4, 3] = 0.1
    assert tree_links(backbone(phi)) == {(0, 1), (2, 3), (3, 4)}  # A - 2 components
    assert backbone(np.zeros((3, 3)), extra=3) == []
    assert backbone(np.full((2, 2), np.nan)) == []


def test_weights_above_one_are_still_a_maximum_spanning_tree():
    # relatedness measures other than proximity (observed / expected) exceed 1
    rng = np.random.default_rng(3)
    w = rng.uniform(0.5, 4.0, (5, 5))
    w = np.triu(w, 1) + np.triu(w, 1).T
    links = [(i, j) for i in range(5) for j in range(i + 1, 5)]
    best = max(spanning_trees(5, links), key=lambda t: sum(w[i, j] for i, j in t))
    assert tree_links(backbone(w)) == set(best)
    # a link of exactly 2 (a zero cost as 2 - w, which scipy reads as no link) is kept
    path = np.array([[0.0, 2.0, 0.0], [2.0, 0.0, 0.5], [0.0, 0.5, 0.0]])
    assert backbone(path) == [(0, 1, 2.0, "mst"), (1, 2, 0.5, "mst")]


def test_same_total_as_scipy_on_a_larger_graph():
    rng = np.random.default_rng(7)
    phi = rng.random((40, 40))
    phi = np.minimum(phi, phi.T)
    phi[phi < 0.5] = 0
    np.fill_diagonal(phi, 0)
    edges = backbone(phi)
    expected = -minimum_spanning_tree(-np.triu(phi)).sum()
    assert sum(w for *_, w, _ in edges) == pytest.approx(expected)
    n_components = connected_components(phi > 0, directed=False)[0]
    assert len(edges) == 40 - n_components


@pytest.mark.parametrize(
    ("phi", "extra"), [(np.zeros((3, 2)), 0), (np.zeros(4), 0), (np.zeros((3, 3)), -1)]
)
def test_backbone_refuses_what_it_cannot_use(phi, extra):
    with pytest.raises(ValidationError):
        backbone(phi, extra)


# ------------------------------------------------------------------------------ layout
def test_layout_is_deterministic_finite_and_in_the_unit_square():
    pairs = np.array([(i, j) for i, j, _, _ in backbone(K4, extra=1)])
    weights = np.array([w for *_, w, _ in backbone(K4, extra=1)])
    pos = layout(4, pairs, weights)
    assert pos.shape == (4, 2) and pos.dtype == np.float64
    assert np.isfinite(pos).all()
    assert (pos.min(axis=0) == 0).all() and (pos.max(axis=0) == 1).all()
    assert np.array_equal(layout(4, pairs, weights), pos)
    assert np.array_equal(layout(4, pairs, weights, seed=42), pos)


def test_layout_seed_changes_the_random_start():
    # three nodes: no spectral start, the seed draws the start
    pairs = np.array([(0, 1), (1, 2)])
    a = layout(3, pairs, np.ones(2), seed=1)
    b = layout(3, pairs, np.ones(2), seed=2)
    assert np.isfinite(a).all() and np.isfinite(b).all()
    assert not np.array_equal(a, b)


def test_layout_keeps_linked_nodes_together():
    # two cliques of six joined by one weak link: the cliques end up apart
    pairs = [(i, j) for g in (0, 6) for i in range(g, g + 6) for j in range(i + 1, g + 6)]
    weights = [1.0] * len(pairs)
    pairs.append((0, 6))
    weights.append(0.1)
    pos = layout(12, np.array(pairs), np.array(weights))
    dist = np.linalg.norm(pos[:, None, :] - pos[None, :, :], axis=-1)
    group = np.arange(12) // 6
    same = group[:, None] == group[None, :]
    np.fill_diagonal(same, False)
    other = group[:, None] != group[None, :]
    assert dist[same].mean() < 0.5 * dist[other].mean()


def test_layout_of_no_node_one_node_and_unlinked_nodes():
    empty = np.zeros((0, 2), dtype=np.int64)
    assert layout(0, empty, np.zeros(0)).shape == (0, 2)
    assert layout(1, empty, np.zeros(0)).tolist() == [[0.5, 0.5]]
    pos = layout(5, empty, np.zeros(0))  # no link: random start, repulsion only
    assert pos.shape == (5, 2) and np.isfinite(pos).all()
    assert len({tuple(p) for p in pos.round(6)}) == 5  # no two nodes on top of each other


@pytest.mark.parametrize(
    ("n", "edges", "weights"),
    [
        (-1, np.zeros((0, 2), dtype=int), np.zeros(0)),
        (3, np.array([0, 1]), np.ones(1)),  # not (E, 2)
        (3, np.array([(0, 1.5)]), np.ones(1)),  # not indices
        (3, np.array([(0, 1)]), np.ones(2)),  # one weight too many
        (3, np.array([(0, 3)]), np.ones(1)),  # no node 3
    ],
)
def test_layout_refuses_what_it_cannot_use(n, edges, weights):
    with pytest.raises(ValidationError):
        layout(n, edges, weights)
