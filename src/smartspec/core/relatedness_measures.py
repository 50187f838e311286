"""The relatedness family and the variants of relatedness density.

:func:`relatedness` computes one of several activity x activity relatedness measures from the
same presence (or RCA, or values) as :func:`smartspec.core.relatedness.proximity`, labelled the
same way (index ``(period, activity_from)``, one column per ``activity_to``):

================================  ===============================================================
``measure``                       what it is
================================  ===============================================================
``"proximity"``                   min conditional probability (Hidalgo et al. 2007), as
                                  :func:`~smartspec.core.relatedness.proximity`
``"conditional"``                 asymmetric ``P(M_to = 1 | M_from = 1) = C_ij / k_i``
``"cosine"``                      ``C_ij / sqrt(k_i k_j)`` (``on="rca"``/``"values"``: cosine of
                                  the continuous columns)
``"jaccard"``                     ``C_ij / (k_i + k_j - C_ij)`` (continuous: Ruzicka)
``"association_strength"``        ``C_ij / (S_i S_j / T)``, van Eck & Waltman (2009)
``"correlation"``                 Pearson correlation of RCA columns across regions, optionally
                                  weighted by region size
``"observed_expected"``           ``C_ij / E_ij`` (or the z-score) against the hypergeometric
                                  expectation ``E_ij = k_i k_j / R``
``"validated"``                   1 for pairs whose co-occurrence exceeds a null model
                                  (degree-preserving permutations or the hypergeometric), after
                                  Benjamini-Hochberg; 0 otherwise
================================  ===============================================================

with ``M`` the 0/1 presence, ``C = M'M`` the co-occurrence, ``k_i = C_ii`` the ubiquity, ``R``
the number of regions. Each measure is in the catalogue as ``relatedness_<measure>``
(``proximity`` stays ``"proximity"``).

Density variants use any of these weights or the user's: :func:`density_from` (any activity x
activity matrix, also across two activity spaces built by :func:`cross_relatedness`),
:func:`density_loro` (leave-one-region-out proximity), :func:`relative_density` (within-region
z-score), :func:`external_density` (from neighbouring regions' presence),
:func:`portfolio_density` (inside / outside the region's portfolio), :func:`distance`
(1 - density) and :func:`cog_variant` (the complexity outlook gain formulas in use).

Presence options (``presence``, ``threshold``, ``strict``, ``population``, ``profile``) are those
of :func:`smartspec.core.specialisation.presence`; ``diagonal`` and ``knn`` those of
:func:`smartspec.core.relatedness.relatedness_density`.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from . import _kernels as kernels
from . import _labels as labels
from . import _relatedness_kernels as rk
from ._resampling import Seed, check_count, generator
from ._steps import PresenceMethod, Steps
from .catalogue import register
from .errors import ValidationError, format_examples
from .matrix import ActivityMatrix
from .profiles import Profile, get_profile

__all__ = [
    "MEASURES",
    "ObservedExpected",
    "ValidatedRelatedness",
    "cog_variant",
    "cross_relatedness",
    "density_from",
    "density_loro",
    "distance",
    "external_density",
    "loro_proximity",
    "observed_expected",
    "portfolio_density",
    "relatedness",
    "relative_density",
    "validated_relatedness",
]

Measure = Literal[
    "proximity",
    "conditional",
    "cosine",
    "jaccard",
    "association_strength",
    "correlation",
    "observed_expected",
    "validated",
]
MEASURES: tuple[str, ...] = (
    "proximity",
    "conditional",
    "cosine",
    "jaccard",
    "association_strength",
    "correlation",
    "observed_expected",
    "validated",
)
On = Literal["presence", "rca", "values"]
#: What each measure compares by default, and what else it accepts (``on=``).
_ON: dict[str, tuple[str, ...]] = {
    "cosine": ("presence", "rca", "values"),
    "jaccard": ("presence", "rca", "values"),
    "correlation": ("rca", "presence", "values"),
}
Null = Literal["permutation", "hypergeometric"]
Correction = Literal["bh", "bonferroni", "none"]
CogVariant = Literal["atlas", "oec", "coi_change"]


def _choice(value: object, allowed: Sequence[str], name: str) -> None:
    if value not in allowed:
        raise ValidationError(
            f"unknown {name} {value!r}",
            expected=f"one of {', '.join(allowed)}",
            found=repr(value),
        )


def _steps(
    m: ActivityMatrix,
    presence: PresenceMethod,
    threshold: float | None,
    strict: bool | None,
    population: pd.Series | None,
    profile: str | Profile,
    *,
    diagonal: str | None = None,
    knn: int | None = None,
) -> Steps:
    return Steps(
        m,
        profile=profile,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        diagonal=diagonal,
        knn=knn,
    )


def _min_conditional_only(steps: Steps, name: str) -> None:
    """The leave-one-region-out kernels compute the min-conditional proximity only."""
    if steps.profile.proximity != "min_conditional":
        raise ValidationError(
            f"{name} computes the min-conditional proximity only",
            expected="a profile with proximity='min_conditional'",
            found=f"proximity={steps.profile.proximity!r}",
            fix="use relatedness_density(m, proximity=...) for the other measures",
        )


# ============================================================================ the family
@dataclass(frozen=True)
class ObservedExpected:
    """Co-occurrence against its expectation under independence.

    Attributes
    ----------
    observed, expected, ratio, zscore : pandas.DataFrame
        Activity pairs (index ``(period, activity_from)``, columns ``activity_to``):
        ``C_ij``, ``E_ij = k_i k_j / R``, ``C_ij / E_ij`` and
        ``(C_ij - E_ij) / sd_ij`` with the hypergeometric sd. NaN where undefined (an activity
        present nowhere, or everywhere for the z-score).
    """

    observed: pd.DataFrame
    expected: pd.DataFrame
    ratio: pd.DataFrame
    zscore: pd.DataFrame


@dataclass(frozen=True)
class ValidatedRelatedness:
    """Statistically validated relatedness: the pairs whose co-occurrence beats a null model.

    Attributes
    ----------
    edges : pandas.DataFrame
        1.0 for a validated pair, 0.0 otherwise (diagonal 0).
    pvalue : pandas.DataFrame
        One-sided p-value of ``C_ij`` under the null (NaN on the diagonal).
    adjusted : pandas.DataFrame
        p-values adjusted for multiple testing over the pairs tested in each period (NaN for a
        pair not tested: an activity present nowhere or everywhere).
    observed, null_mean, null_sd : pandas.DataFrame
        Co-occurrence and its mean and sd under the null.
    null, correction : str
    alpha : float
    n_null : int
        Null draws (0 for the analytical hypergeometric null).
    seed : int or None
    """

    edges: pd.DataFrame
    pvalue: pd.DataFrame
    adjusted: pd.DataFrame
    observed: pd.DataFrame
    null_mean: pd.DataFrame
    null_sd: pd.DataFrame
    null: str
    correction: str
    alpha: float
    n_null: int
    seed: int | None


def relatedness(
    m: ActivityMatrix,
    *,
    measure: Measure = "proximity",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    on: On | None = None,
    weighted: bool = False,
    statistic: Literal["ratio", "zscore"] = "ratio",
    null: Null = "permutation",
    n_null: int = 200,
    alpha: float = 0.05,
    correction: Correction = "bh",
    seed: Seed = None,
    n_swaps: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness between activities by one of several measures.

    Parameters
    ----------
    m : ActivityMatrix
    measure : str
        One of :data:`MEASURES` (see Notes).
    presence, threshold, strict, population, profile
        Presence options, see :func:`smartspec.core.specialisation.presence`.
    diagonal : {"zero", "one", "keep"}, optional
        An activity's relatedness to itself: 0 (the profile's, ``atlas``), 1 (where defined) or
        the formula's value. ``"validated"`` always has a 0 diagonal.
    on : {"presence", "rca", "values"}, optional
        What ``cosine``, ``jaccard`` and ``correlation`` compare: the 0/1 presence columns
        (default of cosine and Jaccard), the RCA columns (default of correlation) or the raw
        values. Refused for the other measures.
    weighted : bool
        ``correlation`` only: weight each region by its size (its total value), so that a
        handful of tiny regions do not drive the correlation.
    statistic : {"ratio", "zscore"}
        ``observed_expected`` only: the ratio ``C / E`` or the z-score.
    null, n_null, alpha, correction, seed, n_swaps
        ``validated`` only, see :func:`validated_relatedness`.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, activity_from)``, one column per ``activity_to``. Symmetric except
        ``conditional``. NaN where undefined (0/0: an activity present nowhere).

    Raises
    ------
    ValidationError
        An unknown measure or option, or an option the measure does not use.

    Notes
    -----
    With ``C_ij = sum_r M_ri M_rj``, ``k_i = C_ii`` and ``R`` regions:

    - ``proximity``: :math:`\\phi_{ij} = C_{ij} / \\max(k_i, k_j)` (Hidalgo et al. 2007).
    - ``conditional``: :math:`P(j \\mid i) = C_{ij} / k_i`, row = ``activity_from`` (the
      conditional probabilities whose minimum is the proximity; py-ecomplexity's
      ``proximity(asymmetric=True)``).
    - ``cosine``: :math:`C_{ij} / \\sqrt{k_i k_j}`; ``on="rca"|"values"``:
      :math:`\\sum_r x_{ri} x_{rj} / (\\lVert x_i \\rVert \\lVert x_j \\rVert)`.
    - ``jaccard``: :math:`C_{ij} / (k_i + k_j - C_{ij})`; ``on="rca"|"values"``: Ruzicka's
      weighted Jaccard :math:`\\sum_r \\min(x_{ri}, x_{rj}) / \\sum_r \\max(x_{ri}, x_{rj})`.
      Cosine and Jaccard use the occurrences ``k_i``, as van Eck & Waltman (2009) define them
      for occurrence data; R EconGeo's ``relatedness(method="cosine"|"jaccard")`` uses the
      co-occurrence totals ``S_i`` instead (a different quantity).
    - ``association_strength``: :math:`AS_{ij} = C_{ij} / (S_i S_j / T)`,
      :math:`S_i = \\sum_{j \\ne i} C_{ij}`, :math:`T = \\sum_i S_i` (van Eck & Waltman 2009;
      R EconGeo's ``relatedness(method="association")``, there with a 0 diagonal too).
    - ``correlation``: the (weighted) Pearson correlation of the columns across regions, in
      [-1, 1]; regions with an undefined RCA (no value at all) are left out.
      py-ecomplexity's ``proximity(continuous=True)`` is :math:`(1 + \\rho) / 2` on RCA.
    - ``observed_expected``: :math:`C_{ij} / E_{ij}`, :math:`E_{ij} = k_i k_j / R`, the
      expected co-occurrence when the regions of each activity are drawn independently with
      the ubiquities fixed (hypergeometric); ``statistic="zscore"`` gives
      :math:`(C_{ij} - E_{ij}) / \\sigma_{ij}`,
      :math:`\\sigma^2_{ij} = k_i k_j (R - k_i)(R - k_j) / (R^2 (R - 1))`: Teece et al.'s
      (1994) survivor-based relatedness with regions in place of firms. Neffke & Henning
      (2013) use the same observed / expected ratio on labour flows.
    - ``validated``: see :func:`validated_relatedness`.

    References
    ----------
    Hidalgo, C. A., Klinger, B., Barabási, A.-L., & Hausmann, R. (2007). The product space
    conditions the development of nations. Science, 317(5837), 482-487.
    doi:10.1126/science.1144581

    van Eck, N. J., & Waltman, L. (2009). How to normalize cooccurrence data? An analysis of
    some well-known similarity measures. JASIST, 60(8), 1635-1651. doi:10.1002/asi.21075

    Teece, D. J., Rumelt, R., Dosi, G., & Winter, S. (1994). Understanding corporate
    coherence: theory and evidence. Journal of Economic Behavior & Organization, 23(1), 1-30.
    doi:10.1016/0167-2681(94)90094-9

    Neffke, F., & Henning, M. (2013). Skill relatedness and firm diversification. Strategic
    Management Journal, 34(3), 297-316. doi:10.1002/smj.2014

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 0, 0]],
    ...                               regions=list("ABCD"), activities=list("xyz"))
    >>> relatedness(m, measure="conditional", presence="manual").round(3)
    activity_to               x    y      z
    period activity_from
    all    x              0.000  0.5  0.000
           y              0.333  0.0  0.667
           z              0.000  1.0  0.000
    >>> relatedness(m, measure="jaccard", presence="manual").loc[("all", "y"), "z"]
    np.float64(0.6666666666666666)
    >>> relatedness(m, measure="association_strength", presence="manual").round(3)
    activity_to             x    y    z
    period activity_from
    all    x              0.0  2.0  0.0
           y              2.0  0.0  2.0
           z              0.0  2.0  0.0

    An option the measure does not use is refused:

    >>> relatedness(m, measure="jaccard", weighted=True)
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: weighted=True applies to measure='correlation' ...
    """
    _choice(measure, MEASURES, "relatedness measure")
    if weighted and measure != "correlation":
        raise ValidationError(
            "weighted=True applies to measure='correlation' only",
            expected="measure='correlation' with weighted=True",
            found=f"measure={measure!r}",
            fix="drop weighted=True, or use on='rca'/'values' for a continuous measure",
        )
    if on is not None:
        if measure not in _ON:
            raise ValidationError(
                f"on= does not apply to measure={measure!r}",
                expected=f"on= with one of {', '.join(_ON)}",
                found=f"on={on!r}",
            )
        _choice(on, _ON[measure], "on")
    _choice(statistic, ("ratio", "zscore"), "statistic")
    if measure == "validated":
        return validated_relatedness(
            m,
            presence=presence,
            threshold=threshold,
            strict=strict,
            population=population,
            null=null,
            n_null=n_null,
            alpha=alpha,
            correction=correction,
            seed=seed,
            n_swaps=n_swaps,
            profile=profile,
        ).edges
    if measure == "observed_expected":
        oe = observed_expected(
            m,
            presence=presence,
            threshold=threshold,
            strict=strict,
            population=population,
            diagonal=diagonal,
            profile=profile,
        )
        return oe.ratio if statistic == "ratio" else oe.zscore
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal)
    if measure == "proximity":
        return labels.pairs(m, steps.phi)
    on = on or (_ON[measure][0] if measure in _ON else "presence")
    X = {
        "presence": lambda: steps.presence,
        "rca": lambda: steps.rca,
        "values": lambda: steps.values,
    }[on]()
    if measure == "correlation":
        w = steps.values.sum(axis=2) if weighted else np.ones(X.shape[:2])
        out = rk.correlation(X, w)
        defined = np.isfinite(np.diagonal(out, axis1=1, axis2=2)).astype(float)
    else:
        X = np.nan_to_num(X)
        if measure == "conditional":
            out = rk.conditional(X)
        elif measure == "cosine":
            out = rk.cosine(X)
        elif measure == "jaccard":
            out = rk.jaccard(X) if on == "presence" else rk.ruzicka(X)
        else:
            out = rk.association_strength(X)
        defined = X.sum(axis=1)
    return labels.pairs(m, kernels.set_diagonal(out, steps.profile.diagonal, defined))


def observed_expected(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    profile: str | Profile = "atlas",
) -> ObservedExpected:
    """Co-occurrence against the hypergeometric expectation: ratio and z-score.

    Parameters are those of :func:`relatedness`. See its Notes (``observed_expected``) for the
    formulas and references; ``diagonal`` applies to the ratio and the z-score.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 0, 0]],
    ...                               regions=list("ABCD"), activities=list("xyz"))
    >>> oe = observed_expected(m, presence="manual")
    >>> oe.expected.loc[("all", "y"), "z"], oe.ratio.loc[("all", "y"), "z"]
    (np.float64(1.5), np.float64(1.3333333333333333))
    >>> float(oe.zscore.loc[("all", "y"), "z"])
    1.0
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal)
    C, E, ratio, z = rk.observed_expected(steps.presence)
    k = rk.ubiquity(C)
    rule = steps.profile.diagonal
    return ObservedExpected(
        observed=labels.pairs(m, C),
        expected=labels.pairs(m, E),
        ratio=labels.pairs(m, kernels.set_diagonal(ratio, rule, k)),
        zscore=labels.pairs(m, kernels.set_diagonal(z, rule, k)),
    )


def validated_relatedness(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    null: Null = "permutation",
    n_null: int = 200,
    alpha: float = 0.05,
    correction: Correction = "bh",
    seed: Seed = None,
    n_swaps: int | None = None,
    profile: str | Profile = "atlas",
) -> ValidatedRelatedness:
    """Statistically validated relatedness: keep the pairs that co-occur more than by chance.

    Parameters
    ----------
    m : ActivityMatrix
    presence, threshold, strict, population, profile
        Presence options.
    null : {"permutation", "hypergeometric"}
        ``permutation``: ``n_null`` random presence matrices with every region's diversity
        and every activity's ubiquity kept (checkerboard swaps,
        :func:`smartspec.core._resampling.swap_randomise`, one Markov chain per period started
        at the observed matrix, a draw every ``n_swaps`` attempted swaps).
        ``hypergeometric``: the analytical null with the ubiquities fixed and regions
        exchangeable, ``p = P(X >= C_ij)``, ``X ~ Hypergeom(R, k_i, k_j)`` (Tumminello et al.
        2011). The bipartite configuration model (Saracco et al. 2017) is not implemented.
    n_null : int
        Permutation draws; the smallest p-value is ``1 / (n_null + 1)``.
    alpha : float
        Level at which a pair is validated (on the adjusted p-value).
    correction : {"bh", "bonferroni", "none"}
        Multiple testing over the ``A (A - 1) / 2`` pairs tested in each period (pairs of
        activities each present somewhere but not everywhere): Benjamini-Hochberg's false
        discovery rate (default), Bonferroni's family-wise rate, or none.
    seed : int or numpy.random.Generator, optional
        Makes the permutation null reproducible.
    n_swaps : int, optional
        Attempted swaps between draws; default ten times the number of presence cells.

    Returns
    -------
    ValidatedRelatedness

    Notes
    -----
    ``p_ij = (1 + #{draws with C*_ij >= C_ij}) / (1 + n_null)`` (one-sided: relatedness is
    co-occurrence above chance). Edge ``ij`` is kept where the adjusted p-value is at most
    ``alpha``.

    References
    ----------
    Tumminello, M., Miccichè, S., Lillo, F., Piilo, J., & Mantegna, R. N. (2011).
    Statistically validated networks in bipartite complex systems. PLoS ONE, 6(3), e17994.
    doi:10.1371/journal.pone.0017994

    Saracco, F., Straka, M. J., Di Clemente, R., Gabrielli, A., Caldarelli, G., & Squartini, T.
    (2017). Inferring monopartite projections of bipartite networks: an entropy-based
    approach. New Journal of Physics, 19, 053022. doi:10.1088/1367-2630/aa6b38

    Gionis, A., Mannila, H., Mielikäinen, T., & Tsaparas, P. (2007). Assessing data mining
    results via swap randomization. ACM TKDD, 1(3), 14. doi:10.1145/1297332.1297338

    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B, 57(1),
    289-300. doi:10.1111/j.2517-6161.1995.tb02031.x

    Examples
    --------
    Two blocks of activities that always co-occur, over 12 regions:

    >>> import numpy as np
    >>> from smartspec import ActivityMatrix
    >>> block = np.kron(np.eye(2), np.ones((6, 2)))
    >>> m = ActivityMatrix.from_dense(block, regions=[f"r{i}" for i in range(12)],
    ...                               activities=list("abcd"))
    >>> v = validated_relatedness(m, presence="manual", n_null=99, seed=1)
    >>> v.edges.astype(int)
    activity_to           a  b  c  d
    period activity_from
    all    a              0  1  0  0
           b              1  0  0  0
           c              0  0  0  1
           d              0  0  1  0
    >>> float(v.pvalue.loc[("all", "a"), "b"])
    0.01
    >>> validated_relatedness(m, presence="manual", null="hypergeometric").edges.equals(v.edges)
    True
    """
    _choice(null, ("permutation", "hypergeometric"), "null model")
    _choice(correction, ("bh", "bonferroni", "none"), "multiple-testing correction")
    if not (isinstance(alpha, float | int) and 0 < alpha < 1):
        raise ValidationError("alpha must be in (0, 1)", expected="e.g. 0.05", found=repr(alpha))
    steps = _steps(m, presence, threshold, strict, population, profile)
    M = steps.presence
    R = M.shape[1]
    C = kernels.co_occurrence(M)
    k = rk.ubiquity(C)
    used_seed = seed if isinstance(seed, int) else None
    if null == "permutation":
        n_null = check_count(n_null, "n_null")
        if n_swaps is None:
            n_swaps = max(100, 10 * int(M.sum(axis=(1, 2)).max()))
        n_swaps = check_count(n_swaps, "n_swaps")
        p, mean, sd = rk.permutation_pvalues(M, n_null=n_null, n_swaps=n_swaps, rng=generator(seed))
    else:
        n_null = 0
        ki, kj = k[:, :, None], k[:, None, :]
        from scipy.stats import hypergeom  # imported here: scipy.stats costs 0.4 s to load

        p = hypergeom.sf(C - 1, R, ki, kj)
        mean = ki * kj / R
        sd = np.sqrt(ki * kj * (R - ki) * (R - kj) / (R * R * (R - 1.0)))
    varies = (k > 0) & (k < R)
    tested = varies[:, :, None] & varies[:, None, :]
    idx = np.arange(M.shape[2])
    p[:, idx, idx] = np.nan
    adjusted = rk.adjust_pvalues(p, tested, correction)
    with np.errstate(invalid="ignore"):
        edges = (adjusted <= alpha).astype(np.float64)
    return ValidatedRelatedness(
        edges=labels.pairs(m, edges),
        pvalue=labels.pairs(m, p),
        adjusted=labels.pairs(m, adjusted),
        observed=labels.pairs(m, C),
        null_mean=labels.pairs(m, mean),
        null_sd=labels.pairs(m, sd),
        null=null,
        correction=correction,
        alpha=float(alpha),
        n_null=n_null,
        seed=used_seed,
    )


def _register_measure(measure: str, summary: str, reference: str) -> None:
    def compute(m: ActivityMatrix, **options: object) -> pd.DataFrame:
        return relatedness(m, measure=measure, **options)  # type: ignore[arg-type]

    compute.__name__ = f"relatedness_{measure}"
    compute.__qualname__ = compute.__name__
    compute.__doc__ = (
        f"``relatedness(m, measure={measure!r}, **options)``; see :func:`relatedness`."
    )
    register(f"relatedness_{measure}", level="activity_pair", summary=summary, reference=reference)(
        compute
    )


for _measure, _summary, _reference in (
    (
        "conditional",
        "Conditional probability of co-occurrence (asymmetric)",
        "Hidalgo et al. (2007)",
    ),
    (
        "cosine",
        "Cosine similarity of presence (or RCA / values) columns",
        "van Eck & Waltman (2009)",
    ),
    ("jaccard", "Jaccard index of presence (Ruzicka on RCA / values)", "van Eck & Waltman (2009)"),
    (
        "association_strength",
        "Association strength C_ij / (S_i S_j / T)",
        "van Eck & Waltman (2009)",
    ),
    (
        "correlation",
        "Correlation of RCA columns across regions (optionally size-weighted)",
        "Hidalgo et al. (2007); py-ecomplexity continuous proximity",
    ),
    (
        "observed_expected",
        "Co-occurrence / hypergeometric expectation (or z-score)",
        "Teece et al. (1994); Neffke & Henning (2013)",
    ),
    (
        "validated",
        "Pairs co-occurring above a degree-preserving null (BH-adjusted)",
        "Tumminello et al. (2011); Saracco et al. (2017)",
    ),
):
    _register_measure(_measure, _summary, _reference)


# ============================================================================ LORO
def loro_proximity(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Leave-one-region-out proximity: for each region, the proximity computed without it.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region, activity_from)``, one column per ``activity_to``: ``R`` times
        the size of :func:`~smartspec.core.relatedness.proximity` (for large matrices use
        :func:`density_loro`, which never holds them all).

    Notes
    -----
    .. math:: \\phi^{(-r)}_{ij} = \\frac{C_{ij} - M_{ri} M_{rj}}
              {\\max(k_i - M_{ri}, k_j - M_{rj})}

    Presence is computed once on the whole matrix (RCA relative to every region); only the
    co-occurrence counts leave the region out.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> loro_proximity(m, presence="manual").loc[("all", "A")]
    activity_to      x    y    z
    activity_from
    x              0.0  0.0  0.0
    y              0.0  0.0  1.0
    z              0.0  1.0  0.0
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal)
    _min_conditional_only(steps, "loro_proximity")
    P, R, A = m.shape
    out = np.empty((P, R, A, A))
    for p, rs, phi in rk.loro_blocks(steps.presence, steps.profile.diagonal):
        out[p, rs] = phi
    index = pd.MultiIndex.from_product(
        [m.periods, m.regions, m.activities], names=["period", "region", "activity_from"]
    )
    return pd.DataFrame(out.reshape(-1, A), index=index, columns=m.activities.rename("activity_to"))


@register(
    "density_loro",
    level="cell",
    summary="Relatedness density with leave-one-region-out proximity",
    reference="Hidalgo et al. (2007)",
)
def density_loro(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness density of each region with the proximity computed without that region.

    A region's own presence enters the co-occurrence it is then scored against: a region that
    is alone in combining two activities makes them related, and so raises its own density.
    Leaving the region out of the proximity removes that mechanical link (useful when density
    predicts the region's own entries).

    Parameters are those of :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity; NaN where an
        activity has no related activity once the region is left out.

    Notes
    -----
    .. math:: d^{LORO}_{ra} = \\frac{\\sum_{a'} M_{ra'} \\phi^{(-r)}_{a'a}}
              {\\sum_{a'} \\phi^{(-r)}_{a'a}}

    with :math:`\\phi^{(-r)}` from :func:`loro_proximity` (kNN: its ``knn`` largest per
    activity, weighted).

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1], [1, 1, 0]],
    ...                               regions=list("ABCD"), activities=list("xyz"))
    >>> density_loro(m, presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.333  1.0
           B       1.0  0.333  1.0
           C       1.0  0.333  1.0
           D       1.0  0.333  1.0

    With the proximity of all four regions, B's and C's density in ``y`` is 0.5: their own
    presence in ``y`` and ``z`` makes the two look related.
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    _min_conditional_only(steps, "density_loro")
    M = steps.presence
    out = np.empty(M.shape)
    for p, rs, phi in rk.loro_blocks(M, steps.profile.diagonal):
        W = phi if knn is None else kernels.knn_weights(phi, steps.knn)
        out[p, rs] = kernels.density(M[p, rs][:, None, :], W)[:, 0, :]
    return labels.cells(m, out)


# ============================================================================ user weights
def _weights_block(frame: pd.DataFrame, rows: pd.Index, what: str) -> tuple[np.ndarray, pd.Index]:
    """One activity x activity block aligned to ``rows``; columns reordered to ``rows`` when
    they are the same activities (one space), kept as given otherwise (two spaces)."""
    frame = frame.groupby(level=0, sort=False).first() if frame.index.has_duplicates else frame
    known = set(rows)
    given = set(frame.index)
    unknown = [a for a in frame.index if a not in known]
    missing = [a for a in rows if a not in given]
    if unknown or missing:
        raise ValidationError(
            f"the {what} does not cover the matrix's activities",
            expected=f"one row per activity of the matrix (e.g. {format_examples(list(rows[:3]))})",
            found=(f"unknown activities {format_examples(unknown)}" if unknown else "")
            + ("; " if unknown and missing else "")
            + (f"missing activities {format_examples(missing)}" if missing else ""),
            fix="relabel the relatedness matrix with the matrix's activity codes, or aggregate "
            "the matrix to the relatedness matrix's classification",
        )
    cols = frame.columns
    if set(cols) == known and len(cols) == len(rows):
        cols = rows
    values = frame.loc[list(rows), list(cols)].apply(pd.to_numeric, errors="coerce")
    W = values.to_numpy(dtype=np.float64)
    bad = ~np.isnan(W) & ~np.isfinite(W)
    if bad.any() or (values.isna() & frame.loc[list(rows), list(cols)].notna()).any().any():
        raise ValidationError(
            f"the {what} must hold finite numbers",
            expected="finite weights >= 0 (NaN counts as 0)",
            found="infinite or non-numeric weights",
        )
    if (W < 0).any():
        i, j = np.argwhere(W < 0)[0]
        raise ValidationError(
            f"the {what} has negative weights",
            expected="weights >= 0 (density is a weighted share)",
            found=f"{W[i, j]!r} between {rows[i]!r} and {cols[j]!r}"
            + (f" and {int((W < 0).sum()) - 1} more" if (W < 0).sum() > 1 else ""),
            fix="rescale the measure to be non-negative (e.g. (1 + correlation) / 2) or set "
            "negative values to 0",
        )
    return W, pd.Index(cols, name="activity")


def _align_weights(m: ActivityMatrix, weights: pd.DataFrame) -> tuple[np.ndarray, pd.Index]:
    """(P, A, B) weights for every period of ``m``, and the target activities."""
    if not isinstance(weights, pd.DataFrame):
        raise ValidationError(
            "relatedness weights are an activity x activity DataFrame",
            expected="a DataFrame indexed by activity (or by (period, activity)), one column "
            "per activity",
            found=type(weights).__name__,
        )
    if isinstance(weights.index, pd.MultiIndex):
        if weights.index.nlevels != 2:
            raise ValidationError(
                "relatedness weights need an index of activity or (period, activity)",
                expected="1 or 2 index levels",
                found=f"{weights.index.nlevels} levels",
            )
        periods = weights.index.get_level_values(0)
        blocks, cols = [], None
        for period in m.periods:
            hit = periods == period
            if not hit.any():
                hit = periods.astype(str) == str(period)
            if not hit.any():
                raise ValidationError(
                    f"the relatedness weights have no period {period!r}",
                    expected=f"periods {format_examples(list(m.periods))}",
                    found=f"periods {format_examples(list(pd.unique(periods)))}",
                    fix="pass weights for every period, or one activity x activity matrix "
                    "(without a period level) for all periods",
                )
            sub = weights[hit].droplevel(0)
            W, cols = _weights_block(sub, m.activities, "relatedness matrix")
            blocks.append(W)
        return np.stack(blocks), cols
    W, cols = _weights_block(weights, m.activities, "relatedness matrix")
    return np.repeat(W[None], m.n_periods, axis=0), cols


def density_from(
    m: ActivityMatrix,
    relatedness: pd.DataFrame,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness density with relatedness weights supplied by the user.

    Any non-negative activity x activity matrix: labour-flow (skill) relatedness,
    co-classification of patents, input-output links, one of the :func:`relatedness` measures,
    or a :func:`cross_relatedness` matrix from another activity space.

    Parameters
    ----------
    m : ActivityMatrix
        The regions whose presence counts (the "from" activity space).
    relatedness : pandas.DataFrame
        Rows: exactly the activities of ``m`` (any order); columns: the same activities (one
        space) or the activities of another space (the density is then computed for those).
        Index either ``activity`` (the same weights for every period) or
        ``(period, activity_from)`` as :func:`relatedness` returns it. NaN counts as 0. The
        diagonal is used as given (an activity counts itself where it is non-zero).
    presence, threshold, strict, population, profile
        Presence options.
    knn : int, optional
        Keep, for each target activity, the ``knn`` largest weights (weighted). One activity
        space only.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per target activity; NaN for a
        target with no positive weight.

    Raises
    ------
    ValidationError
        Unknown or missing activities, a missing period, negative, infinite or non-numeric
        weights, or ``knn`` across two spaces.

    Notes
    -----
    .. math:: d_{rb} = \\frac{\\sum_a M_{ra} w_{ab}}{\\sum_a w_{ab}}

    References
    ----------
    Neffke, F., & Henning, M. (2013). Skill relatedness and firm diversification. Strategic
    Management Journal, 34(3), 297-316. doi:10.1002/smj.2014

    Examples
    --------
    >>> import pandas as pd
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> flows = pd.DataFrame([[0, 4, 0], [4, 0, 1], [0, 1, 0]],
    ...                      index=list("xyz"), columns=list("xyz"))
    >>> density_from(m, flows, presence="manual").round(3)
    activity         x    y    z
    period region
    all    A       1.0  0.8  1.0
           B       1.0  0.2  1.0
           C       1.0  0.2  1.0

    Activities the matrix does not know are refused:

    >>> density_from(m, flows.rename(index={"z": "q"}), presence="manual")
    Traceback (most recent call last):
    ...
    smartspec.core.errors.ValidationError: the relatedness matrix does not cover ...
    """
    steps = _steps(m, presence, threshold, strict, population, profile, knn=knn)
    W, cols = _align_weights(m, relatedness)
    W = np.nan_to_num(W)
    if steps.knn is not None:
        if not cols.equals(m.activities):
            raise ValidationError(
                "knn applies to one activity space only",
                expected="a square relatedness matrix over the matrix's activities",
                found=f"{len(cols)} target activities not those of the matrix",
            )
        W = kernels.knn_weights(W, steps.knn)
    d = kernels.density(steps.presence, W)
    index = pd.MultiIndex.from_product([m.periods, m.regions], names=["period", "region"])
    return pd.DataFrame(d.reshape(-1, len(cols)), index=index, columns=cols)


def _shared(a: pd.Index, b: pd.Index, what: str) -> tuple[np.ndarray, np.ndarray]:
    common = [x for x in a if x in set(b)]
    if not common:
        raise ValidationError(
            f"the two matrices share no {what}",
            expected=f"the same {what} labels in both",
            found=f"{format_examples(list(a[:3]))} and {format_examples(list(b[:3]))}",
            fix=f"use the same {what} codes in both tables",
        )
    return a.get_indexer(common), b.get_indexer(common)


def cross_relatedness(
    m_from: ActivityMatrix,
    m_to: ActivityMatrix,
    *,
    measure: Literal["min_conditional", "conditional"] = "min_conditional",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relatedness across two activity spaces (e.g. technologies -> industries).

    Parameters
    ----------
    m_from, m_to : ActivityMatrix
        The two spaces over (partly) the same regions and periods, e.g. patents by technology
        and employment by industry. Regions and periods are matched by label; only the shared
        ones count.
    measure : {"min_conditional", "conditional"}
        ``min_conditional``: :math:`C_{ab} / \\max(k_a, k_b)`, the proximity of Hidalgo et al.
        (2007) across spaces; ``conditional``: :math:`P(M_b = 1 \\mid M_a = 1) = C_{ab} / k_a`.
    presence, threshold, strict, population, profile
        Presence options, applied to each matrix on its own (RCA relative to its own totals).

    Returns
    -------
    pandas.DataFrame
        Index ``(period, activity_from)`` over ``m_from``'s activities, one column per
        ``activity_to`` of ``m_to``; shared periods only. Pass it to :func:`density_from` with
        ``m_from`` for the density of ``m_to``'s activities from ``m_from``'s presence.

    Raises
    ------
    ValidationError
        No shared region or period.

    Notes
    -----
    .. math:: C_{ab} = \\sum_{r \\in R_1 \\cap R_2} M^{(1)}_{ra} M^{(2)}_{rb}

    with ubiquities :math:`k_a`, :math:`k_b` counted over the shared regions.

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> tech = ActivityMatrix.from_dense([[1, 0], [1, 1], [0, 1]], regions=list("ABC"),
    ...                                  activities=["t1", "t2"])
    >>> ind = ActivityMatrix.from_dense([[1, 0], [1, 0], [0, 1], [1, 1]],
    ...                                 regions=list("ABCD"), activities=["i1", "i2"])
    >>> x = cross_relatedness(tech, ind, presence="manual")
    >>> x
    activity_to            i1   i2
    period activity_from
    all    t1             1.0  0.0
           t2             0.5  0.5
    >>> density_from(tech, x, presence="manual").round(3)
    activity        i1   i2
    period region
    all    A       0.667  0.0
           B       1.000  1.0
           C       0.333  1.0
    """
    _choice(measure, ("min_conditional", "conditional"), "cross-space measure")
    s1 = _steps(m_from, presence, threshold, strict, population, profile)
    s2 = _steps(m_to, presence, threshold, strict, population, profile)
    p1, p2 = _shared(m_from.periods, m_to.periods, "periods")
    r1, r2 = _shared(m_from.regions, m_to.regions, "regions")
    M1 = s1.presence[p1][:, r1]
    M2 = s2.presence[p2][:, r2]
    C = np.matmul(M1.transpose(0, 2, 1), M2)
    k1 = M1.sum(axis=1)[:, :, None]
    k2 = M2.sum(axis=1)[:, None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        out = C / (np.maximum(k1, k2) if measure == "min_conditional" else k1)
    index = pd.MultiIndex.from_product(
        [m_from.periods[p1], m_from.activities], names=["period", "activity_from"]
    )
    cols = m_to.activities.rename("activity_to")
    return pd.DataFrame(out.reshape(-1, len(cols)), index=index, columns=cols)


# ============================================================================ density variants
@register(
    "relative_density",
    level="cell",
    summary="Relatedness density z-scored within each region",
    reference="Balland et al. (2019)",
)
def relative_density(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Relative relatedness: density z-scored across the activities of each region.

    Density grows with a region's diversity, so a diverse region has high density everywhere.
    The within-region z-score ranks a region's options against its own other options, the
    comparison an S3 relatedness / complexity diagram makes (Balland et al. 2019), and makes
    regions of different diversity comparable.

    Parameters are those of :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity: mean 0 and population sd 1 over
        each region's activities with a defined density; NaN where the density is NaN or all
        of a region's densities are equal.

    Notes
    -----
    .. math:: \\tilde d_{ra} = \\frac{d_{ra} - \\bar d_{r\\cdot}}{sd_a(d_{r\\cdot})}

    (sd with ddof 0, as the reflections' z-scores).

    References
    ----------
    Balland, P.-A., Boschma, R., Crespo, J., & Rigby, D. L. (2019). Smart specialization policy
    in the European Union: relatedness, knowledge complexity and regional diversification.
    Regional Studies, 53(9), 1252-1268. doi:10.1080/00343404.2018.1437900

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> relative_density(m, presence="manual").round(3).loc[("all", "C")].tolist()
    [-0.42, -1.137, 1.59, -0.033]
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    d = steps.density
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a region with every density NaN
        z = kernels._zscore_rows(d.reshape(-1, m.n_activities)).reshape(d.shape)
    return labels.cells(m, z)


def _neighbour_weights(m: ActivityMatrix, neighbours: object) -> np.ndarray:
    """(R, R) non-negative weights, rows = the region, columns = its neighbours; diagonal 0."""
    if isinstance(neighbours, pd.DataFrame):
        frame = neighbours
    elif isinstance(neighbours, Mapping):
        rows: dict[Hashable, dict[Hashable, float]] = {}
        for region, nbrs in neighbours.items():
            if isinstance(nbrs, Mapping):
                rows[region] = {k: float(v) for k, v in nbrs.items()}
            else:
                rows[region] = dict.fromkeys(nbrs, 1.0)
        frame = pd.DataFrame.from_dict(rows, orient="index")
    else:
        raise ValidationError(
            "neighbours are a region x region DataFrame or a dict of lists",
            expected="e.g. {'ES61': ['ES62', 'ES42'], ...}",
            found=type(neighbours).__name__,
        )
    labels_given = list(frame.index) + list(frame.columns)
    unknown = [x for x in dict.fromkeys(labels_given) if x not in set(m.regions)]
    if unknown:
        raise ValidationError(
            "neighbours name regions the matrix does not have",
            expected=f"regions such as {format_examples(list(m.regions[:3]))}",
            found=f"unknown regions {format_examples(unknown)}",
            fix="use the matrix's region codes",
        )
    N = frame.reindex(index=m.regions, columns=m.regions).apply(pd.to_numeric, errors="coerce")
    W = np.nan_to_num(N.to_numpy(dtype=np.float64))
    if not np.isfinite(W).all() or (W < 0).any():
        raise ValidationError(
            "neighbour weights must be finite and non-negative",
            expected="weights >= 0",
            found="negative or infinite weights",
        )
    np.fill_diagonal(W, 0.0)
    return W


def external_density(
    m: ActivityMatrix,
    neighbours: pd.DataFrame | Mapping[Hashable, Sequence[Hashable] | Mapping[Hashable, float]],
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Inter-regional relatedness density: how related an activity is to what the region's
    neighbours (or linked regions) do.

    Parameters
    ----------
    m : ActivityMatrix
    neighbours : pandas.DataFrame or dict
        Region x region non-negative weights (rows: the region; columns: its neighbours or
        partners: contiguity, distance decay, co-inventor or trade links), or a dict
        ``{region: [neighbours]}`` (weight 1) or ``{region: {neighbour: weight}}``. A region's
        weight to itself is ignored; regions not listed have no neighbours (NaN).
    presence, threshold, strict, population, diagonal, knn, profile
        As in :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity.

    Raises
    ------
    ValidationError
        Unknown regions, negative or infinite weights.

    Notes
    -----
    .. math:: \\bar M_{ra} = \\frac{\\sum_{s \\ne r} w_{rs} M_{sa}}{\\sum_{s \\ne r} w_{rs}},
              \\qquad
              d^{ext}_{ra} = \\frac{\\sum_{a'} \\bar M_{ra'} \\phi_{a'a}}{\\sum_{a'} \\phi_{a'a}}

    the relatedness density of the neighbours' (weighted) presence.

    References
    ----------
    Boschma, R., Martín, V., & Minondo, A. (2017). Neighbour regions as the source of new
    industries. Papers in Regional Science, 96(2), 227-245. doi:10.1111/pirs.12215

    Balland, P.-A., & Boschma, R. (2021). Complementary interregional linkages and Smart
    Specialisation: an empirical study on European regions. Regional Studies, 55(6),
    1059-1070. doi:10.1080/00343404.2020.1861240

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> external_density(m, {"A": ["B"], "B": ["A", "C"]}, presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.667  1.0
           B       1.0  0.500  1.0
           C       NaN    NaN  NaN
    """
    N = _neighbour_weights(m, neighbours)
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    with np.errstate(divide="ignore", invalid="ignore"):
        Mbar = np.matmul(N[None], steps.presence) / N.sum(axis=1)[None, :, None]
    return labels.cells(m, kernels.density(Mbar, steps.density_weights))


@register(
    "portfolio_density",
    level="cell",
    summary="Relatedness density inside or outside the region's portfolio",
    reference="Boschma, Balland & Kogler (2015)",
)
def portfolio_density(
    m: ActivityMatrix,
    *,
    part: Literal["inside", "outside"] = "outside",
    average: bool = False,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame | pd.Series:
    """Relatedness density of the activities a region has (inside) or lacks (outside).

    R EconGeo calls these ``relatedness_density_int`` / ``relatedness_density_ext`` (and their
    ``_avg``); smartspec says inside / outside because :func:`external_density` is the density
    from other regions.

    Parameters
    ----------
    part : {"inside", "outside"}
        Keep the density where the region has presence (inside) or where it does not
        (outside: its diversification options); NaN elsewhere.
    average : bool
        Return each region's mean over those activities (a Series ``"portfolio_density"``).
    presence, threshold, strict, population, diagonal, knn, profile
        As in :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        Cells in [0, 1] (unrounded, not x 100 as in EconGeo), or the regional averages.

    References
    ----------
    Boschma, R., Balland, P.-A., & Kogler, D. F. (2015). Relatedness and technological change
    in cities: the rise and fall of technological knowledge in US metropolitan areas from 1981
    to 2010. Industrial and Corporate Change, 24(1), 223-250. doi:10.1093/icc/dtu012

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> portfolio_density(m, presence="manual", average=True).round(3).tolist()
    [1.0, 1.0, 1.0]
    >>> portfolio_density(m, part="inside", presence="manual").round(3)
    activity         x      y    z
    period region
    all    A       1.0  0.333  NaN
           B       NaN  0.667  1.0
           C       NaN  0.667  1.0
    """
    _choice(part, ("inside", "outside"), "portfolio part")
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    keep = steps.presence == (1.0 if part == "inside" else 0.0)
    d = np.where(keep, steps.density, np.nan)
    if not average:
        return labels.cells(m, d)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a region with nothing on that side
        return labels.by_region(m, np.nanmean(d, axis=2), "portfolio_density")


@register(
    "distance",
    level="cell",
    summary="Distance: 1 - relatedness density",
    reference="Hausmann et al. (2014)",
)
def distance(
    m: ActivityMatrix,
    *,
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    diagonal: str | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Distance to an activity: one minus the relatedness density, as the Atlas reports it.

    Parameters are those of :func:`~smartspec.core.relatedness.relatedness_density`.

    Returns
    -------
    pandas.DataFrame
        Values in [0, 1]; index ``(period, region)``, one column per activity.

    Notes
    -----
    .. math:: dist_{ra} = 1 - d_{ra} = \\frac{\\sum_{a'} (1 - M_{ra'}) \\phi_{a'a}}
              {\\sum_{a'} \\phi_{a'a}}

    References
    ----------
    Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M., Simoes, A., & Yildirim, M. A. (2014).
    The Atlas of Economic Complexity: Mapping Paths to Prosperity. MIT Press.
    doi:10.7551/mitpress/9647.001.0001

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense([[1, 1, 0], [0, 1, 1], [0, 1, 1]],
    ...                               regions=list("ABC"), activities=list("xyz"))
    >>> distance(m, presence="manual").round(3).loc[("all", "A")].tolist()
    [0.0, 0.667, 0.0]
    """
    steps = _steps(m, presence, threshold, strict, population, profile, diagonal=diagonal, knn=knn)
    return labels.cells(m, 1.0 - steps.density)


# ============================================================================ COG variants
def cog_variant(
    m: ActivityMatrix,
    *,
    variant: CogVariant = "atlas",
    presence: PresenceMethod = "rca",
    threshold: float | None = None,
    strict: bool | None = None,
    population: pd.Series | None = None,
    knn: int | None = None,
    profile: str | Profile = "atlas",
) -> pd.DataFrame:
    """Complexity outlook gain by one of the formulas in use.

    Parameters
    ----------
    variant : {"atlas", "oec", "coi_change"}
        ``atlas``: Hausmann et al. (2014), as the Growth Lab's Stata package and
        :func:`smartspec.cog` with the ``atlas`` profile compute it;
        ``oec``: Datawheel's ``opportunity_gain`` (the OEC), as the ``oec`` profile;
        ``coi_change``: the exact change of the region's (unstandardised) COI when it enters
        the activity, proximity and PCI held fixed (see Notes).
        The other conventions (PCI scale, presence, diagonal) come from ``profile``; the
        variant only sets the formula.
    presence, threshold, strict, population, knn, profile
        As in :func:`smartspec.cog`.

    Returns
    -------
    pandas.DataFrame
        Index ``(period, region)``, one column per activity; NaN where ECI or PCI is undefined.

    Notes
    -----
    With :math:`q` the PCI in the profile's COG scale, :math:`W` the (kNN) proximity and
    :math:`d` the density:

    - atlas: :math:`(1 - M_{ra}) \\sum_{a'} \\frac{W_{a'a}}{\\sum_{a''} W_{a'a''}}
      (1 - M_{ra'}) q_{a'}`; 0 where :math:`M_{ra} = 1`;
    - oec: :math:`\\sum_{a'} (1 - M_{ra'}) q_{a'} \\frac{W_{a'a}}{\\sum_{a''} W_{a''a}}
      - d_{ra} q_a` (normalised by the target's proximities; not 0 where :math:`M_{ra} = 1`);
    - coi_change: :math:`(1 - M_{ra}) \\big[\\sum_{a'} (1 - M_{ra'}) q_{a'}
      \\frac{W_{aa'}}{\\sum_{a''} W_{a''a'}} - d_{ra} q_a\\big]`: entering :math:`a` raises the
      density of every :math:`a'` by :math:`W_{aa'} / \\sum_{a''} W_{a''a'}` and removes
      :math:`a` from the region's outlook. With a symmetric proximity the first term is the
      Atlas COG, so ``coi_change = atlas - (1 - M) d q``.

    References
    ----------
    Hausmann, R., Hidalgo, C. A., et al. (2014). The Atlas of Economic Complexity. MIT Press.
    doi:10.7551/mitpress/9647.001.0001

    Datawheel, ``economic-complexity`` 0.3.0, ``opportunity_gain``
    (https://github.com/datawheel/py-economic-complexity).

    Examples
    --------
    >>> from smartspec import ActivityMatrix
    >>> m = ActivityMatrix.from_dense(
    ...     [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]],
    ...     regions=list("ABCD"), activities=list("wxyz"))
    >>> cog_variant(m, presence="manual").round(3).loc[("all", "D")].tolist()
    [0.0, 1.759, 1.599, 0.52]
    >>> cog_variant(m, variant="coi_change", presence="manual").round(3).loc[("all", "D")].tolist()
    [0.0, 1.759, 1.079, -0.28]
    """
    _choice(variant, ("atlas", "oec", "coi_change"), "COG variant")
    base = get_profile(profile).with_options(cog_formula="oec" if variant == "oec" else "atlas")
    steps = Steps(
        m,
        profile=base,
        presence=presence,
        threshold=threshold,
        strict=strict,
        population=population,
        knn=knn,
    )
    if variant != "coi_change":
        return labels.cells(m, steps.cog)
    W = np.nan_to_num(steps.density_weights)
    q = steps.pci_unshifted
    absent = 1.0 - steps.presence
    with np.errstate(divide="ignore", invalid="ignore"):
        G = np.nan_to_num(absent * np.nan_to_num(q)[:, None, :] / W.sum(axis=1)[:, None, :])
    gain = np.matmul(G, W.transpose(0, 2, 1)) - np.nan_to_num(steps.density) * q[:, None, :]
    out = absent * gain + 0.0  # no -0.0 where the region has the activity
    out[np.isnan(steps.eci)] = np.nan
    return labels.cells(m, out)


for _variant in ("oec", "coi_change"):
    register(
        f"cog_{_variant}",
        level="cell",
        summary=f"Complexity outlook gain, {_variant} formula",
        reference="Hausmann et al. (2014)"
        if _variant == "coi_change"
        else "Datawheel economic-complexity (OEC)",
    )(lambda m, _v=_variant, **options: cog_variant(m, variant=_v, **options))
