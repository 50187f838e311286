"""``Prefer: wait=N`` (RFC 7240): a request may ask for a 202 sooner than the ``job_wait_s``
setting, never later; the dashboard's pages ask for ``page_wait_s``, so that a page whose heavy
result is not computed yet shows its progress page soon (issue 15: pages under 5 s cold)."""

from __future__ import annotations

import time

import pytest

from smartspec.app import SETTINGS
from smartspec.services.api import PreferWait

MX = "/api/v1/datasets/mx-tamaulipas"
PARAMS = {"base": 2008, "horizon": 2, "n_boot": 200, "seed": 15}


def _scope(*values: bytes) -> dict:
    return {"type": "http", "headers": [(b"prefer", v) for v in values]}


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ((b"wait=0",), 0.0),
        ((b"respond-async, wait=3",), 3.0),
        ((b"return=minimal; wait=1.5",), 1.5),
        ((b"handling=lenient", b"WAIT = 7"), 7.0),
        ((b'wait="2"',), 2.0),
        ((b"wait=soon",), None),
        ((b"wait=-1",), None),
        ((b"wait=inf",), None),
        ((b"respond-async",), None),
        ((), None),
    ],
)
def test_the_preference_is_read(headers: tuple[bytes, ...], seconds: float | None) -> None:
    assert PreferWait.seconds(_scope(*headers)) == seconds


def test_a_request_asking_for_no_wait_gets_202_at_once(make_app) -> None:
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 600})
    client = app.client()
    t0 = time.perf_counter()
    r = client.get(f"{MX}/validation", params=PARAMS, headers={"Prefer": "wait=0"})
    assert r.status_code == 202, r.text
    assert time.perf_counter() - t0 < 60  # far from the 600 s the setting would wait
    # without the preference the request waits (up to job_wait_s) for the same result
    done = client.get(f"{MX}/validation", params=PARAMS)
    assert done.status_code == 200
    assert done.json()["metrics"]


def test_a_preference_never_waits_longer_than_the_setting(make_app) -> None:
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 0})
    r = app.client().get(f"{MX}/network", headers={"Prefer": "wait=600"})
    assert r.status_code == 202, r.text


def test_pages_wait_less_than_the_api() -> None:
    defaults = {s.name: s.default for s in SETTINGS}
    assert 0 < defaults["page_wait_s"] < defaults["job_wait_s"]


def test_a_page_shows_its_progress_page_instead_of_waiting(make_app) -> None:
    # page_wait_s 0: whatever the machine, the page cannot find the backtest computed in time
    app = make_app(datasets=["mx-tamaulipas"], settings={"job_wait_s": 600, "page_wait_s": 0})
    client = app.client()
    url = "/datasets/mx-tamaulipas/validation?base=2008&end=2018&lang=en"
    page = client.get(url, headers={"accept": "text/html"})
    assert page.status_code == 202, page.text[:500]
    assert 'http-equiv="refresh"' in page.text and "/api/v1/jobs/" in page.text
    (job,) = app.jobs.all()
    assert job.wait(300)
    done = client.get(url, headers={"accept": "text/html"})
    assert done.status_code == 200
    # the API itself still waits job_wait_s: the same result, asked again, answers 200
    assert client.get(f"{MX}/validation", params={"base": 2008, "end": 2018}).status_code == 200
