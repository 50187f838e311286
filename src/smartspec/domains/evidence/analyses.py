"""The analyses of the platform: every dataset's evidence, framework and backtests, computed
once per options and kept in the caches (memory, disk) or computed by background jobs.

:class:`Analyses` is the evidence domain's part of :class:`smartspec.app.SmartSpecApp`; the
computations are :mod:`smartspec.core`'s, the notices they raise are returned with the results
(:func:`smartspec.jobs.recorded`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from smartspec.core.errors import (
    SmartSpecError,
    ValidationError,
    format_examples,
)
from smartspec.jobs import REQUESTED_WAIT, Computed, Jobs, Pending, backtest_job, recorded
from smartspec.store.cache import LRUCache
from smartspec.store.results import ResultCache, digest

if TYPE_CHECKING:
    import pandas as pd

    from smartspec.core.evidence import Evidence
    from smartspec.core.framework import Framework
    from smartspec.core.matrix import ActivityMatrix
    from smartspec.core.validation import Backtest
    from smartspec.learn import EntryModel
    from smartspec.store import DatasetRecord

__all__ = ["FEASIBILITY", "MAX_RECOMMENDATIONS", "Analyses", "check_top", "entry_model_job"]

#: The most next specialisations :meth:`Analyses.recommendations` lists for a region.
MAX_RECOMMENDATIONS = 50


#: The framework's feasibility axes: relatedness density, or the learned entry probability.
FEASIBILITY = ("density", "learned")


def check_top(top: Any) -> None:
    """Raise a :class:`ValidationError` unless ``top`` is a whole number from 1 to
    :data:`MAX_RECOMMENDATIONS`."""
    if isinstance(top, bool) or not isinstance(top, int) or not 1 <= top <= MAX_RECOMMENDATIONS:
        raise ValidationError(
            f"top must be a whole number from 1 to {MAX_RECOMMENDATIONS}",
            where="recommendations",
            expected=f"1 to {MAX_RECOMMENDATIONS}",
            found=repr(top),
            fix=f"ask for at most {MAX_RECOMMENDATIONS} activities",
        )


def entry_model_job(matrix: ActivityMatrix, base: Any, seed: int, options: dict[str, Any]) -> Any:
    """:func:`smartspec.learn.fit_entry_model` of ``matrix`` at period ``base`` (a job)."""
    from smartspec.learn import fit_entry_model

    return fit_entry_model(matrix, base=base, seed=seed, **options)


class Analyses:
    """Cached analyses of the catalogue's datasets (mixed into
    :class:`smartspec.app.SmartSpecApp`)."""

    # set by SmartSpecApp.__init__
    settings: dict[str, Any]
    data_dir: Path
    uploads_dir: Path
    store: Any
    generation: int
    jobs: Jobs
    results: ResultCache
    _cache: LRUCache

    if TYPE_CHECKING:  # provided by Catalogue, the other half of SmartSpecApp

        def dataset(self, dataset_id: str) -> DatasetRecord: ...
        def matrix(self, dataset_id: str) -> ActivityMatrix: ...
        def dataset_defaults(self, dataset_id: str) -> dict[str, Any]: ...
        def dataset_info(self, dataset: str | DatasetRecord) -> dict[str, Any]: ...
        def labels(self, dataset_id: str, axis: str, lang: str = "en") -> pd.DataFrame: ...
        def income(self, dataset_id: str) -> tuple[pd.Series, dict[str, str]] | None: ...
        def population(self, dataset_id: str) -> pd.Series | None: ...

    def options_key(
        self, options: Mapping[str, Any], dataset: str | None = None
    ) -> tuple[tuple[str, Any], ...]:
        """The analysis options as a hashable cache key, validated, with defaults filled in
        (with ``dataset``, also the dataset's own defaults: :meth:`dataset_defaults`)."""
        allowed = ("profile", "threshold", "knn", "proximity", "sign", "presence")
        unknown = [k for k in options if k not in allowed]
        if unknown:
            raise ValidationError(
                "unknown analysis options",
                expected=f"among {', '.join(allowed)}",
                found=format_examples(unknown),
            )
        resolved = {k: v for k, v in options.items() if v is not None}
        resolved.setdefault("profile", self.settings["default_profile"])
        if dataset is not None:
            for name, value in self.dataset_defaults(dataset).items():
                resolved.setdefault(name, value)
        # the conventions' own defaults named too, so that asking for them is the same analysis
        from smartspec.core.profiles import get_profile

        resolved.setdefault("presence", "rca")
        resolved.setdefault("sign", get_profile(resolved["profile"]).sign)
        return tuple(sorted(resolved.items()))

    def _core_options(self, dataset_id: str, opts: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
        """The resolved options as core keyword arguments (the income series for
        ``sign="income"``, the population for presence by RPOP)."""
        kwargs = dict(opts)
        if kwargs.get("presence") in ("rpop", "either", "both"):
            population = self.population(dataset_id)
            if population is None:
                raise ValidationError(
                    f"presence={kwargs['presence']!r} needs a population, and this dataset has "
                    "none",
                    where=f"dataset {dataset_id!r}",
                    expected="a bundled dataset with population in its context data (the EU "
                    "NUTS 2 datasets)",
                    found="no population series",
                    fix="use presence=rca, or analyse the data with the CLI and --population FILE",
                )
            kwargs["population"] = population
        if kwargs.get("sign") == "income":
            found = self.income(dataset_id)
            if found is None:
                raise ValidationError(
                    "sign='income' needs an income series, and this dataset has none",
                    where=f"dataset {dataset_id!r}",
                    expected="a bundled dataset with context data (EU NUTS 2, world trade, US "
                    "states, Tamaulipas)",
                    found="no income or productivity series",
                    fix="use sign=diversity, or analyse the data with the CLI and --income FILE",
                )
            kwargs["income"] = found[0]
        return kwargs

    def _analysis(self, dataset_id: str, options: Mapping[str, Any]) -> Computed:
        key = ("evidence", dataset_id, self.options_key(options, dataset_id))
        matrix = self.matrix(dataset_id)

        def compute() -> Any:
            from smartspec.core.evidence import analyse

            ev = analyse(matrix, **self._core_options(dataset_id, key[2]))
            _ = ev.cells, ev.regions, ev.activities  # computed once, here
            return ev

        return self._recorded(key, compute)

    def evidence(self, dataset_id: str, **options: Any) -> Evidence:
        """Every indicator of the dataset (cached per dataset and options).

        Parameters
        ----------
        dataset_id : str
            A dataset of the catalogue.
        **options
            ``profile`` (default: the ``default_profile`` setting), ``threshold``, ``knn``,
            ``proximity``:
            passed to :func:`smartspec.analyse`.
        """
        return self._analysis(dataset_id, options).value

    def evidence_warnings(self, dataset_id: str, **options: Any) -> list[str]:
        """The warnings the analysis raised (regions left out of ECI...), as one-line texts."""
        return list(self._analysis(dataset_id, options).warnings)

    def cached_with_warnings(
        self, key: Hashable, factory: Callable[[], Any]
    ) -> tuple[Any, list[str]]:
        """Like :meth:`cached`, with the notices ``factory()`` raised (collected in this thread
        only: analyses run side by side)."""
        done = self._recorded(key, factory)
        return done.value, list(done.warnings)

    def _recorded(self, key: Hashable, factory: Callable[[], Any]) -> Computed:
        """Memoise ``factory()`` with the :class:`SmartSpecWarning` texts it raised."""

        return self._cache.get(key, lambda: recorded(factory))

    def heavy(
        self,
        key: tuple[Any, ...],
        func: Callable[..., Any],
        args: tuple[Any, ...],
        *,
        wait: float | Literal["setting"] | None = None,
        _retried: bool = False,
    ) -> Computed:
        """A heavy result: from memory, else from disk, else computed by a background job.

        Parameters
        ----------
        key : tuple
            ``(kind, dataset_id, ...)``: what identifies the result, with the options.
        func : callable
            An importable function; ``func(*args)`` computes the result in a child process
            (see :mod:`smartspec.jobs`), with the time and memory of the ``job_*`` settings.
        args : tuple
            Its arguments (they must pickle).
        wait : float or "setting", optional
            Seconds to wait for a computation; ``None`` waits as long as it takes;
            ``"setting"``: the ``job_wait_s`` setting (what requests wait), or less when the
            request asked so (``Prefer: wait=N``, :data:`smartspec.jobs.REQUESTED_WAIT`).

        Returns
        -------
        Computed
            The result and the warnings raised while computing it.

        Raises
        ------
        smartspec.jobs.Pending
            When the computation is still running after ``wait`` seconds (answer 202).
        smartspec.SmartSpecError
            What the computation raised (a :class:`~smartspec.jobs.ComputeBudgetError` when it
            ran out of time or memory).
        """
        hit = self._cache.peek(key)
        if hit is not None:
            return hit
        if wait == "setting":
            wait = float(self.settings["job_wait_s"])
            asked = REQUESTED_WAIT.get()  # the request's Prefer: wait=N, never longer
            if asked is not None:
                wait = min(wait, asked)
        kind, dataset_id = key[0], key[1]
        name = digest(self._dataset_version(dataset_id), key)
        stored = self.results.load(dataset_id, name)
        if isinstance(stored, Computed):
            self._cache.put(key, stored)
            return stored

        def keep(result: Computed) -> None:
            self._cache.put(key, result)
            self.results.save(dataset_id, name, result)

        job = self.jobs.submit(name, str(kind), dataset_id, func, args, keep)
        if not job.wait(wait):
            raise Pending(job)
        if job.error is not None:
            raise job.error
        hit = self._cache.peek(key)
        if hit is None:  # dropped from memory at once (a tiny cache): read it back
            hit = self.results.load(dataset_id, name)
        if not isinstance(hit, Computed):  # removed meanwhile by other results: compute again
            if _retried:
                raise SmartSpecError(
                    "the result was dropped from the caches before it could be read",
                    expected="room for one result in memory or on disk",
                    found=f"cache_mb={self.settings['cache_mb']}, "
                    f"result_cache_mb={self.settings['result_cache_mb']}",
                    fix="raise cache_mb or result_cache_mb",
                )
            return self.heavy(key, func, args, wait=wait, _retried=True)
        return hit

    def _dataset_version(self, dataset_id: str) -> tuple[Any, ...]:
        """What identifies the content of a dataset: the heavy results' keys include it."""
        from smartspec import __version__

        r = self.dataset(dataset_id)
        stamp = r.created_at.isoformat() if r.created_at else None
        return (
            __version__,
            r.id,
            r.kind,
            r.path,
            stamp,
            tuple(map(str, r.periods)),
            r.n_regions,
            r.n_activities,
            json.dumps(r.mapping, sort_keys=True, default=str),
        )

    def framework(
        self,
        dataset_id: str,
        *,
        density_cutoff: str | float = "mean",
        complexity_cutoff: str | float = "mean",
        scope: str = "region",
        feasibility: str = "density",
        period: Any = None,
        wait: float | Literal["setting"] | None = None,
        **options: Any,
    ) -> Framework:
        """The smart-specialisation framework of the dataset, every period (cached).

        Parameters
        ----------
        dataset_id : str
            A dataset of the catalogue.
        density_cutoff, complexity_cutoff : {"mean", "median"} or float
            Where the plane is cut (see :func:`smartspec.core.framework.framework`).
        scope : {"region", "period"}
            Cut-offs over each region's candidates or over all candidates of the period.
        feasibility : {"density", "learned"}
            The feasibility axis: relatedness density, or the learned entry model's probability
            (:meth:`entry_model` at ``period``, default the last; only that period then has
            candidates, and ``wait`` applies to the model's training).
        **options
            ``profile``, ``threshold``, ``knn``, ``proximity`` as for :meth:`evidence`.
        """
        return self._framework(
            dataset_id, density_cutoff, complexity_cutoff, scope, options, feasibility, period, wait
        ).value

    def framework_warnings(
        self,
        dataset_id: str,
        *,
        density_cutoff: str | float = "mean",
        complexity_cutoff: str | float = "mean",
        scope: str = "region",
        feasibility: str = "density",
        period: Any = None,
        **options: Any,
    ) -> list[str]:
        """The warnings :meth:`framework` raised, as one-line texts."""
        return list(
            self._framework(
                dataset_id, density_cutoff, complexity_cutoff, scope, options, feasibility, period
            ).warnings
        )

    def _framework(
        self,
        dataset_id: str,
        density_cutoff: str | float,
        complexity_cutoff: str | float,
        scope: str,
        options: Mapping[str, Any],
        feasibility: str = "density",
        period: Any = None,
        wait: float | Literal["setting"] | None = None,
    ) -> Computed:
        from smartspec.domains.errors import RequestError

        if feasibility not in FEASIBILITY:
            raise RequestError(
                f"unknown feasibility axis {feasibility!r}",
                where="framework",
                expected=" or ".join(FEASIBILITY),
                found=repr(feasibility),
            )
        opts = self.options_key(options, dataset_id)
        matrix = self.matrix(dataset_id)
        model = (
            self.entry_model(dataset_id, period=period, wait=wait, **options)
            if feasibility == "learned"
            else None
        )
        learned = ("learned", model.base) if model is not None else ("density",)
        key = ("framework", dataset_id, density_cutoff, complexity_cutoff, scope, opts, *learned)

        def compute() -> Any:
            import numpy as np

            from smartspec.core.framework import framework

            grid = None
            if model is not None:
                grid = np.full(matrix.shape, np.nan)
                grid[matrix.period_position(model.base)] = model.grid()
            return framework(
                matrix,
                density_cutoff=density_cutoff,  # type: ignore[arg-type]
                complexity_cutoff=complexity_cutoff,  # type: ignore[arg-type]
                scope=scope,  # type: ignore[arg-type]
                feasibility=grid,
                **self._core_options(dataset_id, opts),
            )

        return self._recorded(key, compute)

    def backtest(
        self, dataset_id: str, *, wait: float | Literal["setting"] | None = None, **params: Any
    ) -> Backtest:
        """A backtest of the dataset's recommendations (cached per dataset and parameters).

        Parameters
        ----------
        dataset_id : str
            A dataset of the catalogue (at least two periods).
        **params
            ``base``, ``end``, ``horizon``, ``scores``, ``baselines``, ``k``, ``n_boot``,
            ``seed``, ``max_rca_before``, ``min_rca_after``, ``persistence`` of
            :func:`smartspec.core.validation.backtest`, and ``profile``, ``threshold``, ``knn``,
            ``proximity``.
            Sequences (``scores``, ``k``) are given as tuples.
        wait : float or "setting", optional
            Seconds to wait when the backtest must be computed (``None``: as long as it
            takes); past them, :class:`smartspec.jobs.Pending` is raised and the computation
            goes on in the background (see :meth:`heavy`).
        """
        analysis: dict[str, Any] = {
            k: params.pop(k) for k in ("profile", "threshold", "knn", "proximity") if k in params
        }
        params.pop("sign", None)  # backtests score density and COG with the profile's sign
        opts = tuple((k, v) for k, v in self.options_key(analysis) if k != "sign")
        matrix = self.matrix(dataset_id)
        frozen = tuple(
            sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items())
        )
        key = ("backtest", dataset_id, frozen, opts)
        computed = self.heavy(
            key, backtest_job, (matrix, {**dict(frozen), **dict(opts)}), wait=wait
        )
        return computed.value

    def recommender(self, dataset_id: str) -> dict[str, Any]:
        """The score a dataset's next specialisations are ranked by unless a request says
        otherwise: ``{"score": "learned" | "density", "reason": code or None}`` (the registry's
        :data:`smartspec.datasets.RECOMMENDERS`; uploads: density, ``not_validated``; a single
        period: density, ``one_period``)."""
        record = self.dataset(dataset_id)
        chosen = self.dataset_info(record).get("recommender") or {}
        if len(record.periods) < 2:
            return {"score": "density", "reason": "one_period"}
        if chosen.get("recommender") == "learned":
            return {"score": "learned", "reason": None}
        return {"score": "density", "reason": chosen.get("recommender_reason", "not_validated")}

    def _entry_model_job(
        self, dataset_id: str, period: Any, seed: int, options: Mapping[str, Any]
    ) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """The :meth:`heavy` key and job arguments of :meth:`entry_model` (checked first)."""
        from smartspec.domains.errors import RequestError

        matrix = self.matrix(dataset_id)
        b = matrix.n_periods - 1 if period in (None, "") else matrix.period_position(period)
        if b == 0:
            raise RequestError(
                "the learned score needs an earlier period to learn from",
                where=f"dataset {dataset_id!r}",
                expected="a period after the first of a panel with at least two periods",
                found=f"period {matrix.periods[0]!r} of {matrix.n_periods} period(s)",
                fix="ask for a later period, or use score=density",
                code="bad_request.too_few_periods",
            )
        opts = tuple((k, v) for k, v in self.options_key(options, dataset_id) if k != "sign")
        base = matrix.periods[b]
        key = ("learned", dataset_id, str(base), int(seed), opts)
        return key, (matrix, base, int(seed), self._core_options(dataset_id, opts))

    def entry_model(
        self,
        dataset_id: str,
        *,
        period: Any = None,
        seed: int = 0,
        wait: float | Literal["setting"] | None = None,
        **options: Any,
    ) -> EntryModel:
        """The learned entry model of the dataset at ``period`` (default: the last), trained on
        the earlier windows: computed once per dataset, period, seed and options by a background
        job (see :meth:`heavy`; ``wait`` as there), then kept."""
        key, args = self._entry_model_job(dataset_id, period, seed, options)
        return self.heavy(key, entry_model_job, args, wait=wait).value

    def entry_model_state(
        self, dataset_id: str, *, period: Any = None, seed: int = 0, **options: Any
    ) -> Literal["ready", "computing", "absent"]:
        """Whether :meth:`entry_model` is trained (in memory or on disk), being trained, or
        neither, without starting anything (a page offers the training instead of starting
        it: it takes the server's job slot for a while)."""
        key, _ = self._entry_model_job(dataset_id, period, seed, options)
        if self._cache.peek(key) is not None:
            return "ready"
        name = digest(self._dataset_version(dataset_id), key)
        stored = self.results.load(dataset_id, name)
        if isinstance(stored, Computed):
            self._cache.put(key, stored)
            return "ready"
        job = self.jobs.get(name)
        return "computing" if job is not None and job.state in ("queued", "running") else "absent"

    def recommendations(
        self,
        dataset_id: str,
        *,
        region: str,
        period: Any = None,
        top: int = 5,
        seed: int = 0,
        wait: float | Literal["setting"] | None = None,
        **options: Any,
    ) -> pd.DataFrame:
        """The activities ``region`` is most likely to enter next, by the learned entry model
        (:func:`smartspec.learn.recommend`), with activity and region names.

        The fitted model is shared by every region of the dataset (:meth:`entry_model`); each
        region's list is kept too.

        Parameters
        ----------
        dataset_id : str
            A dataset of the catalogue (at least two periods).
        region : str
            A region code or name (:func:`smartspec.core.lookup.resolve`).
        period : period label, optional
            The period predicted from (default: the last).
        top : int
            How many activities, 1 to :data:`MAX_RECOMMENDATIONS`.
        seed : int
            Seeds the model.
        wait : float or "setting", optional
            Seconds to wait for the model when it must be trained (see :meth:`heavy`).
        **options
            ``profile``, ``threshold``, ``knn``, ``proximity``, ``presence``.

        Returns
        -------
        pandas.DataFrame
            ``region, activity, rank, probability, factors, related, similar, explanation``.
        """
        from smartspec.core.lookup import resolve

        check_top(top)
        matrix = self.matrix(dataset_id)
        region_labels = self.labels(dataset_id, "region")["name"]
        names = self.labels(dataset_id, "activity")["name"]
        codes = {str(r): r for r in matrix.regions}
        code = resolve(
            str(region),
            {c: region_labels.get(c) for c in codes},
            axis="region",
            where=f"dataset {dataset_id!r}",
            listing=f"GET /api/v1/datasets/{dataset_id}/regions",
        )
        model = self.entry_model(dataset_id, period=period, seed=seed, wait=wait, **options)
        key = (
            "recommendations",
            dataset_id,
            code,
            str(model.base),
            top,
            int(seed),
            self.options_key(options, dataset_id),
        )

        def compute() -> Any:
            from smartspec.learn import recommend

            return recommend(
                matrix,
                region=codes[code],
                top=top,
                model=model,
                names={a: str(names[str(a)]) for a in matrix.activities if _named(names, a)},
                region_names={
                    r: str(region_labels[str(r)])
                    for r in matrix.regions
                    if _named(region_labels, r)
                },
            )

        return self._recorded(key, compute).value

    def cached(self, key: Hashable, factory: Callable[[], Any]) -> Any:
        """Memoise ``factory()`` in the app's LRU cache (keys ``(kind, dataset_id, ...)``).

        Entries whose second element is a dataset id are dropped when that dataset is deleted.
        """
        return self._cache.get(key, factory)


def _named(names: pd.Series, code: Any) -> bool:
    """Whether ``names`` (code -> name) has a name for ``code``."""
    name = names.get(str(code))
    return isinstance(name, str) and bool(name)
