"""``smartspec serve`` on a real socket, ``--get`` in-process, ``--data`` files."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from smartspec.services.cli import main


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_real_server(tmp_path: Path) -> None:
    """Start uvicorn in a subprocess, GET /api/v1/health over a socket, stop it with Ctrl-C."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from smartspec.services.cli import main; main()",
            "serve",
            "--data",
            "us-state-industry",
            "--port",
            str(port),
            "--data-dir",
            str(tmp_path / "data"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/health"
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise AssertionError(f"serve exited early: {proc.stderr.read()}")  # type: ignore
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    body = json.loads(r.read())
                    break
            except OSError:
                time.sleep(0.1)
        assert body is not None, "the server did not answer within 30 s"
        assert body["status"] == "ok" and body["datasets"] == 1
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/api/v1/datasets/us-state-industry/regions/06/profile",
            timeout=10,
        ) as r:
            assert json.loads(r.read())["region_name"] == "California"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in out
    assert "stopped" in out


def test_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = CliRunner().invoke(
            main,
            [
                "serve",
                "--data",
                "us-state-industry",
                "--port",
                str(port),
                "--data-dir",
                str(tmp_path),
            ],
        )
    assert r.exit_code == 1
    assert "already in use" in r.output


def test_get_in_process(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            "mx-tamaulipas",
            "--data-dir",
            str(tmp_path),
            "--get",
            "/api/v1/datasets",
        ],
    )
    assert r.exit_code == 0, r.output
    assert [d["id"] for d in json.loads(r.output)["items"]] == ["mx-tamaulipas"]
    bad = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            "mx-tamaulipas",
            "--data-dir",
            str(tmp_path),
            "--get",
            "/api/v1/datasets/nope",
        ],
    )
    assert bad.exit_code == 1
    assert "answered 404" in bad.output


def test_data_files(tmp_path: Path) -> None:
    tidy = pd.DataFrame(
        {
            "period": [2020] * 4,
            "region": ["A", "A", "B", "B"],
            "activity": ["x", "y", "x", "y"],
            "value": [1.0, 2.0, 3.0, 1.0],
        }
    )
    tidy.to_csv(tmp_path / "tidy.csv", index=False)
    tidy.rename(columns={"region": "geo", "activity": "nace", "value": "jobs"}).drop(
        columns="period"
    ).to_csv(tmp_path / "mine.csv", index=False)
    r = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            str(tmp_path / "tidy.csv"),
            "--data-dir",
            str(tmp_path / "d"),
            "--get",
            "/api/v1/datasets",
        ],
    )
    assert r.exit_code == 0, r.output
    (item,) = json.loads(r.output)["items"]
    assert (item["id"], item["kind"], item["periods"]) == ("tidy", "file", [2020])
    r = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            str(tmp_path / "mine.csv"),
            "--region",
            "geo",
            "--activity",
            "nace",
            "--value",
            "jobs",
            "--data-dir",
            str(tmp_path / "d"),
            "--get",
            "/api/v1/datasets/mine/regions/B/profile",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["period"] == "all"
    # a file that cannot be used fails at startup with the reader's message
    r = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            str(tmp_path / "mine.csv"),
            "--data-dir",
            str(tmp_path / "d"),
            "--get",
            "/api/v1/health",
        ],
    )
    assert r.exit_code == 2
    assert "the region column 'region' is not in the table" in r.output


def test_unknown_data(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["serve", "--data", "us-state", "--data-dir", str(tmp_path)])
    assert r.exit_code == 2
    assert "neither a bundled dataset nor a file" in r.output


def test_settings_are_flags(tmp_path: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "serve",
            "--data",
            "us-state-industry",
            "--data-dir",
            str(tmp_path),
            "--max-upload-mb",
            "2",
            "--page-size",
            "7",
            "--get",
            "/api/v1/settings",
        ],
    )
    assert r.exit_code == 0, r.output
    values = {s["name"]: s["value"] for s in json.loads(r.output)["items"]}
    assert values["max_upload_mb"] == 2.0 and values["page_size"] == 7
    assert values["database_url"] == "sqlite://(hidden)"  # no server path in the answer


def test_every_setting_is_a_flag_and_documented() -> None:
    from smartspec.app import SETTINGS

    help_text = CliRunner().invoke(main, ["serve", "--help"], terminal_width=200).output
    docs = (Path(__file__).parents[3] / "docs" / "api.md").read_text()
    for setting in SETTINGS:
        flag = "--" + setting.name.replace("_", "-")
        assert flag in help_text, flag
        assert flag in docs, flag
