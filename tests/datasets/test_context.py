"""Tests of smartspec.datasets.context(): the bundled income / productivity series.

Values are checked against the figures stated in the SOURCE.md files of shared/data, the
shapes and units against the docstring, and the region codes against the datasets."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartspec import UnknownDatasetError
from smartspec.datasets import context, list_datasets, load

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
DATA = REPO / "src" / "smartspec" / "datasets" / "data"
needs_shared = pytest.mark.skipif(
    not SHARED.is_dir(), reason=f"original data folder {SHARED} not available"
)

WITH_CONTEXT = {
    "eu-nuts2-sbs": "gdp_per_head",
    "eu-nuts2-ardeco": "gdp_per_head",
    "eu-h2020-sdg": "gdp_per_head",
    "world-trade": "gdp_per_head",
    "us-state-industry": "payroll_per_employee",
    "mx-tamaulipas": "va_per_worker",
}
WITHOUT_CONTEXT = ["nz-urban-industry", "au-sa3-industry"]


def at(name: str, period: int, region: str) -> pd.Series:
    return context(name).set_index(["period", "region"]).loc[(period, region)]


def test_every_dataset_is_covered() -> None:
    assert set(list_datasets()["name"]) == set(WITH_CONTEXT) | set(WITHOUT_CONTEXT)
    for name in WITHOUT_CONTEXT:
        assert context(name) is None


def test_unknown_dataset_raises() -> None:
    with pytest.raises(UnknownDatasetError):
        context("eu-nuts2")


@pytest.mark.parametrize("name", sorted(WITH_CONTEXT))
def test_shape_units_and_alignment(name: str) -> None:
    ctx = context(name)
    assert list(ctx.columns[:5]) == ["period", "region", "gdp", "population", "gdp_per_head"]
    assert ctx["period"].dtype == np.int64 and ctx["region"].map(type).eq(str).all()
    assert not ctx.duplicated(["period", "region"]).any()
    # every column is documented with a unit and a source
    assert set(ctx.columns) - {"period", "region"} == set(ctx.attrs["units"])
    assert set(ctx.attrs["units"]) == set(ctx.attrs["sources"])
    # only the dataset's own periods and region codes
    m = load(name)
    assert set(ctx["period"]) <= set(m.periods)
    assert set(ctx["region"]) <= set(m.regions)
    main = WITH_CONTEXT[name]
    assert ctx[main].notna().sum() > 0.5 * len(set(ctx["region"]))
    # census value added can be negative (2 municipality-years in mx-tamaulipas)
    assert (ctx[main].dropna() > 0).mean() > 0.98
    # one row per (period, region) that has at least one value
    values = ctx.drop(columns=["period", "region", "nuts2016"], errors="ignore")
    assert values.notna().any(axis=1).all()


@pytest.mark.parametrize("name", ["eu-nuts2-sbs", "eu-nuts2-ardeco", "eu-h2020-sdg"])
def test_gdp_per_head_is_gdp_over_population(name: str) -> None:
    ctx = context(name)
    both = ctx.dropna(subset=["gdp", "population"])
    assert len(both) > 500
    np.testing.assert_allclose(both["gdp_per_head"], both["gdp"] * 1e6 / both["population"])
    # never computed from one series alone
    assert ctx.loc[ctx["gdp"].isna() | ctx["population"].isna(), "gdp_per_head"].isna().all()


def test_oberbayern_and_ile_de_france_as_in_source_notes() -> None:
    # eu-regional-context/SOURCE.md: DE21 GDP 2016 = 253,269 MEUR, population 4,588,944;
    # FR10 GDP 2018 = 733,875 MEUR
    for name in ("eu-nuts2-ardeco", "eu-h2020-sdg"):
        de21 = at(name, 2016, "DE21")
        assert round(de21["gdp"]) == 253_269
        assert de21["population"] == 4_588_944
        assert de21["gdp_per_head"] == pytest.approx(253_269.39e6 / 4_588_944)
        assert round(at(name, 2018, "FR10")["gdp"]) == 733_875
    assert at("eu-nuts2-sbs", 2015, "DE21")["population"] == 4_519_979


def test_ardeco_gva_as_in_source_notes() -> None:
    # eu-region-industry/SOURCE.md: FR10 6.56 M jobs and EUR 675 bn GVA (2019); DE21 Oberbayern
    # 2.94 M jobs and EUR 258 bn
    fr10, de21 = at("eu-nuts2-ardeco", 2019, "FR10"), at("eu-nuts2-ardeco", 2019, "DE21")
    assert fr10["gva"] == pytest.approx(675_000, rel=0.005)
    assert de21["gva"] == pytest.approx(258_000, rel=0.005)
    assert fr10["gva_per_worker"] == pytest.approx(675e9 / 6.56e6, rel=0.01)
    assert de21["gva_per_worker"] == pytest.approx(258e9 / 2.94e6, rel=0.01)
    # the same ARDECO jobs (all ten sectors) as the employment column of the SBS / H2020 context
    assert fr10["employment"] == pytest.approx(6.56e6, rel=0.01)
    assert de21["employment"] == pytest.approx(2.94e6, rel=0.01)
    sbs = at("eu-nuts2-sbs", 2014, "DE21")
    assert sbs["employment"] == at("eu-nuts2-ardeco", 2014, "DE21")["employment"]
    # no GDP in 2019 (the Eurostat extract ends in 2018), no invented value
    assert np.isnan(fr10["gdp"]) and np.isnan(fr10["gdp_per_head"])
    # UK sector employment is inconsistent with UK totals: no GVA per worker there
    ctx = context("eu-nuts2-ardeco")
    uk = ctx[ctx["region"].str.startswith("UK")]
    assert uk["gva"].notna().any() and uk["gva_per_worker"].isna().all()


def test_nuts_recodes_keep_the_territory_and_changed_codes_get_nothing() -> None:
    sbs = context("eu-nuts2-sbs")
    ardeco = context("eu-nuts2-ardeco").set_index(["period", "region"])
    # EL11 (NUTS 2010) is EL51 (NUTS 2013/2016), the same territory: the same values
    el11 = at("eu-nuts2-sbs", 2008, "EL11")
    assert el11["nuts2016"] == "EL51"
    assert el11["gdp"] == ardeco.loc[(2008, "EL51"), "gdp"]
    # split or re-bounded regions have no match in the NUTS 2016 tables: left without values
    for code in ("HU10", "LT00", "PL12", "UKM3", "DED1", "IE01"):
        assert code not in set(sbs["region"]), code
    # exact codes keep themselves
    same = sbs[sbs["region"] == sbs["nuts2016"]]
    assert len(same) > 0.8 * len(sbs)


def test_sbs_matching_report() -> None:
    matching = context("eu-nuts2-sbs").attrs["matching"]
    assert set(matching) == {str(p) for p in range(2008, 2016)}
    for period, counts in matching.items():
        assert counts["gdp_per_head"] <= counts["regions_with_data"], period
        assert counts["gdp_per_head"] >= 0.75 * counts["regions_with_data"], period
    assert matching["2014"]["gdp_per_head"] == 249


def test_world_gdp_per_head_codes() -> None:
    ctx = context("world-trade").set_index("region")
    assert ctx["period"].eq(2000).all()
    assert ctx[["gdp", "population"]].isna().all().all()
    assert "ROU" in ctx.index  # Romania: 'rom' in the trade table, 'rou' in the GDP table
    assert ctx.loc["CHE", "gdp_per_head"] > ctx.loc["IND", "gdp_per_head"] * 20
    assert len(ctx) == 186


def test_us_payroll_and_mx_value_added() -> None:
    us = context("us-state-industry").set_index("region")
    assert len(us) == 51 and us["gdp_per_head"].isna().all()
    assert us["payroll_per_employee"].between(35_000, 120_000).all()
    assert us["payroll_per_employee"].idxmax() == "11"  # District of Columbia
    mx = context("mx-tamaulipas")
    assert set(mx["period"]) == {2003, 2008, 2013, 2018, 2023}
    assert mx["region"].str.startswith("28").all()
    assert (mx["va_per_worker"] > 0).sum() == len(mx) - 2  # INEGI: 28009 2008, 28034 2013
    assert mx.attrs["units"]["va_per_worker"].startswith("Mexican pesos")


@needs_shared
def test_values_rederived_from_original() -> None:
    raw = pd.read_csv(
        SHARED / "eu-regional-context" / "eu_all_geo_data.csv.gz",
        dtype=str,
        keep_default_na=False,
    )
    gdp = raw[raw["input_var_code"] == "tgs00003"].set_index(["time", "geo"])["values"]
    ctx = context("eu-nuts2-ardeco").dropna(subset=["gdp"])
    for row in ctx.sample(100, random_state=0).itertuples():
        assert row.gdp == float(gdp.loc[(str(row.period), row.region)])
    us = pd.read_csv(
        SHARED / "us-state-industry" / "us_state_2digitnaics_2021.csv",
        encoding="utf-8-sig",
        dtype=str,
    )
    ca = us[us["State"] == "06"]
    expected = (
        ca["Annual_Payroll_($1,000)"].astype(float).sum()
        * 1e3
        / ca["Employment"].astype(float).sum()
    )
    assert context("us-state-industry").set_index("region").loc[
        "06", "payroll_per_employee"
    ] == pytest.approx(expected)
    world = pd.read_csv(SHARED / "world-trade-complexity" / "world_gdp_avg_1998_to_2000.csv")
    assert (
        context("world-trade").set_index("region").loc["ROU", "gdp_per_head"]
        == (world.set_index("country").loc["rou", "value"])
    )


@needs_shared
def test_build_script_reproduces_bundled_files(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_context", REPO / "tools" / "build_context.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = tool
    try:
        spec.loader.exec_module(tool)
        assert (
            tool.main(["--source", str(SHARED), "--data", str(DATA), "--out", str(tmp_path)]) == 0
        )
    finally:
        sys.modules.pop(spec.name, None)
    names = json.loads((tmp_path / "context.json").read_text(encoding="utf-8"))
    assert set(names) == set(WITH_CONTEXT)
    for name in names:
        fresh = (tmp_path / f"{name}.context.csv.gz").read_bytes()
        assert fresh == (DATA / f"{name}.context.csv.gz").read_bytes(), name
    assert (tmp_path / "context.json").read_bytes() == (DATA / "context.json").read_bytes()
