"""The starter set: the file's integrity, its sources, and every computed entry computing on the
bundled data."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.monitoring import starter
from smartspec.domains.monitoring.compute import MEASURES, compute_series


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    made = SmartSpecApp(data_dir=tmp_path_factory.mktemp("starter"), datasets=["eu-nuts2-ardeco"])
    yield made
    made.close()


def _raw() -> dict[str, Any]:
    text = (resources.files(starter.__package__) / "data" / "starter.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def test_integrity() -> None:
    items = starter.starter_set()
    types = starter.priority_types()
    keys = [i["key"] for i in items]
    assert len(keys) == len(set(keys))
    assert {t["key"] for t in types} == {
        "research-innovation",
        "industrial-modernisation",
        "digitalisation",
        "skills",
        "internationalisation",
        "context",
    }
    for t in types:
        n = sum(i["priority_type"] == t["key"] for i in items)
        assert 3 <= n <= 6, t["key"]
        assert t["name"]["en"] and t["name"]["es"] and t["description"]["es"]
    for item in items:
        assert item["kind"] in starter.KINDS
        assert item["name"]["es"] != item["name"]["en"]
        assert item["definition"]["en"] and item["definition"]["es"] and item["unit"]
        assert isinstance(item["higher_is_better"], bool) and item["reference"]
        if item["kind"] == "context":
            assert item["computed"]["measure"] in MEASURES
        else:  # an ERDF common indicator, named by its code
            assert re.fullmatch(
                r"Regulation \(EU\) 2021/1058, Annex I, RC[OR] \d{2,3}", item["source"]
            )
            assert item["computed"] is None
    outputs = {i["source"].rsplit(", ", 1)[1] for i in items if i["kind"] != "context"}
    assert {"RCO 01", "RCO 02", "RCO 07", "RCO 10", "RCR 02", "RCR 03", "RCR 102"} <= outputs


def test_sources_name_every_entry() -> None:
    text = (resources.files(starter.__package__) / "data" / "SOURCES.md").read_text("utf-8")
    for item in starter.starter_set():
        assert f"`{item['key']}`" in text, item["key"]
    assert "Gianelle" in text and "2021/1058" in text and "Foray" in text


@pytest.mark.parametrize("key", [i["key"] for i in starter.starter_set() if i["computed"]])
def test_every_computed_entry_computes(app: Any, key: str) -> None:
    item = starter.starter_item(key)
    spec = starter.computed_for(item, ["C28", "J"])  # a priority's NACE codes
    assert spec is not None
    series = compute_series(app, spec, "CZ064")
    assert series.values, key
    assert all(v == v and v >= 0 for v in series.values.values())
    if item["activities_from_priority"]:
        assert spec["activities"] == ["C28", "J"]
    else:
        assert spec == item["computed"]


def test_computed_for_needs_the_priority_activities() -> None:
    item = starter.starter_item("ctx-share-priority")
    with pytest.raises(ValidationError, match="activities"):
        starter.computed_for(item, [])
    assert starter.computed_for(starter.starter_item("rco01-enterprises-supported")) is None


def test_unknown_key_names_close_ones() -> None:
    with pytest.raises(ValidationError, match="ctx-rd-intensity"):
        starter.starter_item("ctx-rd-intensty")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["indicators"].append(copy.deepcopy(d["indicators"][0])), "used once"),
        (lambda d: d["indicators"][0].update(kind="impact"), "kind"),
        (lambda d: d["indicators"][0].update(priority_type="tourism"), "priority type"),
        (lambda d: d["indicators"][0]["name"].update(es=""), "Spanish"),
        (lambda d: d["indicators"][-1]["computed"].update(measure="gdp"), "measure"),
        (lambda d: d["indicators"][0].update(computed={"measure": "share"}), "computed"),
        (lambda d: d["indicators"][0].pop("unit"), "unit"),
    ],
)
def test_validation_refuses_a_broken_file(change: Any, problem: str) -> None:
    doc = _raw()
    starter.validate(doc)  # the real file passes
    change(doc)
    with pytest.raises(ValidationError) as info:
        starter.validate(doc)
    assert problem in str(info.value)
