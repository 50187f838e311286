"""The store on SQLite (default) and PostgreSQL: migrations, datasets, transactions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect

from smartspec.app import SmartSpecApp
from smartspec.core.errors import ValidationError
from smartspec.store import DatasetRecord, Store


def _record(dataset_id: str = "a", **changes: object) -> DatasetRecord:
    values = {
        "id": dataset_id,
        "title": "A dataset",
        "kind": "uploaded",
        "value_name": "jobs",
        "n_regions": 5,
        "n_activities": 4,
        "periods": [2020, 2021],
        "path": "/tmp/a.csv",
        "mapping": {"region": "geo", "activity": "sector", "value": "jobs"},
    }
    values.update(changes)
    return DatasetRecord(**values)  # type: ignore[arg-type]


def test_migrations_create_the_schema(database_url: str) -> None:
    store = Store(database_url)
    try:
        # the store's own revision, below the heads of the domains' branches
        assert str(store.revision()).split(",") == [
            "a0001_accounts",
            "m001_monitoring",
            "o001_actors",
            "v001_review",
        ]
        columns = {c["name"] for c in inspect(store.engine).get_columns("datasets")}
        assert {
            "id",
            "title",
            "kind",
            "path",
            "mapping",
            "value_name",
            "created_at",
            "n_regions",
            "n_activities",
            "periods",
            "licence",
            "source",
        } <= columns
        Store(database_url).dispose()  # upgrading an up-to-date database is a no-op
        assert str(store.revision()).split(",") == [
            "a0001_accounts",
            "m001_monitoring",
            "o001_actors",
            "v001_review",
        ]
    finally:
        store.dispose()


def test_add_list_get_delete(database_url: str) -> None:
    store = Store(database_url)
    try:
        store.put_dataset(_record("a"))
        store.put_dataset(_record("b", kind="bundled", periods=["2020Q1"]))
        assert [r.id for r in store.list_datasets()] == ["a", "b"]
        assert [r.id for r in store.list_datasets(kind="bundled")] == ["b"]
        got = store.get_dataset("a")
        assert got is not None
        assert got.mapping == {"region": "geo", "activity": "sector", "value": "jobs"}
        assert got.periods == [2020, 2021]
        assert store.get_dataset("b").periods == ["2020Q1"]  # type: ignore[union-attr]
        store.put_dataset(_record("a", title="Renamed"))  # replace keeps created_at
        again = store.get_dataset("a")
        assert again is not None and again.title == "Renamed"
        assert again.created_at == got.created_at
        assert store.delete_dataset("a") is True
        assert store.delete_dataset("a") is False
        assert store.get_dataset("a") is None
    finally:
        store.dispose()


def test_session_rolls_back_on_failure(database_url: str) -> None:
    store = Store(database_url)
    try:
        with pytest.raises(RuntimeError), store.session() as s:
            store.put_dataset(_record("x"), session=s)
            raise RuntimeError("boom")
        assert store.get_dataset("x") is None
    finally:
        store.dispose()


def test_app_on_the_database(
    database_url: str,
    tmp_path: Path,
    panel_csv: bytes,
    upload_form: dict[str, str],
    as_role: Callable[..., Any],
) -> None:
    """Upload, list and delete through the API, on SQLite and on PostgreSQL."""
    app = SmartSpecApp(
        data_dir=tmp_path / "d", database_url=database_url, datasets=["us-state-industry"]
    )
    try:
        client = as_role(app)
        r = client.post(
            "/api/v1/datasets",
            files={"file": ("jobs.csv", panel_csv)},
            data={**upload_form, "title": "Jobs"},
        )
        assert r.status_code == 201, r.text
        assert [d["id"] for d in client.get("/api/v1/datasets").json()["items"]] == [
            "us-state-industry",
            "jobs",
        ]
        health = client.get("/api/v1/health").json()
        assert health["database"] == (
            "sqlite" if database_url.startswith("sqlite") else "postgresql"
        )
        assert client.delete("/api/v1/datasets/jobs").status_code == 204
        assert [r.id for r in app.store.list_datasets()] == ["us-state-industry"]
        assert not list((tmp_path / "d" / "uploads").glob("jobs*"))
    finally:
        app.close()


def test_failed_commit_leaves_nothing(
    database_url: str,
    tmp_path: Path,
    panel_csv: bytes,
    upload_form: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database failure when the row is written removes the file again."""
    app = SmartSpecApp(data_dir=tmp_path / "d", database_url=database_url, datasets=[])
    try:

        def failing(record: DatasetRecord) -> bool:
            raise OSError("disk full")

        monkeypatch.setattr(app.store, "insert_dataset", failing)
        with pytest.raises(OSError, match="disk full"):
            app.add_dataset(panel_csv, upload_form, "Jobs", filename="jobs.csv")
        assert app.store.list_datasets() == []
        assert [p.name for p in (tmp_path / "d" / "uploads").iterdir()] in ([], [".staging"])
        assert not any((tmp_path / "d" / "uploads").rglob("*.csv"))
    finally:
        app.close()


def test_invalid_file_is_never_stored(database_url: str, tmp_path: Path) -> None:
    app = SmartSpecApp(data_dir=tmp_path / "d", database_url=database_url, datasets=[])
    try:
        bad = b"geo,sector,jobs\nA,x,1\nA,y,-2\nB,x,3\nB,y,4\n"
        with pytest.raises(ValidationError, match="non-negative"):
            app.add_dataset(
                bad, {"region": "geo", "activity": "sector", "value": "jobs"}, filename="bad.csv"
            )
        assert app.store.list_datasets() == []
        assert not any((tmp_path / "d" / "uploads").rglob("*.csv"))
    finally:
        app.close()


def test_catalogue_follows_the_configuration(tmp_path: Path) -> None:
    """Bundled rows follow the datasets served; uploads persist across restarts."""
    data = tmp_path / "d"
    app = SmartSpecApp(data_dir=data, datasets=["us-state-industry", "mx-tamaulipas"])
    app.add_dataset(
        b"r,a,v\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n",
        {"region": "r", "activity": "a", "value": "v"},
        "Mine",
        filename="m.csv",
    )
    app.close()
    again = SmartSpecApp(data_dir=data, datasets=["mx-tamaulipas"])
    try:
        assert [(r.id, r.kind) for r in again.catalogue()] == [
            ("mx-tamaulipas", "bundled"),
            ("mine", "uploaded"),
        ]
        assert again.matrix("mine").n_regions == 2
    finally:
        again.close()


def test_uploads_never_take_a_bundled_name(tmp_path: Path) -> None:
    app = SmartSpecApp(data_dir=tmp_path / "d", datasets=["us-state-industry"])
    try:
        record = app.add_dataset(
            b"r,a,v\nA,x,1\nA,y,2\nB,x,3\nB,y,1\n",
            {"region": "r", "activity": "a", "value": "v"},
            "mx-tamaulipas",
            filename="m.csv",
        )
        assert record.id == "mx-tamaulipas-2"
    finally:
        app.close()
