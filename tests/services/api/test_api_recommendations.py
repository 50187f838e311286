"""A region's most likely next specialisations over the API: the learned entry model (calibrated
probabilities, reasons by factor code), relatedness density for comparison, the dataset's default
score with its reason, and the errors in the project's format."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from smartspec.core.errors import ValidationError
from smartspec.datasets import RECOMMENDER_REASONS, RECOMMENDERS, dataset_names, info
from smartspec.domains.errors import RequestError
from smartspec.domains.evidence.service import view
from smartspec.learn import FEATURES

NZ = "nz-urban-industry"
URL = f"/api/v1/datasets/{NZ}/regions/{{region}}/recommendations"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    # requests wait for the model's training job (once per dataset) instead of answering 202
    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("recommendations"),
        datasets=[NZ, "us-state-industry", "mx-tamaulipas"],
        settings={"job_wait_s": 1200},
    )
    yield app
    app.close()


@pytest.fixture(scope="module")
def client(app: Any) -> Iterator[Any]:
    with app.client() as c:
        yield c


@pytest.fixture(scope="module")
def learned(client: Any) -> dict[str, Any]:
    r = client.get(URL.format(region="001"))
    assert r.status_code == 200, r.text[:500]
    return r.json()


def assert_error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text[:300]
    error = r.json()["error"]
    assert error["status"] == status and error["code"] == code
    assert error["message"] and error["expected"] and error["found"]
    return error


def test_learned_recommendations_of_a_region(app: Any, learned: dict[str, Any]) -> None:
    assert learned["score"] == learned["default_score"] == "learned"
    assert learned["reason"] is None
    assert "gradient boosting" in learned["method"] and "ceteris-paribus" in learned["method"]
    assert learned["region"] == "001" and learned["region_name"] == "Whangarei"
    assert learned["period"] == 2013  # the latest
    items = learned["items"]
    assert [i["rank"] for i in items] == [1, 2, 3, 4, 5]
    probs = [i["probability"] for i in items]
    assert all(0 < p < 1 for p in probs)
    assert probs == sorted(probs, reverse=True)
    v = view(app, NZ)
    r, p = v.region("001"), v.period(None)
    for item in items:
        a = v.activity(item["activity"])
        assert not v.presence[p, r, a]  # a candidate: the region does not specialise in it yet
        assert item["name"] == v.activity_names[item["activity"]]
        assert item["factors"], item
        assert {f["factor"] for f in item["factors"]} <= set(FEATURES)
        contributions = [f["contribution"] for f in item["factors"]]
        assert all(c > 0 for c in contributions)
        assert contributions == sorted(contributions, reverse=True)
        for f in item["factors"]:
            assert f["words"] == FEATURES[f["factor"]]
        for rel in item["related"]:  # the region's own specialisations
            assert v.presence[p, r, v.activity(rel["code"])] and rel["name"]
        for other in item["similar"]:  # other regions that specialise in the activity
            assert other["code"] != "001" and other["name"]
            assert v.presence[p, v.region(other["code"]), a]
        assert isinstance(item["explanation"], str) and item["explanation"]


def test_a_second_region_reuses_the_trained_model(app: Any, client: Any, learned: Any) -> None:
    by_name = client.get(URL.format(region="Wellington"), params={"top": 3})
    assert by_name.status_code == 200, by_name.text[:300]
    body = by_name.json()
    assert body["region"] == "020" and len(body["items"]) == 3
    assert [j.kind for j in app.jobs.all() if j.dataset == NZ].count("learned") == 1
    frame = app.recommendations(NZ, region="020", top=3)  # the service: the same, kept
    assert list(frame["activity"]) == [i["activity"] for i in body["items"]]
    assert np.allclose(frame["probability"], [i["probability"] for i in body["items"]])


def test_density_score_for_comparison(app: Any, client: Any, learned: Any) -> None:
    r = client.get(URL.format(region="001"), params={"score": "density", "top": 10})
    assert r.status_code == 200
    body = r.json()
    assert body["score"] == "density" and body["default_score"] == "learned"
    assert "relatedness density" in body["method"]
    items = body["items"]
    assert len(items) == 10
    densities = [i["density"] for i in items]
    assert densities == sorted(densities, reverse=True)
    v = view(app, NZ)
    r_, p = v.region("001"), v.period(None)
    candidates = ~v.presence[p, r_] & np.isfinite(v.density[p, r_])
    assert densities[0] == pytest.approx(np.nanmax(np.where(candidates, v.density[p, r_], np.nan)))
    assert all(i["probability"] is None and i["factors"] == [] for i in items)


def test_framework_with_the_learned_probability_as_feasibility(
    app: Any, client: Any, learned: dict[str, Any]
) -> None:
    """The framework's first axis can be the learned probability of entry: the same model as
    the recommendations (no second training), cut at the mean of the region's candidates."""
    url = f"/api/v1/datasets/{NZ}/regions/001/framework"
    r = client.get(url, params={"feasibility": "learned"})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["settings"]["feasibility"] == "learned probability"
    assert body["period"] == 2013
    assert [j.kind for j in app.jobs.all() if j.dataset == NZ].count("learned") == 1
    cands = body["candidates"]
    probs = [c["probability"] for c in cands]
    assert probs and all(0 < p < 1 for p in probs)
    cut = body["cutoffs"]["density"]
    assert cut == pytest.approx(np.mean(probs))  # the mean of the region's candidates
    for c in cands:
        assert c["quadrant"].startswith("high_density") == (c["probability"] >= cut)
    # the recommendations' top five are the candidates with the highest probability
    best = sorted(cands, key=lambda c: -c["probability"])[:5]
    assert [c["activity"] for c in best] == [i["activity"] for i in learned["items"]]
    # density stays the default, with no probability
    plain = client.get(url).json()
    assert plain["settings"]["feasibility"] == "density"
    assert all(c["probability"] is None for c in plain["candidates"])
    # the region-level view: only the model's period
    regions = client.get(
        f"/api/v1/datasets/{NZ}/framework", params={"feasibility": "learned", "limit": 500}
    ).json()
    assert {row["period"] for row in regions["items"]} == {2013}
    assert regions["settings"]["feasibility"] == "learned probability"
    assert_error(client.get(url, params={"feasibility": "shap"}), 400, "bad_request.parameter")
    with pytest.raises(RequestError, match="unknown feasibility axis") as refused:
        app.framework(NZ, feasibility="shap")  # the service checks it too
    assert refused.value.expected == "density or learned"
    error = assert_error(
        client.get(
            "/api/v1/datasets/us-state-industry/regions/06/framework",
            params={"feasibility": "learned"},
        ),
        400,
        "bad_request.too_few_periods",
    )
    assert error["fix"]


@pytest.mark.parametrize("top", [0, 51, -3])
def test_top_out_of_range_is_refused(client: Any, top: int) -> None:
    r = client.get(URL.format(region="001"), params={"top": top})
    assert_error(r, 400, "bad_request.parameter")


def test_top_is_bounded_in_the_service_too(app: Any) -> None:
    with pytest.raises(ValidationError, match="from 1 to 50") as info_:
        app.recommendations(NZ, region="001", top=60)
    assert info_.value.expected == "1 to 50"


def test_unknown_score_is_refused(client: Any) -> None:
    error = assert_error(
        client.get(URL.format(region="001"), params={"score": "shap"}),
        400,
        "bad_request.parameter",
    )
    assert "learned" in error["expected"] and "density" in error["expected"]


def test_unknown_region_is_a_404(client: Any) -> None:
    error = assert_error(client.get(URL.format(region="Atlantis")), 404, "unknown_region")
    assert "Atlantis" in error["found"]


def test_one_period_dataset_has_density_only(client: Any) -> None:
    url = "/api/v1/datasets/us-state-industry/regions/06/recommendations"
    body = client.get(url).json()
    assert body["score"] == body["default_score"] == "density"
    assert body["reason"] == "one_period"
    assert len(body["items"]) == 5
    error = assert_error(
        client.get(url, params={"score": "learned"}), 400, "bad_request.too_few_periods"
    )
    assert "earlier period" in error["message"] and error["fix"]


def test_small_panel_defaults_to_density_with_its_reason(client: Any) -> None:
    body = client.get(
        "/api/v1/datasets/mx-tamaulipas/regions/28001/recommendations", params={"top": 3}
    ).json()
    assert (body["score"], body["default_score"], body["reason"]) == (
        "density",
        "density",
        "small_panel",
    )
    assert len(body["items"]) == 3


def test_every_bundled_dataset_has_a_default_score() -> None:
    assert set(RECOMMENDERS) == set(dataset_names())
    for name in dataset_names():
        chosen = info(name).recommender
        assert chosen == RECOMMENDERS[name]
        if chosen["recommender"] == "learned":
            assert len(info(name).periods) >= 2 and "recommender_reason" not in chosen
        else:
            assert chosen["recommender"] == "density"
            assert chosen["recommender_reason"] in RECOMMENDER_REASONS
            if len(info(name).periods) == 1:
                assert chosen["recommender_reason"] == "one_period"
    learned = {n for n in dataset_names() if info(n).recommender["recommender"] == "learned"}
    assert learned == {"nz-urban-industry", "au-sa3-industry"}
