"""Heavy results: computed once in a background process, kept on disk, answered 202 meanwhile,
warmed at start (issue 14, finding 9: a cold backtest held a request for 70 seconds)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from smartspec.core.validation import backtest
from smartspec.datasets import load
from smartspec.services.warm import warm

MX = "/api/v1/datasets/mx-tamaulipas"
PARAMS = {"base": 2008, "horizon": 2, "n_boot": 20, "seed": 3}


def _until_done(client, url: str, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = client.get(url)
        assert status.status_code == 200, status.text
        body = status.json()
        if body["state"] in ("done", "failed"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.1)


def test_a_slow_result_answers_202_then_the_result(make_app):
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 0})
    client = app.client()
    first = client.get(f"{MX}/validation", params=PARAMS)
    assert first.status_code == 202, first.text
    body = first.json()
    assert first.headers["location"] == body["status_url"] == f"/api/v1/jobs/{body['job']['id']}"
    assert int(first.headers["retry-after"]) == body["retry_after_s"] > 0
    assert body["job"]["kind"] == "backtest" and body["job"]["dataset"] == "mx-tamaulipas"
    assert body["job"]["state"] in ("queued", "running", "done")
    # the status is never served from the response cache: it moves until done
    assert _until_done(client, body["status_url"])["state"] == "done"
    again = client.get(f"{MX}/validation", params=PARAMS)
    assert again.status_code == 200
    # the same numbers as the engine computes in this process
    m = load("mx-tamaulipas")
    direct = backtest(
        m, base=2008, end=2018, horizon=2, n_boot=20, seed=3, scores=("density", "cog"), k=(10,)
    )
    got = {(r["score"], r["kind"]): r["roc_auc"] for r in again.json()["metrics"]}
    for _, row in direct.metrics.iterrows():
        assert got[(row["score"], row["kind"])] == pytest.approx(row["roc_auc"], abs=1e-12)
    assert [j["state"] for j in client.get("/api/v1/jobs").json()["items"]] == ["done"]


def test_the_same_request_twice_starts_one_computation(make_app):
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 0})
    client = app.client()
    answers = [client.get(f"{MX}/network") for _ in range(3)]
    ids = {a.json()["job"]["id"] for a in answers if a.status_code == 202}
    assert len(ids) <= 1 and len(app.jobs.all()) == 1
    _until_done(client, f"/api/v1/jobs/{app.jobs.all()[0].id}")
    assert client.get(f"{MX}/network").status_code == 200


def test_results_survive_a_restart_and_are_dropped_with_their_dataset(
    make_app, tmp_path, panel_csv, upload_form
):
    folder = tmp_path / "shared"
    app = make_app(data_dir=folder, datasets=["mx-tamaulipas"])
    record = app.add_dataset(panel_csv, upload_form, "Jobs", filename="jobs.csv")
    net = app.client().get(f"/api/v1/datasets/{record.id}/network")
    assert net.status_code == 200
    assert app.client().get(f"{MX}/validation", params=PARAMS).status_code == 200
    assert len(list(app.results.folder.glob("*/*.pickle"))) == 2

    later = make_app(data_dir=folder, datasets=["mx-tamaulipas"], settings={"job_wait_s": 0})
    client = later.client()
    assert client.get(f"{MX}/validation", params=PARAMS).status_code == 200  # read from disk
    assert client.get(f"/api/v1/datasets/{record.id}/network").json() == net.json()
    assert later.jobs.all() == []  # nothing computed again

    later.delete_dataset(record.id)
    assert len(list(later.results.folder.glob("*/*.pickle"))) == 1  # only the backtest left


def test_a_damaged_result_file_is_computed_again(make_app):
    app = make_app(datasets=["mx-tamaulipas"])
    client = app.client()
    first = client.get(f"{MX}/network").json()
    (path,) = app.results.folder.glob("*/*.pickle")
    path.write_bytes(b"not a pickle")
    fresh = make_app(data_dir=app.data_dir, datasets=["mx-tamaulipas"])
    assert fresh.client().get(f"{MX}/network").json() == first
    assert len(fresh.jobs.all()) == 1


def test_the_disk_cache_is_bounded(make_app):
    app = make_app(datasets=["mx-tamaulipas"], settings={"result_cache_mb": 0.05})
    client = app.client()
    for seed in range(3):
        assert client.get(f"{MX}/validation", params={**PARAMS, "seed": seed}).status_code == 200
    files = list(app.results.folder.glob("*/*.pickle"))
    assert len(files) == 1  # each result is larger than the bound: only the newest stays
    assert client.get(f"{MX}/validation", params={**PARAMS, "seed": 0}).status_code == 200


@pytest.mark.parametrize(
    ("settings", "words"),
    [({"job_memory_mb": 1}, "too much memory"), ({"job_timeout_s": 0.01}, "too long")],
)
def test_a_computation_over_its_budget_fails_clearly(make_app, settings, words):
    app = make_app(datasets=["mx-tamaulipas"], settings=settings)
    client = app.client()
    r = client.get(f"{MX}/validation", params=PARAMS)
    assert r.status_code == 422, r.text
    err = r.json()["error"]
    assert err["type"] == "ComputeBudgetError" and words in err["message"]
    assert "backtest of dataset 'mx-tamaulipas'" in err["where"] and err["fix"]
    (job,) = client.get("/api/v1/jobs").json()["items"]
    assert job["state"] == "failed" and job["error"]["type"] == "ComputeBudgetError"
    assert app.results.nbytes == 0  # nothing half written


def test_a_failed_job_shows_no_server_path(make_app, monkeypatch):
    import smartspec.io.worker as worker

    app = make_app(datasets=["mx-tamaulipas"])
    secret = str(app.data_dir / "results" / "x.pickle")

    def broken(*_, **__):
        raise OSError(f"cannot write {secret}")

    monkeypatch.setattr(worker, "run_limited", broken)
    client = app.client()
    r = client.get(f"{MX}/network")
    assert r.status_code == 422 and str(app.data_dir) not in r.text
    for url in ("/api/v1/jobs", f"/api/v1/jobs/{app.jobs.all()[0].id}"):
        listed = client.get(url)
        assert listed.status_code == 200 and "x.pickle" in listed.text
        assert str(app.data_dir) not in listed.text


def test_the_queue_of_computations_is_bounded(make_app, monkeypatch):
    import smartspec.jobs as jobs

    monkeypatch.setattr(jobs, "MAX_PENDING", 2)
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 0})
    client = app.client()
    slow = {**PARAMS, "n_boot": 500}  # long enough that none finishes between the requests
    answers = [client.get(f"{MX}/validation", params={**slow, "seed": s}) for s in range(4)]
    codes = [a.status_code for a in answers]
    assert codes[:2] == [202, 202] and codes[2:] == [503, 503], codes
    err = answers[-1].json()["error"]
    assert err["type"] == "JobQueueFullError" and "at most 2" in err["expected"] and err["fix"]
    assert len(app.jobs.all()) == 2 and app.jobs.wait_idle(120)
    assert client.get(f"{MX}/validation", params={**slow, "seed": 3}).status_code == 202


def test_an_unknown_job_is_a_404(client):
    r = client.get("/api/v1/jobs/nope")
    assert r.status_code == 404 and r.json()["error"]["type"] == "UnknownJobError"


def test_warming_computes_what_the_pages_show(make_app):
    app = make_app(datasets=["mx-tamaulipas", "us-state-industry"], settings={"job_wait_s": 0})
    counts = warm(app)
    # mx: network, page backtest, API backtest; us (one period): network only
    assert counts == {"done": 4, "failed": 0}
    computed = len(app.jobs.all())
    client = app.client()
    assert client.get("/datasets/mx-tamaulipas/validation").status_code == 200
    assert client.get("/datasets/mx-tamaulipas/space").status_code == 200
    assert client.get(f"{MX}/validation").status_code == 200
    assert client.get(f"{MX}/network").status_code == 200
    assert len(app.jobs.all()) == computed  # all served from what the warm-up computed
    assert warm(make_app(data_dir=app.data_dir, datasets=["mx-tamaulipas"])) == {
        "done": 3,
        "failed": 0,
    }


def test_warming_trains_the_entry_model_where_it_is_the_default(make_app):
    from smartspec.services.warm import _tasks

    app = make_app(datasets=["nz-urban-industry", "mx-tamaulipas"])
    tasks = [(what, dataset) for what, dataset, _ in _tasks(app)]
    assert ("entry model", "nz-urban-industry") in tasks
    assert ("entry model", "mx-tamaulipas") not in tasks  # density is its default
    assert tasks.index(("entry model", "nz-urban-industry")) < tasks.index(
        ("backtest", "nz-urban-industry")
    )


def test_warming_stops_when_asked(make_app):
    app = make_app(datasets=["mx-tamaulipas"])
    stop = threading.Event()
    stop.set()
    assert warm(app, stop) == {"done": 0, "failed": 0} and app.jobs.all() == []


def test_pages_show_a_reloading_notice_while_computing(make_app):
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 0})
    client = app.client()
    for path in ("/datasets/mx-tamaulipas/validation", "/datasets/mx-tamaulipas/space?lang=es"):
        page = client.get(path)
        assert page.status_code == 202, page.text[:500]
        assert '<meta http-equiv="refresh" content="2">' in page.text
        assert "/api/v1/jobs/" in page.text
        if "lang=es" in path:
            assert "Esta página se recarga sola" in page.text
    assert app.jobs.wait_idle(120)
    assert client.get("/datasets/mx-tamaulipas/validation").status_code == 200


def test_the_heavy_routes_declare_202(client):
    doc = client.get("/api/openapi.json").json()
    for path in ("/api/v1/datasets/{dataset}/validation", "/api/v1/datasets/{dataset}/network"):
        answer = doc["paths"][path]["get"]["responses"]["202"]
        assert answer["content"]["application/json"]["schema"]["$ref"].endswith("JobAccepted")


def test_a_script_without_a_main_guard_is_not_run_again_in_the_child(tmp_path):
    """The child process never imports the caller's script (one without an ``if __name__``
    guard would run twice; one read from standard input could not be found)."""
    code = textwrap.dedent(
        """
        import os
        from smartspec.io.worker import run_limited
        print("script ran", flush=True)
        print("child", run_limited(os.getpid) != os.getpid(), flush=True)
        """
    )
    script = tmp_path / "unguarded.py"
    script.write_text(code)
    for argv, stdin in (([str(script)], None), (["-"], code)):
        out = subprocess.run(
            [sys.executable, *argv], input=stdin, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines() == ["script ran", "child True"], out.stdout + out.stderr
