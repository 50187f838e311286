"""Tests of smartspec.datasets: the bundled real datasets, their registry, labels and toy()."""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import smartspec
from smartspec import ActivityMatrix, UnknownDatasetError, UnknownPeriodError, ValidationError
from smartspec.datasets import info, labels, list_datasets, load, toy
from smartspec.datasets._registry import DatasetInfo, data_file

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
DATA = REPO / "src" / "smartspec" / "datasets" / "data"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"original data folder {SHARED} not available"
)

#: The contract: required names and their documented periods.
EXPECTED_PERIODS = {
    "nz-urban-industry": [1976, 1981, 1986, 1991, 1996, 2001, 2006, 2013],
    "au-sa3-industry": [2011, 2016, 2021],
    "us-state-industry": [2021],
    "world-trade": [2000],
    "eu-h2020-sdg": list(range(2014, 2022)),
    "mx-tamaulipas": [2003, 2008, 2013, 2018, 2023],
    "eu-nuts2-ardeco": list(range(2000, 2020)),
}
OPTIONAL_PERIODS = {"eu-nuts2-sbs": list(range(2008, 2016))}
NAMES = list(list_datasets()["name"])
BOUNDARIES = {"nuts2021-2", "mx-states", "us-states", "world", None}


def long_file(name: str) -> pd.DataFrame:
    return pd.read_csv(
        DATA / f"{name}.csv.gz",
        dtype={"region": str, "activity": str},
        keep_default_na=False,
        na_values={"value": [""]},
    )


def cell(m: ActivityMatrix, period: int, region: str, activity: str) -> float:
    return float(m.frame(period).loc[region, activity])


# ---------------------------------------------------------------------------- registry
def test_required_datasets_are_registered() -> None:
    assert set(EXPECTED_PERIODS) <= set(NAMES)
    assert set(NAMES) <= set(EXPECTED_PERIODS) | set(OPTIONAL_PERIODS)


def test_list_datasets_columns() -> None:
    table = list_datasets()
    assert list(table.columns) == [
        "name",
        "title",
        "regions",
        "activities",
        "periods",
        "value_name",
        "licence",
    ]
    row = table.set_index("name").loc["nz-urban-industry"]
    assert row["periods"] == "1976-2013"
    assert row["regions"] == 143 and row["activities"] == 65
    assert table.set_index("name").loc["us-state-industry", "periods"] == "2021"


@pytest.mark.parametrize("name", NAMES)
def test_registry_fields_complete(name: str) -> None:
    meta = info(name)
    assert isinstance(meta, DatasetInfo)
    assert dataclasses.is_dataclass(meta)
    with pytest.raises(dataclasses.FrozenInstanceError):
        meta.title = "x"  # type: ignore[misc]
    for field in dataclasses.fields(meta):
        value = getattr(meta, field.name)
        if field.name == "boundaries":
            assert value in BOUNDARIES
        elif field.name == "count_unit":  # None only for values that are not counts
            assert (value is None) == (meta.unit == "US dollars"), name
        elif field.name == "n_missing":
            assert value >= 0
        elif field.name == "defaults":  # only where the default conventions mislead
            assert isinstance(value, dict)
        else:
            assert value not in (None, "", [], {}), f"{name}: empty {field.name}"
    assert meta.name == name
    assert meta.periods == sorted(meta.periods)
    assert all(isinstance(p, int) for p in meta.periods)
    raw = json.loads((DATA / "registry.json").read_text(encoding="utf-8"))[name]
    for key in (
        "name",
        "title",
        "description",
        "region_level",
        "activity_classification",
        "value_name",
        "periods",
        "source",
        "licence",
        "citation",
        "boundaries",
    ):
        assert key in raw


@pytest.mark.parametrize("name", NAMES)
def test_registry_matches_bundled_file(name: str) -> None:
    meta = info(name)
    df = long_file(name)
    assert list(df.columns) == ["period", "region", "activity", "value"]
    assert int(df["value"].notna().sum()) == meta.n_cells
    assert int(df["value"].isna().sum()) == meta.n_missing
    assert load(name).n_missing == meta.n_missing
    assert df["region"].nunique() == meta.n_regions
    assert df["activity"].nunique() == meta.n_activities
    totals = df.groupby("period")["value"].sum()
    assert {str(k): v for k, v in totals.items()} == pytest.approx(meta.totals)
    assert (DATA / f"{name}.csv.gz").stat().st_size == meta.bytes


def test_bundled_size_limits() -> None:
    total = sum(p.stat().st_size for p in DATA.iterdir() if p.is_file())
    assert total < 6_000_000
    for name in NAMES:
        assert (DATA / f"{name}.csv.gz").stat().st_size < 1_500_000


def test_sources_md_mentions_every_dataset() -> None:
    text = data_file("SOURCES.md").read_text(encoding="utf-8")
    for name in NAMES:
        assert f"## {name}" in text


# ---------------------------------------------------------------------------- loading
@pytest.mark.parametrize("name", NAMES)
def test_load_every_dataset(name: str) -> None:
    meta = info(name)
    m = load(name)
    assert isinstance(m, ActivityMatrix)
    expected = {**EXPECTED_PERIODS, **OPTIONAL_PERIODS}[name]
    assert list(m.periods) == expected == meta.periods
    assert m.n_regions >= 2 and m.n_activities >= 2
    assert (m.n_regions, m.n_activities) == (meta.n_regions, meta.n_activities)
    assert m.value_name == meta.value_name
    assert m.source == name
    assert m.metadata["name"] == name
    assert m.metadata["title"] == meta.title
    assert m.metadata["licence"] == meta.licence
    values = m.data.data
    assert np.all(np.isfinite(values)) and np.all(values >= 0)
    assert all(isinstance(r, str) for r in m.regions)
    assert all(isinstance(a, str) for a in m.activities)
    assert m.nnz == meta.n_cells
    # every period has some data
    assert (m.region_totals.sum(axis=0) > 0).all()


def test_load_is_cached_and_period_selection() -> None:
    assert load("nz-urban-industry") is load("nz-urban-industry")
    one = load("nz-urban-industry", periods=[2013])
    assert list(one.periods) == [2013]
    assert load("nz-urban-industry", periods=2013).equals(one)
    two = load("nz-urban-industry", periods=[2013, 1976])
    assert list(two.periods) == [2013, 1976]
    full = load("nz-urban-industry")
    assert one.frame(2013).equals(full.frame(2013))
    assert one.metadata["name"] == "nz-urban-industry"
    with pytest.raises(UnknownPeriodError):
        load("nz-urban-industry", periods=[2014])


@pytest.mark.parametrize("name", NAMES)
def test_labels_cover_codes(name: str) -> None:
    m = load(name)
    for axis, codes in (("region", m.regions), ("activity", m.activities)):
        table = labels(name, axis)
        assert table.index.name == "code"
        assert "name" in table.columns
        assert table.index.is_unique
        missing = set(codes) - set(table.index)
        assert not missing, f"{name} {axis}: no label for {sorted(missing)[:5]}"
        named = table.loc[list(codes), "name"]
        assert (named != "").all(), f"{name} {axis}: empty names"


def test_labels_content() -> None:
    assert labels("nz-urban-industry", "region").loc["020", "name"] == "Wellington Zone"
    assert labels("us-state-industry", "region").loc["06", "name"] == "California"
    assert labels("world-trade", "region").loc["ROU", "name"] == "Romania"
    sitc = labels("world-trade", "activity")
    assert sitc.loc["3330", "parent"] == "33"
    assert labels("mx-tamaulipas", "region").loc["28032", "name"] == "Reynosa"
    assert labels("eu-nuts2-ardeco", "activity").loc["B-E", "name"].startswith("Industry")
    assert labels("eu-h2020-sdg", "activity").loc["SDG09", "name"].startswith("Industry")
    with pytest.raises(ValidationError):
        labels("nz-urban-industry", "sector")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- errors
def test_unknown_dataset_error() -> None:
    with pytest.raises(UnknownDatasetError) as err:
        load("nz-urban")
    message = str(err.value)
    for name in NAMES:
        assert name in message
    assert "nz-urban-industry" in (err.value.fix or "")
    assert isinstance(err.value, smartspec.SmartSpecError)
    assert isinstance(err.value, KeyError)
    for call in (lambda: info("nope"), lambda: labels("nope", "region")):
        with pytest.raises(UnknownDatasetError):
            call()


# ---------------------------------------------------------------------------- toy
def test_toy_is_deterministic_and_small() -> None:
    a, b = toy(), toy()
    assert a.equals(b)
    assert a.shape == (2, 6, 5)
    assert list(a.periods) == [2020, 2021]
    assert (a.region_totals > 0).all().all()
    assert (a.activity_totals > 0).all().all()
    assert np.all(a.to_dense() == np.round(a.to_dense()))
    assert "synthetic" in (toy.__doc__ or "").lower()
    assert "not real" in a.metadata["title"]
    rng = np.random.default_rng(42)  # the documented generator
    assert rng.bit_generator.state == np.random.default_rng(42).bit_generator.state


# ---------------------------------------------------------------------------- cross-checks
# Figures stated in the SOURCE.md of each original folder.
def test_nz_totals_match_source_md() -> None:
    m = load("nz-urban-industry")
    totals = m.region_totals.sum(axis=0)
    assert round(totals[1976] / 1e6, 2) == 1.12
    assert round(totals[2013] / 1e6, 2) == 1.63
    assert (m.n_regions, m.n_activities) == (143, 65)
    # random rounding to base 3
    assert np.all(m.data.data % 3 == 0)


def test_au_totals_match_source_md() -> None:
    totals = load("au-sa3-industry").region_totals.sum(axis=0)
    assert round(totals[2011] / 1e6, 2) == 8.74
    assert round(totals[2016] / 1e6, 2) == 9.76
    assert round(totals[2021] / 1e6, 2) == 11.01


def test_us_figures_match_source_md() -> None:
    m = load("us-state-industry")
    assert cell(m, 2021, "06", "31-33") == 1_121_805  # California manufacturing
    assert "00" not in m.regions  # national total dropped
    assert (m.n_regions, m.n_activities) == (51, 20)


def test_world_trade_figures_match_source_md() -> None:
    m = load("world-trade")
    assert m.nnz == 124_336
    frame = m.frame()
    for country, product in (("SAU", "3330"), ("JPN", "7810"), ("CHL", "6821"), ("USA", "7924")):
        assert frame.loc[country].idxmax() == product
    totals = m.region_totals[2000]
    assert totals["CAN"] > totals["USA"] > totals["DEU"]
    assert "ROM" not in m.regions and "ROU" in m.regions


def test_h2020_germany_totals_match_source_md() -> None:
    m = load("eu-h2020-sdg")
    german = [r for r in m.regions if r.startswith("DE")]
    per_sdg = m.select(regions=german).activity_totals.sum(axis=1)
    assert per_sdg["SDG03"] == 2_735
    assert per_sdg["SDG09"] == 4_231
    assert per_sdg["SDG05"] == 49
    assert m.n_regions == 295


def test_mx_figures_match_source_md() -> None:
    m = load("mx-tamaulipas")
    assert m.n_regions == 43
    assert all(r.startswith("28") and len(r) == 5 for r in m.regions)
    manuf_2023 = m.activity_totals.loc["31-33", 2023]
    # state total stated in SOURCE.md; suppressed municipal cells make the sum smaller
    assert 0.8 * 343_428 < manuf_2023 <= 343_428


def test_ardeco_figures_match_source_md() -> None:
    m = load("eu-nuts2-ardeco")
    totals_2019 = m.region_totals[2019]
    by_country = totals_2019.groupby(totals_2019.index.str[:2]).sum() / 1000  # million persons
    for country, figure in (
        ("DE", 45.28),
        ("IT", 25.50),
        ("FR", 27.87),
        ("ES", 19.40),
        ("PL", 16.40),
        ("NL", 9.62),
    ):
        assert round(by_country[country], 2) == pytest.approx(figure)
    assert round(totals_2019["FR10"] / 1000, 2) == 6.56
    assert round(totals_2019["DE21"] / 1000, 2) == 2.94
    assert cell(m, 2000, "AT11", "A") == pytest.approx(13.1)
    assert cell(m, 2000, "AT11", "B-E") == pytest.approx(17.4)
    legacy = {"HU10", "HR03", "HR04", "IE01", "IE02", "LT00", "UKI1", "UKI2", "UKM2", "UKM3"}
    assert not legacy & set(m.regions)
    assert m.n_regions == 287 - len(legacy)


@pytest.mark.skipif("eu-nuts2-sbs" not in NAMES, reason="optional dataset not bundled")
def test_sbs_figures_match_source_md() -> None:
    m = load("eu-nuts2-sbs")
    assert cell(m, 2015, "DE11", "C29") == 160_445
    assert cell(m, 2015, "DE21", "C29") == 110_595
    assert cell(m, 2012, "FR10", "J62") == 240_699
    assert all(len(a) == 3 and a[0].isalpha() and a[1:].isdigit() for a in m.activities)
    # no double counting of Finland in 2010
    fin = {r for r in m.regions if r.startswith("FI")}
    fin_2010 = {r for r in fin if m.region_totals.loc[r, 2010] > 0}
    assert not ({"FI18"} & fin_2010 and {"FI1B"} & fin_2010)


# ---------------------------------------------------------------------------- re-derivation
# Independent, simple readings of the original files, compared with the bundled data.
@needs_shared
def test_nz_rederived_from_original() -> None:
    raw = pd.read_csv(SHARED / "nz-urban-industry" / "unsuppressed.csv", dtype={"ind": str})
    m = load("nz-urban-industry")
    sample = raw.sample(300, random_state=1)
    for row in sample.itertuples():
        assert cell(m, row.year, f"{row.ua:03d}", row.ind) == row.emp
    assert m.region_totals.sum(axis=0).to_dict() == raw.groupby("year")["emp"].sum().to_dict()


@needs_shared
def test_au_rederived_from_original() -> None:
    raw = pd.read_csv(SHARED / "au-region-industry" / "sa3_indp3.csv.gz")
    m = load("au-sa3-industry")
    frames = {year: m.frame(year) for year in m.periods}
    for row in raw.sample(300, random_state=2).itertuples():
        frame = frames[row.year]
        present = row.sa3 in frame.index and row.indp in frame.columns
        assert (frame.loc[row.sa3, row.indp] if present else 0.0) == row.count
    # the only industry missing from the matrix is zero everywhere in the source
    by_industry = raw.groupby("indp")["count"].sum()
    assert set(by_industry.index) - set(m.activities) == set(by_industry[by_industry == 0].index)
    assert m.region_totals.sum(axis=0).to_dict() == pytest.approx(
        raw.groupby("year")["count"].sum().to_dict()
    )


@needs_shared
def test_us_rederived_from_original() -> None:
    raw = pd.read_csv(
        SHARED / "us-state-industry" / "us_state_2digitnaics_2021.csv",
        encoding="utf-8-sig",
        dtype=str,
    )
    states = raw[raw["State"] != "00"]
    m = load("us-state-industry")
    frame = m.frame()
    for row in states.itertuples():
        assert frame.loc[row.State, row.NAICS] == int(row.Employment)


@needs_shared
def test_world_rederived_from_original() -> None:
    raw = pd.read_csv(
        SHARED / "world-trade-complexity" / "world_trade_avg_1998_to_2000.csv.gz",
        dtype={"country": str, "product": str},
        keep_default_na=False,
    )
    frame = load("world-trade").frame()
    for row in raw.sample(300, random_state=3).itertuples():
        code = {"rom": "ROU"}.get(row.country, row.country.upper())
        assert frame.loc[code, row.product] == row.value
    assert frame.to_numpy().sum() == pytest.approx(raw["value"].sum())


@needs_shared
def test_h2020_rederived_from_original() -> None:
    m = load("eu-h2020-sdg")
    for sdg in (1, 9, 16):
        raw = pd.read_csv(
            SHARED / "eu-cordis-sdg-nuts" / f"sdg_{sdg:02d}_project_count.csv",
            dtype={"region_id": str},
            keep_default_na=False,
        )
        nuts2 = raw[raw["region_level"] == 2]
        col = f"sdg_{sdg:02d}_project_count"
        for row in nuts2.sample(min(100, len(nuts2)), random_state=sdg).itertuples():
            assert cell(m, row.year, row.region_id, f"SDG{sdg:02d}") == getattr(row, col)
        assert m.activity_totals.loc[f"SDG{sdg:02d}"].sum() == nuts2[col].sum()


@needs_shared
def test_mx_rederived_from_original() -> None:
    text = (SHARED / "mx-inegi" / "SAIC_Exporta_2025922_13941551.csv").read_bytes()
    lines = text.decode("utf-8-sig").splitlines()
    m = load("mx-tamaulipas")
    checked = suppressed = 0
    for fields in pd.read_csv(
        io.StringIO("\n".join(lines[4:])), dtype=str, keep_default_na=False
    ).itertuples(index=False):
        year, state, municipality, activity, employment = fields[:5]
        if not year.isdigit() or not municipality or not state.startswith("28"):
            continue
        code = "28" + municipality[:3]
        sector = activity.split(" ")[1]
        value = m.frame(int(year)).loc[code, sector] if sector in m.activities else 0.0
        if employment == "":
            suppressed += 1
            assert value == 0
        else:
            checked += 1
            assert value == int(employment)
    assert suppressed == 933
    assert checked + suppressed == 2_789


@needs_shared
def test_ardeco_rederived_from_original() -> None:
    raw = pd.read_csv(
        SHARED / "eu-region-industry" / "ardeco_SNETZ_employment_nuts2_a10_2000_2019.csv",
        dtype={"NUTS": str},
    )
    raw = raw[~raw["Name"].str.contains("(NUTS 20", regex=False)]
    m = load("eu-nuts2-ardeco")
    for year in (2000, 2010, 2019):
        frame = m.frame(year)
        for row in raw.sample(50, random_state=year).itertuples():
            assert frame.loc[row.NUTS, row.NACE] == pytest.approx(raw.loc[row.Index, str(year)])


@needs_shared
def test_build_script_reproduces_bundled_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_datasets", REPO / "tools" / "build_datasets.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool  # dataclasses look their module up there
    try:
        spec.loader.exec_module(tool)
    finally:
        sys.modules.pop(spec.name, None)
    small = ["us-state-industry", "mx-tamaulipas", "eu-h2020-sdg"]
    assert tool.main(["--source", str(SHARED), "--out", str(tmp_path), "--only", *small]) == 0
    for name in small:
        for suffix in (".csv.gz", ".regions.csv", ".activities.csv"):
            fresh = (tmp_path / f"{name}{suffix}").read_bytes()
            assert fresh == (DATA / f"{name}{suffix}").read_bytes(), f"{name}{suffix}"
        assert gzip.decompress((tmp_path / f"{name}.csv.gz").read_bytes()).startswith(
            b"period,region,activity,value\n"
        )
    fresh_registry = json.loads((tmp_path / "registry.json").read_text(encoding="utf-8"))
    bundled = json.loads((DATA / "registry.json").read_text(encoding="utf-8"))
    for name in small:
        assert fresh_registry[name] == bundled[name]
