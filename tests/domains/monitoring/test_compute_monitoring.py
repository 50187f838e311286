"""Computed indicators: values by hand from a tiny upload and from the bundled ARDECO file read
with pandas, RCA by hand, NUTS and NACE mapping, clear errors, and a data version that changes
when the data do."""

from __future__ import annotations

import io
from collections.abc import Iterator
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest

from smartspec.core.errors import (
    UnknownActivityError,
    UnknownDatasetError,
    UnknownRegionError,
    ValidationError,
)
from smartspec.domains.monitoring.compute import (
    MEASURES,
    ComputedSeries,
    check_spec,
    compute_series,
    data_version,
)

ARDECO = "eu-nuts2-ardeco"
TIDY = {"region": "region", "activity": "activity", "value": "value", "period": "period"}

# 3 regions x 3 activities x 2 years; R1's group {a, b}: 40 of 100 in 2020, 50 of 100 in 2021
TINY = """period,region,activity,value
2020,R1,a,10
2020,R1,b,30
2020,R1,c,60
2020,R2,a,20
2020,R2,b,20
2020,R2,c,10
2020,R3,a,5
2020,R3,b,0
2020,R3,c,45
2021,R1,a,20
2021,R1,b,30
2021,R1,c,50
2021,R2,a,10
2021,R2,b,30
2021,R2,c,10
2021,R3,a,5
2021,R3,b,5
2021,R3,c,40
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from smartspec.app import SmartSpecApp

    made = SmartSpecApp(
        data_dir=tmp_path_factory.mktemp("compute"), datasets=[ARDECO, "eu-nuts2-sbs"]
    )
    made.add_dataset(TINY.encode(), TIDY, "tiny", filename="tiny.csv")
    yield made
    made.close()


def _ardeco() -> pd.DataFrame:
    path = resources.files("smartspec.datasets") / "data" / f"{ARDECO}.csv.gz"
    with path.open("rb") as fh:
        return pd.read_csv(fh, compression="gzip", dtype={"region": str, "activity": str})


def test_measures_are_described() -> None:
    for key, about in MEASURES.items():
        assert {"label_en", "label_es", "unit", "needs_activities", "description"} <= set(about)
        assert about["label_en"] and about["label_es"], key


def test_tiny_upload_by_hand(app: Any) -> None:
    spec = {"dataset": "tiny", "activities": ["a", "b"]}
    emp = compute_series(app, {**spec, "measure": "employment"}, "R1")
    assert isinstance(emp, ComputedSeries)
    assert emp.values == {2020: 40.0, 2021: 50.0}
    share = compute_series(app, {**spec, "measure": "share"}, "R1")
    assert share.values == pytest.approx({2020: 40.0, 2021: 50.0})
    assert share.unit == "% of the region's total"
    # RCA of the group: (x_rg / x_r) / (x_g / x); x_g = 85 (2020) and 100 (2021), x = 200
    rca = compute_series(app, {**spec, "measure": "rca"}, "R1")
    assert rca.values == pytest.approx({2020: 0.40 / (85 / 200), 2021: 0.50 / (100 / 200)})
    # R3 has no b in 2020: its group is a only there
    assert compute_series(app, {**spec, "measure": "employment"}, "R3").values == {
        2020: 5.0,
        2021: 10.0,
    }
    later = compute_series(app, {**spec, "measure": "share", "period_from": 2021}, "R1")
    assert later.values == pytest.approx({2021: 50.0})
    assert emp.to_dict()["values"] == [{"year": 2020, "value": 40.0}, {"year": 2021, "value": 50.0}]


def test_density_is_the_evidence_cells(app: Any) -> None:
    """The mean density of the activities equals the mean of the evidence's cell table."""
    got = compute_series(
        app, {"measure": "density", "dataset": "tiny", "activities": ["a", "c"]}, "R2"
    )
    cells = app.evidence("tiny").cells
    mine = cells[(cells["region"] == "R2") & cells["activity"].isin(["a", "c"])]
    expected = mine.groupby("period")["density"].mean()
    assert got.values == pytest.approx({int(p): float(v) for p, v in expected.items()})
    assert all(0.0 <= v <= 1.0 for v in got.values.values())
    assert any("Hidalgo" in c for c in got.caveats)


def test_ardeco_employment_and_share_from_the_file(app: Any) -> None:
    frame = _ardeco()
    cz = frame[frame["region"] == "CZ06"]
    group = cz[cz["activity"].isin(["B-E", "J"])].groupby("period")["value"].sum()
    total = cz.groupby("period")["value"].sum()
    spec = {"dataset": ARDECO, "activities": ["B-E", "J"]}
    emp = compute_series(app, {**spec, "measure": "employment"}, "CZ06")
    assert emp.values == pytest.approx({int(y): float(v) for y, v in group.items()})
    assert emp.unit == "thousand persons"
    share = compute_series(app, {**spec, "measure": "share"}, "CZ06")
    assert share.values == pytest.approx(
        {int(y): 100 * float(group[y] / total[y]) for y in group.index}
    )
    # RCA by hand for 2014
    y14 = frame[frame["period"] == 2014]
    x_g = y14[y14["activity"].isin(["B-E", "J"])]["value"].sum()
    hand = (group[2014] / total[2014]) / (x_g / y14["value"].sum())
    rca = compute_series(app, {**spec, "measure": "rca"}, "CZ06")
    assert rca.values[2014] == pytest.approx(hand)
    assert sorted(rca.values) == list(range(2000, 2020))


def test_nuts3_and_nace_codes_are_mapped(app: Any) -> None:
    direct = compute_series(
        app, {"measure": "share", "dataset": ARDECO, "activities": ["B-E"]}, "CZ06"
    )
    mapped = compute_series(
        app, {"measure": "share", "dataset": ARDECO, "activities": ["C28"]}, "CZ064"
    )
    assert mapped.values == direct.values
    assert any("NUTS parent CZ06" in c for c in mapped.caveats)
    assert any("NACE C28" in c and "B-E" in c for c in mapped.caveats)
    by_name = compute_series(
        app, {"measure": "share", "dataset": ARDECO, "activities": ["B-E"]}, "Jihovýchod"
    )
    assert by_name.values == direct.values


def test_nace_codes_outside_the_dataset(app: Any) -> None:
    """Registry codes are bare divisions: "58" is J58 in the business statistics; "90" (arts)
    is outside their scope and left out with a caveat; nothing left is an error."""
    sbs = {"measure": "employment", "dataset": "eu-nuts2-sbs"}
    both = compute_series(app, {**sbs, "activities": ["58", "90"]}, "CZ08")
    alone = compute_series(app, {**sbs, "activities": ["J58"]}, "CZ08")
    assert both.values == alone.values and both.values
    assert any(c.startswith("NACE 90 left out") for c in both.caveats)
    assert not any("NACE 58" in c for c in both.caveats)  # the same activity: no word
    with pytest.raises(UnknownActivityError, match="none of the activities"):
        compute_series(app, {**sbs, "activities": ["86"]}, "CZ08")


def test_context_measures_from_the_bundled_table(app: Any) -> None:
    path = resources.files("smartspec.domains.benchmark") / "data" / "indicators.csv"
    with path.open("rb") as fh:
        table = pd.read_csv(fh, dtype={"region": str}).set_index("region")
    rd = compute_series(app, {"measure": "rd_intensity"}, "CZ06")
    year = int(table.at["CZ06", "rd_year"])
    assert rd.values == pytest.approx({year: float(table.at["CZ06", "gerd_pc_gdp"])})
    assert rd.unit == "% of GDP"
    pat = compute_series(app, {"measure": "patents_per_head"}, "CZ064")
    assert pat.values == pytest.approx({2012: float(table.at["CZ06", "patents_per_million"])})
    assert any("2011 and 2012" in c for c in pat.caveats)
    assert rd.data_version.startswith("context@")


_J = {"measure": "share", "dataset": ARDECO, "activities": ["J"]}


@pytest.mark.parametrize(
    ("spec", "region", "error", "hint"),
    [
        ({**_J, "measure": "sahre"}, "CZ06", ValidationError, "'share'"),
        ({**_J, "dataset": "eu-nuts2-ardco"}, "CZ06", UnknownDatasetError, ARDECO),
        ({**_J, "activities": ["Q99x"]}, "CZ06", UnknownActivityError, "activities"),
        (_J, "Prahaa", UnknownRegionError, "'Praha'"),
        ({"measure": "share", "dataset": ARDECO}, "CZ06", ValidationError, "activities"),
        ({"measure": "share", "activities": ["J"]}, "CZ06", ValidationError, "dataset"),
        ({**_J, "x": 1}, "CZ06", ValidationError, "x"),
        ({**_J, "period_from": "soon"}, "CZ06", ValidationError, "soon"),
        ({"measure": "rd_intensity"}, "ZZ99", UnknownRegionError, "benchmark"),
    ],
)
def test_clear_errors(app: Any, spec: dict[str, Any], region: str, error: type, hint: str) -> None:
    with pytest.raises(error) as info:
        compute_series(app, spec, region)
    assert hint in str(info.value)


def test_check_spec_normalises() -> None:
    spec = check_spec({"measure": "share", "dataset": " tiny ", "activities": "a, b,a"})
    assert spec == {"measure": "share", "dataset": "tiny", "activities": ["a", "b"]}
    assert check_spec({"measure": "rd_intensity"}) == {"measure": "rd_intensity"}


def test_data_version_changes_with_the_data(app: Any) -> None:
    spec = {"measure": "share", "dataset": "tiny", "activities": ["a", "b"]}
    before = data_version(app, spec)
    assert before == data_version(app, spec)  # stable while nothing changes
    assert before.startswith("tiny@")
    assert data_version(app, {**spec, "measure": "density"}) != before  # options count there
    old = compute_series(app, spec, "R1")
    app.delete_dataset("tiny")
    changed = TINY.replace("2021,R1,a,20", "2021,R1,a,70")
    record = app.add_dataset(changed.encode(), TIDY, "tiny", filename="tiny.csv")
    assert record.id == "tiny"  # the same name, other data
    after = data_version(app, spec)
    assert after != before
    new = compute_series(app, spec, "R1")
    assert new.data_version == after != old.data_version
    assert new.values[2021] == pytest.approx(100 * 100 / 150)
    assert np.isclose(new.values[2020], old.values[2020])


def test_periods_must_be_years(app: Any) -> None:
    text = "period,region,activity,value\nQ1,R1,a,1\nQ1,R1,b,2\nQ1,R2,a,3\nQ1,R2,b,1\n"
    app.add_dataset(io.BytesIO(text.encode()), TIDY, "quarters", filename="quarters.csv")
    with pytest.raises(ValidationError, match="not years"):
        compute_series(
            app, {"measure": "employment", "dataset": "quarters", "activities": ["a"]}, "R1"
        )
