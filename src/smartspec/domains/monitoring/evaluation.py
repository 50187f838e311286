"""Did the strategy change the indicator? Difference-in-differences against similar regions.

A region (the **treated** one) adopted its strategy in year ``start``; **control** regions,
chosen as structurally similar (the benchmark domain), did not adopt this one. With
:math:`\\bar y_{T,\\text{pre}}` the treated region's mean before ``start``,
:math:`\\bar y_{T,\\text{post}}` its mean from ``start`` on, and :math:`\\bar y_{C,\\cdot}` the
same means of the controls' yearly mean, the effect on the treated (ATT) is the 2x2
difference-in-differences (Angrist & Pischke 2009, ch. 5; Card & Krueger 1994):

.. math::

    \\widehat{ATT} = (\\bar y_{T,\\text{post}} - \\bar y_{T,\\text{pre}})
                   - (\\bar y_{C,\\text{post}} - \\bar y_{C,\\text{pre}})

The two-way fixed-effects regression :math:`y_{it} = \\alpha_i + \\lambda_t + \\beta D_{it} +
\\varepsilon_{it}` (:math:`D_{it} = 1` for the treated region from ``start``) gives the same
number in a balanced panel with one adoption date; both are reported, the second as a check.

**Parallel trends.** The estimate is the effect only if the treated region would have moved
like the controls without the strategy. What the data can say: before ``start``, the gap
:math:`g_t = y_{T,t} - \\bar y_{C,t}` should not trend. :func:`did` fits :math:`g_t = a + b t`
on the pre years (OLS, standard error and two-sided *t* p-value; at least 3 pre years) and
lists the event-study gaps :math:`g_t - g_{t_0}` relative to the last pre year :math:`t_0`
(Autor 2003): pre-year values far from 0 warn that the trends were not parallel.

**Inference.** With one treated region, conventional standard errors are not valid (Conley &
Taber 2011). The estimate is compared with **in-space placebos** (Abadie, Diamond &
Hainmueller 2010): each control in turn is treated as if it had adopted the strategy, against
the other controls; the p-value is the share of the placebo estimates at least as large in
absolute value as the real one, counting the real one, :math:`p = (1 + \\#\\{|\\hat\\tau_c|
\\ge |\\hat\\tau|\\}) / (1 + n_c)`. With *n* controls the smallest possible p-value is
:math:`1 / (n + 1)`.

Synthetic control (Abadie et al. 2010) is not offered: there is no maintained implementation in
this platform's stack, and one would first have to reproduce a published case (California's
Proposition 99) in a test before its numbers could be trusted.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smartspec.core.errors import ValidationError

if TYPE_CHECKING:
    from smartspec.app import SmartSpecApp
    from smartspec.domains.accounts.rules import Account

__all__ = ["ASSUMPTIONS", "PRETREND_ALPHA", "DidResult", "did", "evaluate"]

#: A pre-period trend of the gap with a p-value below this is flagged.
PRETREND_ALPHA = 0.05

#: What the estimate assumes, in words (shown with every result).
ASSUMPTIONS: tuple[str, ...] = (
    "Parallel trends: without the strategy, the treated region's indicator would have moved "
    "like the mean of the control regions.",
    "No anticipation: the indicator did not react before the start year.",
    "No spillovers: the strategy did not change the indicator in the control regions.",
    "Comparable controls: the control regions are structurally similar to the treated one "
    "and did not adopt a comparable policy at the same time.",
    "One treated region: there is no valid conventional standard error, so the estimate is "
    "judged against placebo estimates for the controls only.",
)


#: The caveats and notes an evaluation can carry, as templates of the values they name
#: (``%(name)s``); the results give the English text and, in ``said``, each template's key and
#: values, so that a page shows them in its language (:data:`.pages_evaluation.NOTE_TEXTS`,
#: the same texts: a test checks that they match). Values marked as prose in :data:`PROSE`
#: stay in English (they quote the data or another service).
NOTES: dict[str, str] = {
    "placebo": "one treated region: the p-value comes from %(n)s placebo estimates only (the "
    "smallest possible is %(smallest)s)",
    "proof": "an estimate is not a proof: check the event-study gaps before the start year",
    "pretrend": "the gap trended before %(start)s (slope %(slope)s per year, p = %(p)s): "
    "parallel trends are doubtful and the estimate is likely biased",
    "two-pre": "only 2 pre years: the parallel-trends check cannot be tested (slope only)",
    "data": "%(region)s: %(caveat)s",
    "benchmark": "benchmark: %(note)s",
    "structure-year": "the structural indicators are of 2017: a similarity measured after the "
    "start year can reflect the strategy itself",
    "left-out": "control %(region)s left out: %(reason)s",
    "measured-as": "control %(region)s left out: it is measured as %(other)s",
    "missing-years": "control %(region)s left out: values missing in some years",
    "same-country": "controls in the same country as %(region)s (%(controls)s) share its "
    "national policies: a national effect cancels out, a spillover biases the estimate",
    "all-treated": "every EU region had a smart specialisation strategy in 2014-2020 (an "
    "ex-ante conditionality of the ERDF): the controls are not untreated, so the estimate "
    "compares this region's path with similar regions' under their own strategies",
}
#: The values of :data:`NOTES` that are English prose (the caveats of the data, the notes of
#: the benchmark service, the reasons of a refusal).
PROSE = frozenset({"caveat", "note", "reason"})


def say(key: str, **values: Any) -> dict[str, Any]:
    """One caveat or note: its template's ``key``, the ``values`` it names (as text) and its
    English ``text``.

    >>> say("missing-years", region="CZ02")["text"]
    'control CZ02 left out: values missing in some years'
    """
    values = {k: str(v) for k, v in values.items()}
    return {"key": key, "values": values, "text": NOTES[key] % values}


@dataclass(frozen=True)
class DidResult:
    """A difference-in-differences estimate with its checks (see the module)."""

    treated: str
    start: int
    controls: list[str]
    pre_years: list[int]
    post_years: list[int]
    att: float
    twfe: float
    means: dict[str, float]
    pretrend: dict[str, Any]
    event_study: list[dict[str, Any]]
    placebo: dict[str, Any]
    assumptions: list[str] = field(default_factory=lambda: list(ASSUMPTIONS))
    caveats: list[str] = field(default_factory=list)
    said: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN as ``None``)."""
        return _clean(asdict(self))


def _clean(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if isinstance(x, float | np.floating):
        f = float(x)
        return f + 0.0 if math.isfinite(f) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


# ------------------------------------------------------------------------------ the panel
def _wide(panel: pd.DataFrame) -> pd.DataFrame:
    """``region, year, value`` rows as a year x region table (refusing duplicates)."""
    missing = [c for c in ("region", "year", "value") if c not in panel.columns]
    if missing:
        raise ValidationError(
            "the panel lacks columns",
            expected="columns region, year, value",
            found=", ".join(map(str, panel.columns)),
        )
    frame = panel[["region", "year", "value"]].copy()
    frame["region"] = frame["region"].astype(str)
    frame["year"] = frame["year"].astype(int)
    dup = frame.duplicated(["region", "year"])
    if dup.any():
        first = frame[dup].iloc[0]
        raise ValidationError(
            "the panel has two values for one region and year",
            expected="one value per region and year",
            found=f"{first['region']} {first['year']}",
        )
    return frame.pivot(index="year", columns="region", values="value").sort_index()


def _check(wide: pd.DataFrame, treated: str, start: int, controls: list[str]) -> None:
    if treated not in wide.columns:
        raise ValidationError(
            f"the treated region {treated} is not in the panel",
            expected="a region of the panel",
            found=treated,
        )
    if treated in controls:
        raise ValidationError(
            "the treated region is also a control",
            expected="controls other than the treated region",
            found=treated,
            fix="remove it from the controls",
        )
    absent = [c for c in controls if c not in wide.columns]
    if absent:
        raise ValidationError(
            "control regions are not in the panel",
            expected="controls with values in the panel",
            found=", ".join(absent),
        )
    if len(controls) < 2:
        raise ValidationError(
            "a difference-in-differences needs at least 2 control regions",
            expected="2 or more controls (10 or so for a placebo p-value below 0.1)",
            found=str(len(controls)),
            fix="ask for more similar regions as controls",
        )
    years = list(wide.index)
    pre = [y for y in years if y < start]
    post = [y for y in years if y >= start]
    if len(pre) < 2 or len(post) < 1:
        raise ValidationError(
            "too few years around the start year",
            expected=f"at least 2 years before {start} and 1 from {start} on",
            found=f"{len(pre)} before, {len(post)} from {start} on "
            f"({years[0] if years else '-'}-{years[-1] if years else '-'})",
            fix="choose a start year inside the data's years, or a longer series",
        )
    block = wide[[treated, *controls]]
    holes = block.isna()
    if holes.any().any():
        cells = [f"{r} {y}" for y, row in holes.iterrows() for r, gone in row.items() if gone]
        raise ValidationError(
            "the panel has missing values",
            expected="a value for every region and year (a balanced panel)",
            found=", ".join(cells[:8]) + (f" and {len(cells) - 8} more" if len(cells) > 8 else ""),
            fix="drop the regions or years without values, or fill them from the source",
        )


def _att(wide: pd.DataFrame, treated: str, controls: list[str], start: int) -> float:
    t = wide[treated]
    c = wide[controls].mean(axis=1)
    post = wide.index >= start
    return float((t[post].mean() - t[~post].mean()) - (c[post].mean() - c[~post].mean()))


def _twfe(wide: pd.DataFrame, treated: str, controls: list[str], start: int) -> float:
    """The coefficient of the treated-and-after dummy in a regression with region and year
    fixed effects (least squares on dummies)."""
    regions = [treated, *controls]
    years = list(wide.index)
    rows = [(i, j) for i in range(len(regions)) for j in range(len(years))]
    x = np.zeros((len(rows), len(regions) + len(years) - 1 + 1))
    y = np.empty(len(rows))
    for k, (i, j) in enumerate(rows):
        x[k, i] = 1.0
        if j > 0:
            x[k, len(regions) + j - 1] = 1.0
        x[k, -1] = float(i == 0 and years[j] >= start)
        y[k] = float(wide.iat[j, wide.columns.get_loc(regions[i])])
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    return float(beta[-1])


def _pretrend(gap: pd.Series, start: int) -> dict[str, Any]:
    """OLS slope of the treated-control gap on the pre years, its standard error and p-value."""
    from scipy import stats

    pre = gap[gap.index < start]
    t = np.asarray(pre.index, dtype=float)
    g = pre.to_numpy(dtype=float)
    n = len(t)
    slope, intercept = np.polyfit(t, g, 1)
    out: dict[str, Any] = {
        "slope": float(slope),
        "se": None,
        "p_value": None,
        "n_years": n,
        "flagged": False,
        "rule": f"the gap's pre-start slope is flagged when its two-sided p-value is below "
        f"{PRETREND_ALPHA:g} (OLS on {n} pre years; needs 3 or more)",
    }
    if n >= 3:
        resid = g - (intercept + slope * t)
        sxx = float(((t - t.mean()) ** 2).sum())
        s2 = float((resid**2).sum()) / (n - 2)
        se = math.sqrt(s2 / sxx)
        if se > 1e-12 * max(1.0, abs(float(slope))):
            p = float(2 * stats.t.sf(abs(slope) / se, df=n - 2))
        else:  # an exact line: any slope is certain
            se = 0.0
            p = 0.0 if abs(slope) > 1e-12 else 1.0
        out.update(se=se, p_value=p, flagged=p < PRETREND_ALPHA)
    return out


def did(
    panel: pd.DataFrame, treated: str, start: int, controls: list[str] | None = None
) -> DidResult:
    """Difference-in-differences of ``treated`` against ``controls`` from year ``start``.

    Parameters
    ----------
    panel : pandas.DataFrame
        Columns ``region, year, value``: one row per region and year, no missing values for
        the regions used.
    treated : str
        The region that adopted the strategy.
    start : int
        The first year of the strategy (the first "post" year).
    controls : list of str, optional
        The control regions (default: every other region of the panel); at least 2.

    Returns
    -------
    DidResult
        The 2x2 ATT and the two-way fixed-effects estimate, the four means, the pre-trend test,
        the event-study gaps, the placebo p-value, the assumptions and caveats.

    Raises
    ------
    ValidationError
        Fewer than 2 pre years or 1 post year, fewer than 2 controls, missing values, or a
        region not in the panel.

    Examples
    --------
    >>> panel = pd.DataFrame({"region": list("TTTAAABBB"), "year": [2010, 2011, 2012] * 3,
    ...                       "value": [10, 12, 20, 5, 6, 8, 7, 8, 12]})
    >>> r = did(panel, "T", 2012)   # (20 - 11) - (10 - 6.5)
    >>> round(r.att, 6), round(r.twfe, 6), r.placebo["n"]
    (5.5, 5.5, 2)
    """
    wide = _wide(panel)
    treated = str(treated)
    start = int(start)
    ctrl = (
        [str(c) for c in wide.columns if str(c) != treated]
        if controls is None
        else list(dict.fromkeys(str(c) for c in controls))
    )
    _check(wide, treated, start, ctrl)
    wide = wide[[treated, *ctrl]]
    post_mask = wide.index >= start
    pre_years = [int(y) for y in wide.index[~post_mask]]
    post_years = [int(y) for y in wide.index[post_mask]]
    t = wide[treated]
    c = wide[ctrl].mean(axis=1)
    att = _att(wide, treated, ctrl, start)
    gap = t - c
    base_year = pre_years[-1]
    event = [
        {
            "year": int(y),
            "relative": int(y) - start,
            "treated": float(t[y]),
            "controls": float(c[y]),
            "gap": float(gap[y]),
            "vs_last_pre": float(gap[y] - gap[base_year]),
        }
        for y in wide.index
    ]
    placebos = {
        p: _att(wide.drop(columns=[treated]), p, [q for q in ctrl if q != p], start) for p in ctrl
    }
    larger = sum(abs(v) >= abs(att) - 1e-12 for v in placebos.values())
    p_value = (1 + larger) / (1 + len(placebos))
    rank = 1 + sum(abs(v) > abs(att) + 1e-12 for v in placebos.values())
    pretrend = _pretrend(gap, start)
    said = [
        say("placebo", n=len(placebos), smallest=f"{1 / (1 + len(placebos)):.3f}"),
        say("proof"),
    ]
    if pretrend["flagged"]:
        said.append(
            say(
                "pretrend",
                start=start,
                slope=f"{pretrend['slope']:.4g}",
                p=f"{pretrend['p_value']:.3g}",
            )
        )
    if pretrend["se"] is None:
        said.append(say("two-pre"))
    return DidResult(
        said=said,
        caveats=[s["text"] for s in said],
        treated=treated,
        start=start,
        controls=ctrl,
        pre_years=pre_years,
        post_years=post_years,
        att=att,
        twfe=_twfe(wide, treated, ctrl, start),
        means={
            "treated_pre": float(t[~post_mask].mean()),
            "treated_post": float(t[post_mask].mean()),
            "controls_pre": float(c[~post_mask].mean()),
            "controls_post": float(c[post_mask].mean()),
        },
        pretrend=pretrend,
        event_study=event,
        placebo={
            "p_value": p_value,
            "rank": rank,
            "n": len(placebos),
            "estimates": [{"region": k, "att": v} for k, v in placebos.items()],
            "rule": "p = (1 + placebos with |ATT| at least the real one) / (1 + placebos); "
            "each control treated as if it had adopted the strategy, against the other "
            "controls (Abadie, Diamond & Hainmueller 2010)",
        },
    )


# ------------------------------------------------------------------------------ the service
def evaluate(
    app: SmartSpecApp,
    actor: Account | None,
    region: str,
    *,
    spec: dict[str, Any],
    start: int,
    controls: int | list[str] = 10,
    measure: str = "structure",
) -> dict[str, Any]:
    """Difference-in-differences of a computed indicator for ``region`` from ``start``.

    Parameters
    ----------
    app : SmartSpecApp
        The platform.
    actor : Account or None
        Who asks (reading must be allowed).
    region : str
        The region that adopted the strategy (a code of the data, or a finer NUTS code).
    spec : dict
        A computed indicator's spec (:func:`~.compute.check_spec`): the series compared.
    start : int
        The first year of the strategy.
    controls : int or list of str
        How many similar regions (the benchmark domain's :func:`similar_regions` by
        ``measure``), or the control regions themselves.
    measure : str
        The benchmark similarity measure (``structure``, ``activity``, ``priorities``,
        ``combined``) when ``controls`` is a number.

    Returns
    -------
    dict
        ``region``, ``spec``, ``start``, ``unit``, ``data_version``, ``controls`` (with
        similarity scores when chosen by the benchmark), ``series`` by region, ``did``
        (:meth:`DidResult.to_dict`) and ``notes``.
    """
    from smartspec.domains.accounts.rules import require_reader

    from .compute import _compute, check_spec

    require_reader(actor, bool(app.settings.get("public_read", True)), "evaluating a strategy")
    spec = check_spec(spec)
    first, code = _compute(app, spec, region)
    notes: list[dict[str, Any]] = [say("data", region=region, caveat=c) for c in first.caveats]
    chosen: list[dict[str, Any]] = []
    if isinstance(controls, int):
        from smartspec.domains.benchmark.service import MAX_TOP, similar_regions

        if not 2 <= controls <= MAX_TOP:
            raise ValidationError(
                "the number of control regions is out of bounds",
                where="controls",
                expected=f"2 to {MAX_TOP}",
                found=str(controls),
            )
        view = similar_regions(
            app,
            region if measure == "priorities" else code,  # the registry's own (NUTS 3) codes
            top=min(MAX_TOP, controls + 5),
            measure=measure,
            dataset=spec.get("dataset"),
            actor=actor,
        )
        chosen = [{"region": i.region, "name": i.name, "score": i.score} for i in view.items]
        notes += [say("benchmark", note=n) for n in view.notes]
        if measure == "structure":
            notes.append(say("structure-year"))
        wanted = [c["region"] for c in chosen]
    else:
        wanted = [str(c).strip() for c in controls if str(c).strip()]
        chosen = [{"region": c, "name": None, "score": None} for c in wanted]
    series: dict[str, dict[int, float]] = {code: first.values}
    used: list[dict[str, Any]] = []
    for item in chosen:
        if len(used) >= (controls if isinstance(controls, int) else len(wanted)):
            break
        try:
            got, other = _compute(app, spec, item["region"])
        except (KeyError, ValidationError) as exc:
            notes.append(say("left-out", region=item["region"], reason=exc))
            continue
        if other == code or other in series:
            notes.append(say("measured-as", region=item["region"], other=other))
            continue
        series[other] = got.values
        used.append({**item, "region": other})
    years = sorted(first.values)
    keep = [c for c in used if all(y in series[c["region"]] for y in years)]
    for c in used:
        if c not in keep:
            notes.append(say("missing-years", region=c["region"]))
    same = [c["region"] for c in keep if c["region"][:2] == code[:2]]
    if same:
        notes.append(say("same-country", region=code, controls=", ".join(same)))
    notes.append(say("all-treated"))
    rows = [
        {"region": r, "year": y, "value": series[r][y]}
        for r in [code, *(c["region"] for c in keep)]
        for y in years
    ]
    panel = pd.DataFrame(rows, columns=["region", "year", "value"])
    result = did(panel, code, start, [c["region"] for c in keep])
    return {
        "region": code,
        "spec": spec,
        "start": int(start),
        "unit": first.unit,
        "data_version": first.data_version,
        "similarity": measure if isinstance(controls, int) else None,
        "controls": keep,
        "series": {
            r: [{"year": y, "value": series[r][y]} for y in years]
            for r in [code, *(c["region"] for c in keep)]
        },
        "did": result.to_dict(),
        "notes": [n["text"] for n in notes],
        "said": notes,
    }
