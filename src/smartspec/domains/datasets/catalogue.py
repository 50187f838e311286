"""The dataset catalogue of the platform: bundled datasets, uploads and files served as they
are, their records in the store, their matrices, labels and context series.

:class:`Catalogue` is the datasets domain's part of :class:`smartspec.app.SmartSpecApp` (which
composes it with the evidence domain's :class:`~smartspec.domains.evidence.analyses.Analyses`);
it keeps the state, :mod:`smartspec.domains.datasets.service` turns it into documents.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import pandas as pd

from smartspec.core._labels import text_or_none
from smartspec.core.errors import (
    UnknownDatasetError,
    ValidationError,
    format_examples,
)
from smartspec.domains.errors import ConflictError, RequestError, UploadTooLargeError
from smartspec.jobs import Jobs
from smartspec.store.cache import LRUCache
from smartspec.store.files import (
    MAX_SOURCE,
    check_text,
    clean_mapping,
    copy_limited,
    file_ending,
    safe_filename,
    slugify,
)
from smartspec.store.results import ResultCache

if TYPE_CHECKING:
    from smartspec.core.matrix import ActivityMatrix
    from smartspec.datasets import Axis
    from smartspec.store import DatasetRecord

__all__ = ["Catalogue", "labels_path"]


class Catalogue:
    """The datasets of one platform (mixed into :class:`smartspec.app.SmartSpecApp`)."""

    # set by SmartSpecApp.__init__
    settings: dict[str, Any]
    data_dir: Path
    uploads_dir: Path
    store: Any
    generation: int
    jobs: Jobs
    results: ResultCache
    _cache: LRUCache

    if TYPE_CHECKING:  # provided by Analyses, the other half of SmartSpecApp

        def cached(self, key: Hashable, factory: Callable[[], Any]) -> Any: ...

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
        from smartspec.store import DatasetRecord

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
        from smartspec.datasets import info, list_datasets
        from smartspec.store import DatasetRecord

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
            self._cache.get(("matrix", dataset_id), _given(m))
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
        from smartspec.store import DatasetRecord

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
        from smartspec.datasets import list_datasets

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
        from smartspec.io import read_table

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
        from smartspec.datasets import list_datasets

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

        from smartspec.datasets import info

        return asdict(info(record.id))

    # ------------------------------------------------------------------ data and analyses
    def matrix(self, dataset_id: str) -> ActivityMatrix:
        """The dataset as an :class:`~smartspec.ActivityMatrix` (cached)."""
        record = self.dataset(dataset_id)

        def load() -> ActivityMatrix:
            if record.kind == "bundled":
                from smartspec.datasets import load as load_bundled

                return load_bundled(record.id)
            from smartspec.io import read_table

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
            from smartspec.datasets import income

            return income(dataset_id)

        return self._cache.get(("income", dataset_id), load)

    def population(self, dataset_id: str) -> pd.Series | None:
        """The dataset's population by ``(period, region)`` (context data of a bundled
        dataset), for presence by RPOP; None when there is none."""
        if self.dataset(dataset_id).kind != "bundled":
            return None

        def load() -> pd.Series | None:
            from smartspec.datasets import population

            return population(dataset_id)

        return self._cache.get(("population", dataset_id), load)

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
                from smartspec.datasets import labels as bundled_labels

                side: Axis = "region" if axis == "region" else "activity"  # checked above
                known = bundled_labels(record.id, side, lang)
                for col in ("name", "name_lang", "parent"):
                    if col in known.columns:
                        frame[col] = text_or_none(known[col].reindex(frame.index))
            elif record.kind == "uploaded" and (path := self.file_of(record)) is not None:
                sidecar = _read_labels(labels_path(path))
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
            from smartspec.io import FORMATS

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
            from smartspec.io.worker import read_upload

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


def labels_path(data_path: str | Path) -> Path:
    """Where the names given on upload are kept: ``<id>.labels.json`` beside the data file."""
    p = Path(data_path)
    ending = file_ending(p.name) or p.suffix
    return p.with_name(f"{p.name[: len(p.name) - len(ending)]}.labels.json")


def _given(value: Any) -> Callable[[], Any]:
    """A cache factory for a value already computed (a lambda in the loop would bind late)."""
    return lambda: value


def _read_labels(path: Path) -> dict[str, dict[str, str]]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


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


def _key_dataset(key: Hashable) -> Any:
    return key[1] if isinstance(key, tuple) and len(key) > 1 else None


def _plain(x: Any) -> Any:
    return x.item() if hasattr(x, "item") else x
