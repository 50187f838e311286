"""Partner search and collaboration-network views over the stored organisations.

Two measures, each stated on every result:

* **topic** similarity: the cosine of TF-IDF vectors of the organisations' descriptions and
  topics (Salton & Buckley 1988, "Term-weighting approaches in automatic text retrieval",
  *Information Processing & Management* 24(5)): :math:`w_{t,d} = (1 + \\ln tf_{t,d})
  \\cdot (\\ln\\frac{1+n}{1+df_t} + 1)`, rows scaled to unit length, score
  :math:`\\cos(\\mathbf{a}, \\mathbf{b}) = \\mathbf{a}\\cdot\\mathbf{b}`. Words are
  accent-folded and lower-cased; English and Spanish function words are left out. The terms
  that contribute most to the score are named (``shared_terms``). For a region, its
  organisations' vectors are averaged.
* **network** proximity: who worked with whom in the stored projects
  (:func:`smartspec.domains.actors.networks.neighbours`): organisations one step away have
  worked with the target (the shared projects are named), those two steps away worked with one
  of its partners (the go-betweens are named), ranked by the projects the target shares with
  those go-betweens.

Filters (country, helix, topic) apply to the proposed partners, never to the target.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from smartspec.domains.accounts.rules import Account
from smartspec.domains.cooperation.indicators import initials
from smartspec.domains.errors import RequestError, UnknownRecordError
from smartspec.domains.registry.checks import fold

from . import networks
from .helix import HELICES, UNKNOWN
from .service import Actors
from .views import (
    BridgeView,
    CommunityView,
    EdgeView,
    NetworkView,
    NodeView,
    OrganisationView,
    PartnersView,
    PartnerView,
)

__all__ = ["MAX_NODES", "MAX_TOP", "find_partners", "network_view"]

#: Most partners proposed per measure.
MAX_TOP = 100
#: Most nodes a network view draws.
MAX_NODES = 300

#: Function words left out of the topic vectors (scikit-learn's English list, and Spanish).
SPANISH_STOP = frozenset(
    "a al algo algunas algunos ante antes como con contra cual cuando de del desde donde "
    "durante e el ella ellas ellos en entre era es esa esas ese eso esos esta estas este esto "
    "estos fue ha hay la las le les lo los mas me mi muy nos o otra otras otro otros para pero "
    "por que se ser si sin sobre su sus tambien te tiene todo todos tu un una uno unos y ya".split()
)


def _filters(
    orgs: pd.DataFrame, country: str | None, helix: str | None, topic: str | None
) -> tuple[pd.Series, dict[str, str]]:
    keep = pd.Series(True, index=orgs.index)
    given: dict[str, str] = {}
    if country and country.strip():
        given["country"] = country.strip().upper()
        keep &= orgs["country"] == given["country"]
    if helix and helix.strip():
        given["helix"] = helix.strip().lower()
        if given["helix"] not in (*HELICES, UNKNOWN):
            raise RequestError(
                f"unknown helix {helix!r}",
                where="helix",
                expected=", ".join((*HELICES, UNKNOWN)),
                found=repr(helix),
            )
        keep &= orgs["helix"] == given["helix"]
    if topic and topic.strip():
        given["topic"] = topic.strip()[:120]
        wanted = fold(given["topic"])
        keep &= orgs["topics"].map(lambda ts: any(fold(t).startswith(wanted) for t in ts or []))
    return keep, given


def _targets(
    orgs: pd.DataFrame, organisation: int | None, region: str | None
) -> tuple[list[int], str]:
    if (organisation is None) == (not region):
        raise RequestError(
            "partners are found for one organisation or one region",
            expected="an organisation id, or a region code (ES51, MX09, or a country: MX)",
            found="both" if organisation is not None else "neither",
        )
    if organisation is not None:
        if organisation not in orgs.index:
            raise UnknownRecordError(f"there is no organisation {organisation}", where="id")
        return [int(organisation)], str(orgs.loc[organisation, "name"])
    code = str(region).strip().upper()[:16]
    regional = orgs["region"].astype(str)
    mask = (regional.str.startswith(code) & (regional != "")) | (orgs["country"] == code)
    if not mask.any():
        raise UnknownRecordError(
            f"no stored organisation is in the region {code!r}",
            where="region",
            expected="a region or country code of stored organisations (ES51, MX)",
            found=code,
            fix="list the organisations of a country: smartspec actors list --country MX",
        )
    return [int(i) for i in orgs.index[mask]], code


def _topic_results(
    orgs: pd.DataFrame, targets: list[int], allowed: pd.Series, top: int
) -> tuple[list[tuple[int, float, list[str]]], list[str]]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    texts = (orgs["description"].fillna("") + " " + orgs["topics"].map(" ".join)).map(fold)
    has_text = texts.str.strip() != ""
    if not has_text[targets].any():
        return [], ["topic: the target has no description or topics to compare"]
    vectorizer = TfidfVectorizer(
        token_pattern=r"(?u)\b\w\w+\b",
        stop_words=sorted(ENGLISH_STOP_WORDS | SPANISH_STOP),
        sublinear_tf=True,
    )
    matrix = vectorizer.fit_transform(texts[has_text])
    terms = np.asarray(vectorizer.get_feature_names_out())
    row_of = {int(i): k for k, i in enumerate(orgs.index[has_text])}
    rows = [row_of[t] for t in targets if t in row_of]
    target = np.asarray(matrix[rows].mean(axis=0)).ravel()
    norm = float(np.linalg.norm(target))
    if norm == 0:
        return [], ["topic: the target's words are all function words"]
    target /= norm
    scores = matrix @ target
    excluded = set(targets)
    ranked = sorted(
        (
            (-float(scores[k]), int(i))
            for i, k in row_of.items()
            if i not in excluded and bool(allowed[i]) and scores[k] > 1e-9
        ),
    )[:top]
    out = []
    for negative, i in ranked:
        contribution = matrix[row_of[i]].toarray().ravel() * target
        best = np.argsort(-contribution)[:5]
        out.append((i, -negative, [str(terms[j]) for j in best if contribution[j] > 0]))
    return out, []


def _group_graph(graph: Any, targets: list[int]) -> tuple[Any, str]:
    """The graph with the targets merged into one node (for a region)."""
    import networkx as nx

    names = [str(t) for t in targets if str(t) in graph]
    if len(names) == 1:
        return graph, names[0]
    merged = nx.Graph(graph)
    node = "__targets__"
    merged.add_node(node, projects=0)
    shared: dict[str, set[str]] = {}
    for t in names:
        for u, data in graph[t].items():
            if u not in names:
                shared.setdefault(u, set()).update(data.get("projects", ()))
    merged.remove_nodes_from(names)
    for u, projects in shared.items():
        merged.add_edge(node, u, weight=len(projects), projects=tuple(sorted(projects)))
    return merged, node


def find_partners(
    actors: Actors,
    actor: Account | None,
    *,
    organisation: int | None = None,
    region: str | None = None,
    measure: Literal["both", "topic", "network"] = "both",
    country: str | None = None,
    helix: str | None = None,
    topic: str | None = None,
    top: int = 20,
) -> PartnersView:
    """Partners proposed for an organisation or a region, by topic and by network.

    Parameters
    ----------
    organisation, region
        The target: one organisation's id, or a region code (an organisation is in it when its
        region starts with the code, or its country is the code: ``MX``).
    measure : {"both", "topic", "network"}
        The measures to use (see the module).
    country, helix, topic : str, optional
        Keep only partners of this country, helix, or with a topic beginning with this text.
    top : int
        Most partners per measure, 1 to :data:`MAX_TOP`.
    """
    if measure not in ("both", "topic", "network"):
        raise RequestError(
            f"unknown measure {measure!r}",
            where="measure",
            expected="both, topic or network",
            found=repr(measure),
        )
    if not 1 <= top <= MAX_TOP:
        raise RequestError(
            "top out of bounds", where="top", expected=f"1 to {MAX_TOP}", found=str(top)
        )
    orgs, table = actors.frames(actor)
    targets, label = _targets(orgs, organisation, region)
    allowed, given = _filters(orgs, country, helix, topic)
    items: list[PartnerView] = []
    notes: list[str] = []
    wanted: list[int] = []
    found_topic: list[tuple[int, float, list[str]]] = []
    if measure in ("both", "topic"):
        found_topic, more = _topic_results(orgs, targets, allowed, top)
        notes += more
        wanted += [i for i, _, _ in found_topic]
    near = pd.DataFrame()
    if measure in ("both", "network"):
        graph = networks.collaboration_graph(table, node="org")
        merged, start = _group_graph(graph, targets)
        if start in merged:
            near = networks.neighbours(merged, start, steps=2)
            near = near[[bool(allowed.get(int(n), False)) for n in near.index]].head(top)
            wanted += [int(n) for n in near.index]
        else:
            notes.append("network: the target has no stored participations")
    with actors.store.session() as s:
        from .repo import organisation_views

        views = {v.id: v for v in organisation_views(s, list(dict.fromkeys(wanted)))}
    acronyms = (
        table.drop_duplicates("project").set_index("project")["acronym"].to_dict()
        if len(table)
        else {}
    )
    for i, score, shared in found_topic:
        items.append(
            PartnerView(
                organisation=views[i],
                measure="topic",
                score=round(score, 4),
                similarity=round(score, 4),
                shared_terms=shared,
                reason=f"similar descriptions and topics (cosine {score:.2f})"
                + (f": {', '.join(shared)}" if shared else ""),
            )
        )
    for node, row in near.iterrows():
        view: OrganisationView = views[int(str(node))]
        projects = [
            f"{p} ({acronyms[p]})" if acronyms.get(p) else str(p)
            for p in str(row["shared_projects"]).split(";")
            if p
        ]
        via = [_name_of(orgs, v) for v in str(row["via"]).split(";") if v]
        if int(row["distance"]) == 1:
            reason = f"worked together in {int(row['shared'])} project(s): " + ", ".join(
                projects[:5]
            )
        else:
            reason = f"two steps out, via {', '.join(via[:5])} ({int(row['paths'])} path(s))"
        items.append(
            PartnerView(
                organisation=view,
                measure="network",
                score=float(row["strength"]),
                distance=int(row["distance"]),
                shared_projects=projects,
                via=via,
                reason=reason,
            )
        )
    return PartnersView(
        target=label,
        organisations=len(targets),
        measures=["topic", "network"] if measure == "both" else [measure],
        filters=given,
        items=items,
        notes=notes,
    )


def _name_of(orgs: pd.DataFrame, node: str) -> str:
    """An organisation's name from its node id (the id when unknown)."""
    try:
        return str(orgs.loc[int(node), "name"])
    except (KeyError, ValueError):
        return node


def _matches(graph: Any, level: str, q: str) -> list[str]:
    words = fold(q).split()
    code = q.strip().upper()
    found = []
    for node, data in graph.nodes(data=True):
        if level == "org":
            name = fold(str(data.get("name", "")))
            text = f"{name} {node} {initials(name)}"  # UNAM finds its full name too
            if words and all(w in text for w in words):
                found.append(str(node))
        elif str(node).upper().startswith(code):
            found.append(str(node))
    return found


def network_view(
    actors: Actors,
    actor: Account | None,
    *,
    level: Literal["org", "country", "region"] = "org",
    q: str | None = None,
    programme: str | None = None,
    top: int = 60,
    seed: int = 0,
) -> NetworkView:
    """The collaboration network of the stored participations, its measures and groups.

    Parameters
    ----------
    level : {"org", "country", "region"}
        The nodes: organisations, countries, or regions (the organisations' NUTS/state codes).
    q : str, optional
        A search: organisations whose name (or id) has these words; countries or regions whose
        code begins with it. The found nodes and their partners are drawn.
    programme : str, optional
        Only the participations of this programme (``h2020``, ``fp7``).
    top : int
        Most nodes drawn (1 to :data:`MAX_NODES`): the found nodes, then the strongest.
    seed : int
        The seed of the Leiden communities.
    """
    if level not in ("org", "country", "region"):
        raise RequestError(
            f"unknown level {level!r}",
            where="level",
            expected="org, country or region",
            found=repr(level),
        )
    if not 1 <= top <= MAX_NODES:
        raise RequestError(
            "top out of bounds", where="top", expected=f"1 to {MAX_NODES}", found=str(top)
        )
    if q is not None and len(q) > 200:
        raise RequestError(
            "the search is too long",
            where="q",
            expected="at most 200 characters",
            found=f"{len(q)} characters",
        )
    _, table = actors.frames(actor)
    if programme:
        table = table[table["programme"] == programme.strip().lower()]
    column = {"org": "org", "country": "country", "region": "nuts"}[level]
    graph = networks.collaboration_graph(table, node=column, edge_projects=False)
    notes: list[str] = []
    if graph.number_of_nodes() == 0:
        notes.append("no stored participations" + (f" of {programme}" if programme else ""))
    measures = networks.centrality(graph)
    groups = networks.communities(graph, seed=seed) if len(graph) else pd.Series(dtype=int)
    label = (
        {n: str(d.get("name") or n) for n, d in graph.nodes(data=True)}
        if level == "org"
        else {n: str(n) for n in graph.nodes}
    )
    focus: list[str] = []
    if q and q.strip():
        focus = _matches(graph, level, q)[:10]
        if not focus:
            notes.append(f"nothing in the network matches {q.strip()!r}")
    shown: list[str] = list(focus)
    if focus:
        around = sorted(
            {u for f in focus for u in graph[f]} - set(focus),
            key=lambda u: (-float(measures.loc[u, "strength"]), str(u)),
        )
        shown += around
    else:
        shown += [str(n) for n in measures.index]
    shown = list(dict.fromkeys(shown))[:top]
    keep = set(shown)
    nodes = [
        NodeView(
            id=str(n),
            label=label[n],
            country=str(graph.nodes[n].get("country", "")),
            helix=str(graph.nodes[n].get("helix", "")) if level == "org" else "",
            projects=int(measures.loc[n, "projects"]),
            degree=int(measures.loc[n, "degree"]),
            strength=float(measures.loc[n, "strength"]),
            betweenness=round(float(measures.loc[n, "betweenness"]), 6),
            eigenvector=round(float(measures.loc[n, "eigenvector"]), 6),
            community=int(groups.get(n, -1)),
            focus=n in focus,
        )
        for n in shown
    ]
    edges = [
        EdgeView(source=str(a), target=str(b), weight=int(w))
        for a, b, w in graph.edges(data="weight")
        if a in keep and b in keep
    ]
    communities = []
    for cid, members in groups.groupby(groups).groups.items() if len(groups) else []:
        ordered = measures.loc[list(members)].sort_values("strength", ascending=False)
        countries = (
            ordered["country"].value_counts().head(3).index.tolist()
            if "country" in ordered and level != "country"
            else []
        )
        communities.append(
            CommunityView(
                id=int(cid),
                size=len(members),
                members=[label[m] for m in ordered.index[:5]],
                countries=[str(c) for c in countries if c],
            )
        )
    communities.sort(key=lambda c: c.id)

    def bridge_views(attribute: str) -> list[BridgeView]:
        found = networks.bridges(graph, attribute)
        found = found[found["cross_ties"] > 0].head(10)
        return [
            BridgeView(
                id=str(n),
                label=label[n],
                group=str(r["group"]),
                ties=int(r["ties"]),
                cross_ties=int(r["cross_ties"]),
                cross_share=round(float(r["cross_share"]), 4),
                cross_weight=int(r["cross_weight"]),
                reaches=[g for g in str(r["reaches"]).split(";") if g],
            )
            for n, r in found.iterrows()
        ]

    mixing = networks.mixing(graph, "helix") if level == "org" else pd.DataFrame()
    return NetworkView(
        level=level,
        nodes_total=graph.number_of_nodes(),
        edges_total=graph.number_of_edges(),
        communities_total=int(groups.nunique()) if len(groups) else 0,
        nodes=nodes,
        edges=edges,
        communities=communities[:10],
        helix_bridges=bridge_views("helix") if level == "org" else [],
        country_bridges=bridge_views("country") if level in ("org", "region") else [],
        helix_mixing={
            str(a): {str(b): int(v) for b, v in row.items()} for a, row in mixing.iterrows()
        },
        query=q.strip() if q and q.strip() else None,
        notes=notes,
    )
