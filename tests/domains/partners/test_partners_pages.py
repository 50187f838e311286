"""``/partners`` without a browser: the form's answers to good and bad input (never a 500)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    app = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("partners-pages"),
        datasets=["eu-nuts2-sbs", "us-state-industry"],
    )
    yield app.client()
    app.close()


def test_empty_builder_lists_the_activities(client: Any) -> None:
    r = client.get("/partners")
    assert r.status_code == 200
    assert '<option value="C29">' in r.text and 'id="f-stage4"' in r.text
    assert 'id="result"' not in r.text
    # the US dataset's codes once it is chosen; the combined panel is not offered without its data
    r = client.get(
        "/partners",
        params={"dataset": "us-state-industry", "pick": "1", "stage1": "a", "codes1": "C10"},
    )
    assert r.status_code == 200 and '<option value="31-33">' in r.text
    assert 'id="chain-error"' not in r.text and 'value="C10"' in r.text  # kept, not evaluated
    assert "eu-nuts2-ardeco+" not in r.text


def test_example_is_filled_and_evaluated(client: Any) -> None:
    r = client.get("/partners", params={"example": "agrifood", "lang": "es"})
    assert r.status_code == 200
    assert 'value="Food and beverage processing"' in r.text
    assert 'id="set-1"' in r.text and 'id="matrix-table"' in r.text
    assert "Matriz de cobertura" in r.text


@pytest.mark.parametrize(
    ("params", "status", "said"),
    [
        ({"stage1": "a", "codes1": "C10"}, 422, "2 to 10 stages"),
        ({"stage1": "a", "codes1": "C10", "stage2": "b"}, 422, "has no activity"),
        (
            {"stage1": "a", "typed1": ",".join(f"X{i}" for i in range(300)), "stage2": "b"},
            422,
            "not valid",
        ),
        ({"stage1": "a", "codes1": "C10", "stage2": "b", "typed2": "C99"}, 404, "C29"),
        (
            {"stage1": "a", "codes1": "C10", "stage2": "b", "codes2": "C11", "region": "XX"},
            404,
            "XX",
        ),
    ],
)
def test_bad_forms_answer_with_the_form_and_the_error(
    client: Any, params: dict[str, str], status: int, said: str
) -> None:
    r = client.get("/partners", params={"dataset": "eu-nuts2-sbs", **params})
    assert r.status_code == status
    assert 'id="chain-error"' in r.text and said in r.text
    assert 'id="chain-form"' in r.text  # the form stays, with what was sent


def test_unknown_example_is_an_error_page(client: Any) -> None:
    r = client.get("/partners", params={"example": "steel"})
    assert r.status_code == 404 and "automotive" in r.text
