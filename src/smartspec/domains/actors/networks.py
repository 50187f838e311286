"""Collaboration networks built from project participations (pure: pandas, networkx, igraph).

The input is a participation table, one row per participant in a project, CORDIS-style (the
layout of :mod:`smartspec.domains.cooperation.cordis`): at least a ``project`` column and the
column that names the nodes (``org``, ``country``, ``nuts``...). Two nodes are tied when they
take part in the same project; the weight of the tie is the number of distinct projects they
share (the co-participation, or "co-authorship", network: Newman 2001, "The structure of
scientific collaboration networks", *PNAS* 98(2); for EU framework programmes, Breschi &
Cusmano 2004, "Unveiling the texture of a European Research Area", *IJTM* 27(8)).

On that graph:

* :func:`centrality`: degree, strength, betweenness and eigenvector centrality;
* :func:`communities`: Leiden communities (Traag, Waltman & van Eck 2019, "From Louvain to
  Leiden: guaranteeing well-connected communities", *Scientific Reports* 9:5233), seeded;
* :func:`bridges`, :func:`crossing_edges`, :func:`mixing`: ties between groups (helices,
  countries): the nodes that bridge them and the edges that cross;
* :func:`neighbours`: who is within a few steps of a node, via whom.

Nothing here touches the application or the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError
from smartspec.domains.actors.helix import UNKNOWN, helix_of
from smartspec.domains.errors import UnknownRecordError

__all__ = [
    "MAX_STEPS",
    "bridges",
    "centrality",
    "collaboration_graph",
    "communities",
    "crossing_edges",
    "mixing",
    "neighbours",
]

#: The attributes copied onto the nodes when the table has them (first non-empty value).
NODE_ATTRIBUTES: tuple[str, ...] = ("name", "country", "type", "helix")

#: The largest number of steps :func:`neighbours` walks out.
MAX_STEPS = 4

_MISSING = {"", UNKNOWN}


def _text(value: Any) -> str:
    """A cell as text: ``""`` for None, NaN and <NA>."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value).strip()


def collaboration_graph(
    participations: pd.DataFrame, *, node: str = "org", edge_projects: bool = True
) -> nx.Graph:
    """The co-participation network: nodes tied by the projects they share.

    Parameters
    ----------
    participations : pandas.DataFrame
        One row per participant in a project; needs the columns ``project`` and ``node``.
        Rows whose ``project`` or ``node`` is empty are dropped.
    node : str, default "org"
        The column whose distinct values are the nodes: ``"org"`` (organisations),
        ``"country"``, ``"nuts"``...
    edge_projects : bool, default True
        Keep the sorted ids of the shared projects on each edge (``projects``); turn off for
        very large tables to save memory.

    Returns
    -------
    networkx.Graph
        Nodes with the attribute ``projects`` (number of distinct projects), and ``name``,
        ``country``, ``type`` and ``helix`` when the table has those columns (first non-empty
        value; ``helix`` is derived from ``type`` with :func:`~smartspec.domains.actors.helix.
        helix_of` when the table has ``type`` but no ``helix``). Edges ``(a, b)`` carry
        ``weight`` = number of distinct projects in which both ``a`` and ``b`` take part
        (:math:`w_{ab} = |P_a \\cap P_b|`), and ``projects`` (their ids) unless turned off.
        A project with one node (a single participant, or one country) adds no edge.

    Raises
    ------
    ValidationError
        When a needed column is missing.

    Examples
    --------
    >>> table = pd.DataFrame({"project": ["p1", "p1", "p2", "p2", "p2"],
    ...                       "org": ["a", "b", "a", "b", "c"]})
    >>> g = collaboration_graph(table)
    >>> g["a"]["b"]["weight"], g["a"]["c"]["weight"], g.nodes["a"]["projects"]
    (2, 1, 2)
    """
    missing = [c for c in ("project", node) if c not in participations.columns]
    if missing:
        raise ValidationError(
            "the participation table lacks a column the network needs",
            expected=f"the columns 'project' and '{node}'",
            found="columns " + ", ".join(map(repr, map(str, participations.columns))),
            fix="give one row per participant in a project, CORDIS-style",
        )
    attrs = [c for c in NODE_ATTRIBUTES if c in participations.columns and c != node]
    derive_helix = "helix" not in participations.columns and "type" in participations.columns
    table = participations[["project", node, *attrs]].copy()
    for column in table.columns:
        table[column] = table[column].map(_text)
    table = table[(table["project"] != "") & (table[node] != "")]
    graph = nx.Graph()
    members = table.groupby("project", sort=True)[node].agg(lambda s: sorted(set(s)))
    counts: Counter[str] = Counter()
    pair_weight: Counter[tuple[str, str]] = Counter()
    pair_projects: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for project, nodes in members.items():
        counts.update(nodes)
        for a, b in combinations(nodes, 2):
            pair_weight[(a, b)] += 1
            if edge_projects:
                pair_projects[(a, b)].append(str(project))
    for name in sorted(counts):
        graph.add_node(name, projects=int(counts[name]))
    for column in attrs:
        present = table[table[column] != ""].drop_duplicates(node)
        nx.set_node_attributes(
            graph, dict(zip(present[node], present[column], strict=True)), column
        )
    if derive_helix:
        for _, data in graph.nodes(data=True):
            data["helix"] = helix_of(data.get("type", ""))
    for (a, b), weight in sorted(pair_weight.items()):
        if edge_projects:
            graph.add_edge(a, b, weight=int(weight), projects=tuple(pair_projects[(a, b)]))
        else:
            graph.add_edge(a, b, weight=int(weight))
    graph.graph["node"] = node
    return graph


def _node_frame(graph: nx.Graph, index: Iterable[Any]) -> pd.DataFrame:
    """The nodes' descriptive attributes (projects, name, country, type, helix) as columns."""
    index = list(index)
    frame = pd.DataFrame(index=pd.Index(index, name="node"))
    frame["projects"] = [int(graph.nodes[n].get("projects", 0)) for n in index]
    for column in NODE_ATTRIBUTES:
        if any(column in graph.nodes[n] for n in index):
            frame[column] = [str(graph.nodes[n].get(column, "")) for n in index]
    return frame


def _betweenness(graph: nx.Graph, nodes: list[Any]) -> np.ndarray:
    """Normalised betweenness (hop-count shortest paths), computed by igraph's C code.

    Equal to ``networkx.betweenness_centrality(graph, normalized=True)``:
    :math:`b(v) = \\frac{2}{(n-1)(n-2)} \\sum_{s<t,\\, s,t \\ne v} \\sigma_{st}(v)/\\sigma_{st}`
    (Freeman 1977; Brandes 2001), 0 when the graph has fewer than three nodes.
    """
    import igraph as ig

    n = len(nodes)
    if n < 3 or graph.number_of_edges() == 0:
        return np.zeros(n)
    position = {v: i for i, v in enumerate(nodes)}
    g = ig.Graph(n=n, edges=[(position[a], position[b]) for a, b in graph.edges()])
    raw = np.asarray(g.betweenness(directed=False), dtype=float)
    return raw * 2.0 / ((n - 1) * (n - 2))


def _leading(graph: nx.Graph, nodes: list[Any]) -> tuple[float, np.ndarray]:
    """The largest eigenvalue of a connected graph's weighted adjacency and its eigenvector
    (non-negative, unit norm), in the order of ``nodes``."""
    matrix = nx.to_scipy_sparse_array(graph, nodelist=nodes, weight="weight", dtype=float)
    if len(nodes) <= 400:
        values, vectors = np.linalg.eigh(matrix.toarray())
        value, vector = float(values[-1]), vectors[:, -1]
    else:
        from scipy.sparse.linalg import eigsh

        values, vectors = eigsh(matrix, k=1, which="LA")
        value, vector = float(values[0]), vectors[:, 0]
    vector = np.abs(vector)
    return value, vector / max(float(np.linalg.norm(vector)), 1e-300)


def _eigenvector(graph: nx.Graph, nodes: list[Any]) -> np.ndarray:
    """Weighted eigenvector centrality (unit Euclidean norm, non-negative).

    On a disconnected graph the leading eigenvector lies in the component with the largest
    eigenvalue (ties: the larger component, then its first node); the other nodes get 0.
    """
    out = np.zeros(len(nodes))
    if graph.number_of_edges() == 0:
        return out
    best: tuple[float, int, list[Any], np.ndarray] | None = None
    for component in nx.connected_components(graph):
        if len(component) < 2:
            continue
        members = sorted(component, key=str)
        value, vector = _leading(graph.subgraph(members), members)
        if best is None or (value, len(members)) > (best[0] + 1e-9, len(best[2])):
            best = (value, len(members), members, vector)
    assert best is not None
    position = {v: i for i, v in enumerate(nodes)}
    for member, x in zip(best[2], best[3], strict=True):
        out[position[member]] = float(x)
    return out


def centrality(graph: nx.Graph) -> pd.DataFrame:
    """Degree, strength, betweenness and eigenvector centrality of every node.

    Parameters
    ----------
    graph : networkx.Graph
        A graph from :func:`collaboration_graph` (edges with ``weight``).

    Returns
    -------
    pandas.DataFrame
        Index ``node``; columns

        * ``degree``: number of partners, :math:`k_v = |N(v)|`;
        * ``strength``: weighted degree, :math:`s_v = \\sum_{u \\in N(v)} w_{uv}` (shared
          project ties; Barrat et al. 2004, *PNAS* 101(11));
        * ``betweenness``: normalised betweenness on hop-count shortest paths,
          :math:`b_v = \\frac{2}{(n-1)(n-2)} \\sum_{s<t} \\sigma_{st}(v)/\\sigma_{st}`
          (Freeman 1977, *Sociometry* 40(1));
        * ``eigenvector``: the leading eigenvector of the weighted adjacency matrix,
          :math:`\\lambda x = W x`, unit norm (Bonacich 1972). On a disconnected graph it is
          concentrated on the component with the largest eigenvalue; the others get 0;
        * ``projects``, and ``name``, ``country``, ``type``, ``helix`` when the nodes have them.

        Sorted by strength, then degree (largest first), then node.

    Examples
    --------
    >>> star = nx.Graph([("c", "a", {"weight": 1}), ("c", "b", {"weight": 1})])
    >>> centrality(star).loc["c", ["degree", "strength", "betweenness"]].tolist()
    [2.0, 2.0, 1.0]
    """
    nodes = sorted(graph.nodes, key=str)
    frame = _node_frame(graph, nodes)
    frame.insert(0, "degree", [int(graph.degree(v)) for v in nodes])
    frame.insert(1, "strength", [float(graph.degree(v, weight="weight")) for v in nodes])
    frame.insert(2, "betweenness", _betweenness(graph, nodes))
    frame.insert(3, "eigenvector", _eigenvector(graph, nodes))
    frame = frame.reset_index()
    frame = frame.sort_values(
        ["strength", "degree", "node"], ascending=[False, False, True], kind="stable"
    )
    return frame.set_index("node")


def communities(graph: nx.Graph, *, seed: int = 0, resolution: float = 1.0) -> pd.Series:
    """Leiden communities, seeded: one community id per node, 0 the largest.

    Parameters
    ----------
    graph : networkx.Graph
        A graph from :func:`collaboration_graph` (edge ``weight`` used).
    seed : int, default 0
        The random seed of the Leiden algorithm: the same graph and seed give the same answer.
    resolution : float, default 1.0
        The resolution :math:`\\gamma` of the Reichardt-Bornholdt configuration model
        (``leidenalg.RBConfigurationVertexPartition``), which maximises
        :math:`Q = \\frac{1}{2m}\\sum_{ij} (w_{ij} - \\gamma \\frac{s_i s_j}{2m})
        \\delta(c_i, c_j)`; :math:`\\gamma = 1` is Newman-Girvan modularity. Larger values give
        more, smaller communities.

    Returns
    -------
    pandas.Series
        Index ``node``, values the community id (int): 0 for the largest community, then by
        size (ties by their first node). A node without ties is a community of its own.

    Raises
    ------
    ValidationError
        When ``resolution`` is not positive.
    """
    import igraph as ig
    import leidenalg

    if not resolution > 0:
        raise ValidationError(
            "the resolution of the communities must be positive",
            expected="a number > 0 (1 is modularity)",
            found=repr(resolution),
        )
    nodes = sorted(graph.nodes, key=str)
    if not nodes:
        return pd.Series([], index=pd.Index([], name="node"), dtype=int, name="community")
    position = {v: i for i, v in enumerate(nodes)}
    edges = sorted(
        (min(position[a], position[b]), max(position[a], position[b])) for a, b in graph.edges()
    )
    g = ig.Graph(n=len(nodes), edges=edges)
    g.es["weight"] = [float(graph[nodes[i]][nodes[j]].get("weight", 1.0)) for i, j in edges]
    partition = leidenalg.find_partition(
        g,
        leidenalg.RBConfigurationVertexPartition,
        weights="weight" if edges else None,
        resolution_parameter=float(resolution),
        seed=int(seed),
    )
    groups = [sorted(members) for members in partition]
    groups.sort(key=lambda members: (-len(members), members[0]))
    label = {nodes[i]: k for k, members in enumerate(groups) for i in members}
    return pd.Series(
        [label[v] for v in nodes], index=pd.Index(nodes, name="node"), name="community"
    )


def _group(graph: nx.Graph, v: Any, attribute: str) -> str:
    return _text(graph.nodes[v].get(attribute, ""))


def crossing_edges(graph: nx.Graph, attribute: str) -> pd.DataFrame:
    """The edges that join nodes of different groups (by ``attribute``: ``helix``, ``country``).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target``, ``source_group``, ``target_group``, ``weight``; one
        row per edge whose two ends have known, different values (an empty value or
        ``"unknown"`` is not a group). Sorted by weight (largest first), then the ends.
    """
    rows = []
    for a, b, data in graph.edges(data=True):
        ga, gb = _group(graph, a, attribute), _group(graph, b, attribute)
        if ga in _MISSING or gb in _MISSING or ga == gb:
            continue
        if str(a) > str(b):
            a, b, ga, gb = b, a, gb, ga
        rows.append((a, b, ga, gb, int(data.get("weight", 1))))
    frame = pd.DataFrame(
        rows, columns=["source", "target", "source_group", "target_group", "weight"]
    )
    frame = frame.sort_values(["weight", "source", "target"], ascending=[False, True, True])
    return frame.reset_index(drop=True)


def bridges(graph: nx.Graph, attribute: str) -> pd.DataFrame:
    """The nodes that tie groups together: their ties to nodes of another group.

    A node's group is its value of ``attribute`` (``"helix"``: research, business...;
    ``"country"``). For each node :math:`v` of group :math:`g(v)`:

    * ``ties``: its degree :math:`k_v` (ties to nodes of known group);
    * ``cross_ties``: :math:`c_v = |\\{u \\in N(v): g(u) \\ne g(v)\\}|`;
    * ``cross_share``: :math:`c_v / k_v` (0 when it has no ties), a node-level
      external-internal measure (Krackhardt & Stern 1988, *Social Psychology Quarterly* 51(2));
    * ``cross_weight``: the shared projects on those ties, :math:`\\sum w_{uv}`;
    * ``groups``: how many other groups it reaches, and ``reaches`` their names (``;``-joined).

    Nodes without a known group (empty or ``"unknown"``), and ties to them, are left out.
    The edges themselves are :func:`crossing_edges`.

    Returns
    -------
    pandas.DataFrame
        Index ``node``; columns ``group``, ``ties``, ``cross_ties``, ``cross_share``,
        ``cross_weight``, ``groups``, ``reaches``, plus ``projects``/``name``/``country``/
        ``helix`` when present. Sorted by cross ties, then cross weight (largest first), then node.
    """
    nodes = [v for v in sorted(graph.nodes, key=str) if _group(graph, v, attribute) not in _MISSING]
    rows = []
    for v in nodes:
        own = _group(graph, v, attribute)
        ties = cross = weight = 0
        reached: set[str] = set()
        for u, data in graph[v].items():
            other = _group(graph, u, attribute)
            if other in _MISSING:
                continue
            ties += 1
            if other != own:
                cross += 1
                weight += int(data.get("weight", 1))
                reached.add(other)
        rows.append(
            (
                own,
                ties,
                cross,
                cross / ties if ties else 0.0,
                weight,
                len(reached),
                ";".join(sorted(reached)),
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=["group", "ties", "cross_ties", "cross_share", "cross_weight", "groups", "reaches"],
        index=pd.Index(nodes, name="node"),
    )
    extra = _node_frame(graph, nodes).drop(columns=[attribute], errors="ignore")
    frame = frame.join(extra).reset_index()
    frame = frame.sort_values(
        ["cross_ties", "cross_weight", "node"], ascending=[False, False, True], kind="stable"
    )
    return frame.set_index("node")


def mixing(graph: nx.Graph, attribute: str) -> pd.DataFrame:
    """Shared-project ties between groups: a symmetric group × group table of summed weights.

    Entry :math:`(g, h)` is :math:`\\sum w_{uv}` over edges with one end in :math:`g` and the
    other in :math:`h` (the diagonal: ties inside a group). Groups sorted by name; nodes of
    unknown group left out.
    """
    groups = sorted({_group(graph, v, attribute) for v in graph.nodes} - _MISSING)
    table = pd.DataFrame(0, index=pd.Index(groups, name=attribute), columns=groups, dtype=int)
    for a, b, data in graph.edges(data=True):
        ga, gb = _group(graph, a, attribute), _group(graph, b, attribute)
        if ga in _MISSING or gb in _MISSING:
            continue
        w = int(data.get("weight", 1))
        table.loc[ga, gb] += w
        if ga != gb:
            table.loc[gb, ga] += w
    return table


def neighbours(graph: nx.Graph, node: Any, *, steps: int = 2) -> pd.DataFrame:
    """The nodes within ``steps`` ties of ``node``, how far, and via whom.

    Parameters
    ----------
    graph : networkx.Graph
        A graph from :func:`collaboration_graph`.
    node : hashable
        The starting node.
    steps : int, default 2
        How far to walk out, 1 to :data:`MAX_STEPS`.

    Returns
    -------
    pandas.DataFrame
        Index ``node`` (the start itself left out); columns

        * ``distance``: the number of ties on a shortest path from ``node``;
        * ``shared``: projects shared with ``node`` directly (the edge weight; 0 beyond one step);
        * ``shared_projects``: their ids, ``;``-joined (when the graph keeps them);
        * ``via``: the direct partners of ``node`` through which a shortest path runs,
          ``;``-joined ("" for direct partners);
        * ``paths``: the number of shortest paths :math:`\\sigma_{s t}`;
        * ``strength``: for a direct partner, the projects shared with it; beyond, the
          projects ``node`` shares with the ``via`` partners, :math:`\\sum_{k \\in via} w_{sk}`
          (how strongly the start is tied to those who can introduce it);
        * and ``projects``, ``name``, ``country``, ``type``, ``helix`` when present.

        Sorted by distance, then strength and paths (largest first), then node.

    Raises
    ------
    UnknownRecordError
        When ``node`` is not in the graph.
    ValidationError
        When ``steps`` is out of range.
    """
    if not isinstance(steps, int) or isinstance(steps, bool) or not 1 <= steps <= MAX_STEPS:
        raise ValidationError(
            "the number of steps is out of range",
            expected=f"a whole number from 1 to {MAX_STEPS}",
            found=repr(steps),
        )
    if node not in graph:
        raise UnknownRecordError(
            f"{node!r} is not in the collaboration network",
            expected="a node of the network (an organisation with stored participations)",
            fix="check the id; organisations without participations have no ties",
        )
    distance: dict[Any, int] = {node: 0}
    paths: dict[Any, int] = {node: 1}
    via: dict[Any, set[Any]] = {node: set()}
    frontier = [node]
    for step in range(1, steps + 1):
        reached: list[Any] = []
        for v in frontier:
            for u in graph[v]:
                if u in distance and distance[u] < step:
                    continue
                if u not in distance:
                    distance[u], paths[u], via[u] = step, 0, set()
                    reached.append(u)
                paths[u] += paths[v]
                via[u] |= {u} if step == 1 else via[v]
        frontier = sorted(reached, key=str)
    found = sorted((v for v in distance if v != node), key=str)
    rows = []
    for v in found:
        direct = graph[node][v] if distance[v] == 1 else {}
        partners = sorted(via[v], key=str) if distance[v] > 1 else []
        strength = (
            int(direct.get("weight", 1))
            if distance[v] == 1
            else sum(int(graph[node][k].get("weight", 1)) for k in partners)
        )
        rows.append(
            (
                distance[v],
                int(direct.get("weight", 0)) if direct else 0,
                ";".join(map(str, direct.get("projects", ()))) if direct else "",
                ";".join(map(str, partners)),
                paths[v],
                strength,
            )
        )
    frame = pd.DataFrame(
        rows,
        columns=["distance", "shared", "shared_projects", "via", "paths", "strength"],
        index=pd.Index(found, name="node"),
    )
    frame = frame.join(_node_frame(graph, found)).reset_index()
    frame = frame.sort_values(
        ["distance", "strength", "paths", "node"],
        ascending=[True, False, False, True],
        kind="stable",
    )
    return frame.set_index("node")
