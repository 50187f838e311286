"""``smartspec serve``: the platform (JSON API and dashboard) on a real web server (uvicorn).

Thin, like datasette's ``serve``: parse the options, build one
:class:`~smartspec.app.SmartSpecApp`, hand its ASGI application to uvicorn, print the address,
stop on Ctrl-C. ``--get PATH`` answers one request in-process and prints it, without a server.

``--data`` repeats; each value is a bundled dataset name (``smartspec datasets`` lists them) or
the path of a data file. Files are read with ``--region/--activity/--value/--period`` (the same
mapping for every file); without those flags a file must be in the tidy layout ``period, region,
activity, value`` (the layout of the bundled data; ``period`` optional). Without ``--data`` every
bundled dataset is served. Every setting of :data:`smartspec.app.SETTINGS` is also a flag
(``--max-upload-mb``, ``--cache-size``...); ``--allowed-host`` repeats and adds to the loopback
names, ``--read-only`` is a switch. Binding an address other than loopback adds it to the allowed
host names and prints a warning on stderr: the platform has no accounts yet.
"""

from __future__ import annotations

import errno
import json
import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from smartspec.app import SETTINGS

from .options import DUPLICATES

__all__ = ["serve"]


def _setting_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """One ``--flag`` per setting, declared once in :data:`smartspec.app.SETTINGS`."""
    for setting in reversed(SETTINGS):
        kind = {int: click.INT, float: click.FLOAT}.get(setting.type, click.STRING)
        default = "" if setting.default is None else f" [default: {setting.default}]"
        if setting.name == "allowed_hosts":  # repeats, adds to the default
            f = click.option(
                "--allowed-host",
                "--allowed-hosts",
                "allowed_hosts",
                multiple=True,
                metavar="HOST",
                help=setting.help + " Repeat for several." + default,
            )(f)
            continue
        if setting.type is bool:
            flag = setting.name.replace("_", "-")
            f = click.option(
                f"--{flag}/--no-{flag}",
                setting.name,
                default=None,
                help=setting.help + f" [default: {'on' if setting.default else 'off'}]",
            )(f)
            continue
        f = click.option(
            "--" + setting.name.replace("_", "-"),
            setting.name,
            type=kind,
            default=None,
            metavar={"data_dir": "DIR", "database_url": "URL", "str": "TEXT"}.get(
                setting.name, {"str": "TEXT"}.get(setting.type.__name__, "NUMBER")
            ),
            help=setting.help + default,
        )(f)
    return f


def _allowed_hosts(given: tuple[str, ...] | None, host: str) -> str:
    """The ``allowed_hosts`` setting: the default names, ``--allowed-host`` and the address
    bound (for ``0.0.0.0`` / ``::``, this machine's names)."""
    from smartspec.services.api.security import host_list, is_loopback

    default = next(s.default for s in SETTINGS if s.name == "allowed_hosts")
    names = host_list([default, *(given or ())])
    if not is_loopback(host):
        if host in ("0.0.0.0", "::", ""):
            names += host_list([socket.gethostname(), socket.getfqdn()])
        else:
            names += host_list(host)
    return ",".join(f"[{n}]" if ":" in n else n for n in dict.fromkeys(names))


def _warn_exposed(host: str, allowed: str, read_only: bool) -> None:
    """The loud warning for an address other machines can reach."""
    lines = [
        f"WARNING: smartspec is listening on {host}, which other machines can reach.",
        "  There are no accounts yet: anyone who can connect can read every dataset"
        + (" (this server is read-only)." if read_only else ", upload and delete datasets."),
        f"  Host names answered: {allowed} (add one with --allowed-host NAME).",
        "  Prefer --host 127.0.0.1 behind a proxy that asks for a login"
        + ("." if read_only else ", or serve with --read-only."),
    ]
    click.secho("\n".join(lines), fg="red", bold=True, err=True)


def _port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return False
            raise
    return True


def _sources(
    data: tuple[str, ...], mapping: dict[str, Any]
) -> tuple[list[str] | None, list[tuple[Path, dict[str, Any]]]]:
    """Split ``--data`` values into bundled dataset names and files."""
    from smartspec.core.errors import UnknownDatasetError, format_examples
    from smartspec.datasets import list_datasets

    if not data:
        if any(v is not None for v in mapping.values()):
            raise click.UsageError(
                "--region/--activity/--value/--period/--duplicates/--sheet/--decimal need "
                "--data FILE"
            )
        return None, []
    names = set(list_datasets()["name"])
    bundled: list[str] = []
    files: list[tuple[Path, dict[str, Any]]] = []
    file_mapping = {k: v for k, v in mapping.items() if v is not None}
    for value in data:
        if value in names:
            bundled.append(value)
        elif Path(value).expanduser().exists():
            files.append((Path(value).expanduser(), dict(file_mapping)))
        else:
            raise UnknownDatasetError(
                f"--data {value!r} is neither a bundled dataset nor a file",
                expected=f"a file path or one of {format_examples(sorted(names), limit=12)}",
                found=repr(value),
                fix="check the path, or run 'smartspec datasets' for the bundled names",
            )
    return bundled, files


@click.command("serve")
@click.option(
    "--data",
    "data",
    multiple=True,
    metavar="DATASET|PATH",
    help="A bundled dataset name or a data file; repeat for several (default: every bundled "
    "dataset).",
)
@click.option("--region", metavar="COL", help="Region column of the --data files.")
@click.option("--activity", metavar="COL", help="Activity column of the --data files.")
@click.option("--value", metavar="COL", help="Value column of the --data files.")
@click.option("--period", metavar="COL", help="Period column of the --data files.")
@click.option(
    "--duplicates",
    type=click.Choice(DUPLICATES),
    default=None,
    help="Rows of the --data files repeating a key: refuse them (default), or combine them.",
)
@click.option("--sheet", metavar="NAME", help="Sheet of the --data workbooks (first).")
@click.option(
    "--decimal",
    type=click.Choice([".", ","]),
    default=None,
    help="Decimal separator of the --data files' values: '.' (1234.5, default) or ',' "
    "(1234,5 or 1.234,5).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port."
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Answer one GET request in-process (e.g. /api/v1/health), print it and exit.",
)
@click.option(
    "--log-level",
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
    default="warning",
    show_default=True,
    help="uvicorn's log level (info shows every request).",
)
@_setting_options
def serve(
    data: tuple[str, ...],
    region: str | None,
    activity: str | None,
    value: str | None,
    period: str | None,
    duplicates: str | None,
    sheet: str | None,
    decimal: str | None,
    host: str,
    port: int,
    get_path: str | None,
    log_level: str,
    **settings: Any,
) -> None:
    """Serve the platform: the JSON API under /api/v1 and the dashboard, until Ctrl-C.

    \b
    Examples:
      smartspec serve                                   # every bundled dataset, port 8000
      smartspec serve --data nz-urban-industry --data jobs.csv --region nuts2 \\
          --activity nace --value jobs --period year --port 8080
      smartspec serve --data us-state-industry --get /api/v1/datasets
    """
    from smartspec.app import SmartSpecApp
    from smartspec.services.blas import limit_blas_threads

    # requests and background jobs run side by side on small matrices: one BLAS thread each
    # (several fight for the cores: 8x slower analyses on a busy 2-core machine)
    limit_blas_threads(1)
    mapping = {
        "region": region,
        "activity": activity,
        "value": value,
        "period": period,
        "sheet": sheet,
        "duplicates": duplicates,
        "decimal": decimal,
    }
    bundled, files = _sources(data, mapping)
    settings["allowed_hosts"] = _allowed_hosts(settings.get("allowed_hosts"), host)
    if get_path is None and not _port_free(host, port):
        raise click.ClickException(
            f"port {port} on {host} is already in use; choose another with --port"
        )
    app = SmartSpecApp(
        datasets=bundled,
        files=files,
        settings={k: v for k, v in settings.items() if v is not None},
    )
    from smartspec.domains import DOMAINS, load

    for domain in DOMAINS:  # first-start work of each domain (the registry's example set)
        if domain.start:
            load(domain.start)(app)
    if get_path is not None:
        response = app.client().get(get_path)
        text = response.text
        if response.headers.get("content-type", "").startswith("application/json"):
            text = json.dumps(response.json(), indent=2, ensure_ascii=False)
        click.echo(text)
        if response.status_code >= 400:
            raise click.ClickException(f"GET {get_path} answered {response.status_code}")
        return

    import uvicorn

    from smartspec.services.api.security import is_loopback

    if not is_loopback(host):
        _warn_exposed(host, app.settings["allowed_hosts"], bool(app.settings["read_only"]))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    n = len(app.catalogue())
    click.echo(f"smartspec is serving {n} dataset{'s' if n != 1 else ''} at {url}")
    click.echo(f"  API {url}api/v1, endpoints {url}api/docs; data in {app.data_dir}")
    if not app.accounts.has_users():
        click.echo(
            "  No account yet: reading is open, changes need one. Create the first "
            "administrator with `smartspec user add NAME --role admin --password-stdin` "
            "(or SMARTSPEC_ADMIN_USER and SMARTSPEC_ADMIN_PASSWORD at start)."
        )
    click.echo("  Press Ctrl-C to stop.")
    if app.settings["warm_on_start"]:
        from smartspec.services.warm import warm_in_background

        warm_in_background(app)
    try:
        uvicorn.run(
            app.asgi(), host=host, port=port, log_level=log_level, access_log=log_level == "info"
        )
    finally:
        app.close()
    click.echo("smartspec stopped.")
