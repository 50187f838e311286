"""Cooperation indicators and the consortium network of a country's projects.

Definitions, over the participations :math:`R_c` of the focus country :math:`c` and the
consortium :math:`K_c` (every row of the projects :math:`P_c` with a row of :math:`c`):

* coordinator share :math:`= |\\{p \\in P_c: \\text{coordinator of } p \\in c\\}| / |P_c|`;
* funded participations: rows of :math:`R_c` with EU contribution :math:`> 0`; unfunded: the
  others (CORDIS ``partner`` rows and rows with no or zero contribution);
* repeat collaborations: pairs :math:`(o, q)` of a focus organisation :math:`o` and a partner
  organisation :math:`q` of another country that share :math:`n_{oq} \\geq 2` projects;
  repeat share :math:`= |\\{(o,q): n_{oq} \\geq 2\\}| / |\\{(o,q): n_{oq} \\geq 1\\}|`;
* new entrants in year :math:`t`: focus organisations whose first project starts in :math:`t`;
* hubs: organisations ranked by strength (weighted degree) and betweenness in the consortium
  network (:func:`smartspec.domains.actors.networks.collaboration_graph`: nodes organisations,
  edge weight = shared projects; Freeman 1977 betweenness, Barrat et al. 2004 strength).

FP7 has no roles, contributions or dates in the source: those indicators are ``None`` / empty.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import networkx as nx
import pandas as pd

from smartspec.core.errors import ValidationError

from .cordis import Programme
from .monitor import _consortium, _scope, caveats, country_name
from .states import fold
from .views import (
    CooperationCaveat,
    CooperationIndicators,
    CooperationNetwork,
    EntrantRow,
    HubRow,
    NetworkEdge,
    NetworkNode,
    RepeatPair,
)

__all__ = [
    "MAX_NETWORK_PROJECTS",
    "MAX_NODES",
    "check_network_size",
    "hub_graph",
    "hub_table",
    "indicators",
    "initials",
    "measure",
    "network",
    "network_size",
    "pair_counts",
]

#: The most nodes the network view returns, and the most hubs / pairs listed.
MAX_NODES = 500
MAX_LIST = 100
#: The largest consortium (projects of the focus country) whose network is computed on request:
#: betweenness grows with nodes x ties, and a large country's consortium has tens of thousands
#: of organisations (Spain in H2020: 7,711 projects).
MAX_NETWORK_PROJECTS = 400


def network_size(country: str, programme: Programme) -> int:
    """The number of projects of the focus country (the size of its consortium network)."""
    frame = _consortium(country, programme)
    return int(frame.loc[frame["focus"], "project"].nunique())


def check_network_size(country: str, programme: Programme) -> None:
    """A clear error when the country's consortium network is too large to compute on request."""
    size = network_size(country, programme)
    if size > MAX_NETWORK_PROJECTS:
        raise ValidationError(
            "the consortium network of this country is too large to compute on request",
            expected=f"a country with at most {MAX_NETWORK_PROJECTS} projects in {programme}",
            found=f"{country}: {size} projects",
            fix="use the summary, timeline, partners and indicators views, or the actors "
            "domain's network functions offline",
        )


#: Words left out of a name's initials.
_SMALL_WORDS = frozenset(
    {"de", "del", "la", "las", "los", "y", "e", "en", "el", "of", "the", "and"}
)


def initials(name: str) -> str:
    """The initials of a folded name without its small words, to find ``unam`` or ``itesm``.

    >>> initials("universidad nacional autonoma de mexico")
    'unam'
    """
    return "".join(w[0] for w in name.split() if w not in _SMALL_WORDS)


def _bounded(value: int, name: str, high: int) -> int:
    if not 1 <= int(value) <= high:
        raise ValidationError(
            f"{name} out of range",
            expected=f"{name} between 1 and {high}",
            found=str(value),
            fix=f"ask for at most {high}",
        )
    return int(value)


def pair_counts(consortium: pd.DataFrame) -> pd.DataFrame:
    """Projects shared by each (focus organisation, partner organisation of another country).

    ``consortium`` needs ``project``, ``org``, ``focus`` (bool); returns columns ``org``,
    ``partner``, ``projects``, sorted by projects (descending), org, partner.

    >>> k = pd.DataFrame({"project": ["1", "1", "2", "2", "3"], "org": ["a", "x", "a", "x", "a"],
    ...                   "focus": [True, False, True, False, True]})
    >>> pair_counts(k).values.tolist()
    [['a', 'x', 2]]
    """
    rows = consortium[["project", "org", "focus"]].drop_duplicates(["project", "org"])
    mine = rows[rows["focus"]][["project", "org"]]
    theirs = rows[~rows["focus"]][["project", "org"]].rename(columns={"org": "partner"})
    pairs = mine.merge(theirs, on="project")
    counts = pairs.groupby(["org", "partner"]).size().rename("projects").reset_index()
    return counts.sort_values(
        ["projects", "org", "partner"], ascending=[False, True, True]
    ).reset_index(drop=True)


def hub_graph(frame: pd.DataFrame) -> tuple[nx.Graph, pd.DataFrame]:
    """The consortium network of ``frame`` (organisations tied by shared projects) and its
    centrality table (:func:`smartspec.domains.actors.networks.centrality`), with the Leiden
    ``community`` (seed 0) and ``focus`` (the node has a row with ``focus`` true) columns."""
    from smartspec.domains.actors import networks

    graph = networks.collaboration_graph(frame, node="org", edge_projects=False)
    table = networks.centrality(graph)
    table["community"] = networks.communities(graph, seed=0).reindex(table.index).fillna(-1)
    focus = set(frame.loc[frame["focus"], "org"])
    table["focus"] = [node in focus for node in table.index]
    return graph, table


def hub_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The centrality table of :func:`hub_graph`: strength first (the hubs)."""
    return hub_graph(frame)[1]


@lru_cache(maxsize=16)
def _graph_tables(country: str, programme: Programme) -> tuple[nx.Graph, pd.DataFrame]:
    """:func:`hub_graph` of the country's consortium (cached)."""
    return hub_graph(_consortium(country, programme))


def _hub(node: str, r: pd.Series) -> HubRow:
    return HubRow(
        org=str(node),
        name=str(r.get("name", "") or ""),
        country=str(r.get("country", "") or ""),
        helix=str(r.get("helix", "") or ""),
        focus=bool(r["focus"]),
        projects=int(r["projects"]),
        degree=int(r["degree"]),
        strength=float(r["strength"]),
        betweenness=float(r["betweenness"]),
    )


def measure(
    frame: pd.DataFrame, *, programme: Programme = "h2020", top: int = 10, hubs: bool = True
) -> dict[str, Any]:
    """The indicators of one consortium table (pure: any table in the shared layout).

    Parameters
    ----------
    frame : pandas.DataFrame
        Participations (columns of :data:`.cordis.COLUMNS`) of the focus country's projects,
        with a boolean ``focus`` column marking the focus country's rows.
    programme : {"h2020", "fp7"}
        FP7 has no roles, contributions or years: those indicators are ``None`` / empty.
    top : int
        Hubs and repeat pairs listed.
    hubs : bool
        Compute the network hubs (:func:`hub_table`).

    Returns
    -------
    dict
        The fields of :class:`~.views.CooperationIndicators` other than the scope and caveats.
    """
    focus = frame[frame["focus"]]
    h2020 = programme == "h2020"
    n_projects = int(focus["project"].nunique())
    coordinated = int(focus.loc[focus["role"] == "coordinator", "project"].nunique())
    funded = int((focus["contribution"] > 0).sum())
    pairs = pair_counts(frame)
    repeat = pairs[pairs["projects"] >= 2]
    names = frame.drop_duplicates("org").set_index("org")
    top_pairs = [
        RepeatPair(
            org=str(r.org),
            name=str(names.at[r.org, "name"]),
            partner=str(r.partner),
            partner_name=str(names.at[r.partner, "name"]),
            partner_country=str(names.at[r.partner, "country"]),
            projects=int(r.projects),
        )
        for r in repeat.head(top).itertuples(index=False)
    ]
    entrants: list[EntrantRow] = []
    if h2020:
        dated = focus.dropna(subset=["start_year"])
        first = dated.groupby("org")["start_year"].min()
        active = dated.groupby("start_year")["org"].nunique()
        new = first.value_counts()
        entrants = [
            EntrantRow(
                year=int(y), new_organisations=int(new.get(y, 0)), active_organisations=int(n)
            )
            for y, n in active.sort_index().items()
        ]
    hub_rows: list[HubRow] = []
    focus_hubs: list[HubRow] = []
    if hubs:
        table = hub_table(frame)
        hub_rows = [_hub(n, r) for n, r in table.head(top).iterrows()]
        by_between = table[table["focus"]].sort_values(
            ["betweenness", "strength"], ascending=[False, False], kind="stable"
        )
        focus_hubs = [_hub(n, r) for n, r in by_between.head(top).iterrows()]
    return {
        "projects": n_projects,
        "coordinated_projects": coordinated if h2020 else None,
        "coordinator_share": coordinated / n_projects if h2020 and n_projects else None,
        "funded_participations": funded if h2020 else None,
        "unfunded_participations": len(focus) - funded if h2020 else None,
        "funded_share": funded / len(focus) if h2020 and len(focus) else None,
        "eu_contribution": float(focus["contribution"].clip(lower=0).sum()) if h2020 else None,
        "partner_pairs": len(pairs),
        "repeat_pairs": len(repeat),
        "repeat_share": len(repeat) / len(pairs) if len(pairs) else None,
        "top_repeat_pairs": top_pairs,
        "new_entrants": entrants,
        "hubs": hub_rows,
        "focus_hubs": focus_hubs,
    }


def indicators(
    country: str = "MX", programme: str = "h2020", *, top: int = 10
) -> CooperationIndicators:
    """Coordinator share, funded vs unfunded participations, repeat collaborations, new entrants
    per year and hubs of ``country`` in ``programme`` (definitions in the module docstring)."""
    code, prog = _scope(country, programme)
    top = _bounded(top, "top", MAX_LIST)
    frame = _consortium(code, prog)
    n_projects = network_size(code, prog)
    small = n_projects <= MAX_NETWORK_PROJECTS
    values = measure(frame, programme=prog, top=top, hubs=False)
    if small:
        table = _graph_tables(code, prog)[1]
        values["hubs"] = [_hub(n, r) for n, r in table.head(top).iterrows()]
        by_between = table[table["focus"]].sort_values(
            ["betweenness", "strength"], ascending=[False, False], kind="stable"
        )
        values["focus_hubs"] = [_hub(n, r) for n, r in by_between.head(top).iterrows()]
    extra = [
        CooperationCaveat(
            code="network_scope",
            text="Hubs and repeat collaborations are measured in the consortia of the "
            "country's projects only, not in the whole programme.",
        )
    ]
    if not small:
        extra.append(
            CooperationCaveat(
                code="network_too_large",
                text=f"No hubs: the consortium network of {n_projects} projects is larger than "
                f"the {MAX_NETWORK_PROJECTS} projects computed on request.",
                values={"total": n_projects, "limit": MAX_NETWORK_PROJECTS},
            )
        )
    return CooperationIndicators(
        country=code,
        country_name=country_name(code),
        programme=prog,
        caveats=caveats(code, prog, *extra),
        **values,
    )


#: Partners kept per focus organisation in the default network view.
PARTNERS_PER_FOCUS = 2


def _default_nodes(graph: nx.Graph, table: pd.DataFrame, top: int) -> list[str]:
    """The nodes of the default view: the focus organisations (by strength), each with its
    :data:`PARTNERS_PER_FOCUS` strongest partners, then the others by strength, ``top`` in all."""
    order = {str(n): i for i, n in enumerate(table.index)}
    focus = [str(n) for n in table.index[table["focus"]]]
    keep: list[str] = list(focus)
    seen = set(keep)
    for node in focus:
        partners = sorted(
            (n for n in graph.neighbors(node) if n not in seen),
            key=lambda n: (-graph[node][n].get("weight", 1), order[str(n)]),
        )
        for n in partners[:PARTNERS_PER_FOCUS]:
            keep.append(str(n))
            seen.add(str(n))
    keep += [str(n) for n in table.index if str(n) not in seen]
    return keep[:top]


def network(
    country: str = "MX", programme: str = "h2020", *, q: str = "", top: int = 150
) -> CooperationNetwork:
    """The consortium network of ``country``'s projects: organisations tied by shared projects.

    Without ``q``: the focus country's organisations, each with its strongest partners, then the
    others by strength, ``top`` in all. With ``q`` (a word of a name, its initials, or an id):
    the matching nodes and their direct partners, at most ``top``. Edges are those among the
    returned nodes.
    """
    code, prog = _scope(country, programme)
    top = _bounded(top, "top", MAX_NODES)
    query = str(q or "").strip()
    if len(query) > 100:
        raise ValidationError(
            "search text too long", expected="at most 100 characters", found=f"{len(query)}"
        )
    check_network_size(code, prog)
    graph, table = _graph_tables(code, prog)
    matches: list[str] = []
    if query:
        needle = fold(query)
        for node, r in table.iterrows():
            name = fold(str(r.get("name", "") or ""))
            if needle and (needle in name or needle in (fold(node), initials(name))):
                matches.append(str(node))
        keep: list[str] = list(matches)
        seen = set(keep)
        neighbours = sorted(
            {n for m in matches for n in graph.neighbors(m)} - seen,
            key=lambda n: -float(table.at[n, "strength"]),
        )
        keep += neighbours
        keep = keep[:top]
    else:
        keep = _default_nodes(graph, table, top)
    chosen = set(keep)
    nodes = [
        NetworkNode(
            id=str(n),
            name=str(table.at[n, "name"] or "") if "name" in table else "",
            country=str(table.at[n, "country"] or "") if "country" in table else "",
            helix=str(table.at[n, "helix"] or "") if "helix" in table else "",
            focus=bool(table.at[n, "focus"]),
            projects=int(table.at[n, "projects"]),
            degree=int(table.at[n, "degree"]),
            strength=float(table.at[n, "strength"]),
            betweenness=float(table.at[n, "betweenness"]),
            community=int(table.at[n, "community"]),
        )
        for n in keep
    ]
    edges = [
        NetworkEdge(source=str(a), target=str(b), weight=int(d.get("weight", 1)))
        for a, b, d in graph.edges(data=True)
        if a in chosen and b in chosen
    ]
    edges.sort(key=lambda e: (-e.weight, e.source, e.target))
    return CooperationNetwork(
        country=code,
        country_name=country_name(code),
        programme=prog,
        query=query,
        total_nodes=graph.number_of_nodes(),
        total_edges=graph.number_of_edges(),
        matches=matches,
        nodes=nodes,
        edges=edges,
        caveats=caveats(code, prog),
    )
