"""Consolidated results of a peer review: per criterion n, mean, sample standard deviation,
min, max and comments, per step the mean of the criteria's means, computed here by hand; who
sees them, and with or without the reviewers' names."""

from __future__ import annotations

import math
from typing import Any

import pytest

from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError
from smartspec.domains.review.rubric import rubric
from smartspec.domains.review.scoring import consolidate, step_means

KEYS = rubric().keys
CONTEXT = ("context-assets", "context-outward", "context-dynamics")


def _scored_review(world: Any) -> int:
    """A review in state 'in review' with two reviewers:

    ========================  =========  ==========
    criterion                 reviewer   reviewer 2
    ========================  =========  ==========
    context-assets            4          2
    context-outward           2 "thin"   n/a
    context-dynamics          5          3 "ok"
    every other criterion     3          (none)
    ========================  =========  ==========
    """
    editor = world.who("editor_here")
    rid = world.review("submitted")
    world.reviews.invite(editor, rid, "test-reviewer_in2")
    world.reviews.start(editor, rid)
    first = {k: (3, "") for k in KEYS}
    first.update({"context-assets": (4, ""), "context-outward": (2, "thin"),
                  "context-dynamics": (5, "")})  # fmt: skip
    world.reviews.score(world.who("reviewer_in"), rid, first)
    world.reviews.score(
        world.who("reviewer_in2"),
        rid,
        {
            "context-assets": (2, ""),
            "context-outward": (None, "not relevant"),
            "context-dynamics": (3, "ok"),
        },
    )
    return rid


def _by_key(out: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["key"]: c for c in out["criteria"]}


def test_consolidated_by_hand(world: Any) -> None:
    rid = _scored_review(world)
    out = world.reviews.results(world.who("editor_here"), rid)
    crit = _by_key(out)
    assets = crit["context-assets"]
    # mean (4 + 2) / 2 = 3; sample std sqrt(((4-3)^2 + (2-3)^2) / (2-1)) = sqrt(2)
    assert (assets["n"], assets["n_na"], assets["mean"]) == (2, 0, 3.0)
    assert math.isclose(assets["std"], math.sqrt(2))
    assert (assets["min"], assets["max"]) == (2.0, 4.0)
    outward = crit["context-outward"]
    # one score (2) and one n/a: n 1, mean 2, no spread from a single score
    assert (outward["n"], outward["n_na"], outward["mean"], outward["std"]) == (1, 1, 2.0, None)
    assert outward["comments"] == [
        {"reviewer": "test-reviewer_in", "score": 2, "text": "thin"},
        {"reviewer": "test-reviewer_in2", "score": None, "text": "not relevant"},
    ]
    dynamics = crit["context-dynamics"]
    assert dynamics["mean"] == 4.0 and math.isclose(dynamics["std"], math.sqrt(2))
    only_one = crit["gg-body"]
    assert (only_one["n"], only_one["mean"], only_one["std"]) == (1, 3.0, None)
    steps = {s["key"]: s for s in out["steps"]}
    # step 1: the mean of its criteria's means (3 + 2 + 4) / 3 = 3
    assert steps["context"]["mean"] == 3.0 and steps["context"]["n"] == 3
    assert steps["governance-2021"]["mean"] == 3.0 and steps["governance-2021"]["criteria"] == 7
    assert [r["step"] for r in out["radar"]] == [s.key for s in rubric().steps]
    assert out["radar"][0]["value"] == 3.0 and out["radar"][0]["label_es"]
    assert (out["reviewers_invited"], out["reviewers_scored"], out["named"]) == (2, 2, True)
    assert out["final"] is False and out["state"] == "in review"


def test_step_mean_is_mean_of_criterion_means() -> None:
    # 5 reviewers give context-assets 1, one gives context-outward 5: pooling the six scores
    # would give 10/6; the mean of the two criteria's means is (1 + 5) / 2 = 3
    scores = [(f"r{i}", "context-assets", 1, "") for i in range(5)]
    scores.append(("r0", "context-outward", 5, ""))
    out = consolidate(rubric(), scores)
    step = next(s for s in out["steps"] if s["key"] == "context")
    assert step["mean"] == 3.0 and step["n"] == 2
    assert step_means(rubric(), {"context-assets": 1, "context-outward": 5})["context"] == 3.0


@pytest.mark.parametrize(
    "role", ["anonymous", "viewer", "reviewer_out", "reviewer_in", "editor_other"]
)
def test_results_hidden_before_completion(world: Any, role: str) -> None:
    rid = _scored_review(world)
    expected = AuthenticationRequiredError if role == "anonymous" else ForbiddenError
    with pytest.raises(expected):
        world.reviews.results(world.who(role), rid)


@pytest.mark.parametrize("role", ["anonymous", "viewer", "reviewer_in", "editor_other"])
def test_results_after_completion_anonymised(world: Any, role: str) -> None:
    rid = _scored_review(world)
    world.reviews.complete(world.who("admin"), rid)
    out = world.reviews.results(world.who(role), rid)
    assert out["final"] is True and out["named"] is False
    labels = [c["reviewer"] for c in _by_key(out)["context-outward"]["comments"]]
    assert labels == ["reviewer 1", "reviewer 2"]  # in invitation order, without names
    named = world.reviews.results(world.who("admin"), rid)
    assert [c["reviewer"] for c in _by_key(named)["context-outward"]["comments"]] == [
        "test-reviewer_in",
        "test-reviewer_in2",
    ]
    assert _by_key(out)["context-assets"]["mean"] == 3.0


def test_region_results_for_the_report(world: Any) -> None:
    from smartspec.domains.registry.views import StrategyIn

    region = "CZ0642"
    strategy = world.app.registry.upsert_strategy(
        CLI_ACCOUNT, StrategyIn(region=region, period="2021-2027", title="Own RIS3")
    ).id
    empty = world.reviews.region_results(None, region)
    assert empty["review"] is None and empty["self_assessment"] is None
    editor = world.who("editor_here")
    rid = world.reviews.create(editor, strategy).id
    world.reviews.invite(editor, rid, "test-reviewer_in")
    world.reviews.submit(editor, rid)
    world.reviews.start(editor, rid)
    world.reviews.score(world.who("reviewer_in"), rid, {k: (2, "") for k in KEYS})
    # not completed yet: the report shows no review
    assert world.reviews.region_results(None, region)["review"] is None
    world.reviews.complete(editor, rid)
    world.reviews.save_self_assessment(editor, region, {"gg-body": 4}, year=2025)
    out = world.reviews.region_results(None, region)
    assert out["review"]["review_id"] == rid and out["review"]["named"] is False
    assert out["review"]["steps"][0]["mean"] == 2.0
    assert [h["review_id"] for h in out["completed_reviews"]] == [rid]
    assert out["self_assessment"]["year"] == 2025
    assert out["self_assessment"]["steps"]["governance-2021"] == 4.0
    assert [s["key"] for s in out["steps"]][-1] == "governance-2021"
