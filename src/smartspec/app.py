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

import os
import warnings
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .domains.datasets.catalogue import Catalogue, labels_path
from .domains.errors import ConflictError, RequestError, UploadTooLargeError
from .domains.evidence.analyses import Analyses
from .jobs import Jobs
from .settings import (
    SETTINGS,
    Setting,
    _resolve_settings,
    default_data_dir,
)
from .store.cache import LRUCache
from .store.results import ResultCache

if TYPE_CHECKING:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from .domains.accounts.service import Accounts
    from .domains.registry.service import Registry


__all__ = [
    "SETTINGS",
    "ConflictError",
    "RequestError",
    "Setting",
    "SmartSpecApp",
    "UploadTooLargeError",
    "labels_path",
]


# ------------------------------------------------------------------------------------ the app
class SmartSpecApp(Catalogue, Analyses):
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
        self.accounts.ensure_admin(os.environ)

    @cached_property
    def accounts(self) -> Accounts:
        """The accounts service (users, roles, sessions, tokens) on this app's store."""
        from .domains.accounts.service import Accounts

        return Accounts(
            self.store,
            session_hours=float(self.settings["session_hours"]),
            max_failures=int(self.settings["login_max_failures"]),
            window_s=float(self.settings["login_window_s"]),
        )

    @cached_property
    def registry(self) -> Registry:
        """The priorities registry service on this app's store."""
        from .domains.registry.service import Registry

        return Registry(self.store, public_read=bool(self.settings["public_read"]))

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
