"""Complexity validity: does the ECI of each bundled dataset rank regions like their income?

Reproduces the numbers of the "Complexity validity" section of ``docs/validation.md``. For every
bundled dataset with a context series (``smartspec.datasets.context``) it correlates ECI (and
Fitness) with income per period, with a 95 % interval (Spearman, Fisher z with the Bonett-Wright
standard error: ``smartspec.core.external.external_validity``), under the default conventions
and under the remedies studied for ``eu-nuts2-sbs``: Fitness-Complexity, presence by RPOP
(population) or by employment, tradable activities only, confidential cells handled, and the
sign anchored on income. It also prints the diagnostics of why the SBS ranking inverts.

Usage::

    .venv/bin/python tools/complexity_validity.py [--out docs/validity] [--source DIR]

Writes into ``--out``: ``correlations.csv`` (dataset x variant x period: n, rho, interval,
p-value), ``pci_ends.csv`` (top-5 and bottom-5 activities by name, joined by " | ", per
dataset x variant, in the reference period), ``sbs_diagnostics.csv`` (per period),
``summary.json`` (per dataset x variant: min / median / max rho, periods with the interval
above 0, and the recommended convention). Prints the Markdown tables. Deterministic; about
half a minute.

The sign flips for the income anchor are computed here, from the ECI/PCI the library returns
(a period's ECI and PCI are both negated when ECI correlates negatively with income): the
library itself is not changed.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import smartspec as ss
from smartspec import ActivityMatrix
from smartspec.core.external import correlation_interval, external_validity
from smartspec.core.profiles import get_profile
from smartspec.datasets import context, labels, load

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "docs" / "validity"
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
SBS = "eu-nuts2-sbs"
#: Reference period for the PCI lists: the last complete SBS year (2015 has 167 regions).
SBS_REFERENCE = 2014
#: NACE sections treated as tradable: mining (B) and manufacturing (C), plus, optionally,
#: information and communication (J), the one service section traded across regions at scale.
TRADABLE = {"B-C": ("B", "C"), "B-C+J": ("B", "C", "J")}
#: Confidential-cell rules studied (shares of the 68 divisions / of the regions with data).
REGION_CONFIDENTIAL_MAX = 0.15
ACTIVITY_CONFIDENTIAL_MAX = 0.20


# ---------------------------------------------------------------------------- helpers
@dataclass
class Scores:
    """One variant of one dataset: region scores, activity scores and notes."""

    dataset: str
    variant: str
    region: pd.Series  # (period, region)
    activity: pd.Series  # (period, activity)
    measure: str = "eci"
    note: str = ""
    diagnostics: pd.DataFrame | None = field(default=None, repr=False)


def quiet(fn: Callable, *args, **kwargs):
    """Call ``fn`` with smartspec's warnings silenced (the study reports what matters)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def zero_missing(m: ActivityMatrix) -> ActivityMatrix:
    """The same values with suppressed cells read as 0 (no missing-cell flags): the behaviour
    the dashboard had when this study was written."""
    return ActivityMatrix.from_dense(
        m.to_dense(),
        regions=m.regions,
        activities=m.activities,
        periods=m.periods,
        value_name=m.value_name,
    )


def keep_lines(m: ActivityMatrix, keep: np.ndarray) -> ActivityMatrix:
    """The matrix with the cells outside ``keep`` (P, R, A booleans) set to 0."""
    values = np.where(keep, m.to_dense(), 0.0)
    return ActivityMatrix.from_dense(
        values,
        regions=m.regions,
        activities=m.activities,
        periods=m.periods,
        value_name=m.value_name,
    )


def series(ctx: pd.DataFrame, column: str) -> pd.Series:
    """A (period, region) series of one context column, positive values only."""
    s = ctx.set_index(["period", "region"])[column].dropna()
    return s[s > 0]


def with_population(m: ActivityMatrix, pop: pd.Series) -> tuple[ActivityMatrix, pd.Series]:
    """The matrix restricted, period by period, to the regions that have both data and a
    population, and the population of exactly those regions.

    RPOP compares ``x_ra / pop_r`` with ``sum_r x_ra / sum_r pop_r``; the engine sums the
    population of every region that has one, and the employment of every region, so a region
    without data (all cells suppressed) or without a population would put people in one sum
    and not in the other. Restricting both sides to the same regions avoids that."""
    has_data = m.to_dense().sum(axis=2) > 0
    has_pop = np.zeros(has_data.shape, dtype=bool)
    for i, period in enumerate(m.periods):
        if period in pop.index.get_level_values(0):
            has_pop[i] = m.regions.isin(pop.xs(period).index)
    keep = has_data & has_pop
    rows = [(p, r) for i, p in enumerate(m.periods) for r in m.regions[keep[i]]]
    sub_pop = pop.reindex(pd.MultiIndex.from_tuples(rows, names=["period", "region"]))
    return keep_lines(m, keep[:, :, None] & np.ones(m.shape, dtype=bool)), sub_pop


def flip_to_income(
    eci: pd.Series, pci: pd.Series, income: pd.Series
) -> tuple[pd.Series, pd.Series, list]:
    """Negate a period's ECI and PCI where ECI correlates negatively with income (Spearman,
    nearest income year as in :func:`external_validity`). Returns the flipped periods too."""
    ev = external_validity(eci, income)
    flips = [p for p, rho in zip(ev["period"], ev["rho"], strict=True) if rho < 0]
    eci, pci = eci.copy(), pci.copy()
    for p in flips:
        eci.loc[p] = -eci.loc[p].to_numpy()
        pci.loc[p] = -pci.loc[p].to_numpy()
    return eci, pci, flips


def orient_by_continuity(
    eci: pd.Series, pci: pd.Series, income: pd.Series, anchor: int
) -> tuple[pd.Series, pd.Series]:
    """Anchor the sign on income in one period only, then give each later (and earlier) period
    the sign that correlates positively with the neighbouring period's ECI (common regions):
    income is used once, so the other periods are an out-of-anchor check."""
    periods = list(dict.fromkeys(eci.index.get_level_values(0)))
    eci, pci = eci.copy(), pci.copy()
    ev = external_validity(eci.loc[[anchor]], income)
    if ev.loc[0, "rho"] < 0:
        eci.loc[anchor] = -eci.loc[anchor].to_numpy()
        pci.loc[anchor] = -pci.loc[anchor].to_numpy()
    start = periods.index(anchor)
    order = [
        *zip(periods[start:], periods[start + 1 :], strict=False),
        *zip(periods[start:0:-1], periods[start - 1 :: -1], strict=False),
    ]
    for done, todo in order:
        a, b = eci.loc[done], eci.loc[todo]
        _, rho, *_ = correlation_interval(a.reindex(b.index).to_numpy(), b.to_numpy())
        if np.isfinite(rho) and rho < 0:
            eci.loc[todo] = -b.to_numpy()
            pci.loc[todo] = -pci.loc[todo].to_numpy()
    return eci, pci


def complexity_scores(
    dataset: str, variant: str, m: ActivityMatrix, note: str = "", **options
) -> Scores:
    res = quiet(ss.complexity, m, **options)
    return Scores(dataset, variant, res.eci, res.pci, "eci", note, res.diagnostics)


def fitness_scores(
    dataset: str, variant: str, m: ActivityMatrix, note: str = "", **options
) -> Scores:
    res = quiet(ss.fitness, m, **options)
    bad = [p for p, ok in res.converged.items() if not ok]
    extra = f"not converged in {bad}" if bad else ""
    return Scores(
        dataset,
        variant,
        res.fitness,
        res.complexity,
        "fitness",
        "; ".join(x for x in (note, extra) if x),
    )


def correlations(scores: Scores, income: pd.Series, series_name: str) -> pd.DataFrame:
    out = external_validity(scores.region, income)
    out.insert(0, "series", series_name)
    out.insert(0, "measure", scores.measure)
    out.insert(0, "variant", scores.variant)
    out.insert(0, "dataset", scores.dataset)
    return out


def ends(scores: Scores, period, names: pd.Series, k: int = 5) -> dict:
    """Top-k and bottom-k activities by name in one period."""
    pci = scores.activity.xs(period).dropna().sort_values(ascending=False)
    label = [str(names.get(code, code)) or str(code) for code in pci.index]
    return {
        "dataset": scores.dataset,
        "variant": scores.variant,
        "period": period,
        "top": " | ".join(label[:k]),
        "bottom": " | ".join(label[::-1][:k]),
    }


# ---------------------------------------------------------------------------- SBS study
def sbs_confidential(m: ActivityMatrix, source: Path) -> np.ndarray | None:
    """(P, R, A) booleans: cells flagged confidential ('c', no value) in the Eurostat file."""
    path = source / "eu-region-industry" / "sbs_r_nuts06_r2_long.csv.gz"
    if not path.is_file():
        return None
    raw = pd.read_csv(
        path,
        dtype=str,
        keep_default_na=False,
        usecols=["geo", "nuts_level", "nace_r2", "indic_sb", "year", "value", "flag"],
    )
    raw = raw[
        (raw["indic_sb"] == "V16110")
        & (raw["nuts_level"] == "2")
        & (raw["value"] == "")
        & raw["flag"].str.contains("c")
    ]
    out = np.zeros(m.shape, dtype=bool)
    p = m.periods.get_indexer(raw["year"].astype(np.int64))
    r = m.regions.get_indexer(raw["geo"])
    a = m.activities.get_indexer(raw["nace_r2"])
    ok = (p >= 0) & (r >= 0) & (a >= 0)
    out[p[ok], r[ok], a[ok]] = True
    return out


def complete_block(conf: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Greedy largest block without confidential cells, per period: repeatedly drop the region
    or activity with the highest share of confidential cells among the lines still kept.
    Returns the kept (P, R, A) cells."""
    keep = np.zeros(conf.shape, dtype=bool)
    for p in range(conf.shape[0]):
        rows = has[p].copy()
        cols = np.ones(conf.shape[2], dtype=bool)
        while True:
            c = conf[p][np.ix_(rows, cols)]
            if not c.any():
                break
            row_share = c.mean(axis=1)
            col_share = c.mean(axis=0)
            if row_share.max() >= col_share.max():
                rows[np.flatnonzero(rows)[row_share.argmax()]] = False
            else:
                cols[np.flatnonzero(cols)[col_share.argmax()]] = False
        keep[p] = rows[:, None] & cols[None, :]
    return keep


def sbs_variants(source: Path) -> tuple[list[Scores], dict]:
    m = load(SBS)
    ctx = context(SBS)
    pop, emp = series(ctx, "population"), series(ctx, "employment")
    gdp = series(ctx, "gdp_per_head")
    out: list[Scores] = []
    facts: dict = {}
    default = complexity_scores(SBS, "default (RCA, diversity sign)", m)
    out.append(default)
    zeroed = complexity_scores(SBS, "suppressed cells read as 0", zero_missing(m))
    same = np.allclose(default.region.to_numpy(), zeroed.region.to_numpy(), equal_nan=True)
    facts["default_equals_zero_read"] = bool(same)
    if not same:
        out.append(zeroed)
    out.append(fitness_scores(SBS, "Fitness-Complexity (RCA)", m))
    mp, pp = with_population(m, pop)
    rpop = complexity_scores(SBS, "RPOP presence (population)", mp, presence="rpop", population=pp)
    out.append(rpop)
    facts["rpop_unrestricted"] = (
        external_validity(
            complexity_scores(SBS, "", m, presence="rpop", population=pop).region, gdp
        )["rho"]
        .round(3)
        .tolist()
    )
    me, pe = with_population(m, emp)
    out.append(
        complexity_scores(
            SBS,
            "RPOP presence (employment)",
            me,
            presence="rpop",
            population=pe,
            note="RCA against ARDECO all-sector employment; no UK, NO",
        )
    )
    out.append(complexity_scores(SBS, "RCA and RPOP both", mp, presence="both", population=pp))
    out.append(
        complexity_scores(SBS, "RCA or RPOP (Stata either)", mp, presence="either", population=pp)
    )
    out.append(fitness_scores(SBS, "Fitness-Complexity (RPOP)", mp, presence="rpop", population=pp))
    ubiquity = get_profile("atlas").with_options(sign="ubiquity")
    out.append(
        complexity_scores(
            SBS,
            "RPOP presence, ubiquity sign rule",
            mp,
            presence="rpop",
            population=pp,
            profile=ubiquity,
        )
    )
    out.append(complexity_scores(SBS, "default, ubiquity sign rule", m, profile=ubiquity))
    for tag, sections in TRADABLE.items():
        acts = [a for a in m.activities if a[0] in sections]
        sub = m.select(activities=acts)
        subp, subpop = with_population(sub, pop)
        out.append(complexity_scores(SBS, f"{tag} only (RCA)", sub))
        out.append(
            complexity_scores(SBS, f"{tag} only (RPOP)", subp, presence="rpop", population=subpop)
        )
        out.append(fitness_scores(SBS, f"{tag} only, Fitness (RCA)", sub))
    # confidential cells
    conf = sbs_confidential(m, source)
    if conf is not None:
        dense = m.to_dense()
        has = dense.sum(axis=2) > 0
        share = conf.sum(axis=2) / m.n_activities
        keep_r = (share <= REGION_CONFIDENTIAL_MAX)[:, :, None] & np.ones(m.shape, bool)
        out.append(
            complexity_scores(
                SBS,
                f"regions with <= {REGION_CONFIDENTIAL_MAX:.0%} confidential cells",
                keep_lines(m, keep_r),
            )
        )
        act_share = conf.sum(axis=1) / np.maximum(has.sum(axis=1), 1)[:, None]
        keep_a = (act_share <= ACTIVITY_CONFIDENTIAL_MAX)[:, None, :] & np.ones(m.shape, bool)
        out.append(
            complexity_scores(
                SBS,
                f"activities confidential in <= {ACTIVITY_CONFIDENTIAL_MAX:.0%} of regions",
                keep_lines(m, keep_a),
            )
        )
        block = complete_block(conf, has)
        kept = keep_lines(m, block)
        facts["complete_block"] = {
            str(p): {
                "regions": int(block[i].any(axis=1).sum()),
                "activities": int(block[i].any(axis=0).sum()),
            }
            for i, p in enumerate(m.periods)
        }
        out.append(complexity_scores(SBS, "complete block (no confidential cell)", kept))
        kp, kpop = with_population(kept, pop)
        out.append(
            complexity_scores(SBS, "complete block, RPOP", kp, presence="rpop", population=kpop)
        )
        facts["confidential"] = conf
    # the sign anchored on income
    for base in (default, rpop, next(s for s in out if s.variant == "B-C only (RCA)")):
        eci, pci, flips = flip_to_income(base.region, base.activity, gdp)
        out.append(
            Scores(
                SBS, f"{base.variant} + sign anchored on income", eci, pci, note=f"flipped {flips}"
            )
        )
    eci, pci = orient_by_continuity(default.region, default.activity, gdp, 2008)
    out.append(
        Scores(
            SBS,
            "default + sign anchored on 2008 income, then continuity",
            eci,
            pci,
            note="income used in 2008 only",
        )
    )
    facts["regions_ranked"] = {
        "default": dict(
            zip(
                map(str, default.diagnostics["period"]),
                map(int, default.diagnostics["regions_ranked"]),
                strict=True,
            )
        ),
        "rpop": dict(
            zip(
                map(str, rpop.diagnostics["period"]),
                map(int, rpop.diagnostics["regions_ranked"]),
                strict=True,
            )
        ),
    }
    return out, facts


def partial_spearman(x: pd.Series, y: pd.Series, z: pd.Series) -> float:
    """Spearman correlation of x and y controlling for z (partial correlation of the ranks)."""
    frame = pd.concat([x, y, z], axis=1, join="inner").dropna().rank()
    r = frame.corr().to_numpy()
    rxy, rxz, ryz = r[0, 1], r[0, 2], r[1, 2]
    return float((rxy - rxz * ryz) / np.sqrt((1 - rxz**2) * (1 - ryz**2)))


def sbs_diagnostics(variants: list[Scores], facts: dict) -> pd.DataFrame:
    """Per period: why the default ECI ranks regions against income."""
    m = load(SBS)
    ctx = context(SBS)
    gdp, pop = series(ctx, "gdp_per_head"), series(ctx, "population")
    default = next(s for s in variants if s.variant.startswith("default (RCA"))
    rpop = next(s for s in variants if s.variant == "RPOP presence (population)")
    div_rca = quiet(ss.diversity, m)
    mp, pp = with_population(m, pop)
    div_rpop = quiet(ss.diversity, mp, presence="rpop", population=pp)
    ubi_rca = quiet(ss.ubiquity, m)
    ubi_rpop = quiet(ss.ubiquity, mp, presence="rpop", population=pp)
    dense = m.to_dense()
    total = dense.sum(axis=2)
    sections = np.array([a[0] for a in m.activities])
    manuf = dense[:, :, sections == "C"].sum(axis=2)
    services = dense[:, :, ~np.isin(sections, ["B", "C", "D", "E", "F"])].sum(axis=2)
    kis = dense[:, :, np.isin(sections, ["J", "M"])].sum(axis=2)
    conf = facts.get("confidential")
    rows = []
    for i, period in enumerate(m.periods):
        g = gdp.xs(period) if period in gdp.index.get_level_values(0) else pd.Series(dtype=float)
        ok = total[i] > 0
        idx = m.regions[ok]

        def region_series(values: np.ndarray, idx=idx, ok=ok) -> pd.Series:
            return pd.Series(values[ok], index=idx)

        share_c = region_series(manuf[i] / np.where(total[i] > 0, total[i], 1))
        share_s = region_series(services[i] / np.where(total[i] > 0, total[i], 1))
        share_k = region_series(kis[i] / np.where(total[i] > 0, total[i], 1))
        p_pop = pop.xs(period) if period in pop.index.get_level_values(0) else None
        emp_per_head = region_series(total[i]) / p_pop if p_pop is not None else None
        joined = pd.concat(
            [g.rename("gdp"), share_s.rename("s"), share_c.rename("c")], axis=1, join="inner"
        ).dropna()
        q = joined["gdp"].quantile([0.2, 0.8])
        rich, poor = joined[joined["gdp"] >= q[0.8]], joined[joined["gdp"] <= q[0.2]]

        def rho(a: pd.Series, b: pd.Series = g) -> float:
            pair = pd.concat([a, b], axis=1, join="inner")
            return correlation_interval(pair.iloc[:, 0].to_numpy(), pair.iloc[:, 1].to_numpy())[1]

        row = {
            "period": period,
            "regions_with_income": len(joined),
            "rho_diversity_rca_income": rho(div_rca.xs(period)),
            "rho_diversity_rpop_income": rho(div_rpop.xs(period)),
            "rho_manufacturing_share_income": rho(share_c),
            "rho_services_share_income": rho(share_s),
            "rho_J_M_share_income": rho(share_k),
            "services_share_richest_fifth": float(rich["s"].mean()),
            "services_share_poorest_fifth": float(poor["s"].mean()),
            "manufacturing_share_richest_fifth": float(rich["c"].mean()),
            "manufacturing_share_poorest_fifth": float(poor["c"].mean()),
            "rho_default_eci_manufacturing_share": rho(default.region.xs(period), share_c),
            "rho_sbs_employment_per_head_income": rho(emp_per_head)
            if emp_per_head is not None
            else np.nan,
            "partial_rho_rpop_eci_income_given_employment_per_head": partial_spearman(
                rpop.region.xs(period), g, emp_per_head
            )
            if emp_per_head is not None
            else np.nan,
        }
        if conf is not None:
            cshare = region_series(conf[i].sum(axis=1) / m.n_activities)
            cj = pd.concat([cshare.rename("c"), g.rename("g")], axis=1, join="inner").dropna()
            qq = cj["g"].quantile([0.2, 0.8])
            row.update(
                {
                    "confidential_share_mean": float(cshare.mean()),
                    "rho_confidential_share_income": rho(cshare),
                    "confidential_share_richest_fifth": float(cj[cj["g"] >= qq[0.8]]["c"].mean()),
                    "confidential_share_poorest_fifth": float(cj[cj["g"] <= qq[0.2]]["c"].mean()),
                }
            )
        row["rho_default_pci_ubiquity"] = rho(default.activity.xs(period), ubi_rca.xs(period))
        row["rho_rpop_pci_ubiquity"] = rho(rpop.activity.xs(period), ubi_rpop.xs(period))
        for tag, s in (("default", default), ("rpop", rpop)):
            d = s.diagnostics.set_index("period").loc[period]
            row.update(
                {
                    f"{tag}_eigenvalue_2": float(d["eigenvalue_2"]),
                    f"{tag}_eigenvalue_3": float(d["eigenvalue_3"]),
                    f"{tag}_spectral_gap": float(d["spectral_gap"]),
                    f"{tag}_sign_correlation_diversity": float(d["sign_correlation"]),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- other datasets
#: dataset -> (income column, second series or None, RPOP population available)
OTHERS = {
    "eu-nuts2-ardeco": ("gdp_per_head", "gva_per_worker", True),
    "world-trade": ("gdp_per_head", None, False),
    "eu-h2020-sdg": ("gdp_per_head", "household_income_pps", True),
    "us-state-industry": ("payroll_per_employee", None, False),
    "mx-tamaulipas": ("va_per_worker", None, False),
}


def other_variants(name: str) -> list[Scores]:
    m = load(name)
    ctx = context(name)
    income = series(ctx, OTHERS[name][0])
    out = [
        complexity_scores(name, "default (RCA, diversity sign)", m),
        fitness_scores(name, "Fitness-Complexity (RCA)", m),
    ]
    if OTHERS[name][2]:
        pop = series(ctx, "population")
        keep = [p for p in m.periods if p in pop.index.get_level_values(0)]
        sub, subpop = with_population(m.select(periods=keep), pop)
        out.append(
            complexity_scores(
                name,
                "RPOP presence (population)",
                sub,
                presence="rpop",
                population=subpop,
                note=f"periods with a population: {keep[0]}-{keep[-1]}",
            )
        )
    eci, pci, flips = flip_to_income(out[0].region, out[0].activity, income)
    out.append(Scores(name, "default + sign anchored on income", eci, pci, note=f"flipped {flips}"))
    return out


#: The recommended default convention per dataset (see docs/validation.md).
RECOMMENDED = {
    "eu-nuts2-sbs": "RPOP presence (population)",
    "eu-nuts2-ardeco": "default (RCA, diversity sign)",
    "world-trade": "default (RCA, diversity sign)",
    "eu-h2020-sdg": None,
    "us-state-industry": None,
    "mx-tamaulipas": None,
}


def reference_period(name: str, scores: Scores, income: pd.Series) -> int:
    if name == SBS:
        return SBS_REFERENCE
    have = set(income.index.get_level_values(0))
    periods = [p for p in scores.activity.index.get_level_values(0).unique() if p in have]
    return periods[-1] if periods else scores.activity.index.get_level_values(0)[-1]


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per dataset x variant x series: min / median / max rho, the periods, how many periods
    have the whole interval above 0 (or below 0), and the smallest n."""
    ok = table[table["n"] >= 4]
    groups = ok.groupby(["dataset", "variant", "series"], sort=False)
    return groups.apply(
        lambda g: pd.Series(
            {
                "periods": len(g),
                "rho_min": g["rho"].min(),
                "rho_median": g["rho"].median(),
                "rho_max": g["rho"].max(),
                "low_min": g["low"].min(),
                "above_zero": int((g["low"] > 0).sum()),
                "below_zero": int((g["high"] < 0).sum()),
                "n_min": int(g["n"].min()),
            }
        ),
        include_groups=False,
    ).reset_index()


def markdown(frame: pd.DataFrame, index: bool = True) -> str:
    """A DataFrame as a Markdown table (no optional dependency)."""
    frame = frame.reset_index() if index else frame
    head = [str(c) for c in frame.columns]

    def cell(v) -> str:
        if isinstance(v, float):
            return "" if np.isnan(v) else f"{v:.3f}"
        return str(v)

    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join(lines)


def fmt_rho(row: pd.Series) -> str:
    if not np.isfinite(row["rho"]):
        return "n/a"
    return f"{row['rho']:+.2f} [{row['low']:+.2f}, {row['high']:+.2f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="shared/data folder (for the SBS confidential flags)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)

    sbs, facts = sbs_variants(args.source)
    variants = {SBS: sbs}
    for name in OTHERS:
        variants[name] = other_variants(name)

    corr_rows, end_rows = [], []
    for name, scores_list in variants.items():
        ctx = context(name)
        first = OTHERS[name][0] if name in OTHERS else "gdp_per_head"
        second = OTHERS[name][1] if name in OTHERS else "household_income_pps"
        names = labels(name, "activity")["name"]
        for scores in scores_list:
            for col in (first, second):
                if col is None:
                    continue
                part = correlations(scores, series(ctx, col), col)
                part["note"] = scores.note
                corr_rows.append(part)
            ref = reference_period(name, scores, series(ctx, first))
            end_rows.append(ends(scores, ref, names))
    table = pd.concat(corr_rows, ignore_index=True)
    pci_ends = pd.DataFrame(end_rows)
    diagnostics = sbs_diagnostics(sbs, facts)
    summary = summarise(table)

    table.to_csv(args.out / "correlations.csv", index=False, float_format="%.6g")
    pci_ends.to_csv(args.out / "pci_ends.csv", index=False)
    diagnostics.to_csv(args.out / "sbs_diagnostics.csv", index=False, float_format="%.4f")
    recommended = {}
    for name, variant in RECOMMENDED.items():
        income = OTHERS[name][0] if name in OTHERS else "gdp_per_head"
        pick = variant or "default (RCA, diversity sign)"
        row = summary[
            (summary["dataset"] == name)
            & (summary["variant"] == pick)
            & (summary["series"] == income)
        ].iloc[0]
        recommended[name] = {
            "variant": variant,
            "meaningful": variant is not None,
            "series": income,
            "rho_min": round(float(row["rho_min"]), 3),
            "rho_median": round(float(row["rho_median"]), 3),
            "rho_max": round(float(row["rho_max"]), 3),
            "periods": int(row["periods"]),
            "periods_interval_above_zero": int(row["above_zero"]),
        }
    payload = {
        "facts": {k: v for k, v in facts.items() if k != "confidential"},
        "recommended": recommended,
        "summary": json.loads(summary.round(4).to_json(orient="records")),
    }
    (args.out / "summary.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")

    pd.set_option("display.width", 250)
    print("## ECI (or fitness) vs income, Spearman [95% CI] per period\n")
    for name in variants:
        income = OTHERS[name][0] if name in OTHERS else "gdp_per_head"
        sub = table[(table["dataset"] == name) & (table["series"] == income)]
        wide = sub.assign(cell=sub.apply(fmt_rho, axis=1)).pivot_table(
            index="variant", columns="period", values="cell", aggfunc="first", sort=False
        )
        print(f"### {name} ({income})\n")
        print(markdown(wide))
        print()
    print("## Summary per variant\n")
    print(markdown(summary, index=False))
    print("\n## PCI ends (reference period)\n")
    print(markdown(pci_ends, index=False))
    print("\n## SBS diagnostics\n")
    print(markdown(diagnostics.set_index("period").T))
    print("\n## Facts\n")
    print(json.dumps(payload["facts"], indent=1))
    print("\n## Recommended\n")
    print(json.dumps(recommended, indent=1))
    print(f"\n(ran in {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
