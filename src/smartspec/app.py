"""The application object: one :class:`SmartSpecApp` for the CLI, the HTTP server and the tests.

Like datasette's ``Datasette``, it holds the settings, the store (database), the dataset catalogue
(bundled datasets, uploaded ones and files given to ``smartspec serve --data PATH``) and an LRU
cache of matrices and evidence; :meth:`SmartSpecApp.asgi` builds the FastAPI application and
:meth:`SmartSpecApp.client` an in-process HTTP client for tests and commands. The app calls
:mod:`smartspec.core` and never the reverse.

Examples
--------
>>> import tempfile
>>> app = SmartSpecApp(data_dir=tempfile.mkdtemp(), datasets=["us-state-industry"])
>>> [d.id for d in app.catalogue()]
['us-state-industry']
>>> app.matrix("us-state-industry")
ActivityMatrix(51 regions x 20 activities x 1 period, 1018 non-zero cells, value='employment')
>>> app.client().get("/api/v1/health").json()["status"]
'ok'
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
import warnings
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

import pandas as pd

from .core._labels import text_or_none
from .core.errors import SmartSpecError, UnknownDatasetError, ValidationError, format_examples
from .jobs import REQUESTED_WAIT, Computed, Jobs, Pending, backtest_job, recorded
from .store.cache import LRUCache
from .store.files import (
    MAX_SOURCE,
    check_text,
    clean_mapping,
    copy_limited,
    file_ending,
    safe_filename,
    slugify,
)
from .store.results import ResultCache, digest

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from .core.evidence import Evidence
    from .core.framework import Framework
    from .core.matrix import ActivityMatrix
    from .core.validation import Backtest
    from .store import DatasetRecord

__all__ = [
    "SETTINGS",
    "ConflictError",
    "RequestError",
    "Setting",
    "SmartSpecApp",
    "UploadTooLargeError",
]


# ------------------------------------------------------------------------------------ errors
class RequestError(ValidationError):
    """A request that is malformed as given (an unknown sort column, a bad filter): HTTP 400."""

    code = "bad_request"


class UploadTooLargeError(ValidationError):
    """An uploaded file larger than the ``max_upload_mb`` setting: HTTP 413."""

    code = "upload_too_large"


class ConflictError(SmartSpecError):
    """An action the current state forbids (deleting a bundled dataset): HTTP 409."""

    code = "conflict"


# ------------------------------------------------------------------------------------ settings
@dataclass(frozen=True)
class Setting:
    """One setting of the platform, declared once (read by CLI flags, the API and the docs).

    Attributes
    ----------
    name : str
        Python name (``max_upload_mb``); the CLI flag is ``--max-upload-mb``.
    default : Any
        Default value (``None``: computed, see ``help``).
    help : str
        One sentence for ``--help``, ``GET /api/v1/settings`` and the documentation.
    type : type
        The value's type (``str``, ``int``, ``float``).
    """

    name: str
    default: Any
    help: str
    type: type = str


#: Every setting of the platform.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        None,
        "Folder for the database and uploaded files (default: $SMARTSPEC_DATA_DIR, else "
        "~/.local/share/smartspec).",
        str,
    ),
    Setting(
        "database_url",
        None,
        "SQLAlchemy URL of the database (default: sqlite:///<data_dir>/smartspec.db; "
        "PostgreSQL: postgresql+psycopg://user:password@host/dbname).",
        str,
    ),
    Setting("max_upload_mb", 50.0, "Largest accepted upload, in megabytes.", float),
    Setting(
        "cache_size",
        128,
        "Entries kept in memory (matrices, analyses per dataset and options, layouts); the "
        "least recently used are dropped first.",
        int,
    ),
    Setting(
        "response_cache_mb",
        64.0,
        "Memory for answers of repeated GET requests (pages and API reads), in megabytes; any "
        "upload or delete starts afresh. 0 turns it off.",
        float,
    ),
    Setting(
        "cache_mb",
        1024.0,
        "Memory the cache may hold, in megabytes (each entry measured when stored); the least "
        "recently used entries are dropped first.",
        float,
    ),
    Setting(
        "default_profile",
        "atlas",
        "Convention profile used when a request names none.",
        str,
    ),
    Setting("page_size", 100, "Rows per indicator page when a request does not say.", int),
    Setting("max_page_size", 10000, "Largest page of rows one request may ask for.", int),
    Setting(
        "debris_grace_s",
        600.0,
        "Seconds before an unfinished upload (staging folder, or a stored file that no dataset "
        "row points to) counts as debris of a crash and is removed at start-up; long enough "
        "that another process's upload in flight is never touched.",
        float,
    ),
    Setting(
        "allowed_hosts",
        "localhost,127.0.0.1,[::1]",
        "Host names the server answers to (the Host header; any other gets 400, against DNS "
        "rebinding), comma-separated; *.example.org allows its subdomains. The loopback names "
        "are always allowed; serve adds the address it binds to.",
        str,
    ),
    Setting(
        "job_wait_s",
        10.0,
        "Seconds a request waits for a heavy result (a backtest, a network layout) before it is "
        "answered 202 with a link to the computation's status.",
        float,
    ),
    Setting(
        "page_wait_s",
        3.0,
        "Seconds a dashboard page waits for a heavy result before it shows a progress page "
        "that reloads by itself (at most job_wait_s; it asks the API with Prefer: wait=N).",
        float,
    ),
    Setting(
        "job_workers",
        1,
        "Heavy computations run at once, each in its own process; the others wait in a queue.",
        int,
    ),
    Setting(
        "job_timeout_s",
        1800.0,
        "Seconds one heavy computation may run before its process is stopped.",
        float,
    ),
    Setting(
        "job_memory_mb",
        8192.0,
        "Memory one heavy computation's process may use, in megabytes.",
        float,
    ),
    Setting(
        "result_cache_mb",
        2048.0,
        "Disk space for heavy results kept between requests and restarts (results/ in the data "
        "folder), in megabytes; the least recently used go first. 0 keeps none.",
        float,
    ),
    Setting(
        "warm_on_start",
        True,
        "serve computes every dataset's default backtest and network layout in the background "
        "at start, so that the first visitors find them ready.",
        bool,
    ),
    Setting(
        "read_only",
        False,
        "Refuse every change (uploads, deletes) with 403; the dashboard hides its upload form.",
        bool,
    ),
)

_SETTINGS_BY_NAME = {s.name: s for s in SETTINGS}


def _resolve_settings(given: Mapping[str, Any] | None) -> dict[str, Any]:
    values = {s.name: s.default for s in SETTINGS}
    for name, value in (given or {}).items():
        setting = _SETTINGS_BY_NAME.get(name)
        if setting is None:
            raise ValidationError(
                f"unknown setting {name!r}",
                expected=f"one of {format_examples(list(_SETTINGS_BY_NAME), limit=20)}",
                found=repr(name),
            )
        if value is None:
            continue
        try:
            values[name] = _as_bool(value) if setting.type is bool else setting.type(value)
        except (TypeError, ValueError):
            raise ValidationError(
                f"setting {name!r} has the wrong type",
                expected=setting.type.__name__,
                found=repr(value),
            ) from None
    for name in (
        "max_upload_mb",
        "cache_size",
        "cache_mb",
        "page_size",
        "max_page_size",
        "job_workers",
        "job_timeout_s",
        "job_memory_mb",
    ):
        if values[name] <= 0:
            raise ValidationError(
                f"setting {name!r} must be positive", expected="> 0", found=repr(values[name])
            )
    for name in (
        "job_wait_s",
        "page_wait_s",
        "result_cache_mb",
        "response_cache_mb",
        "debris_grace_s",
    ):
        if values[name] < 0:
            raise ValidationError(
                f"setting {name!r} cannot be negative", expected=">= 0", found=repr(values[name])
            )
    if values["max_page_size"] > PAGE_CEILING:
        raise ValidationError(
            "setting 'max_page_size' is above the ceiling the API declares",
            expected=f"at most {PAGE_CEILING}",
            found=repr(values["max_page_size"]),
            fix="download whole tables with format=csv instead of larger pages",
        )
    return values


#: The largest page any setting may allow; the OpenAPI document declares it on every ``limit``.
PAGE_CEILING = 10_000


def _as_bool(value: Any) -> bool:
    """A yes/no setting from a bool or a text (``true``/``false``, ``1``/``0``, ``yes``/``no``)."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "on"):
        return True
    if text in ("false", "0", "no", "off", ""):
        return False
    raise ValueError(value)


def default_data_dir() -> Path:
    """``$SMARTSPEC_DATA_DIR``, else ``$XDG_DATA_HOME/smartspec`` (``~/.local/share/smartspec``)."""
    env = os.environ.get("SMARTSPEC_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "smartspec"


# ------------------------------------------------------------------------------------ the app
class SmartSpecApp:
    """The smartspec platform: settings, store, dataset catalogue, cached analyses, the API.

    Parameters
    ----------
    data_dir : path, optional
        Folder for the SQLite database and uploaded files (created when missing); see the
        ``data_dir`` setting for the default.
    database_url : str, optional
        SQLAlchemy URL; default ``sqlite:///<data_dir>/smartspec.db``.
    datasets : sequence of str, optional
        The bundled datasets to serve, by name (default: all of them).
    files : sequence of (path, mapping) pairs, optional
        Data files to serve as they are (``smartspec serve --data PATH``), each with its column
        mapping (``region``, ``activity``, ``value``, optional ``period``, ``duplicates``,
        ``sheet``); an empty mapping means the tidy layout ``period, region, activity, value``.
    settings : mapping, optional
        Values for the other :data:`SETTINGS` (``max_upload_mb``, ``cache_size``...).
    """

    def __init__(
        self,
        *,
        data_dir: str | Path | None = None,
        database_url: str | None = None,
        datasets: Sequence[str] | None = None,
        files: Sequence[tuple[str | Path, Mapping[str, Any]]] | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        from .store import Store, sqlite_url  # SQLAlchemy only when an app is built

        merged = dict(settings or {})
        if data_dir is not None:
            merged["data_dir"] = str(data_dir)
        if database_url is not None:
            merged["database_url"] = database_url
        self.settings: dict[str, Any] = _resolve_settings(merged)
        self.data_dir = Path(self.settings["data_dir"] or default_data_dir()).expanduser()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings["data_dir"] = str(self.data_dir)
        url = self.settings["database_url"] or sqlite_url(self.data_dir / "smartspec.db")
        self.settings["database_url"] = url
        self.store = Store(url)
        self.uploads_dir = self.data_dir / "uploads"
        self._cache = LRUCache(
            int(self.settings["cache_size"]),
            max_bytes=int(float(self.settings["cache_mb"]) * 2**20),
        )
        self.results = ResultCache(
            self.data_dir / "results", int(float(self.settings["result_cache_mb"]) * 2**20)
        )
        self.jobs = Jobs(
            int(self.settings["job_workers"]),
            float(self.settings["job_timeout_s"]),
            int(float(self.settings["job_memory_mb"]) * 2**20),
        )
        self._asgi: FastAPI | None = None
        #: Bumped by every change of the catalogue in this process (caches of answers key on it).
        self.generation = 0
        self._relative_paths()
        self.clean_debris(float(self.settings["debris_grace_s"]))
        self._sync_catalogue(datasets, files or ())

    # ------------------------------------------------------------------ files
    def file_of(self, record: DatasetRecord) -> Path | None:
        """The data file of a dataset: stored relative to the data folder (so that a copied or
        restored folder works), absolute for files served from elsewhere (``--data``)."""
        if not record.path:
            return None
        path = Path(record.path)
        return path if path.is_absolute() else self.data_dir / path

    def _relative_paths(self) -> None:
        """Rows written by earlier versions hold absolute paths: make those inside the data folder
        relative, so that the folder can be moved, backed up and restored."""
        from .store import DatasetRecord

        root = self.data_dir.resolve()
        with self.store.session() as s:
            for record in self.store.list_datasets("uploaded"):
                path = Path(record.path or "")
                if path.is_absolute() and path.resolve().is_relative_to(root):
                    relative = path.resolve().relative_to(root).as_posix()
                    self.store.put_dataset(
                        DatasetRecord(**{**record.__dict__, "path": relative}), session=s
                    )

    def clean_debris(self, grace_s: float) -> list[Path]:
        """Remove what a crash can leave in ``uploads/``: staging folders, and stored files no
        dataset row points to (with their name files), older than ``grace_s`` seconds.

        Returns the paths removed. Called at start-up with the ``debris_grace_s`` setting; the
        grace period keeps the uploads that other processes on the same folder have in flight.
        """
        import time

        cutoff = time.time() - grace_s
        removed: list[Path] = []
        for tmp in self.results.folder.glob("*/.*.tmp"):  # a result being written when killed
            if tmp.stat().st_mtime < cutoff:
                tmp.unlink(missing_ok=True)
                removed.append(tmp)
        if not self.uploads_dir.is_dir():
            return removed
        kept = {
            self.file_of(r).resolve()  # type: ignore[union-attr]
            for r in self.store.list_datasets("uploaded")
            if r.path
        }
        kept |= {labels_path(p) for p in kept}
        staging = self.uploads_dir / ".staging"
        for entry in staging.iterdir() if staging.is_dir() else ():
            if entry.stat().st_mtime < cutoff:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        for entry in self.uploads_dir.iterdir():
            if entry.is_file() and entry.resolve() not in kept and entry.stat().st_mtime < cutoff:
                entry.unlink(missing_ok=True)
                removed.append(entry)
        return removed

    # ------------------------------------------------------------------ catalogue
    def _sync_catalogue(
        self, datasets: Sequence[str] | None, files: Sequence[tuple[str | Path, Mapping[str, Any]]]
    ) -> None:
        """Make the ``bundled`` and ``file`` rows match this configuration (uploads persist)."""
        from .datasets import info, list_datasets
        from .store import DatasetRecord

        names = list(list_datasets()["name"]) if datasets is None else list(dict.fromkeys(datasets))
        metas = [info(n) for n in names]  # raises UnknownDatasetError for a wrong name
        records: list[DatasetRecord] = [
            DatasetRecord(
                id=meta.name,
                title=meta.title,
                kind="bundled",
                value_name=meta.value_name,
                n_regions=meta.n_regions,
                n_activities=meta.n_activities,
                periods=list(meta.periods),
                licence=meta.licence,
                source=meta.source,
            )
            for meta in metas
        ]
        existing = {r.id: r for r in self.store.list_datasets()}
        taken = {r.id for r in records} | {r.id for r in existing.values() if r.kind == "uploaded"}
        for path, mapping in files:
            p = Path(path).expanduser().resolve()
            m, resolved = self._read_file(p, mapping)
            same = [r.id for r in existing.values() if r.kind == "file" and r.path == str(p)]
            dataset_id = (
                same[0]
                if same and same[0] not in taken
                else self._unique_id(
                    p.name[: len(p.name) - len(file_ending(p.name))] or p.stem, taken
                )
            )
            taken.add(dataset_id)
            records.append(self._record(dataset_id, p.name, "file", str(p), resolved, m))
            self._cache.get(("matrix", dataset_id), lambda m=m: m)
        wanted = {r.id: r for r in records}
        with self.store.session() as s:
            for old in existing.values():
                if old.kind in ("bundled", "file") and old.id not in wanted:
                    self.store.delete_dataset(old.id, session=s)
            for record in records:
                old = existing.get(record.id)
                if old is None or _differs(old, record):
                    self.store.put_dataset(record, session=s)

    @staticmethod
    def _record(
        dataset_id: str,
        title: str,
        kind: str,
        path: str | None,
        mapping: Mapping[str, Any],
        m: ActivityMatrix,
        *,
        licence: str | None = None,
        source: str | None = None,
    ) -> DatasetRecord:
        from .store import DatasetRecord

        return DatasetRecord(
            id=dataset_id,
            title=title,
            kind=kind,
            value_name=m.value_name,
            n_regions=m.n_regions,
            n_activities=m.n_activities,
            periods=[_plain(p) for p in m.periods],
            path=path,
            mapping=dict(mapping),
            licence=licence,
            source=source,
        )

    def _unique_id(self, text: str, taken: set[str] | None = None) -> str:
        """A new dataset id from ``text``: not in the catalogue, and never a bundled name (so
        that serving more bundled datasets later cannot clash with an upload)."""
        from .datasets import list_datasets

        if taken is None:
            taken = {r.id for r in self.store.list_datasets()}
        taken = taken | set(list_datasets()["name"])
        base = slugify(text)
        candidate, n = base, 2
        while candidate in taken:
            candidate = f"{base}-{n}"
            n += 1
        return candidate

    def _claim_id(
        self, text: str, make: Callable[[str], DatasetRecord], *, attempts: int = 100
    ) -> str:
        """Insert the row ``make(id)`` under the first free id derived from ``text``.

        The primary key decides: when another process inserted the same id first, the next
        candidate is tried, so no upload ever replaces another.
        """
        taken: set[str] = set()
        for _ in range(attempts):
            candidate = self._unique_id(text, taken | {r.id for r in self.store.list_datasets()})
            if self.store.insert_dataset(make(candidate)):
                return candidate
            taken.add(candidate)
        raise ConflictError(
            "no free dataset id",
            expected=f"an id derived from {text!r}",
            found=f"{attempts} taken",
            fix="give the upload another title",
        )

    @staticmethod
    def _read_file(path: Path, mapping: Mapping[str, Any]) -> tuple[ActivityMatrix, dict]:
        """Read a data file with its mapping; without region/activity/value columns named, the
        tidy layout ``period, region, activity, value`` (``period`` used when present)."""
        from .io import read_table

        given = {k: v for k, v in mapping.items() if v not in (None, "")}
        if any(k in given for k in ("region", "activity", "value")):
            resolved = clean_mapping(given)
            return read_table(path, **resolved), resolved
        tidy = {"region": "region", "activity": "activity", "value": "value", **given}
        if "period" in given:
            return read_table(path, **tidy), tidy
        try:
            with_period = {**tidy, "period": "period"}
            return read_table(path, **with_period), with_period
        except ValidationError as exc:
            if not exc.problem.startswith("the period column"):
                raise
        return read_table(path, **tidy), tidy

    def catalogue(self) -> list[DatasetRecord]:
        """Every dataset served: bundled, then files, then uploads, in the order added."""
        order = {"bundled": 0, "file": 1, "uploaded": 2}
        from .datasets import list_datasets

        bundled_order = {n: i for i, n in enumerate(list_datasets()["name"])}
        return sorted(
            self.store.list_datasets(),
            key=lambda r: (order.get(r.kind, 3), bundled_order.get(r.id, 0)),
        )

    def dataset(self, dataset_id: str) -> DatasetRecord:
        """One dataset's catalogue record.

        Raises
        ------
        smartspec.UnknownDatasetError
            When no dataset has this id.
        """
        record = self.store.get_dataset(dataset_id)
        if record is None:
            import difflib

            ids = [r.id for r in self.store.list_datasets()]
            close = difflib.get_close_matches(str(dataset_id), ids, n=1, cutoff=0.5)
            raise UnknownDatasetError(
                f"unknown dataset {dataset_id!r}",
                expected=f"one of {format_examples(ids, limit=12)}",
                found=repr(dataset_id),
                fix=(f"did you mean {close[0]!r}? " if close else "")
                + "GET /api/v1/datasets lists them",
            )
        return record

    def dataset_info(self, dataset: str | DatasetRecord) -> dict[str, Any]:
        """What is known about a dataset beyond its record (bundled: the registry entry)."""
        record = self.dataset(dataset) if isinstance(dataset, str) else dataset
        if record.kind != "bundled":
            return {}
        from dataclasses import asdict

        from .datasets import info

        return asdict(info(record.id))

    # ------------------------------------------------------------------ data and analyses
    def matrix(self, dataset_id: str) -> ActivityMatrix:
        """The dataset as an :class:`~smartspec.ActivityMatrix` (cached)."""
        record = self.dataset(dataset_id)

        def load() -> ActivityMatrix:
            if record.kind == "bundled":
                from .datasets import load as load_bundled

                return load_bundled(record.id)
            from .io import read_table

            path = self.file_of(record)
            if path is None or not path.is_file():
                raise ValidationError(
                    "the dataset's file is missing",
                    where=f"dataset {record.id!r}",
                    expected=f"its data file ({Path(record.path or '').name or 'none recorded'})",
                    found="no file",
                    fix="upload the dataset again, restore the data folder from a backup "
                    "(smartspec restore), or restart with the right --data path",
                    code="invalid.file_missing",
                )
            return read_table(path, **record.mapping)

        return self._cache.get(("matrix", record.id), load)

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
        from .core.profiles import get_profile

        resolved.setdefault("presence", "rca")
        resolved.setdefault("sign", get_profile(resolved["profile"]).sign)
        return tuple(sorted(resolved.items()))

    def dataset_defaults(self, dataset_id: str) -> dict[str, Any]:
        """The analysis options a dataset is shown with unless a request sets them (a bundled
        dataset's registry ``defaults``: e.g. the sign anchored on income where the diversity
        rule inverts the ranking; see docs/validation.md)."""
        return dict(self.dataset_info(dataset_id).get("defaults") or {})

    def income(self, dataset_id: str) -> tuple[pd.Series, dict[str, str]] | None:
        """The dataset's income or productivity series by ``(period, region)``, with its
        ``name``, ``unit`` and ``source``; None when there is none (uploads, NZ, AU).

        See :func:`smartspec.datasets.income`.
        """
        if self.dataset(dataset_id).kind != "bundled":
            return None

        def load() -> tuple[pd.Series, dict[str, str]] | None:
            from .datasets import income

            return income(dataset_id)

        return self._cache.get(("income", dataset_id), load)  # type: ignore[no-any-return]

    def population(self, dataset_id: str) -> pd.Series | None:
        """The dataset's population by ``(period, region)`` (context data of a bundled
        dataset), for presence by RPOP; None when there is none."""
        if self.dataset(dataset_id).kind != "bundled":
            return None

        def load() -> pd.Series | None:
            from .datasets import population

            return population(dataset_id)

        return self._cache.get(("population", dataset_id), load)  # type: ignore[no-any-return]

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
            from .core.evidence import analyse

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
            return hit  # type: ignore[no-any-return]
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
        from . import __version__

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
        **options
            ``profile``, ``threshold``, ``knn``, ``proximity`` as for :meth:`evidence`.
        """
        return self._framework(dataset_id, density_cutoff, complexity_cutoff, scope, options).value

    def framework_warnings(
        self,
        dataset_id: str,
        *,
        density_cutoff: str | float = "mean",
        complexity_cutoff: str | float = "mean",
        scope: str = "region",
        **options: Any,
    ) -> list[str]:
        """The warnings :meth:`framework` raised, as one-line texts."""
        return list(
            self._framework(dataset_id, density_cutoff, complexity_cutoff, scope, options).warnings
        )

    def _framework(
        self,
        dataset_id: str,
        density_cutoff: str | float,
        complexity_cutoff: str | float,
        scope: str,
        options: Mapping[str, Any],
    ) -> Computed:
        opts = self.options_key(options, dataset_id)
        matrix = self.matrix(dataset_id)
        key = ("framework", dataset_id, density_cutoff, complexity_cutoff, scope, opts)

        def compute() -> Any:
            from .core.framework import framework

            return framework(
                matrix,
                density_cutoff=density_cutoff,  # type: ignore[arg-type]
                complexity_cutoff=complexity_cutoff,  # type: ignore[arg-type]
                scope=scope,  # type: ignore[arg-type]
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
        analysis = {
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
        return computed.value  # type: ignore[no-any-return]

    def cached(self, key: Hashable, factory: Callable[[], Any]) -> Any:
        """Memoise ``factory()`` in the app's LRU cache (keys ``(kind, dataset_id, ...)``).

        Entries whose second element is a dataset id are dropped when that dataset is deleted.
        """
        return self._cache.get(key, factory)

    def labels(self, dataset_id: str, axis: str, lang: str = "en") -> pd.DataFrame:
        """Codes of the dataset's regions or activities with ``name``, ``name_lang`` and
        ``parent`` columns.

        Parameters
        ----------
        dataset_id : str
            A dataset of the catalogue.
        axis : {"region", "activity"}
            Which labels.
        lang : {"en", "es"}
            Language of the names: ``"es"`` gives the Spanish name where one is known (bundled
            label files' ``name_es``; for uploads, the ``<axis>_es`` names of the label sidecar)
            and the other name elsewhere.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``code`` (text) in the matrix's order; ``name`` and ``parent`` are
            ``None`` where unknown (uploaded files carry codes only, unless name columns were
            given on upload: see :meth:`add_dataset`). ``name_lang`` is ``"es"`` where the name
            is Spanish, ``"en"`` for a bundled English (or place's own) name, ``None`` where
            the language is not known (names given on upload).
        """
        if axis not in ("region", "activity"):
            raise ValidationError("unknown label axis", expected="region or activity", found=axis)
        if lang not in ("en", "es"):
            raise RequestError(
                "unknown label language",
                where="query parameter 'lang'",
                expected="'en' or 'es'",
                found=repr(lang),
                code="bad_request.label_language",
            )
        record = self.dataset(dataset_id)

        def build() -> pd.DataFrame:
            m = self.matrix(dataset_id)
            codes = [str(c) for c in (m.regions if axis == "region" else m.activities)]
            frame = pd.DataFrame(index=pd.Index(codes, name="code"))
            frame["name"] = None
            frame["name_lang"] = None
            frame["parent"] = None
            if record.kind == "bundled":
                from .datasets import labels as bundled_labels

                known = bundled_labels(record.id, axis, lang)
                for col in ("name", "name_lang", "parent"):
                    if col in known.columns:
                        frame[col] = text_or_none(known[col].reindex(frame.index))
            elif record.kind == "uploaded" and record.path:
                sidecar = _read_labels(labels_path(self.file_of(record)))
                stored = sidecar.get(axis, {})
                if stored:
                    frame["name"] = text_or_none(pd.Series(stored).reindex(frame.index))
                spanish = sidecar.get(f"{axis}_es", {}) if lang == "es" else {}
                if spanish:  # Spanish names where given, the others where not
                    es = text_or_none(pd.Series(spanish).reindex(frame.index))
                    frame["name_lang"] = pd.Series(  # object: None stays None (JSON null)
                        [None if s is None else "es" for s in es], frame.index, dtype=object
                    )
                    frame["name"] = pd.Series(
                        [s if s is not None else n for s, n in zip(es, frame["name"], strict=True)],
                        frame.index,
                        dtype=object,
                    )
            return frame

        return self.cached(("labels", record.id, axis, lang), build)

    # ------------------------------------------------------------------ adding and deleting
    def add_dataset(
        self,
        file: bytes | str | Path | BinaryIO,
        mapping: Mapping[str, Any],
        title: str | None = None,
        *,
        filename: str | None = None,
        licence: str | None = None,
        source: str | None = None,
        region_name: str | None = None,
        activity_name: str | None = None,
        region_name_es: str | None = None,
        activity_name_es: str | None = None,
    ) -> DatasetRecord:
        """Validate a data file and store it as a new ``uploaded`` dataset.

        The file is read with :func:`smartspec.io.read_table` first; only when it is valid is it
        written to ``<data_dir>/uploads/<id><ending>`` and its row added, in one transaction: on
        any failure neither the file nor the row is left behind.

        Parameters
        ----------
        file : bytes, path or binary file object
            The data (CSV, TSV, Parquet or Excel).
        mapping : mapping
            Column names: ``region``, ``activity``, ``value`` (required), ``period``,
            ``duplicates``, ``sheet`` (optional), as for :func:`~smartspec.io.read_table`.
        title : str, optional
            Human title (default: the file name); the id is made from it.
        filename : str, optional
            The file's name (needed for bytes and file objects: its ending gives the format).
        licence, source : str, optional
            Stored with the dataset.
        region_name, activity_name : str, optional
            Columns holding the names of the region and activity codes. The names are stored
            beside the file (``<data_dir>/uploads/<id>.labels.json``, in the same transaction)
            and served by :meth:`labels`. A missing column, or two names for one code, is a
            :class:`~smartspec.ValidationError`.
        region_name_es, activity_name_es : str, optional
            Columns holding Spanish names of the codes, kept in the same file (as
            ``region_es`` / ``activity_es``) and served by :meth:`labels` with ``lang="es"``.

        Returns
        -------
        DatasetRecord

        Raises
        ------
        smartspec.ValidationError
            For an incomplete mapping, an unknown format or any problem in the data.
        UploadTooLargeError
            When the file is larger than the ``max_upload_mb`` setting, or reading it takes
            more time or memory than :mod:`smartspec.io.worker` allows (the file is read in a
            child process).
        """
        resolved = clean_mapping(mapping)
        title = check_text("title", title)
        licence = check_text("licence", licence)
        source = check_text("source", source, limit=MAX_SOURCE)
        region_name = check_text("region_name", region_name)
        activity_name = check_text("activity_name", activity_name)
        region_name_es = check_text("region_name_es", region_name_es)
        activity_name_es = check_text("activity_name_es", activity_name_es)
        filename = check_text("filename", filename)
        if isinstance(file, str | Path):
            filename = filename or Path(file).name
        name = safe_filename(filename or "upload")
        ending = file_ending(name)
        if not ending:
            from .io import FORMATS

            known = ", ".join(e for endings in FORMATS.values() for e in endings)
            raise ValidationError(
                "cannot tell the file format from the file name",
                where=f"file '{name}'",
                expected=f"a name ending in one of {known}",
                found=f"'{''.join(Path(name).suffixes) or 'no extension'}'",
                fix="upload a CSV, TSV, Parquet or Excel file with its usual ending",
                code="invalid.file_format",
            )
        limit = int(float(self.settings["max_upload_mb"]) * 1024 * 1024)
        staging = self.uploads_dir / ".staging" / uuid.uuid4().hex
        staging.mkdir(parents=True, exist_ok=True)
        staged = staging / name
        final: Path | None = None
        try:
            size = copy_limited(file, staged, limit)
            if size > limit:
                raise UploadTooLargeError(
                    "the file is too large",
                    where=f"file '{name}'",
                    expected=f"at most {self.settings['max_upload_mb']:g} MB",
                    found=f"more than {limit:,} bytes",
                    fix="upload a smaller file (filter periods or aggregate), or raise the "
                    "max_upload_mb setting",
                )
            from .io.worker import read_upload

            # parsed in a child process with a time and memory budget, never in this thread
            m, names = read_upload(
                staged,
                resolved,
                {
                    "region": region_name or "",
                    "activity": activity_name or "",
                    "region_es": region_name_es or "",
                    "activity_es": activity_name_es or "",
                },
                too_large=UploadTooLargeError,
            )
            staged_labels: Path | None = None
            if names:
                staged_labels = staging / "labels.json"
                staged_labels.write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
            # 1. the file under a name no other upload can have (another process included);
            # 2. the row, whose id the database arbitrates. A crash after 1 leaves a file no
            # row points to (removed at the next start); after 2 the upload is complete.
            final = self.uploads_dir / f"{uuid.uuid4().hex}{ending}"
            os.replace(staged, final)
            if staged_labels is not None:
                os.replace(staged_labels, labels_path(final))
            dataset_id = self._claim_id(
                title or name[: len(name) - len(ending)],
                lambda dataset_id: self._record(
                    dataset_id,
                    title or name,
                    "uploaded",
                    final.relative_to(self.data_dir).as_posix(),
                    resolved,
                    m,
                    licence=licence,
                    source=source,
                ),
            )
        except BaseException as exc:
            if final is not None:
                final.unlink(missing_ok=True)
                labels_path(final).unlink(missing_ok=True)
            if isinstance(exc, ValidationError) and exc.code == ValidationError.code:
                exc.code = "invalid.upload"  # the reader's problem with the uploaded data
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        record = self.dataset(dataset_id)
        self.generation += 1
        self._cache.evict(lambda k: _key_dataset(k) == record.id)
        self._cache.get(("matrix", record.id), lambda: m)
        return record

    def forget(self, dataset_id: str) -> None:
        """Drop everything cached for a dataset (its file or row changed underneath)."""
        self.generation += 1
        self._cache.evict(lambda k: _key_dataset(k) == dataset_id)
        self.results.drop(dataset_id)

    def delete_dataset(self, dataset_id: str) -> None:
        """Delete an uploaded dataset: its row, its file and its cached analyses.

        Raises
        ------
        smartspec.UnknownDatasetError
            For an unknown id.
        ConflictError
            For a bundled dataset or a file given on the command line.
        """
        record = self.dataset(dataset_id)
        if record.kind != "uploaded":
            raise ConflictError(
                f"dataset {dataset_id!r} cannot be deleted",
                expected="an uploaded dataset",
                found=f"a {record.kind} dataset",
                fix="only datasets uploaded through the API can be deleted; serve without it "
                "instead (smartspec serve --data ...)",
            )
        # The row goes first, in its own transaction; then the files. A crash in between leaves
        # a file no row points to, which clean_debris() removes at the next start: never a row
        # that points to a missing file.
        with self.store.session() as s:
            self.store.delete_dataset(dataset_id, session=s)
        self.generation += 1
        path = self.file_of(record)
        if path is not None:
            path.unlink(missing_ok=True)
            labels_path(path).unlink(missing_ok=True)
        self._cache.evict(lambda k: _key_dataset(k) == dataset_id)
        self.results.drop(dataset_id)

    # ------------------------------------------------------------------ web
    def asgi(self) -> FastAPI:
        """The FastAPI application (JSON API, and the dashboard when installed); built once."""
        if self._asgi is None:
            from .services.api import create_api

            self._asgi = create_api(self)
        return self._asgi

    def client(self, **kwargs: Any) -> TestClient:
        """An in-process HTTP client of :meth:`asgi` (``fastapi.testclient.TestClient``).

        Parameters
        ----------
        **kwargs
            Passed to ``TestClient`` (``raise_server_exceptions=False`` to see 500 answers).
            Requests go to ``http://localhost`` (a name the ``allowed_hosts`` check always
            accepts) unless ``base_url`` says otherwise.
        """
        kwargs.setdefault("base_url", "http://localhost")
        with warnings.catch_warnings():
            # Starlette >= 1.x asks for 'httpx2' in its test client; httpx works the same here
            warnings.filterwarnings("ignore", message=".*httpx2")
            from fastapi.testclient import TestClient

        return TestClient(self.asgi(), **kwargs)

    def public_settings(self) -> list[dict[str, Any]]:
        """Every setting with its value, default and help; the server's folder and database
        are not shown (``(hidden)``; the database URL keeps only its dialect)."""
        from sqlalchemy.engine import make_url

        out = []
        for s in SETTINGS:
            value = self.settings.get(s.name)
            if s.name == "data_dir" and value:
                value = "(hidden)"
            elif s.name == "database_url" and value:
                value = f"{make_url(value).drivername}://(hidden)"
            out.append({"name": s.name, "value": value, "default": s.default, "help": s.help})
        return out

    def close(self) -> None:
        """Release the database connections."""
        self.store.dispose()

    def __repr__(self) -> str:
        return f"SmartSpecApp(data_dir={str(self.data_dir)!r}, store={self.store!r})"


def labels_path(data_path: str | Path) -> Path:
    """Where the names given on upload are kept: ``<id>.labels.json`` beside the data file."""
    p = Path(data_path)
    ending = file_ending(p.name) or p.suffix
    return p.with_name(f"{p.name[: len(p.name) - len(ending)]}.labels.json")


def _read_labels(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _key_dataset(key: Hashable) -> Any:
    return key[1] if isinstance(key, tuple) and len(key) > 1 else None


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x


def _differs(old: DatasetRecord, new: DatasetRecord) -> bool:
    fields = (
        "title",
        "kind",
        "value_name",
        "n_regions",
        "n_activities",
        "periods",
        "path",
        "mapping",
        "licence",
        "source",
    )
    return any(getattr(old, f) != getattr(new, f) for f in fields)
