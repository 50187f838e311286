"""The standard pipeline as lazily computed, cached steps over dense period-stacked arrays.

Each public indicator function builds a :class:`Steps` and reads the step it needs; :func:`analyse`
reads them all, so nothing is computed twice. Private: the public modules label the arrays.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from . import _kernels as kernels
from .errors import ValidationError, format_examples
from .matrix import ActivityMatrix
from .profiles import Profile, get_profile

PresenceMethod = Literal["rca", "rpop", "either", "both", "manual"]
#: ``either``: RCA or RPOP passes (Stata ``ecomplexity`` with ``rca()`` and ``rpop()``);
#: ``both``: RCA and RPOP pass.
PRESENCE_METHODS = ("rca", "rpop", "either", "both", "manual")
#: Presence methods that need a population table.
POPULATION_METHODS = ("rpop", "either", "both")
#: ``min_conditional``: ``C_a'a / max(k_a', k_a)``; ``asymmetric``: ``C_a'a / k_a`` (Stata
#: ``ecomplexity``'s ``asym``: conditional on the target activity ``a``, the column).
PROXIMITY_MEASURES = ("min_conditional", "asymmetric")
#: ``diversity``: ECI correlates positively with diversity; ``ubiquity``: PCI negatively with
#: ubiquity; ``income``: ECI correlates positively (Spearman) with an external income series.
SIGN_RULES = ("diversity", "ubiquity", "income")
Progress = Callable[[str, int, int], None]


def population_array(
    m: ActivityMatrix, population: pd.Series | pd.DataFrame, *, what: str = "population"
) -> np.ndarray:
    """Align a population (or another positive regional) table to the matrix: ``(periods,
    regions)``; NaN where missing.

    ``population`` is a Series indexed by region (the same value for every period) or by a
    (period, region) MultiIndex; ``what`` names it in messages.
    """
    if isinstance(population, pd.DataFrame):
        if population.shape[1] != 1:
            raise ValidationError(
                f"a {what} table needs one value column",
                expected="a Series indexed by region or by (period, region)",
                found=f"a DataFrame with columns {format_examples(list(population.columns))}",
            )
        population = population.iloc[:, 0]
    pop = pd.to_numeric(population, errors="coerce")
    if pop.isna().any() or (pop <= 0).any():
        bad = pop[pop.isna() | (pop <= 0)]
        raise ValidationError(
            f"{what} values must be positive numbers",
            expected=f"a {what} > 0 for each region",
            found=f"{format_examples([str(i) for i in bad.index])} with "
            f"{format_examples(bad.tolist())}",
        )
    out = np.full((m.n_periods, m.n_regions), np.nan)
    if isinstance(pop.index, pd.MultiIndex):
        for p_pos, period in enumerate(m.periods):
            try:
                sub = pop.xs(period, level=0)
            except KeyError:
                as_text = {str(k): k for k in pop.index.get_level_values(0)}
                if str(period) not in as_text:
                    continue
                sub = pop.xs(as_text[str(period)], level=0)
            out[p_pos] = sub.reindex(m.regions).to_numpy(dtype=np.float64)
    else:
        idx = pop.index.map(str) if m.regions.dtype == object else pop.index
        aligned = pd.Series(pop.to_numpy(), index=idx).reindex(
            m.regions.map(str) if m.regions.dtype == object else m.regions
        )
        out[:] = aligned.to_numpy(dtype=np.float64)[None, :]
    if np.isnan(out).all():
        raise ValidationError(
            f"no region of the matrix has a {what}",
            expected=f"{what} for regions like {format_examples(list(m.regions[:3]))}",
            found=f"{what} for {format_examples([str(i) for i in pop.index[:3]])}",
            fix=f"check that the {what} table uses the same region codes (and periods)",
        )
    return out


def _check_proximity(proximity: str) -> None:
    if proximity not in PROXIMITY_MEASURES:
        raise ValidationError(
            f"unknown proximity measure {proximity!r}",
            expected=f"one of {', '.join(PROXIMITY_MEASURES)}",
            found=repr(proximity),
            fix="min_conditional: min of the two conditional probabilities (symmetric); "
            "asymmetric: P(activity_from | activity_to), Stata's asym",
        )


class Steps:
    """Cached computation of every step of the standard pipeline for one matrix and profile."""

    def __init__(
        self,
        m: ActivityMatrix,
        *,
        profile: str | Profile = "atlas",
        presence: PresenceMethod = "rca",
        threshold: float | None = None,
        strict: bool | None = None,
        diagonal: str | None = None,
        proximity: str | None = None,
        population: pd.Series | None = None,
        knn: int | None = None,
        progress: Progress | None = None,
        sign: str | None = None,
        income: pd.Series | None = None,
    ) -> None:
        if not isinstance(m, ActivityMatrix):
            raise ValidationError(
                "indicators are computed from an ActivityMatrix",
                expected="smartspec.ActivityMatrix",
                found=type(m).__name__,
                fix="build one with ActivityMatrix.from_long(df, region=..., activity=..., "
                "value=...)",
            )
        if presence not in PRESENCE_METHODS:
            raise ValidationError(
                f"unknown presence method {presence!r}",
                expected=f"one of {', '.join(PRESENCE_METHODS)}",
                found=repr(presence),
                fix="either: RCA or RPOP above the threshold (Stata's rca() with rpop()); "
                "both: RCA and RPOP above it",
            )
        if diagonal is not None and diagonal not in ("zero", "one", "keep"):
            raise ValidationError(
                f"unknown diagonal rule {diagonal!r}",
                expected="one of zero, one, keep",
                found=repr(diagonal),
            )
        if proximity is not None:
            _check_proximity(proximity)
        if threshold is not None and not (np.isfinite(threshold) and threshold >= 0):
            raise ValidationError(
                "the presence threshold must be a non-negative number",
                expected="e.g. 1.0",
                found=repr(threshold),
            )
        if knn is not None and (int(knn) != knn or knn < 1):
            raise ValidationError(
                "knn must be a positive whole number", expected="e.g. 10", found=repr(knn)
            )
        if presence in POPULATION_METHODS and population is None:
            raise ValidationError(
                f"presence={presence!r} needs a population table",
                expected="population=Series of population by region",
                found="no population",
                fix="pass population=..., or use presence='rca'",
            )
        if sign is not None and sign not in SIGN_RULES:
            raise ValidationError(
                f"unknown sign rule {sign!r}",
                expected=f"one of {', '.join(SIGN_RULES)}",
                found=repr(sign),
                fix="diversity: ECI correlates positively with diversity; ubiquity: PCI "
                "negatively with ubiquity; income: ECI positively with an income series "
                "(income=...)",
            )
        self.m = m
        self.profile = get_profile(profile).with_options(
            threshold=threshold, strict=strict, diagonal=diagonal, proximity=proximity, sign=sign
        )
        if self.profile.sign == "income" and income is None:
            raise ValidationError(
                "sign='income' needs an income series",
                expected="income=Series of income (e.g. GDP per head) by region or by "
                "(period, region)",
                found="no income series",
                fix="pass income=..., or use the diversity sign rule",
            )
        self.income = income
        _check_proximity(self.profile.proximity)
        self.presence_method = presence
        self.population = population
        self.knn = int(knn) if knn is not None else None
        self._progress = progress
        self._done = 0
        if presence == "manual":
            self._check_binary()

    TOTAL_STEPS = 6

    def step(self, name: str) -> None:
        """Report progress of a named step."""
        self._done += 1
        if self._progress is not None:
            self._progress(name, min(self._done, self.TOTAL_STEPS), self.TOTAL_STEPS)

    def computed(self, name: str) -> bool:
        """Whether the step ``name`` (a cached array such as ``"rpop"``) is computed already."""
        return name in self.__dict__

    def preset(self, **arrays: Any) -> None:
        """Give steps the values computed elsewhere (each period on a Dask worker, see
        :func:`smartspec.scale.distributed.analyse_distributed`) instead of computing them here.

        Raises
        ------
        ValueError
            For a name that is not a step of the pipeline.
        """
        for name, value in arrays.items():
            if not isinstance(getattr(type(self), name, None), cached_property):
                raise ValueError(f"{name!r} is not a step of the pipeline")
            self.__dict__[name] = value

    def _check_binary(self) -> None:
        vals = self.m.data.data
        bad = vals[(vals != 0) & (vals != 1)]
        if bad.size:
            raise ValidationError(
                "presence='manual' needs a 0/1 presence matrix",
                expected="values 0 or 1",
                found=f"values such as {format_examples(np.unique(bad)[:3].tolist())}",
                fix="use presence='rca' to derive presence from the values",
            )

    # -------------------------------------------------------------- specialisation
    @cached_property
    def values(self) -> np.ndarray:
        return self.m.to_dense()

    @cached_property
    def rca(self) -> np.ndarray:
        """RCA (P, R, A); NaN at missing cells (their value is unknown, not zero)."""
        if "values" in self.__dict__:
            return self._unknown_as_nan(kernels.rca(self.values))
        # period by period from the sparse values: no dense copy of every value is kept
        P, R, A = self.m.shape
        out = np.zeros((P, R, A))
        data = self.m.data
        for p in range(P):
            block = out[p : p + 1]
            data[p * R : (p + 1) * R].toarray(out=block[0])
            kernels.rca(block, out=block)
        return self._unknown_as_nan(out)

    def _unknown_as_nan(self, x: np.ndarray) -> np.ndarray:
        """``x`` with NaN at the matrix's missing cells (in place)."""
        if self.m.missing is not None:
            coo = self.m.missing.tocoo()
            p, r = np.divmod(coo.row, self.m.n_regions)
            x[p, r, coo.col] = np.nan
        return x

    @cached_property
    def pop(self) -> np.ndarray:
        return population_array(self.m, self.population)

    @cached_property
    def rpop(self) -> np.ndarray:
        return self._unknown_as_nan(kernels.rpop(self.values, self.pop))

    @cached_property
    def income_values(self) -> np.ndarray:
        """The income series aligned to the matrix (P, R); NaN where a region has none."""
        return population_array(self.m, self.income, what="income")

    @cached_property
    def presence(self) -> np.ndarray:
        """Presence as 0.0 / 1.0 (P, R, A); the steps themselves read the boolean ``mask``."""
        return self.mask.astype(np.float64)

    @cached_property
    def mask(self) -> np.ndarray:
        """Presence as booleans (P, R, A): one byte a cell, what every later step reads."""
        t, strict = self.profile.threshold, self.profile.strict
        method = self.presence_method
        if method == "manual":
            M = np.zeros(self.m.shape, dtype=bool)
            coo = self.m.data.tocoo()
            M.reshape(-1, self.m.n_activities)[coo.row, coo.col] = coo.data != 0
        elif method == "rca":
            M = kernels.presence_mask(self.rca, t, strict)
        elif method == "rpop":
            M = kernels.presence_mask(self.rpop, t, strict)
        elif method == "either":  # Stata: M = (RCA > t) + (RPOP > t) > 0
            M = kernels.presence_mask(self.rca, t, strict)
            M |= kernels.presence_mask(self.rpop, t, strict)
        else:  # "both"
            M = kernels.presence_mask(self.rca, t, strict)
            M &= kernels.presence_mask(self.rpop, t, strict)
        self.step("presence")
        return M

    @cached_property
    def candidates(self) -> np.ndarray:
        """Real candidate cells (P, R, A): the region has data (and a population, for presence
        by RPOP) in the period and lacks the activity, the cell is not missing (suppressed),
        and other regions have the activity. Nothing else is ever ranked as an opportunity."""
        P, R, _ = self.m.shape
        out = ~self.mask
        for p in range(P):  # period by period from the sparse values: no dense copy of all
            x = self.m.data[p * R : (p + 1) * R].toarray()
            has_data = x.sum(axis=1) > 0
            if self.presence_method in POPULATION_METHODS:  # no population: presence unknown
                has_data &= np.isfinite(self.pop[p])
            out[p] &= has_data[:, None] & (x.sum(axis=0)[None, :] - x > 0)
        if self.m.missing is not None:
            out &= ~self.m.missing_mask()
        return out

    @cached_property
    def diversity(self) -> np.ndarray:
        return np.count_nonzero(self.mask, axis=2).astype(np.float64)

    @cached_property
    def ubiquity(self) -> np.ndarray:
        return np.count_nonzero(self.mask, axis=1).astype(np.float64)

    # -------------------------------------------------------------- relatedness
    @cached_property
    def phi(self) -> np.ndarray:
        P, A = self.m.n_periods, self.m.n_activities
        phi = np.empty((P, A, A))
        work = np.empty((A, A), dtype=np.float32)
        for p in range(P):
            kernels.proximity_period(
                self.mask[p],
                self.profile.diagonal,
                measure=self.profile.proximity,
                out=phi[p],
                work=work,
            )
        self._step_once("proximity")
        return phi

    def _phi_period(self, p: int) -> np.ndarray:
        """Proximity of one period (A, A): a view of ``phi`` when it is computed, else a fresh
        array (the whole (P, A, A) stack is only formed when ``phi`` itself is read)."""
        if "phi" in self.__dict__:
            return self.phi[p]
        return kernels.proximity_period(
            self.mask[p], self.profile.diagonal, measure=self.profile.proximity
        )

    def _weights_period(self, p: int, buffers: dict[str, np.ndarray] | None = None) -> np.ndarray:
        """Density weights of one period with NaN as 0, in an array the caller may overwrite
        (``buffers``: (A, A) arrays reused from one period to the next)."""
        if "density_weights" in self.__dict__:
            return np.nan_to_num(self.density_weights[p], nan=0.0)
        if "phi" in self.__dict__ or self.knn is not None:
            phi = self._phi_period(p)
            if self.knn is not None:
                return kernels.knn_weights(phi[None], self.knn)[0]
            return np.nan_to_num(phi, nan=0.0)
        A = self.m.n_activities
        if buffers is None:
            buffers = {}
        out = buffers.setdefault("weights", np.empty((A, A)))
        work = buffers.setdefault("work", np.empty((A, A), dtype=np.float32))
        return kernels.proximity_period(
            self.mask[p],
            self.profile.diagonal,
            measure=self.profile.proximity,
            out=out,
            work=work,
            fill=0.0,
        )

    def _step_once(self, name: str) -> None:
        reported = self.__dict__.setdefault("_reported", set())
        if name not in reported:
            reported.add(name)
            self.step(name)

    @cached_property
    def density_weights(self) -> np.ndarray:
        return self.phi if self.knn is None else kernels.knn_weights(self.phi, self.knn)

    @cached_property
    def density(self) -> np.ndarray:
        P, R, A = self.m.shape
        d = np.empty((P, R, A))
        buffers: dict[str, np.ndarray] = {}
        for p in range(P):
            W = self._weights_period(p, buffers)
            np.matmul(self.mask[p].astype(np.float64), W, out=d[p])
            with np.errstate(divide="ignore", invalid="ignore"):
                np.divide(d[p], W.sum(axis=0), out=d[p])
            _clip_density(d[p])
        self._step_once("proximity")
        self.step("density")
        return d

    # -------------------------------------------------------------- complexity
    @cached_property
    def eigen(self) -> kernels.Eigen:
        rule = "diversity" if self.profile.sign == "income" else self.profile.sign
        e = kernels.eci_eigen(self.mask, sign=rule)
        if self.profile.complexity_method == "reflections":
            eci, pci, flipped = kernels.eci_reflections(
                self.mask, self.profile.reflections, sign=rule
            )
            undefined = np.isnan(e.eci).all(axis=1)  # same periods as the eigenvector method
            eci[undefined], pci[undefined] = np.nan, np.nan
            e = kernels.Eigen(eci, pci, e.eigenvalues, flipped)
        if self.profile.sign == "income":
            e = self._anchor_on_income(e)
        self.step("complexity")
        return e

    def _anchor_on_income(self, e: kernels.Eigen) -> kernels.Eigen:
        """Flip each period's ECI and PCI so that ECI correlates positively (Spearman) with the
        income series; a period whose regions have fewer than 3 incomes keeps the diversity
        rule (reported by :meth:`income_correlation`)."""
        eci, pci, flipped = e.eci.copy(), e.pci.copy(), e.sign_flipped.copy()
        for p, rho in enumerate(_spearman_rows(eci, self.income_values)):
            if np.isfinite(rho) and rho < 0:
                eci[p], pci[p], flipped[p] = -eci[p], -pci[p], not flipped[p]
        return kernels.Eigen(eci, pci, e.eigenvalues, flipped)

    def income_correlation(self) -> np.ndarray:
        """Per period, the Spearman correlation of ECI with the income series (NaN without
        one, or with fewer than 3 regions having both)."""
        if self.income is None:
            return np.full(self.m.n_periods, np.nan)
        return _spearman_rows(self.eci, self.income_values)

    @cached_property
    def eci_scale(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-period (mean, sd) that standardise ECI."""
        return _standardise_params(self.eigen.eci, self.profile.eci_standardise, self.m)

    @cached_property
    def eci(self) -> np.ndarray:
        mean, sd = self.eci_scale
        return (self.eigen.eci - mean[:, None]) / sd[:, None]

    @cached_property
    def pci(self) -> np.ndarray:
        rule = self.profile.pci_standardise
        if rule == "eci":
            mean, sd = self.eci_scale
        else:
            mean, sd = _standardise_params(
                self.eigen.pci, "none" if rule == "none" else rule, self.m, long_rows=False
            )
        return (self.eigen.pci - mean[:, None]) / sd[:, None]

    @cached_property
    def pci_unshifted(self) -> np.ndarray:
        """PCI in ECI's scale without the shift (q / sd), as COI and COG use it."""
        if self.profile.cog_scale == "none":
            return self.eigen.pci
        if self.profile.cog_scale == "pci":
            return self.pci
        _, sd = self.eci_scale
        return self.eigen.pci / sd[:, None]

    # -------------------------------------------------------------- opportunity
    @cached_property
    def coi_raw(self) -> np.ndarray:
        q = np.nan_to_num(self.pci_unshifted)
        density = self.density
        raw = np.empty(self.diversity.shape)
        for p in range(self.m.n_periods):  # sum_a d (1 - M) q, one period at a time
            terms = np.where(self.mask[p], 0.0, density[p])
            np.nan_to_num(terms, copy=False, nan=0.0)
            raw[p] = terms @ q[p]
        raw[np.isnan(self.eci)] = np.nan
        return raw

    @cached_property
    def coi(self) -> np.ndarray:
        mean, sd = _standardise_params(self.coi_raw, self.profile.coi_standardise, self.m)
        return (self.coi_raw - mean[:, None]) / sd[:, None]

    @cached_property
    def cog(self) -> np.ndarray:
        """Atlas: ``(1 - M_ra) sum_a' phi_a'a / (sum_a'' phi_a'a'') (1 - M_ra') q_a'``.

        OEC (``cog_formula="oec"``, Datawheel's opportunity_gain): ``sum_a' (1 - M_ra') q_a'
        phi_a'a / sum_a'' phi_a''a - density_ra q_a`` (normalised by the target's proximities;
        not 0 where M_ra = 1).

        Computed one period at a time, with the density in the same matrix product when it is
        not known yet: ``[M ; G D(1/s)] @ W`` with ``G = (1 - M) D(q)`` and ``s`` the row sums
        of ``W`` (atlas; the normalisation moves from ``W``'s rows to ``G``'s columns, so that
        no normalised copy of ``W`` is formed) or, for OEC, ``(G @ W) D(1/c)`` with ``c`` the
        column sums (the density's own denominator).
        """
        oec = self.profile.cog_formula == "oec"
        P, R, A = self.m.shape
        q_raw = self.pci_unshifted
        q = np.nan_to_num(q_raw)
        eci_nan = np.isnan(self.eci)
        pci_nan = np.isnan(self.pci)
        known = self.__dict__.get("density")
        density = np.empty((P, R, A)) if known is None else known
        cog = np.empty((P, R, A))
        stack = np.empty((R if known is not None else 2 * R, A))
        out = np.empty_like(stack)
        not_m_buf = np.empty((R, A))
        buffers: dict[str, np.ndarray] = {}
        for p in range(P):
            W = self._weights_period(p, buffers)
            col = W.sum(axis=0)
            not_m = np.subtract(1.0, self.mask[p], out=not_m_buf)
            G = stack[-R:]
            np.multiply(not_m, q[p][None, :], out=G)
            if not oec:
                row = W.sum(axis=1)
                with np.errstate(divide="ignore", invalid="ignore"):
                    scale = np.where(row > 0, 1.0 / row, 0.0)
                G *= scale[None, :]
            if known is None:
                np.subtract(1.0, not_m, out=stack[:R])
            np.matmul(stack, W, out=out)
            if known is None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    np.divide(out[:R], col, out=density[p])
                _clip_density(density[p])
            num = out[-R:]
            if oec:
                with np.errstate(divide="ignore", invalid="ignore"):
                    num *= np.where(col != 0, 1.0 / col, 0.0)[None, :]
                num -= density[p] * q_raw[p][None, :]
            else:
                num *= not_m
                num[:, pci_nan[p]] = np.nan
            num[eci_nan[p]] = np.nan
            cog[p] = num
        if known is None:
            self.__dict__["density"] = density
            self._step_once("proximity")
            self.step("density")
        self.step("opportunity")
        return cog

    # -------------------------------------------------------------- reasons for NaN
    def notes(self) -> pd.DataFrame:
        """Why cells, regions or activities have NaN results: one row per (period, label)."""
        rows: list[tuple[Hashable, str, Hashable, str]] = []
        seen: set[tuple[Any, str, Any]] = set()
        empty = self.m.empty_cells()
        for rec in empty.itertuples(index=False):
            rows.append((rec.period, rec.level, rec.label, rec.reason))
            seen.add((rec.period, rec.level, rec.label))
        for p_pos, period in enumerate(self.m.periods):
            for r in np.flatnonzero(self.diversity[p_pos] == 0):
                key = (period, "region", self.m.regions[r])
                if key not in seen:
                    rows.append((*key, "no activity reaches presence: ECI and COI undefined"))
            for a in np.flatnonzero(self.ubiquity[p_pos] == 0):
                key = (period, "activity", self.m.activities[a])
                if key not in seen:
                    rows.append(
                        (*key, "no region reaches presence: PCI, density and COG undefined")
                    )
            lam2 = self.eigen.eigenvalues[p_pos, 1]
            if np.isnan(lam2):
                rows.append(
                    (
                        period,
                        "period",
                        period,
                        "fewer than two regions or activities with presence: complexity undefined",
                    )
                )
            elif lam2 <= kernels.EIGEN_ZERO:
                rows.append(
                    (
                        period,
                        "period",
                        period,
                        "the second eigenvalue is 0 (every "
                        "region has the same presence profile): complexity undefined",
                    )
                )
            if "pop" in self.__dict__:
                for r in np.flatnonzero(np.isnan(self.pop[p_pos])):
                    rows.append(
                        (period, "region", self.m.regions[r], "no population given: RPOP undefined")
                    )
        return pd.DataFrame(rows, columns=["period", "level", "label", "reason"])

    def sign_correlation(self) -> np.ndarray:
        """Per period, the correlation of ECI with diversity that the sign rule relies on.

        Near 0, the sign of ECI is weakly determined: a small change in the data can flip the
        whole ranking, so results should be read with care (:func:`complexity` warns).
        """
        out = np.full(self.m.n_periods, np.nan)
        for p in range(self.m.n_periods):
            ok = np.isfinite(self.eci[p])
            x, y = self.eci[p, ok], self.diversity[p, ok]
            if ok.sum() > 2 and np.std(x) > 0 and np.std(y) > 0:
                out[p] = float(np.corrcoef(x, y)[0, 1])
        return out

    def diagnostics(self) -> pd.DataFrame:
        """Per period: eigenvalues, spectral gap, sign flip, counts left out."""
        ev = self.eigen.eigenvalues
        mean, sd = self.eci_scale
        return pd.DataFrame(
            {
                "period": self.m.periods,
                "eigenvalue_1": ev[:, 0],
                "eigenvalue_2": ev[:, 1],
                "eigenvalue_3": ev[:, 2],
                "spectral_gap": ev[:, 1] - ev[:, 2],
                "sign_flipped": self.eigen.sign_flipped,
                "sign_rule": self.profile.sign,
                "sign_correlation": self.sign_correlation(),
                "income_correlation": self.income_correlation(),
                "eci_mean_raw": mean,
                "eci_sd_raw": sd,
                "regions_ranked": (~np.isnan(self.eci)).sum(axis=1),
                "activities_ranked": (~np.isnan(self.pci)).sum(axis=1),
                "presence_cells": self.diversity.sum(axis=1).astype(np.int64),
            }
        )


def _spearman_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Spearman correlation of each row of ``x`` with the same row of ``y`` (P, N), over the
    entries where both are finite; NaN with fewer than 3 such entries or no spread."""
    out = np.full(x.shape[0], np.nan)
    for p in range(x.shape[0]):
        ok = np.isfinite(x[p]) & np.isfinite(y[p])
        if ok.sum() < 3:
            continue
        rx = pd.Series(x[p, ok]).rank().to_numpy()
        ry = pd.Series(y[p, ok]).rank().to_numpy()
        if np.std(rx) > 0 and np.std(ry) > 0:
            out[p] = float(np.corrcoef(rx, ry)[0, 1])
    return out


def _clip_density(d: np.ndarray) -> np.ndarray:
    """As :func:`kernels.density`: at most 1 (a last-bit excess from summation order), in place."""
    return np.minimum(d, 1.0, out=d, where=np.isfinite(d))


def _standardise_params(
    x: np.ndarray, rule: str, m: ActivityMatrix, *, long_rows: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Per-period mean and sd of ``x`` (P, N) under a standardisation rule (NaN ignored)."""
    P = x.shape[0]
    mean = np.zeros(P)
    sd = np.ones(P)
    if rule == "none":
        return mean, sd
    for p in range(P):
        v = x[p][~np.isnan(x[p])]
        if v.size < 2:
            mean[p], sd[p] = np.nan, np.nan
            continue
        if rule == "abs_sum":  # R EconGeo: v / sum(v), sign fixed afterwards
            mean[p], sd[p] = 0.0, abs(float(v.sum())) or np.nan
            continue
        mean[p] = v.mean()
        ss = float(((v - mean[p]) ** 2).sum())
        if rule == "long_rows" and long_rows:
            n_act = m.n_activities
            sd[p] = np.sqrt(n_act * ss / (v.size * n_act - 1))
        elif rule == "zscore_population":
            sd[p] = np.sqrt(ss / v.size)
        else:
            sd[p] = np.sqrt(ss / (v.size - 1))
        if sd[p] == 0:
            sd[p] = np.nan
    return mean, sd
