"""The platform's settings, declared once: each :class:`Setting` is a CLI flag of
``smartspec serve``, an entry of ``GET /api/v1/settings`` and a line of the documentation.

:func:`resolve` checks and converts given values (command line, environment, Python), filling
the defaults; :class:`smartspec.app.SmartSpecApp` holds the result.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .core.errors import ValidationError, format_examples

__all__ = ["PAGE_CEILING", "SETTINGS", "Setting", "default_data_dir", "resolve"]


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
    Setting(
        "public_read",
        True,
        "Anonymous visitors may read (a public registry); off, every page and API read needs an "
        "account (a private platform). Writing always needs an account with the right role.",
        bool,
    ),
    Setting(
        "session_hours",
        12.0,
        "Hours a dashboard login lasts before the user has to log in again.",
        float,
    ),
    Setting(
        "login_max_failures",
        5,
        "Failed logins allowed per user name within login_window_s (20 times as many per "
        "address) before logins are refused with 429 for the rest of the window.",
        int,
    ),
    Setting(
        "login_window_s",
        300.0,
        "The window of the login rate limit, in seconds.",
        float,
    ),
    Setting(
        "registry_example",
        True,
        "Load the bundled example data on first start: the Czech regions' RIS3 priorities into "
        "the registry, the Mexican FP7 and Horizon 2020 consortia into the organisation "
        "registry (once: deleting them later does not bring them back).",
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
        "session_hours",
        "login_max_failures",
        "login_window_s",
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


#: The public name of the resolver.
resolve = _resolve_settings
