"""`smartspec backup` / `smartspec restore`: a whole platform round-trips, onto SQLite or
PostgreSQL, into the same or a new data folder; a copied folder keeps working."""

from __future__ import annotations

import io
import shutil
import tarfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from smartspec.app import SmartSpecApp
from smartspec.services.cli import main

NAMED = (
    b"geo,geo_label,sector,jobs\nR1,North,a,5\nR1,North,b,2\nR2,South,a,1\n"
    b"R2,South,b,7\nR3,East,a,3\nR3,East,b,3\n"
)
FORM = {"region": "geo", "activity": "sector", "value": "jobs"}


def _platform(data_dir: Path, database_url: str | None = None) -> SmartSpecApp:
    app = SmartSpecApp(data_dir=data_dir, database_url=database_url, datasets=[])
    app.add_dataset(NAMED, FORM, "Named", filename="named.csv", region_name="geo_label")
    app.add_dataset(
        b"geo,sector,jobs\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n", FORM, "Plain", filename="plain.csv"
    )
    return app


def _snapshot(app: SmartSpecApp) -> dict:
    out = {}
    for record in app.store.list_datasets("uploaded"):
        m = app.matrix(record.id).to_long()
        names = app.labels(record.id, "region")["name"].tolist()
        out[record.id] = (record.title, record.mapping, m.to_dict("list"), names)
    return out


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("target_db", ["sqlite", "postgresql"])
def test_round_trip_onto_a_new_path(tmp_path, request, target_db):
    source = _platform(tmp_path / "old")
    before = _snapshot(source)
    source.close()
    archive = tmp_path / "backup.tar.gz"
    assert "2 uploaded dataset(s)" in _cli(
        "backup", str(archive), "--data-dir", str(tmp_path / "old")
    )
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    args = ["restore", str(archive), "--data-dir", str(tmp_path / "new")]
    url = None
    if target_db == "postgresql":
        url = request.getfixturevalue("postgres_url")
        args += ["--database-url", url]
    assert "restored 2 dataset(s): named, plain" in _cli(*args)
    shutil.rmtree(tmp_path / "old")  # the restore must not depend on the old folder
    restored = SmartSpecApp(data_dir=tmp_path / "new", database_url=url, datasets=[])
    try:
        assert _snapshot(restored) == before
    finally:
        restored.close()


def test_restore_refuses_existing_ids_unless_replace(tmp_path):
    app = _platform(tmp_path / "p")
    archive = tmp_path / "b.tar.gz"
    from smartspec.store.backup import backup

    backup(app, archive)
    app.close()
    result = CliRunner().invoke(main, ["restore", str(archive), "--data-dir", str(tmp_path / "p")])
    assert result.exit_code != 0
    assert "exist here already" in result.output and "--replace" in result.output
    assert "restored 2" in _cli(
        "restore", str(archive), "--data-dir", str(tmp_path / "p"), "--replace"
    )


def test_a_copied_data_folder_keeps_working(tmp_path):
    """Paths are stored relative to the data folder: copy it, and every dataset still loads."""
    app = _platform(tmp_path / "a")
    before = _snapshot(app)
    app.close()
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    shutil.rmtree(tmp_path / "a")
    moved = SmartSpecApp(data_dir=tmp_path / "b", datasets=[])
    try:
        assert _snapshot(moved) == before
        assert moved.client().get("/").status_code == 200
    finally:
        moved.close()


def test_a_hostile_archive_cannot_write_outside_the_folder(tmp_path):
    archive = tmp_path / "evil.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in [
            ("manifest.json", b'{"format": "smartspec-backup", "version": 1}'),
            (
                "datasets.json",
                b'[{"id": "x", "title": "x", "kind": "uploaded", '
                b'"value_name": "v", "n_regions": 1, "n_activities": 1, '
                b'"path": "../../outside.csv"}]',
            ),
            ("files/../../outside.csv", b"geo,sector,jobs\n"),
        ]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    result = CliRunner().invoke(main, ["restore", str(archive), "--data-dir", str(tmp_path / "p")])
    assert result.exit_code != 0 and "outside the uploads folder" in result.output
    assert not (tmp_path / "outside.csv").exists()
    not_tar = tmp_path / "x.tar.gz"
    not_tar.write_text("hello")
    result = CliRunner().invoke(main, ["restore", str(not_tar), "--data-dir", str(tmp_path / "p")])
    assert result.exit_code != 0 and "not a smartspec backup" in result.output
