"""Self-assessment: saved per region and year by the region's editors and administrators,
checked against the rubric, step means by hand, compared over time and across regions; and
the rubric file itself."""

from __future__ import annotations

import json
from typing import Any

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.service import CLI_ACCOUNT
from smartspec.domains.errors import AuthenticationRequiredError, ForbiddenError
from smartspec.domains.registry.views import StrategyIn
from smartspec.domains.review.rubric import GOVERNANCE_2021, RIS3_STEPS, load_rubric, rubric


def test_rubric_is_complete_and_bilingual() -> None:
    r = rubric()
    assert [s.key for s in r.steps] == [*RIS3_STEPS, GOVERNANCE_2021]
    assert [s.number for s in r.steps] == [1, 2, 3, 4, 5, 6, 7]
    for step in r.steps[:6]:
        assert 2 <= len(step.criteria) <= 4 and "Foray" in step.source
    assert len(r.step(GOVERNANCE_2021).criteria) == 7
    assert "2021/1060" in r.step(GOVERNANCE_2021).source
    assert len(set(r.keys)) == len(r.keys) == sum(len(s.criteria) for s in r.steps)
    for c in r.criteria:
        assert c.title["en"] and c.title["es"] and c.question["es"].startswith(("¿", "Cuando"))
    assert "critical friends" in r.method["en"]


def test_rubric_validation_refuses_a_broken_file() -> None:
    good = rubric().to_dict()
    broken = json.loads(json.dumps(good))
    broken["steps"][6]["criteria"].pop()
    with pytest.raises(ValidationError, match="wrong number of criteria"):
        load_rubric(json.dumps(broken))
    broken = json.loads(json.dumps(good))
    broken["steps"][0]["criteria"][0]["title"]["es"] = " "
    with pytest.raises(ValidationError, match="missing a language"):
        load_rubric(json.dumps(broken))
    broken = json.loads(json.dumps(good))
    broken["steps"][1]["criteria"][0]["key"] = broken["steps"][0]["criteria"][0]["key"]
    with pytest.raises(ValidationError, match="repeated"):
        load_rubric(json.dumps(broken))
    assert load_rubric(json.dumps(good)).keys == rubric().keys


def test_save_compare_over_time(world: Any) -> None:
    editor, admin = world.who("editor_here"), world.who("admin")
    first = world.reviews.save_self_assessment(
        editor,
        "cz064",
        {"context-assets": 2, "context-outward": 3, "context-dynamics": None, "gg-body": 5},
        {"gg-body": " a strong agency ", "context-assets": ""},
        year=2023,
    )
    # step means by hand: context (2 + 3) / 2 = 2.5 (n/a left out); governance-2021 5
    assert first["region"] == "CZ064" and first["steps"]["context"] == 2.5
    assert first["steps"]["governance-2021"] == 5.0 and first["steps"]["vision"] is None
    assert first["answered"] == 3 and first["comments"] == {"gg-body": "a strong agency"}
    assert first["version"] == 1 and first["saved_by"] == "test-editor_here"
    world.reviews.save_self_assessment(editor, "CZ064", {"context-assets": 4}, year=2025)
    again = world.reviews.save_self_assessment(
        editor, "CZ064", {"context-assets": 5, "vision-shared": 1}, year=2025
    )
    assert again["version"] == 2 and again["answers"] == {"context-assets": 5, "vision-shared": 1}
    world.reviews.save_self_assessment(admin, "CZ080", {"context-assets": 1}, year=2025)
    listed = world.reviews.self_assessments(None, "CZ064")
    assert [d["year"] for d in listed] == [2025, 2023]
    out = world.reviews.compare_self_assessments(None, ["CZ064", "cz080", "ES51"])
    rows = {r["region"]: r for r in out["regions"]}
    assert rows["CZ064"]["year"] == 2025 and rows["CZ064"]["steps"]["context"] == 5.0
    # overall: the mean of the answered steps' means, (5 + 1) / 2 = 3
    assert rows["CZ064"]["overall"] == 3.0
    assert rows["CZ080"]["steps"]["context"] == 1.0 and rows["ES51"]["year"] is None
    assert [d["year"] for d in out["over_time"]["CZ064"]] == [2023, 2025]
    assert [d["steps"]["context"] for d in out["over_time"]["CZ064"]] == [2.5, 5.0]
    older = world.reviews.compare_self_assessments(None, ["CZ064", "CZ080"], year=2023)
    rows = {r["region"]: r for r in older["regions"]}
    assert rows["CZ064"]["steps"]["context"] == 2.5 and rows["CZ080"]["year"] is None


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("anonymous", AuthenticationRequiredError),
        ("viewer", ForbiddenError),
        ("reviewer_in", ForbiddenError),
        ("editor_other", ForbiddenError),
    ],
)
def test_who_may_save(world: Any, role: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        world.reviews.save_self_assessment(world.who(role), "CZ064", {"gg-body": 3}, year=2020)
    assert all(d["year"] != 2020 for d in world.reviews.self_assessments(None, "CZ064"))


def test_answers_checked(world: Any) -> None:
    editor = world.who("editor_here")
    for answers, kwargs in [
        ({}, {}),
        ({"gg-body": 6}, {}),
        ({"gg-body": "4"}, {}),
        ({"nope": 3}, {}),
        ({"gg-body": 3}, {"year": 1800}),
        ({"gg-body": 3}, {"comments": {"gg-body": "x" * 2001}}),
    ]:
        with pytest.raises(ValidationError):
            world.reviews.save_self_assessment(editor, "CZ064", answers, **kwargs)
    other = world.app.registry.upsert_strategy(
        CLI_ACCOUNT, StrategyIn(region="CZ080", period="2021-2027")
    )
    with pytest.raises(ValidationError, match="not CZ064"):
        world.reviews.save_self_assessment(
            editor, "CZ064", {"gg-body": 3}, strategy_id=other.id, year=2021
        )
    own = world.strategy()
    saved = world.reviews.save_self_assessment(
        editor, "CZ064", {"gg-body": 3}, strategy_id=own, year=2021
    )
    assert saved["strategy_id"] == own
