"""Full-text search and similarity of declared priorities.

Accent and case folding happen in Python (:func:`fold`), before indexing and before querying, so
both backends compare folded text and need no accent extension: SQLite's FTS5 table
``registry_priorities_fts`` and PostgreSQL's ``search_vector`` (``to_tsvector('simple', ...)``)
index the stored ``search_text``.

A query's words are letters and digits only (:func:`query_words`): every other character of the
user's text (quotes, ``*``, parentheses, ``NEAR``'s syntax, ``&``, ``:``) separates words and is
never passed to the full-text syntax, and each word is matched as a prefix: ``"inov"*`` on
SQLite, ``inov:*`` on PostgreSQL, all words required (AND).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, column, exists, func, literal_column, or_, select, table
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from . import repo
from .checks import fold
from .models import PriorityCodeRow, PriorityRow, RegionRow, StrategyRow
from .views import ComparisonView, DivisionRow, RegionPriorities, SimilarityView, SimilarRegion

__all__ = [
    "BOTH_MEASURE",
    "CODES_MEASURE",
    "TEXT_MEASURE",
    "SearchFilters",
    "compare_regions",
    "fold",
    "jaccard",
    "query_words",
    "region_priority_ids",
    "search_ids",
    "similar_regions",
    "text_similarities",
]

#: What ``similar_regions(by="codes")`` measures.
CODES_MEASURE = "Jaccard similarity of the sets of declared NACE divisions"
#: What ``similar_regions(by="text")`` measures.
TEXT_MEASURE = (
    "cosine similarity of TF-IDF vectors (scikit-learn TfidfVectorizer, character n-grams 3-5 "
    "over accent-folded text)"
)
#: What ``similar_regions(by="both")`` measures.
BOTH_MEASURE = f"mean of the {CODES_MEASURE} and the {TEXT_MEASURE}"

_WORD = re.compile(r"[^\W_]+")
#: At most this many words of a query are used.
MAX_WORDS = 32

_FTS = table("registry_priorities_fts", column("rowid"), column("body"))


def query_words(q: str) -> list[str]:
    """The words of a query, folded: runs of letters and digits (at most :data:`MAX_WORDS`).

    Examples
    --------
    >>> query_words('"*(NEAR  Energía, 28.1')
    ['near', 'energia', '28', '1']
    """
    return _WORD.findall(fold(q))[:MAX_WORDS]


def search_text(title: str, description: str, tags: Sequence[str]) -> str:
    """The folded text a priority is found by: title, description and tags."""
    return fold("\n".join([title, description, " ".join(tags)]))


@dataclass(frozen=True)
class SearchFilters:
    """The checked filters of a search (see :meth:`Registry.search`)."""

    words: tuple[str, ...] = ()
    region: str | None = None
    scheme: str | None = None
    codes: tuple[str, ...] = ()
    country: str | None = None
    period: str | None = None
    strategy: int | None = None


def _fts5_match(words: Sequence[str]) -> str:
    """An FTS5 query of prefix words, all required: ``"inov"* "energ"*``."""
    return " ".join(f'"{w}"*' for w in words)


def _filtered(filters: SearchFilters) -> Select[Any]:
    query = (
        select(PriorityRow.id)
        .join(StrategyRow, StrategyRow.id == PriorityRow.strategy_id)
        .join(RegionRow, RegionRow.code == StrategyRow.region)
        .where(PriorityRow.deleted_at.is_(None))
    )
    if filters.region:
        code = filters.region
        query = query.where(
            or_(StrategyRow.region == code, func.substr(StrategyRow.region, 1, len(code)) == code)
        )
    if filters.scheme and filters.codes:
        query = query.where(
            exists().where(
                and_(
                    PriorityCodeRow.priority_id == PriorityRow.id,
                    PriorityCodeRow.scheme == filters.scheme,
                    PriorityCodeRow.code.in_(filters.codes),
                )
            )
        )
    if filters.country:
        query = query.where(RegionRow.country == filters.country)
    if filters.period:
        query = query.where(StrategyRow.period == filters.period)
    if filters.strategy is not None:
        query = query.where(StrategyRow.id == filters.strategy)
    return query


def search_ids(
    session: Session, backend: str, filters: SearchFilters, *, limit: int, offset: int
) -> tuple[int, list[int]]:
    """How many priorities match, and the ids of one page of them, best first.

    Ranked by relevance when there are words (SQLite: ``bm25`` of the FTS5 table; PostgreSQL:
    ``ts_rank`` of the tsvector), then by id.
    """
    query = _filtered(filters)
    order: list[Any] = []
    if filters.words and backend == "postgresql":
        tsquery = func.to_tsquery("simple", " & ".join(f"{w}:*" for w in filters.words))
        vector: ColumnElement[Any] = literal_column("registry_priorities.search_vector")
        query = query.where(vector.op("@@")(tsquery))
        order.append(func.ts_rank(vector, tsquery).desc())
    elif filters.words:  # SQLite: bm25() is valid only in a query of the FTS5 table itself
        ranked = (
            select(_FTS.c.rowid, literal_column("bm25(registry_priorities_fts)").label("rank"))
            .where(_FTS.c.body.op("MATCH")(_fts5_match(filters.words)))
            .subquery()
        )
        query = query.join(ranked, ranked.c.rowid == PriorityRow.id)
        order.append(ranked.c.rank)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(*order, PriorityRow.id).limit(limit).offset(offset)
    return int(total), [int(i) for i in session.scalars(page)]


def jaccard(a: set[str], b: set[str]) -> float:
    """Jaccard similarity ``|A ∩ B| / |A ∪ B|`` of two sets (0 when both are empty).

    >>> jaccard({"28", "26"}, {"28", "20", "21"})
    0.25
    """
    union = a | b
    return len(a & b) / len(union) if union else 0.0


def text_similarities(texts: Mapping[str, str], region: str) -> dict[str, float]:
    """Cosine similarity of each region's text to ``region``'s text.

    Each text is folded (:func:`fold`) and turned into a TF-IDF vector of character n-grams of
    3 to 5 characters within word boundaries (scikit-learn ``TfidfVectorizer(analyzer="char_wb",
    ngram_range=(3, 5), sublinear_tf=True)``, L2-normalised rows), fitted on the texts of every
    region given; the cosine of two such vectors is their dot product.

    Parameters
    ----------
    texts : mapping of str to str
        Region code -> the concatenated text of its priorities; must contain ``region``.
    region : str
        The reference region.

    Returns
    -------
    dict of str to float
        Every other region's similarity, 0 to 1.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    codes = list(texts)
    folded = [fold(texts[c]) for c in codes]
    if not any(t.strip() for t in folded):
        return {c: 0.0 for c in codes if c != region}
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = vectors.fit_transform(folded)
    reference = matrix[codes.index(region)]
    scores = (matrix @ reference.T).toarray().ravel()
    return {
        c: float(min(1.0, max(0.0, s))) for c, s in zip(codes, scores, strict=True) if c != region
    }


# --------------------------------------------------------------------------- comparison
def region_priority_ids(session: Session, regions: Sequence[str] | None) -> dict[str, list[int]]:
    """The ids of the (not deleted) priorities of each region (all regions with ``None``), by
    period then id."""
    query = (
        select(StrategyRow.region, PriorityRow.id)
        .join(PriorityRow, PriorityRow.strategy_id == StrategyRow.id)
        .where(PriorityRow.deleted_at.is_(None))
        .order_by(StrategyRow.region, StrategyRow.period, PriorityRow.id)
    )
    if regions is not None:
        query = query.where(StrategyRow.region.in_(list(regions)))
    found: dict[str, list[int]] = {}
    for code, pid in session.execute(query):
        found.setdefault(code, []).append(pid)
    return found


def _divisions(session: Session, ids: Sequence[int]) -> set[str]:
    """The NACE divisions the priorities ``ids`` declare (a group or class counts as its
    division)."""
    if not ids:
        return set()
    codes = session.scalars(
        select(PriorityCodeRow.code).where(
            PriorityCodeRow.priority_id.in_(list(ids)), PriorityCodeRow.scheme == "nace"
        )
    )
    return {d for c in codes if (d := repo.nace_division(c))}


def compare_regions(session: Session, regions: Sequence[RegionRow]) -> ComparisonView:
    """Regions side by side (see :meth:`Registry.compare`)."""
    from .codes import title_of

    ids = region_priority_ids(session, [r.code for r in regions])
    sides = []
    for row in regions:
        items = repo.priority_views(session, ids.get(row.code, []))
        declared: dict[str, set[str]] = {}
        for item in items:
            for scheme, values in item.codes.items():
                declared.setdefault(scheme, set()).update(values)
        sides.append(
            RegionPriorities(
                region=repo.region_view(row),
                priorities=items,
                codes={k: sorted(v) for k, v in sorted(declared.items())},
                divisions=sorted(_divisions(session, ids.get(row.code, []))),
            )
        )
    shared: dict[str, list[str]] = {}
    common = set.intersection(*(set(side.divisions) for side in sides))
    if common:
        shared["nace"] = sorted(common)
    for scheme in sorted({k for side in sides for k in side.codes} - {"nace"}):
        both = set.intersection(*(set(side.codes.get(scheme, [])) for side in sides))
        if both:
            shared[scheme] = sorted(both)
    divisions = sorted({d for side in sides for d in side.divisions})
    return ComparisonView(
        regions=sides,
        divisions=[
            DivisionRow(
                code=d,
                title=title_of("nace", d),
                regions=[side.region.code for side in sides if d in side.divisions],
            )
            for d in divisions
        ],
        shared=shared,
    )


def similar_regions(session: Session, region: str, *, by: str, limit: int) -> SimilarityView:
    """Regions ranked by similarity to ``region`` (see :meth:`Registry.similar_regions`)."""
    ids = region_priority_ids(session, None)
    ids.setdefault(region, [])
    divisions = {r: _divisions(session, pids) for r, pids in ids.items()}
    names = {code: name for code, name in session.execute(select(RegionRow.code, RegionRow.name))}
    text_scores: dict[str, float] = {}
    if by != "codes":
        texts: dict[str, str] = {region: ""}
        rows = session.execute(
            select(StrategyRow.region, PriorityRow.title, PriorityRow.description)
            .join(PriorityRow, PriorityRow.strategy_id == StrategyRow.id)
            .where(PriorityRow.deleted_at.is_(None))
            .order_by(PriorityRow.id)
        )
        for code, title, description in rows:
            texts[code] = f"{texts.get(code, '')}\n{title}\n{description}"
        text_scores = text_similarities(texts, region)
    items = []
    for other in ids:
        if other == region:
            continue
        codes_score = jaccard(divisions[region], divisions[other])
        text_score = text_scores.get(other, 0.0)
        score = {"codes": codes_score, "text": text_score}.get(by, (codes_score + text_score) / 2)
        items.append(
            SimilarRegion(
                region=other,
                name=names.get(other, other),
                score=round(score, 6),
                codes_score=round(codes_score, 6) if by != "text" else None,
                text_score=round(text_score, 6) if by != "codes" else None,
                shared_codes=sorted(divisions[region] & divisions[other]),
            )
        )
    items.sort(key=lambda i: (-i.score, i.region))
    measure = {"codes": CODES_MEASURE, "text": TEXT_MEASURE}.get(by, BOTH_MEASURE)
    return SimilarityView(region=region, by=by, measure=measure, items=items[:limit])  # type: ignore[arg-type]
