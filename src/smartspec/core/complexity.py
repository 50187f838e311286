"""Economic complexity: ECI / PCI by the eigenvector method, the method of reflections, and
Fitness-Complexity.

The eigenvector method decomposes a symmetric matrix similar to ``Mcc`` (stable, with real
eigenvalues) and reports the spectral gap, so the reader can see when ECI is ill-defined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _kernels as kernels
from . import _labels as labels
from ._steps import PresenceMethod, Steps
from .catalogue import register
from .errors import ValidationError, format_examples, notify
from .matrix import ActivityMatrix
from .profiles import Profile

__all__ = [
    "PROBLEMS",
    "ComplexityResult",
    "FitnessResult",
    "check_complexity",
    "complexity",
    "complexity_checks",
    "eci",
    "fitness",
    "pci",
]


@dataclass(frozen=True)
class ComplexityResult:
    """ECI of regions and PCI of activities, with the diagnostics of the computation.

    Attributes
    ----------
    eci : pandas.Series
        Index ``(period, region)``; NaN for regions left out (zero diversity).
    pci : pandas.Series
        Index ``(period, activity)``; NaN for activities left out (zero ubiquity).
    diagnostics : pandas.DataFrame
        One row per period: the three largest eigenvalues, the spectral gap, whether the sign
        was flipped, the raw mean and sd used to standardise, and counts.
    method : str
        ``"eigen"`` or ``"reflections"``.
    profile : str
        Name of the convention profile.
    """

    eci: pd.Series
    pci: pd.Series
    diagnostics: pd.DataFrame
    method: str
    profile: str


@dataclass(frozen=True)
class FitnessResult:
    """Fitness of regions and complexity of activities (Tacchella et al. 2012).

    Attributes
    ----------
    fitness : pandas.Series
        Index ``(period, region)``; mean 1 over the regions with presence; NaN otherwise.
    complexity : pandas.Series
        Index ``(period, activity)``; mean 1 over activities with presence; NaN otherwise.
    iterations : pandas.Series
        Iterations run in each period.
    converged : pandas.Series
        Whether each period met the tolerance before ``max_iter``.
    """

    fitness: pd.Series
    complexity: pd.Series
    iterations: pd.Series
    converged: pd.Series


def complexity(
    m: ActivityMatrix,
    *,
    method: Literal["eigen", "reflections"] = "eigen",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    iterations: int = 20,
    profile: str | Profile = "atlas",
) -> ComplexityResult:
    """Economic Complexity Index of regions and Product (activity) Complexity Index.

    Parameters
    ----------
    m : ActivityMatrix
    method : {"eigen", "reflections"}
        ``"eigen"`` (default): the eigenvector method. ``"reflections"``: the method of
        reflections, z-scored after each step, as a diagnostic (it converges to the same ranking
        when the spectral gap is healthy).
    presence, threshold, strict, population
        Presence options, see :func:`smartspec.core.specialisation.presence`.
    iterations : int
        Number of reflections (even numbers compare like with like).
    profile : str or Profile
        Conventions: standardisation of ECI and PCI, sign rule (see
        :mod:`smartspec.core.profiles`).

    Returns
    -------
    ComplexityResult

    Warns
    -----
    SmartSpecWarning
        When regions or activities are left out (NaN), naming them, or when the spectral gap
        is so small that ECI is not well defined.

    Notes
    -----
    With diversity :math:`k_r` and ubiquity :math:`k_a`,

    .. math:: \\tilde M_{rr'} = \\sum_a \\frac{M_{ra} M_{r'a}}{k_r k_a}

    ECI is the eigenvector :math:`e` of the second-largest eigenvalue :math:`\\lambda` of
    :math:`\\tilde M`. It is computed from the symmetric matrix
    :math:`S = D^{-1/2}_{k_r} M D^{-1}_{k_a} M^T D^{-1/2}_{k_r}` (same eigenvalues,
    :math:`e = D^{-1/2}_{k_r} v`), or its activity-side twin when there are fewer activities.
    PCI is :math:`q = D^{-1}_{k_a} M^T e / \\lambda`, so that ECI is the mean PCI of a
    region's activities. Sign: ECI correlates positively with diversity (profile ``sign``).
    The ``atlas`` profile standardises ECI with the mean and sample sd taken over the long
    region x activity rows and puts PCI in the same scale, as the Growth Lab's Stata code does.

    References
    ----------
    Hidalgo, C. A., & Hausmann, R. (2009). The building blocks of economic complexity. PNAS,
    106(26), 10570-10575. doi:10.1073/pnas.0900943106
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.
    Mealy, P., Farmer, J. D., & Teytelboym, A. (2019). Interpreting economic complexity. Science
    Advances, 5(1), eaau1705. doi:10.1126/sciadv.aau1705

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> res = complexity(m, presence="manual")
    >>> res.eci.round(3).tolist()
    [1.299, 0.433, -0.433, -1.299]
    >>> bool(res.eci.idxmax() == ("all", "A"))
    True
    """
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
    )
    if method == "eigen":
        eci, pci = steps.eci, steps.pci
    elif method == "reflections":
        if iterations < 1:
            raise ValidationError(
                "reflections need at least one iteration", expected=">= 1", found=str(iterations)
            )
        eci, pci = kernels.reflections(steps.presence, iterations)
    else:
        raise ValidationError(
            f"unknown complexity method {method!r}",
            expected="'eigen' or 'reflections' (or use fitness() for Fitness-Complexity)",
            found=repr(method),
        )
    diagnostics = steps.diagnostics()
    warn_left_out(m, steps)
    return ComplexityResult(
        eci=labels.by_region(m, eci, "eci"),
        pci=labels.by_activity(m, pci, "pci"),
        diagnostics=diagnostics,
        method=method,
        profile=steps.profile.name,
    )


#: Spectral gaps (second minus third eigenvalue) below this make ECI ill-defined.
SPECTRAL_GAP_WARNING = 1e-6
#: A correlation of ECI with diversity weaker than this leaves the sign weakly determined.
SIGN_CORRELATION_WARNING = 0.1


#: A spectral gap smaller than this share of the second eigenvalue leaves ECI fragile: a small
#: change of the data can swap the second and third eigenvectors.
RELATIVE_GAP_WARNING = 0.05

#: The checks :func:`complexity_checks` runs, by stable code, with what a failure means.
PROBLEMS: dict[str, str] = {
    "weak_sign": "the sign (which end is 'complex') is weakly determined: ECI correlates "
    "weakly with what the sign rule relies on",
    "negative_income": "ECI correlates negatively with income: the regions ranked most "
    "complex are the poorer ones",
    "no_income_link": "ECI's correlation with income is not distinguishable from zero",
    "tiny_gap": "the second and third eigenvalues are close: the ranking is fragile",
    "inconsistent": "the checks fail in a third or more of the dataset's periods, so the "
    "ranking is not stable over time even where a period passes",
}

#: With at least this share of failing periods (and 3 periods or more), every period is
#: flagged ``inconsistent``.
INCONSISTENT_SHARE = 1 / 3


def complexity_checks(
    diagnostics: pd.DataFrame, external: pd.DataFrame | None = None
) -> pd.DataFrame:
    r"""Whether a complexity ranking means what it says, period by period.

    Parameters
    ----------
    diagnostics : pandas.DataFrame
        :attr:`smartspec.Evidence.diagnostics` (eigenvalues, sign rule and correlations).
    external : pandas.DataFrame, optional
        :func:`smartspec.core.external.external_validity` of ECI against income (GDP per
        head...), one row per period.

    Returns
    -------
    pandas.DataFrame
        One row per period: ``period, sign_rule, sign_correlation, income_correlation,
        relative_gap, income_n, income_rho, income_low, income_high, problems, meaningful``.
        ``problems`` is a tuple of codes of :data:`PROBLEMS`; ``meaningful`` is True when
        there is none.

    Notes
    -----
    The checks: the sign correlation that the sign rule relies on is at least
    :data:`SIGN_CORRELATION_WARNING` in absolute value (Pearson with diversity for the
    diversity rule, Spearman with income for the income anchor); the relative spectral gap
    :math:`(\lambda_2 - \lambda_3) / \lambda_2` is at least :data:`RELATIVE_GAP_WARNING`;
    and, with an income series, the interval of the ECI-income correlation lies above zero
    (Hidalgo & Hausmann 2009 validate ECI by its association with income). When a third or
    more of 3 or more periods fail, the passing periods are flagged ``inconsistent`` too: a
    ranking that flips between censuses is not evidence in any of them.

    Examples
    --------
    >>> from smartspec import analyse
    >>> from smartspec.datasets import toy
    >>> checks = complexity_checks(analyse(toy()).diagnostics)
    >>> list(checks.columns)[:3], checks["problems"].map(type).eq(tuple).all()
    (['period', 'sign_rule', 'sign_correlation'], np.True_)
    """
    d = diagnostics.reset_index(drop=True)
    rows = []
    ext = None if external is None else external.set_index("period")
    for _, row in d.iterrows():
        problems = []
        rule = row.get("sign_rule", "diversity")
        corr = row.get("income_correlation") if rule == "income" else row["sign_correlation"]
        if rule != "ubiquity" and (not np.isfinite(corr) or abs(corr) < SIGN_CORRELATION_WARNING):
            problems.append("weak_sign")
        ev2, ev3 = row["eigenvalue_2"], row["eigenvalue_3"]
        gap = (ev2 - ev3) / ev2 if np.isfinite(ev2) and ev2 > 0 else np.nan
        if np.isfinite(gap) and gap < RELATIVE_GAP_WARNING:
            problems.append("tiny_gap")
        n = rho = low = high = np.nan
        if ext is not None and row["period"] in ext.index:
            e = ext.loc[row["period"]]
            n, rho, low, high = e["n"], e["rho"], e["low"], e["high"]
            if np.isfinite(high) and high < 0:
                problems.append("negative_income")
            elif np.isfinite(low) and low <= 0:
                problems.append("no_income_link")
        rows.append(
            {
                "period": row["period"],
                "sign_rule": rule,
                "sign_correlation": row["sign_correlation"],
                "income_correlation": row.get("income_correlation", np.nan),
                "relative_gap": gap,
                "income_n": n,
                "income_rho": rho,
                "income_low": low,
                "income_high": high,
                "problems": tuple(problems),
                "meaningful": not problems,
            }
        )
    failing = sum(bool(r["problems"]) for r in rows)
    if len(rows) >= 3 and failing >= INCONSISTENT_SHARE * len(rows):
        for r in rows:
            if not r["problems"]:
                r["problems"], r["meaningful"] = ("inconsistent",), False
    return pd.DataFrame(rows)


#: How many periods away an income series may be from the ECI it checks (nearest year).
INCOME_MAX_GAP = 3


def check_complexity(ev: Any, income: pd.Series | None = None) -> pd.DataFrame:
    """:func:`complexity_checks` of an analysis, with ECI's Spearman correlation with
    ``income`` (by region or ``(period, region)``; the nearest year within
    :data:`INCOME_MAX_GAP`) when a series is given.

    Parameters
    ----------
    ev : smartspec.Evidence
        The analysis (its ``regions`` and ``diagnostics`` tables).
    income : pandas.Series, optional
        GDP per head or another income or productivity series.

    Returns
    -------
    pandas.DataFrame
        As :func:`complexity_checks`.

    Examples
    --------
    >>> from smartspec import analyse
    >>> from smartspec.datasets import income, load
    >>> ev = analyse(load("eu-nuts2-ardeco", periods=[2015]))
    >>> row = check_complexity(ev, income("eu-nuts2-ardeco")[0]).iloc[0]
    >>> bool(row["meaningful"]), bool(row["income_low"] > 0.5)
    (True, True)
    """
    from .external import external_validity

    external = None
    if income is not None:
        external = external_validity(ev.regions, income, score_column="eci", max_gap=INCOME_MAX_GAP)
    return complexity_checks(ev.diagnostics, external)


def warn_left_out(m: ActivityMatrix, steps: Steps) -> None:
    """Warn about regions/activities left out of complexity, tiny spectral gaps, and a weakly
    determined sign."""
    sign_corr = steps.sign_correlation() if steps.profile.sign == "diversity" else None
    income_corr = steps.income_correlation() if steps.profile.sign == "income" else None
    for p_pos, period in enumerate(m.periods):
        if income_corr is not None and not np.isfinite(income_corr[p_pos]):
            notify(
                f"period {period}: fewer than 3 regions have both an ECI and an income, so the "
                "sign follows the diversity rule in this period",
                stacklevel=3,
            )
        elif income_corr is not None and abs(income_corr[p_pos]) < SIGN_CORRELATION_WARNING:
            notify(
                f"period {period}: ECI correlates only {income_corr[p_pos]:+.2f} with income, "
                "so its sign (which end is 'complex') is weakly determined by the income anchor",
                stacklevel=3,
            )
        if sign_corr is not None and abs(sign_corr[p_pos]) < SIGN_CORRELATION_WARNING:
            notify(
                f"period {period}: ECI correlates only {sign_corr[p_pos]:+.2f} with diversity, "
                "so its sign (which end is 'complex') is weakly determined; check the ranking "
                "against what is known of the regions, or use complexity_intervals()",
                stacklevel=3,
            )
        regions = m.regions[steps.diversity[p_pos] == 0]
        activities = m.activities[steps.ubiquity[p_pos] == 0]
        if len(regions):
            notify(
                f"period {period}: {len(regions)} region(s) with no presence get NaN ECI: "
                f"{format_examples(list(regions))}",
                stacklevel=3,
            )
        if len(activities):
            notify(
                f"period {period}: {len(activities)} activit(y/ies) with no presence get NaN "
                f"PCI: {format_examples(list(activities))}",
                stacklevel=3,
            )
        ev = steps.eigen.eigenvalues[p_pos]
        if np.isfinite(ev[0]) and ev[0] - ev[1] < SPECTRAL_GAP_WARNING:
            notify(
                f"period {period}: the largest eigenvalue is repeated: the region-activity "
                "network is disconnected and ECI separates its components",
                stacklevel=3,
            )
        elif np.isfinite(ev[2]) and ev[1] - ev[2] < SPECTRAL_GAP_WARNING:
            notify(
                f"period {period}: spectral gap {ev[1] - ev[2]:.2e}: the second and third "
                "eigenvalues coincide, ECI is not uniquely defined",
                stacklevel=3,
            )


def fitness(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    max_iter: int = 1000,
    tol: float = 1e-10,
    profile: str | Profile = "atlas",
) -> FitnessResult:
    """Fitness of regions and complexity of activities by the Fitness-Complexity map.

    Parameters
    ----------
    m : ActivityMatrix
    presence, threshold, strict, population
        Presence options, see :func:`smartspec.core.specialisation.presence`.
    max_iter : int
        Most iterations per period.
    tol : float
        Stop when no fitness or complexity changes by more than this, relatively.
    profile : str or Profile

    Returns
    -------
    FitnessResult

    Warns
    -----
    SmartSpecWarning
        When a period does not converge within ``max_iter``.

    Notes
    -----
    .. math:: \\tilde F_r^{(n)} = \\sum_a M_{ra} Q_a^{(n-1)}, \\qquad
              \\tilde Q_a^{(n)} = \\frac{1}{\\sum_r M_{ra} / F_r^{(n-1)}}

    each then divided by its mean. In strongly nested matrices some fitness values tend to 0
    and convergence is slow; the result reports iterations and convergence per period.

    References
    ----------
    Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A., & Pietronero, L. (2012). A new
    metrics for countries' fitness and products' complexity. Scientific Reports, 2, 723.
    doi:10.1038/srep00723

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1], [1, 0]], regions=["A", "B"],
    ...                               activities=["x", "y"])
    >>> res = fitness(m, presence="manual")
    >>> bool(res.fitness[("all", "A")] > res.fitness[("all", "B")])
    True
    """
    if max_iter < 1 or not tol > 0:
        raise ValidationError(
            "max_iter must be >= 1 and tol > 0",
            expected="e.g. max_iter=1000, tol=1e-10",
            found=f"max_iter={max_iter}, tol={tol}",
        )
    steps = Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
    )
    F, Q, iters, conv = kernels.fitness_complexity(steps.presence, max_iter=max_iter, tol=tol)
    for period, ok in zip(m.periods, conv, strict=True):
        if not ok:
            notify(
                f"period {period}: Fitness-Complexity did not converge in {max_iter} "
                "iterations (a nested matrix drives some fitness values to 0)",
                stacklevel=2,
            )
    return FitnessResult(
        fitness=labels.by_region(m, F, "fitness"),
        complexity=labels.by_activity(m, Q, "complexity"),
        iterations=pd.Series(iters, index=m.periods, name="iterations"),
        converged=pd.Series(conv, index=m.periods, name="converged"),
    )


@register(
    "eci",
    level="region",
    summary="Economic Complexity Index (eigenvector method)",
    reference="Hidalgo & Hausmann (2009)",
)
def eci(m: ActivityMatrix, **options: Any) -> pd.Series:
    """ECI of every region: ``complexity(m, **options).eci`` (see :func:`complexity`)."""
    return complexity(m, **options).eci


@register(
    "pci",
    level="activity",
    summary="Product (activity) Complexity Index",
    reference="Hidalgo & Hausmann (2009)",
)
def pci(m: ActivityMatrix, **options: Any) -> pd.Series:
    """PCI of every activity: ``complexity(m, **options).pci`` (see :func:`complexity`)."""
    return complexity(m, **options).pci


@register(
    "fitness",
    level="region",
    summary="Fitness of regions (Fitness-Complexity)",
    reference="Tacchella et al. (2012)",
)
def _fitness_of_regions(m: ActivityMatrix, **options: Any) -> pd.Series:
    return fitness(m, **options).fitness
