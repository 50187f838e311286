"""Crash-safe storage: a process killed (SIGKILL) at any step of an upload or a delete leaves the
data folder consistent after a restart; two processes on one folder never share or replace ids."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from smartspec.app import SmartSpecApp, labels_path

CSV = "geo,sector,jobs\n" + "".join(
    f"R{i},{a},{(i * 7 + j * 3) % 11 + 1}\n" for i in range(6) for j, a in enumerate("abcd")
)
FORM = {"region": "geo", "activity": "sector", "value": "jobs"}

#: The child uploads (or deletes) and SIGKILLs itself at one step; each patch wraps the real call.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import smartspec.domains.datasets.catalogue as appmod
    from smartspec.app import SmartSpecApp

    data_dir, step, csv = sys.argv[1], sys.argv[2], sys.argv[3].encode()
    app = SmartSpecApp(data_dir=data_dir, datasets=[])
    form = {"region": "geo", "activity": "sector", "value": "jobs"}

    def die(*_, **__):
        os.kill(os.getpid(), signal.SIGKILL)

    def after(real):
        def run(*args, **kwargs):
            out = real(*args, **kwargs)
            die()
            return out
        return run

    if step == "copy":              # the upload half written to staging
        real = appmod.copy_limited
        def partial(file, target, limit):
            target.write_bytes(bytes(file)[: len(file) // 2])
            die()
        appmod.copy_limited = partial
    elif step == "read":            # read and checked (in the worker), nothing moved yet
        import smartspec.io.worker as worker
        worker.read_upload = after(worker.read_upload)
    elif step == "moved":           # the file in uploads/, no row yet
        app.store.insert_dataset = die
    elif step == "committed":       # the row committed, staging not yet removed
        app.store.insert_dataset = after(app.store.insert_dataset)
    if step == "delete-uncommitted":  # the row deleted in a transaction not yet committed
        app.store.delete_dataset = after(app.store.delete_dataset)
    elif step == "delete-committed":  # the deletion committed, the file not yet removed
        import pathlib
        pathlib.Path.unlink = die
    if step.startswith("delete"):
        app.delete_dataset("jobs")
    else:
        app.add_dataset(csv, form, "Jobs", filename="jobs.csv")
    print("not killed")
    """
)


def _run_child(data_dir: Path, step: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), step, CSV],
        capture_output=True,
        text=True,
        timeout=120,
    )


def _consistent(app: SmartSpecApp) -> None:
    """Every row's file exists and loads; every stored file belongs to a row; no staging left."""
    uploads = app.data_dir / "uploads"
    files = {p.resolve() for p in uploads.rglob("*") if p.is_file()} if uploads.exists() else set()
    owned = set()
    for record in app.store.list_datasets("uploaded"):
        path = app.file_of(record)
        assert path is not None and path.is_file(), f"row {record.id} points to a missing file"
        assert app.matrix(record.id).n_regions == 6
        owned |= {path.resolve(), labels_path(path).resolve()}
    assert files <= owned, f"debris left: {sorted(files - owned)}"


@pytest.mark.parametrize("step", ["copy", "read", "moved", "committed"])
def test_killed_upload_leaves_a_consistent_folder(tmp_path: Path, step: str) -> None:
    done = _run_child(tmp_path, step)
    assert done.returncode == -9, (done.returncode, done.stdout, done.stderr)
    app = SmartSpecApp(data_dir=tmp_path, datasets=[], settings={"debris_grace_s": 0})
    try:
        _consistent(app)
        ids = [r.id for r in app.store.list_datasets("uploaded")]
        assert ids == (["jobs"] if step == "committed" else [])
        assert not list((tmp_path / "uploads" / ".staging").glob("*"))
    finally:
        app.close()


@pytest.mark.parametrize(
    ("step", "left"), [("delete-uncommitted", ["jobs"]), ("delete-committed", [])]
)
def test_killed_delete_leaves_a_consistent_folder(tmp_path: Path, step: str, left) -> None:
    app = SmartSpecApp(data_dir=tmp_path, datasets=[])
    app.add_dataset(CSV.encode(), FORM, "Jobs", filename="jobs.csv")
    app.close()
    done = _run_child(tmp_path, step)
    assert done.returncode == -9, (done.returncode, done.stdout, done.stderr)
    app = SmartSpecApp(data_dir=tmp_path, datasets=[], settings={"debris_grace_s": 0})
    try:
        _consistent(app)
        assert [r.id for r in app.store.list_datasets("uploaded")] == left
    finally:
        app.close()


def test_debris_of_other_processes_in_flight_is_kept(tmp_path: Path) -> None:
    """The grace period: a fresh unreferenced file may be another process's upload in flight."""
    assert _run_child(tmp_path, "moved").returncode == -9
    app = SmartSpecApp(data_dir=tmp_path, datasets=[])  # default grace: 10 minutes
    try:
        assert [p for p in (tmp_path / "uploads").iterdir() if p.is_file()]
        assert app.clean_debris(0.0)  # what an operator (or the next start) removes
        _consistent(app)
    finally:
        app.close()


UPLOADER = textwrap.dedent(
    """
    import sys
    from smartspec.app import SmartSpecApp

    data_dir, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    app = SmartSpecApp(data_dir=data_dir, datasets=[])
    for i in range(n):
        marker = 1000 * worker + i + 1   # the value that tells this upload apart
        csv = "geo,sector,jobs\\n" + "".join(
            f"R{r},{a},{marker + r + j}\\n" for r in range(3) for j, a in enumerate("ab"))
        record = app.add_dataset(csv.encode(), {"region": "geo", "activity": "sector",
                                                "value": "jobs"}, "Same title",
                                 filename="same.csv")
        print(record.id, marker, flush=True)
    """
)


def test_two_processes_on_one_folder_never_share_an_id(tmp_path: Path) -> None:
    SmartSpecApp(data_dir=tmp_path, datasets=[]).close()  # create the database once
    n = 8
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", UPLOADER, str(tmp_path), str(w), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in (1, 2)
    ]
    answered: dict[str, int] = {}
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        for line in out.split("\n"):
            if line:
                dataset_id, marker = line.split()
                assert dataset_id not in answered, f"id {dataset_id} answered twice"
                answered[dataset_id] = int(marker)
    assert len(answered) == 2 * n
    app = SmartSpecApp(data_dir=tmp_path, datasets=[])
    try:
        _consistent_markers(app, answered)
    finally:
        app.close()


def _consistent_markers(app: SmartSpecApp, answered: dict[str, int]) -> None:
    rows = {r.id for r in app.store.list_datasets("uploaded")}
    assert rows == set(answered)
    for dataset_id, marker in answered.items():
        first = app.matrix(dataset_id).to_long()["value"].min()
        assert first == marker, f"{dataset_id} holds another upload's data"
