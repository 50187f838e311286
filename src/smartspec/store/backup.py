"""Back up and restore a platform: the uploaded datasets' rows and files in one archive.

The archive is a gzipped tar with ``manifest.json`` (format, versions, schema revision),
``datasets.json`` (the rows of the uploaded datasets, paths relative to the data folder) and
``files/<path>`` (each data file and its names file). It is logical, not a database dump, so it
restores onto SQLite or PostgreSQL, into the same or another data folder. Bundled datasets and
``--data`` files are configuration, not data: they are not in the archive.
"""

from __future__ import annotations

import json
import os
import tarfile
import tempfile
import time
from datetime import datetime
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..core.errors import ValidationError

if TYPE_CHECKING:
    from ..app import SmartSpecApp

__all__ = ["FORMAT", "backup", "restore"]

FORMAT = "smartspec-backup"
VERSION = 1


def backup(app: SmartSpecApp, target: str | Path) -> dict[str, Any]:
    """Write every uploaded dataset of ``app`` (rows and files) to the archive ``target``.

    The archive is written beside ``target`` and renamed into place, so a crash never leaves a
    half-written backup under the final name.

    Returns
    -------
    dict
        The manifest written (``datasets``: how many).
    """
    from .. import __version__
    from ..domains.datasets.catalogue import labels_path

    target = Path(target)
    rows, files = [], []
    for record in app.store.list_datasets("uploaded"):
        path = app.file_of(record)
        if path is None or not path.is_file():
            raise ValidationError(
                "a dataset's file is missing, so the backup would be incomplete",
                where=f"dataset {record.id!r}",
                expected="its data file",
                found="no file",
                fix="delete the dataset (DELETE /api/v1/datasets/ID) or restore its file first",
            )
        relative = path.relative_to(app.data_dir).as_posix()
        row = {**record.__dict__, "path": relative}
        row["created_at"] = record.created_at.isoformat() if record.created_at else None
        rows.append(row)
        files.append((relative, path))
        names = labels_path(path)
        if names.is_file():
            files.append((names.relative_to(app.data_dir).as_posix(), names))
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "smartspec_version": __version__,
        "schema_revision": app.store.revision(),
        "backend": app.store.backend,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "datasets": len(rows),
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        with tarfile.open(tmp, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            _add_bytes(tar, "datasets.json", json.dumps(rows, indent=2, default=str).encode())
            for relative, path in files:
                tar.add(path, arcname=f"files/{relative}", recursive=False)
        os.chmod(tmp, 0o600)  # the platform's data: readable by its owner only
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return manifest


def restore(app: SmartSpecApp, source: str | Path, *, replace: bool = False) -> dict[str, Any]:
    """Restore the datasets of the archive ``source`` into ``app``.

    Parameters
    ----------
    app : SmartSpecApp
        The platform to restore into (any data folder, SQLite or PostgreSQL).
    source : path
        An archive written by :func:`backup`.
    replace : bool
        Replace datasets whose id already exists; without it such an id is refused before
        anything is written.

    Returns
    -------
    dict
        ``restored``: the ids restored, ``manifest``: the archive's manifest.

    Raises
    ------
    smartspec.ValidationError
        For a file that is not a smartspec backup, a member outside ``files/``, or an id that
        exists (without ``replace``).
    """
    from ..domains.datasets.catalogue import labels_path
    from .store import DatasetRecord

    source = Path(source)
    try:
        tar = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise ValidationError(
            "not a smartspec backup",
            where=f"file {source.name!r}",
            expected="a .tar.gz written by `smartspec backup`",
            found=type(exc).__name__,
        ) from None
    with tar:
        manifest = _json_member(tar, "manifest.json", source)
        if manifest.get("format") != FORMAT or int(manifest.get("version", 0)) > VERSION:
            raise ValidationError(
                "not a smartspec backup this version can read",
                where=f"file {source.name!r}",
                expected=f"format {FORMAT!r}, version <= {VERSION}",
                found=f"{manifest.get('format')!r} version {manifest.get('version')!r}",
            )
        rows = _json_member(tar, "datasets.json", source)
        existing = {r.id for r in app.store.list_datasets()}
        clash = [r["id"] for r in rows if r["id"] in existing]
        if clash and not replace:
            raise ValidationError(
                "datasets of the backup exist here already",
                where=f"file {source.name!r}",
                expected="ids not in this platform",
                found=", ".join(clash[:10]),
                fix="restore into an empty data folder, delete those datasets, or pass --replace",
            )
        restored = []
        in_archive = set(tar.getnames())
        for row in rows:
            relative = _safe_relative(row.get("path"), source)
            members = [f"files/{relative}"]
            labels = labels_path(relative).as_posix()  # the one rule for the names file
            if f"files/{labels}" in in_archive:
                members.append(f"files/{labels}")
            for member in members:  # the files first, then the row (as an upload does)
                target = app.data_dir / member.removeprefix("files/")
                target.parent.mkdir(parents=True, exist_ok=True)
                stream = tar.extractfile(member)
                if stream is None:
                    raise ValidationError(
                        "the backup misses a file",
                        where=member,
                        expected="a regular file",
                        found="nothing",
                    )
                tmp = target.with_name(f".restoring-{target.name}")
                with stream, open(tmp, "wb") as out:
                    while chunk := stream.read(1 << 20):
                        out.write(chunk)
                os.replace(tmp, target)
            created = row.get("created_at")
            record = DatasetRecord(
                **{
                    **{k: v for k, v in row.items() if k in DatasetRecord.__dataclass_fields__},
                    "path": relative,
                    "created_at": datetime.fromisoformat(created) if created else None,
                }
            )
            app.store.put_dataset(record)
            app.forget(record.id)
            restored.append(record.id)
    return {"restored": restored, "manifest": manifest}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, BytesIO(data))


def _json_member(tar: tarfile.TarFile, name: str, source: Path) -> Any:
    try:
        stream = tar.extractfile(name)
    except KeyError:
        stream = None
    if stream is None:
        raise ValidationError(
            "not a smartspec backup",
            where=f"file {source.name!r}",
            expected=f"a member {name!r}",
            found="none",
        )
    with stream:
        return json.loads(stream.read(50 * 2**20))


def _safe_relative(path: Any, source: Path) -> str:
    """A stored path that stays inside ``uploads/`` (no absolute path, no ``..``)."""
    p = PurePosixPath(str(path or ""))
    if p.is_absolute() or ".." in p.parts or not p.parts or p.parts[0] != "uploads":
        raise ValidationError(
            "the backup names a file outside the uploads folder",
            where=f"file {source.name!r}",
            expected="a path under uploads/",
            found=repr(str(path))[:200],
            fix="use an archive written by `smartspec backup`",
        )
    return p.as_posix()
