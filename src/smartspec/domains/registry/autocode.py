"""Suggest NACE Rev. 2 divisions for a priority's text, offline, from the bundled
classification texts, and measure how well the suggestions match codes a region declared.

Each of the 88 divisions is one document: its title, the titles of its groups and classes,
the Eurostat explanatory note ("This division includes ...", also-includes) and the Spanish
titles where bundled (:func:`smartspec.domains.registry.codes.code_list`). Text is
lower-cased and accent-folded (``"fabricación"`` -> ``"fabricacion"``). The methods:

``"tfidf-word"``
    TF-IDF of words (sublinear term frequency), cosine similarity (Salton & Buckley 1988).
``"tfidf-char"``
    TF-IDF of character 3- to 5-grams within word boundaries: a stem shared across
    languages or inflections (``"elektr"``, ``"farmac"``) still matches.
``"tfidf"`` (default)
    The mean of the two cosines: words for exact English or Spanish terms, characters for
    inflected or other languages.

A score is a cosine of non-negative vectors, so it lies in [0, 1]; it ranks divisions for one
text and is not a probability. No model is downloaded: a multilingual sentence-embedding
model would likely do better on Czech, but none can be fetched offline here (see
``docs/registry.md``).
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field
from scipy import sparse

from smartspec.core.errors import ValidationError

from . import codes

__all__ = [
    "BASELINES",
    "METHODS",
    "AutocodeRecord",
    "CodeSuggestion",
    "czech_records",
    "division_documents",
    "evaluate_autocode",
    "suggest_codes",
    "wilson_interval",
]

Method = Literal["tfidf", "tfidf-word", "tfidf-char"]
#: The suggestion methods.
METHODS: tuple[str, ...] = ("tfidf", "tfidf-word", "tfidf-char")
#: Reference rates of :func:`evaluate_autocode` that read no text.
BASELINES: tuple[str, ...] = ("chance", "frequent", "frequent-oracle")
#: Longest text read (characters); the rest is ignored.
MAX_TEXT = 20_000


class CodeSuggestion(BaseModel):
    """A suggested NACE division for a text."""

    code: str = Field(description='NACE Rev. 2 division, e.g. "28".')
    title: str
    score: float = Field(
        ge=0.0, le=1.0, description="Cosine similarity (ranks, not a probability)."
    )
    method: str


def _fold(text: str) -> str:
    """Lower case without accents (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", str(text).lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _text(x: Any) -> str:
    return "" if x is None or (isinstance(x, float) and math.isnan(x)) else str(x)


@lru_cache(maxsize=1)
def division_documents() -> tuple[
    tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]
]:
    """The divisions' codes, English titles, Spanish titles ("" where none) and documents."""
    table = codes.code_list("nace")
    divisions = table[table["level"] == "division"]
    number = table["code"].astype(str)
    out_codes, titles, titles_es, docs = [], [], [], []
    for row in divisions.itertuples(index=False):
        code = str(row.code)
        inside = table[number.str.startswith(code + ".")]
        parts = [
            _text(row.title),
            _text(row.title_es),
            " ".join(_text(t) for t in inside["title"]),
            " ".join(_text(t) for t in inside["title_es"]),
            _text(row.includes),
            _text(row.also_includes),
        ]
        out_codes.append(code)
        titles.append(_text(row.title))
        titles_es.append(_text(row.title_es))
        docs.append(" ".join(p for p in parts if p))
    return tuple(out_codes), tuple(titles), tuple(titles_es), tuple(docs)


@lru_cache(maxsize=4)
def _index(kind: Literal["word", "char"]) -> tuple[Any, sparse.csr_matrix]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "word":
        vec = TfidfVectorizer(preprocessor=_fold, analyzer="word", sublinear_tf=True)
    else:
        vec = TfidfVectorizer(
            preprocessor=_fold, analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True
        )
    matrix = vec.fit_transform(division_documents()[3])
    return vec, matrix.tocsr()


def _scores(texts: Sequence[str], method: str) -> np.ndarray:
    """Cosine of each text against each division, shape (texts, divisions)."""
    kinds: list[Literal["word", "char"]] = {
        "tfidf-word": ["word"],
        "tfidf-char": ["char"],
        "tfidf": ["word", "char"],
    }[method]  # type: ignore[assignment]
    total = np.zeros((len(texts), len(division_documents()[0])))
    for kind in kinds:
        vec, matrix = _index(kind)
        # rows of TfidfVectorizer are L2-normalised: the dot product is the cosine
        total += np.asarray((vec.transform(texts) @ matrix.T).todense())
    return np.clip(total / len(kinds), 0.0, 1.0)


def _check_method(method: str, allowed: tuple[str, ...], where: str) -> None:
    if method not in allowed:
        raise ValidationError(
            f"unknown auto-coding method {method!r}",
            where=where,
            expected=f"one of {', '.join(allowed)}",
            found=repr(method),
            fix=f"use method={allowed[0]!r} (the default)",
        )


def suggest_codes(
    text: str,
    *,
    language: str | None = None,
    method: str = "tfidf",
    limit: int = 10,
) -> list[CodeSuggestion]:
    """NACE Rev. 2 divisions whose classification texts are most similar to ``text``.

    Parameters
    ----------
    text : str
        A priority's title and description (any language; the index is English with the
        Spanish division titles, see the module's description).
    language : str, optional
        ISO 639-1 code of the text. It does not change the scores (the index is the same for
        every language); with ``"es"`` the suggestions carry the Spanish title where one is
        bundled.
    method : {"tfidf", "tfidf-word", "tfidf-char"}
        See the module's description.
    limit : int
        Most suggestions returned (1 to 88).

    Returns
    -------
    list of CodeSuggestion
        By descending score, then by code; divisions scoring 0 (nothing in common) are left
        out, so the list may be shorter than ``limit`` or empty.

    Raises
    ------
    ValidationError
        For an empty text, an unknown method or a limit out of range.

    Examples
    --------
    >>> suggest_codes("manufacture of motor vehicles", limit=1)[0].code
    '29'
    """
    where = "suggest_codes"
    _check_method(method, METHODS, where)
    n = len(division_documents()[0])
    if not isinstance(limit, int) or not 1 <= limit <= n:
        raise ValidationError(
            "the number of suggestions is out of range",
            where=where,
            expected=f"limit from 1 to {n}",
            found=repr(limit),
        )
    clean = _text(text).strip()[:MAX_TEXT]
    if not clean:
        raise ValidationError(
            "there is no text to suggest codes for",
            where=where,
            expected="a priority's title or description",
            found="empty text",
            fix="pass the priority's title and description",
        )
    div_codes, titles, titles_es, _ = division_documents()
    row = _scores([clean], method)[0]
    order = np.lexsort((np.arange(n), -row))
    spanish = (language or "").strip().lower().startswith("es")
    out = []
    for i in order[:limit]:
        if row[i] <= 0:
            break
        title = titles_es[i] if spanish and titles_es[i] else titles[i]
        out.append(
            CodeSuggestion(code=div_codes[i], title=title, score=float(row[i]), method=method)
        )
    return out


# ---------------------------------------------------------------------------- evaluation
@dataclass(frozen=True)
class AutocodeRecord:
    """A text with the divisions declared for it (the gold codes) and its group (region)."""

    text: str
    codes: tuple[str, ...]
    group: str = ""


def _record(item: Any) -> AutocodeRecord:
    if isinstance(item, AutocodeRecord):
        return item
    get = item.get if isinstance(item, Mapping) else lambda k, d=None: getattr(item, k, d)
    return AutocodeRecord(
        text=str(get("text", "")),
        codes=tuple(str(c) for c in get("codes", ()) or ()),
        group=str(get("group", "") or ""),
    )


def wilson_interval(hits: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a proportion ``hits / n`` (95 % by default).

    ``(p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` (Wilson 1927).

    >>> [round(x, 3) for x in wilson_interval(5, 10)]
    [0.237, 0.763]
    """
    if n <= 0:
        return (math.nan, math.nan)
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def _frequent(
    records: list[AutocodeRecord], exclude: str | None, universe: tuple[str, ...]
) -> list[str]:
    counts: Counter[str] = Counter()
    for r in records:
        if exclude is None or r.group != exclude:
            counts.update(set(r.codes) & set(universe))
    rank = {c: i for i, c in enumerate(universe)}
    return sorted(universe, key=lambda c: (-counts[c], rank[c]))


def evaluate_autocode(
    records: Iterable[Any], method: str = "tfidf", *, k: int = 5
) -> dict[str, Any]:
    """Top-1 and top-``k`` hit rates of a method against declared codes.

    A record is a hit at top-1 when the first suggestion is one of its declared divisions,
    and at top-``k`` when any of the first ``k`` is. Declared codes that are not NACE
    divisions (e.g. an invalid ``"34"``) can never be hit.

    Parameters
    ----------
    records : iterable
        :class:`AutocodeRecord` or mappings with ``text``, ``codes`` and ``group``.
    method : str
        One of :data:`METHODS`, or a baseline of :data:`BASELINES`:

        * ``"chance"``: the expected rate of ``k`` divisions drawn at random without
          replacement among the ``N`` divisions, exactly: ``g/N`` at top-1 and
          ``1 - C(N-g, k)/C(N, k)`` at top-``k`` for a record with ``g`` declared divisions;
        * ``"frequent"``: always the divisions declared most often by the *other* groups
          (leave one group, a region, out: no record sees its own labels);
        * ``"frequent-oracle"``: the same, counted over every record including the one
          scored: it uses the test labels, an optimistic reference only.
    k : int
        The second cut-off.

    Returns
    -------
    dict
        ``method, n, k, hits_top1, hits_topk, top1, topk`` (rates; for ``"chance"`` the hits
        are expected counts) and ``top1_ci, topk_ci`` (Wilson 95 % intervals).
    """
    _check_method(method, METHODS + BASELINES, "evaluate_autocode")
    items = [_record(r) for r in records]
    universe = division_documents()[0]
    n_div = len(universe)
    hits1 = hitsk = 0.0
    if method == "chance":
        for r in items:
            g = len(set(r.codes) & set(universe))
            hits1 += g / n_div
            hitsk += 1 - math.comb(n_div - g, k) / math.comb(n_div, k)
    elif method in ("frequent", "frequent-oracle"):
        for r in items:
            ranked = _frequent(items, r.group if method == "frequent" else None, universe)
            hits1 += ranked[0] in r.codes
            hitsk += bool(set(ranked[:k]) & set(r.codes))
    elif items:
        scores = _scores([r.text[:MAX_TEXT] for r in items], method)
        for r, row in zip(items, scores, strict=True):
            order = np.lexsort((np.arange(n_div), -row))
            top = [universe[i] for i in order[:k] if row[i] > 0]
            hits1 += bool(top) and top[0] in r.codes
            hitsk += bool(set(top) & set(r.codes))
    n = len(items)
    return {
        "method": method,
        "n": n,
        "k": k,
        "hits_top1": hits1,
        "hits_topk": hitsk,
        "top1": hits1 / n if n else math.nan,
        "topk": hitsk / n if n else math.nan,
        "top1_ci": wilson_interval(hits1, n),
        "topk_ci": wilson_interval(hitsk, n),
    }


def czech_records(folder: str | Path | None = None) -> list[AutocodeRecord]:
    """The Czech RIS3 priorities that carry region-declared CZ-NACE divisions, as records.

    Parameters
    ----------
    folder : path, optional
        A folder with ``cz_domeny_plne_texty.json`` and ``cz_kraje_kodovnik.json`` (default:
        the bundled copy in ``registry/data/cz-ris3``, see its ``SOURCE.md``).

    Returns
    -------
    list of AutocodeRecord
        ``text`` = title + ": " + description, ``codes`` = the declared divisions, ``group`` =
        the region's NUTS 3 code; priorities without codes are left out.
    """
    if folder is None:
        base: Any = resources.files("smartspec.domains.registry") / "data" / "cz-ris3"
    else:
        base = Path(folder)
    texts = json.loads((base / "cz_domeny_plne_texty.json").read_text(encoding="utf-8"))
    regions = json.loads((base / "cz_kraje_kodovnik.json").read_text(encoding="utf-8"))
    nuts = {r["nazev"]: r["kod_nuts"] for r in regions["kraje"]}
    out = []
    for name, domains in texts.items():
        for key in sorted(domains, key=int):
            d = domains[key]
            if not d.get("nace"):
                continue
            text = d["nazev"] + (": " + d["popis"] if d.get("popis") else "")
            out.append(AutocodeRecord(text=text, codes=tuple(d["nace"]), group=nuts[name]))
    return out
