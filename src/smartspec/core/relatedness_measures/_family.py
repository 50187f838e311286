"""The relatedness family: :func:`relatedness` by measure, :func:`observed_expected` and
:func:`validated_relatedness`, each measure registered as ``relatedness_<measure>``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from .. import _kernels as kernels
from .. import _labels as labels
from .. import _relatedness_kernels as rk
from .._resampling import Seed, check_count, generator
from .._steps import PresenceMethod
from ..catalogue import register
from ..errors import ValidationError
from ..matrix import ActivityMatrix
from ..profiles import Profile
from ._common import (
    _ON,
    MEASURES,
    Correction,
    Measure,
    Null,
    On,
    _choice,
    _steps,
)

__all__ = [
    "ObservedExpected",
    "ValidatedRelatedness",
    "observed_expected",
    "relatedness",
    "validated_relatedness",
]


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
    compared = on or (_ON[measure][0] if measure in _ON else "presence")
    X = {
        "presence": lambda: steps.presence,
        "rca": lambda: steps.rca,
        "values": lambda: steps.values,
    }[compared]()
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
            out = rk.jaccard(X) if compared == "presence" else rk.ruzicka(X)
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
    compute.__module__ = "smartspec.core.relatedness_measures"  # the public package
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
