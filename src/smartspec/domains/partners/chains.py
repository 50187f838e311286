"""Value chains and partner regions: the pure method (pandas and numpy, no app, no database).

A **value chain** is a name and 2 to 10 ordered **stages**; a stage is a name and a set of
activity codes of one classification. For a table of values (regions x activities, one period)
the method gives, per stage and region:

* **strength**: the stage's revealed comparative advantage, the Balassa (1965) RCA of the
  region's summed value in the stage's activities,

  .. math:: RCA_{rs} = \\frac{x_{rs} / X_r}{X_s / X}, \\quad x_{rs} = \\sum_{a \\in s} x_{ra},

  with :math:`X_r` the region's total over every activity of the table, :math:`X_s` the
  stage's total over every region and :math:`X` the grand total; and its **size**,
  :math:`x_{rs}` and its share of the stage, :math:`x_{rs} / X_s`;
* **potential**: the mean relatedness density (Hidalgo et al. 2007) of the stage's
  activities for the region, :math:`\\bar d_{rs} = \\mathrm{mean}_{a \\in s} d_{ra}` over the
  activities with a density, the density as the evidence engine computes it
  (:func:`smartspec.core.relatedness.relatedness_density`);
* **covered**: the region covers the stage when :math:`RCA_{rs} \\geq t` (``t = 1`` by
  default: the stage is a larger share of the region than of the whole table).

**Partner sets** are sets of 2 to ``size`` (at most 5) regions. Each is scored by:

* *coverage*: the stages at least one member covers;
* *strength*: the mean over stages of the best member's stage RCA, and its score, the mean of
  that best RCA over the best RCA of any region in the stage (1 = the strongest region of
  every stage is in the set);
* *complementarity*: the share of the covered stages covered by exactly one member (1 = no
  overlap, each member brings its own stages);
* *priority similarity* (when given): the mean Jaccard similarity of the members' declared
  priorities over the pairs of members that have some.

Sets are ranked by coverage (descending), then by ``score``, the mean of the strength score,
the complementarity and (when any candidate has declared priorities) the priority similarity,
then by fewer members and by the members' codes (the anchor first, the others sorted).
The search is **exact enumeration** over a bounded
pool of candidates: the ``per_stage`` regions with the highest RCA among those covering each
stage (at most 5), lowered until the sets to score are at most :data:`MAX_SETS`; with an
anchor region every set contains it. Regions outside the pool are never proposed: in every
stage they cover, ``per_stage`` regions are stronger.

References
----------
Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The Manchester
School, 33(2), 99-123.

Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
conditions the development of nations. Science, 317(5837), 482-487.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from smartspec.core.errors import UnknownActivityError, ValidationError, format_examples
from smartspec.core.lookup import match

__all__ = [
    "MAX_CODES",
    "MAX_SETS",
    "MAX_SIZE",
    "MAX_STAGES",
    "MIN_STAGES",
    "Stage",
    "ValueChain",
    "candidate_pool",
    "check_chain",
    "parse_chain",
    "partner_sets",
    "stage_table",
]

#: Fewest and most stages of a chain.
MIN_STAGES, MAX_STAGES = 2, 10
#: Most activity codes in one stage.
MAX_CODES = 50
#: Most members of a partner set.
MAX_SIZE = 5
#: Most candidates per stage in the pool of the partner-set search.
MAX_PER_STAGE = 5
#: Most sets the exact enumeration scores (the pool shrinks until it fits).
MAX_SETS = 200_000


class Stage(BaseModel):
    """One stage of a value chain: a name and the activity codes it groups."""

    name: str = Field(min_length=1, max_length=200, description="The stage's name.")
    activities: list[str] = Field(
        max_length=MAX_CODES,
        description=f"Activity codes of the dataset's classification (1 to {MAX_CODES}).",
    )


class ValueChain(BaseModel):
    """A value chain: a name and its ordered stages (2 to 10)."""

    name: str = Field(min_length=1, max_length=200, description="The chain's name.")
    description: str = Field(default="", max_length=4000)
    dataset: str | None = Field(
        default=None,
        max_length=400,
        description="The dataset the codes belong to (several joined by '+' for a combined "
        "panel); the evaluation's dataset replaces it.",
    )
    stages: list[Stage] = Field(max_length=MAX_STAGES, description="The stages, in order.")
    sources: list[str] = Field(default_factory=list, max_length=20)


def parse_chain(data: Any, *, where: str = "the chain") -> ValueChain:
    """A :class:`ValueChain` from parsed JSON or YAML (a mapping), with a clear error.

    >>> parse_chain({"name": "x", "stages": [{"name": "a", "activities": ["C10"]},
    ...              {"name": "b", "activities": ["G46"]}]}).stages[1].activities
    ['G46']
    """
    from pydantic import ValidationError as PydanticError

    if not isinstance(data, Mapping):
        raise ValidationError(
            "a value chain must be a mapping",
            where=where,
            expected='{"name": ..., "stages": [{"name": ..., "activities": [...]}, ...]}',
            found=type(data).__name__,
        )
    try:
        chain = ValueChain.model_validate(dict(data))
    except PydanticError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationError(
            f"the value chain is not valid: {loc}: {first.get('msg')}",
            where=where,
            expected=f"a name and {MIN_STAGES} to {MAX_STAGES} stages, each with a name and 1 "
            f"to {MAX_CODES} activity codes",
            found=repr(first.get("input"))[:200],
            code="invalid.value_chain",
        ) from None
    return check_chain(chain, where=where)


def check_chain(chain: ValueChain, *, where: str = "the chain") -> ValueChain:
    """The chain with its codes stripped and de-duplicated, or a clear error for too few or
    too many stages, an empty stage, too many codes or repeated stage names."""
    n = len(chain.stages)
    if not MIN_STAGES <= n <= MAX_STAGES:
        raise ValidationError(
            f"a value chain needs {MIN_STAGES} to {MAX_STAGES} stages",
            where=where,
            expected=f"{MIN_STAGES} to {MAX_STAGES} stages",
            found=f"{n} stage(s)",
            fix="merge stages (a stage may hold several activities) or split the chain",
            code="invalid.value_chain",
        )
    stages = []
    for i, stage in enumerate(chain.stages, 1):
        codes = list(dict.fromkeys(c.strip() for c in stage.activities if c and c.strip()))
        if not codes:
            raise ValidationError(
                f"stage {i} ({stage.name!r}) has no activity",
                where=f"{where}, stage {i}",
                expected=f"1 to {MAX_CODES} activity codes",
                found="none",
                fix="pick the activities of the stage, or remove it",
                code="invalid.value_chain",
            )
        if len(codes) > MAX_CODES:
            raise ValidationError(
                f"stage {i} ({stage.name!r}) has too many activities",
                where=f"{where}, stage {i}",
                expected=f"at most {MAX_CODES} codes",
                found=f"{len(codes)} codes",
                code="invalid.value_chain",
            )
        stages.append(Stage(name=stage.name.strip() or f"Stage {i}", activities=codes))
    names = [s.name.casefold() for s in stages]
    twice = sorted({s.name for s in stages if names.count(s.name.casefold()) > 1})
    if twice:
        raise ValidationError(
            "two stages have the same name",
            where=where,
            expected="a different name for each stage",
            found=format_examples(twice),
            code="invalid.value_chain",
        )
    return chain.model_copy(update={"stages": stages})


def resolve_codes(
    chain: ValueChain,
    activities: Mapping[str, str | None],
    *,
    where: str,
    hints: Mapping[str, str] | None = None,
) -> ValueChain:
    """The chain with each code as the dataset writes it (codes match ignoring case), or
    :class:`~smartspec.UnknownActivityError` naming every unknown code and its close matches.

    Parameters
    ----------
    activities : mapping of str to str or None
        The dataset's activity codes and names.
    where : str
        The dataset (or panel), for the message.
    hints : mapping of str to str, optional
        What an unknown code is elsewhere (a code of another classification and the group it
        maps to), said in the error.
    """
    upper = {str(c).upper(): str(c) for c in activities}
    unknown: list[str] = []
    close_found: list[str] = []
    hints_found: list[str] = []
    stages = []
    for stage in chain.stages:
        found = []
        for code in stage.activities:
            known = upper.get(code.upper())
            if known is None:
                unknown.append(code)
                if hints and code.upper() in hints:
                    hints_found.append(hints[code.upper()])
                    continue
                close = difflib.get_close_matches(code.upper(), list(upper), n=3, cutoff=0.5)
                close = [upper[c] for c in close] or match(code, activities)[:3]
                if close:
                    close_found.append(f"{code} -> {', '.join(close)}")
            else:
                found.append(known)
        stages.append(Stage(name=stage.name, activities=list(dict.fromkeys(found))))
    if unknown:
        fix = "; ".join(hints_found)
        if close_found:
            fix += ("; " if fix else "") + "close matches: " + "; ".join(close_found)
        raise UnknownActivityError(
            f"{len(unknown)} activity code(s) of the chain are not in {where}"
            + (": the chain mixes classifications" if hints_found else ""),
            where=where,
            expected=f"codes of its classification ({format_examples(list(activities))})",
            found=format_examples(unknown),
            fix=(fix or "use the dataset's codes")
            + " (the codes: GET /api/v1/datasets/<id>/activities)",
        )
    return chain.model_copy(update={"stages": stages})


# ------------------------------------------------------------------------------ the method
def stage_table(
    values: pd.DataFrame,
    stages: Sequence[Stage],
    *,
    density: pd.DataFrame | None = None,
    threshold: float = 1.0,
) -> pd.DataFrame:
    """Strength, size, potential and coverage of every region in every stage.

    Parameters
    ----------
    values : pandas.DataFrame
        Regions x activities (one period), non-negative; NaN for a suppressed cell (counted
        as 0 in the sums, and in ``missing``).
    stages : sequence of Stage
        The stages, their codes columns of ``values``.
    density : pandas.DataFrame, optional
        Relatedness density, same shape and labels as ``values``.
    threshold : float
        A region covers a stage when its stage RCA is at least this.

    Returns
    -------
    pandas.DataFrame
        One row per (stage, region), in stage order: ``stage`` (position), ``region``,
        ``value`` (x_rs), ``share`` (x_rs / X_s), ``rca``, ``density`` (mean over the stage's
        activities with a density; NaN when none), ``missing`` (suppressed cells of the
        stage in the region), ``covered``.

    Examples
    --------
    >>> v = pd.DataFrame({"x": [1, 1], "y": [1, 3]}, index=["A", "B"])
    >>> t = stage_table(v, [Stage(name="s1", activities=["x"]), Stage(name="s2",
    ...                  activities=["y"])])
    >>> t[["region", "rca", "covered"]].head(2).values.tolist()
    [['A', 1.5, True], ['B', 0.75, False]]
    """
    x = values.astype(float)
    filled = x.fillna(0.0)
    totals = filled.sum(axis=1).to_numpy()
    grand = float(totals.sum())
    rows = []
    for s, stage in enumerate(stages):
        cols = list(stage.activities)
        xs = filled[cols].sum(axis=1).to_numpy()
        xs_total = float(xs.sum())
        with np.errstate(divide="ignore", invalid="ignore"):
            rca = (xs / totals) / (xs_total / grand) if grand > 0 else np.full(len(xs), np.nan)
            share = xs / xs_total if xs_total > 0 else np.full(len(xs), np.nan)
        if density is not None:
            d = density[cols].to_numpy(dtype=float)
            have = np.isfinite(d).any(axis=1)
            dens = np.full(len(xs), np.nan)
            dens[have] = np.nanmean(d[have], axis=1)
        else:
            dens = np.full(len(xs), np.nan)
        missing = x[cols].isna().sum(axis=1).to_numpy()
        rca = np.where(np.isfinite(rca), rca, np.nan)
        rows.append(
            pd.DataFrame(
                {
                    "stage": s,
                    "region": x.index.astype(str),
                    "value": xs,
                    "share": share,
                    "rca": rca,
                    "density": dens,
                    "missing": missing.astype(int),
                    "covered": np.nan_to_num(rca, nan=-np.inf) >= threshold,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _rank(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by RCA (NaN last), then size, then region code."""
    return table.assign(_r=table["rca"].fillna(-np.inf)).sort_values(
        ["_r", "value", "region"], ascending=[False, False, True], kind="mergesort"
    )


def candidate_pool(
    table: pd.DataFrame, n_stages: int, per_stage: int, *, exclude: str | None = None
) -> list[str]:
    """The regions among the ``per_stage`` strongest (highest RCA, then size) of those
    covering each stage, in order of first appearance (stage by stage)."""
    pool: list[str] = []
    for s in range(n_stages):
        rows = _rank(table[(table["stage"] == s) & table["covered"]])
        picked = [r for r in rows["region"] if r != exclude][:per_stage]
        pool.extend(r for r in picked if r not in pool)
    return pool


def _n_sets(pool: int, low: int, high: int) -> int:
    return sum(math.comb(pool, j) for j in range(low, high + 1))


def partner_sets(
    table: pd.DataFrame,
    n_stages: int,
    *,
    size: int = 3,
    top: int = 10,
    anchor: str | None = None,
    per_stage: int = MAX_PER_STAGE,
    similarity: Callable[[str, str], float | None] | None = None,
) -> dict[str, Any]:
    """The best partner sets covering the chain's stages (see the module's description).

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`stage_table`'s result.
    n_stages : int
        Number of stages.
    size : int
        Most members of a set, 2 to :data:`MAX_SIZE` (the anchor counts as one).
    top : int
        Sets returned.
    anchor : str, optional
        A region every set contains ("partners for my region").
    per_stage : int
        Candidates per stage (at most :data:`MAX_PER_STAGE`; lowered to fit :data:`MAX_SETS`).
    similarity : callable, optional
        ``similarity(a, b)``: the similarity of two regions' declared priorities in [0, 1],
        ``None`` when one of them has none.

    Returns
    -------
    dict
        ``sets`` (a list of dicts: ``members``, ``covered`` (stage positions), ``n_covered``,
        ``strength``, ``strength_score``, ``complementarity``, ``similarity``, ``score``,
        ``leads`` (per stage: the member with the best RCA and that RCA)), ``pool`` (the
        candidates), ``per_stage`` (used), ``evaluated`` (sets scored), ``with_similarity``.

    Examples
    --------
    >>> v = pd.DataFrame({"x": [9, 1, 1], "y": [1, 9, 1], "z": [1, 1, 9]}, index=list("ABC"))
    >>> stages = [Stage(name=n, activities=[n]) for n in "xyz"]
    >>> best = partner_sets(stage_table(v, stages), 3, size=3)["sets"][0]
    >>> best["members"], best["n_covered"], best["complementarity"]
    (['A', 'B', 'C'], 3, 1.0)
    """
    if not 2 <= size <= MAX_SIZE:
        raise ValidationError(
            "a partner set has 2 to 5 members",
            where="size",
            expected=f"2 to {MAX_SIZE}",
            found=str(size),
        )
    per_stage = max(1, min(per_stage, MAX_PER_STAGE))
    low, high = (1, size - 1) if anchor is not None else (2, size)
    while True:
        pool = candidate_pool(table, n_stages, per_stage, exclude=anchor)
        if _n_sets(len(pool), low, high) <= MAX_SETS or per_stage == 1:
            break
        per_stage -= 1
    members_all = ([anchor] if anchor is not None else []) + pool
    wide_rca = table.pivot(index="region", columns="stage", values="rca")
    wide_cov = table.pivot(index="region", columns="stage", values="covered")
    rca = np.nan_to_num(wide_rca.reindex(members_all).to_numpy(dtype=float), nan=0.0)
    cov = wide_cov.reindex(members_all).fillna(False).to_numpy(dtype=bool)
    best_any = np.nan_to_num(wide_rca.to_numpy(dtype=float), nan=0.0).max(axis=0)
    best_any = np.where(best_any > 0, best_any, 1.0)
    n = len(members_all)
    sim = np.full((n, n), np.nan)
    with_similarity = False
    if similarity is not None:
        for i in range(n):
            for j in range(i + 1, n):
                value = similarity(members_all[i], members_all[j])
                if value is not None:
                    sim[i, j] = sim[j, i] = value
                    with_similarity = True
    offset = 1 if anchor is not None else 0
    found: list[tuple[Any, ...]] = []
    evaluated = 0
    for j in range(low, min(high, len(pool)) + 1):
        combos = np.array(list(combinations(range(offset, n), j)), dtype=int).reshape(-1, j)
        if anchor is not None:
            combos = np.hstack([np.zeros((len(combos), 1), dtype=int), combos])
        if not len(combos):
            continue
        evaluated += len(combos)
        counts = cov[combos].sum(axis=1)  # sets x stages: members covering each stage
        best = rca[combos].max(axis=1)
        n_covered = (counts > 0).sum(axis=1)
        strength = best.mean(axis=1)
        strength_score = np.minimum(best / best_any, 1.0).mean(axis=1)
        single = (counts == 1).sum(axis=1)
        comp = np.divide(single, n_covered, out=np.zeros(len(combos)), where=n_covered > 0)
        k = combos.shape[1]
        pairs = [(a, b) for a in range(k) for b in range(a + 1, k)]
        pair_sims = np.stack([sim[combos[:, a], combos[:, b]] for a, b in pairs], axis=1)
        with np.errstate(invalid="ignore"):
            have = np.isfinite(pair_sims).any(axis=1)
            mean_sim = np.where(
                have, np.nanmean(np.where(have[:, None], pair_sims, 0.0), axis=1), np.nan
            )
        parts = [strength_score, comp]
        if with_similarity:
            parts.append(np.nan_to_num(mean_sim, nan=0.0))
        score = np.mean(parts, axis=0)
        for i in range(len(combos)):
            found.append(
                (
                    -int(n_covered[i]),
                    -round(float(score[i]), 12),
                    k,
                    tuple(members_all[c] for c in combos[i][:offset])
                    + tuple(sorted(members_all[c] for c in combos[i][offset:])),
                    i,
                    combos[i],
                    counts[i],
                    float(strength[i]),
                    float(strength_score[i]),
                    float(comp[i]),
                    float(mean_sim[i]),
                    float(score[i]),
                )
            )
        found.sort(key=lambda t: t[:4])
        del found[top:]
    sets = []
    for item in found:
        combo, counts = item[5], item[6]
        leads = []
        for s in range(n_stages):
            col = rca[combo, s]
            m = int(np.argmax(col))
            leads.append(
                {
                    "stage": s,
                    "region": members_all[combo[m]],
                    "rca": float(col[m]),
                    "covered": bool(counts[s] > 0),
                    "members_covering": int(counts[s]),
                }
            )
        sets.append(
            {
                "members": list(item[3]),
                "covered": [s for s in range(n_stages) if counts[s] > 0],
                "n_covered": -item[0],
                "strength": item[7],
                "strength_score": item[8],
                "complementarity": item[9],
                "similarity": None if math.isnan(item[10]) else item[10],
                "score": item[11],
                "leads": leads,
            }
        )
    return {
        "sets": sets,
        "pool": pool,
        "per_stage": per_stage,
        "evaluated": evaluated,
        "with_similarity": with_similarity,
    }
