"""The bundled CORDIS tables reproduce the source's counts (SOURCE.md of eu-mx-participation):
144,726 H2020 participations, 135,670 FP7 links less 3 duplicates, the MX consortia (837 and
1,281 rows), and Mexico's participations, organisations and projects (79 / 39 / 55 in H2020,
124 / 61 / 86 in FP7)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.cooperation import cordis, monitor

TEXT = ["project", "org", "name", "role", "type", "country", "city", "nuts", "parts", "acronym"]


@pytest.fixture(scope="module")
def h2020() -> pd.DataFrame:
    return cordis.participations("h2020")


@pytest.fixture(scope="module")
def fp7() -> pd.DataFrame:
    return cordis.participations("fp7")


def test_h2020_table_layout_and_size(h2020: pd.DataFrame) -> None:
    assert list(h2020.columns) == cordis.COLUMNS
    assert len(h2020) == 144_726
    assert h2020["project"].nunique() == 31_451
    assert h2020["org"].nunique() == 35_871
    for column in [*TEXT, "title"]:
        assert not h2020[column].isna().any(), column
    assert h2020["role"].value_counts().to_dict() == {
        "participant": 106_108,
        "coordinator": 31_476,
        "partner": 7_142,
    }
    assert set(h2020["programme"]) == {"h2020"}
    assert str(h2020["start_year"].dtype) == "Int64"


def test_bundle_is_small_and_attributed() -> None:
    from importlib import resources

    data = resources.files("smartspec.domains.cooperation") / "data"
    parquet = [f for f in data.iterdir() if f.name.endswith(".parquet")]
    assert sum(len(f.read_bytes()) for f in parquet) < 4 * 1024 * 1024
    sources = (data / "SOURCES.md").read_text(encoding="utf-8")
    assert (
        "CORDIS – EU research projects under FP7 / Horizon 2020, © European Union, CC BY 4.0"
        in (sources)
    )
    for f in parquet:
        assert f"`{f.name}`" in sources, f.name


def test_na_is_namibia_not_missing(h2020: pd.DataFrame) -> None:
    namibia = h2020[h2020["country"] == "NA"]
    assert len(namibia) == 11
    assert monitor.country_name("NA") == "Namibia"
    assert monitor.summary("NA", "h2020").participations == 11


def test_partners_have_no_contribution(h2020: pd.DataFrame) -> None:
    partners = h2020[h2020["role"] == "partner"]
    assert partners["contribution"].isna().all()
    # 13,754 rows have no contribution in the source ("NA"), none of them is a string
    assert h2020["contribution"].isna().sum() == 13_754


def test_fp7_links_deduplicated(fp7: pd.DataFrame) -> None:
    assert len(fp7) == 135_670 - 3
    assert not fp7.duplicated(["project", "org"]).any()
    assert fp7["project"].nunique() == 25_788
    assert fp7["org"].nunique() == 30_973
    assert fp7["role"].eq("").all() and fp7["contribution"].isna().all()
    assert fp7["start_year"].isna().all()


@pytest.mark.parametrize(
    ("programme", "rows", "projects", "mx_rows"), [("h2020", 837, 55, 79), ("fp7", 1281, 86, 124)]
)
def test_mx_consortia(programme: str, rows: int, projects: int, mx_rows: int) -> None:
    table = cordis.consortia(programme)  # type: ignore[arg-type]
    assert list(table.columns) == [*cordis.COLUMNS, "is_mx"]
    assert len(table) == rows
    assert table["project"].nunique() == projects
    assert int(table["is_mx"].sum()) == mx_rows
    assert (table.loc[table["is_mx"], "country"] == "MX").all()
    # the consortium derived from the full table holds the same project x org rows
    derived = monitor.consortium("MX", programme)
    assert set(zip(derived["project"], derived["org"], strict=True)) == set(
        zip(table["project"], table["org"], strict=True)
    )


def test_mx_summary_h2020() -> None:
    s = monitor.summary("MX", "h2020")
    assert (s.participations, s.organisations, s.projects) == (79, 39, 55)
    assert s.eu_contribution is not None and round(s.eu_contribution) == 869_764
    assert s.funded_participations == 6
    assert s.coordinated_projects == 0
    assert {c.code for c in s.caveats} >= {"titles_missing", "snapshots", "no_horizon_europe"}
    titles = next(c for c in s.caveats if c.code == "titles_missing")
    assert titles.values == {"missing": 42, "total": 55}


def test_mx_summary_fp7() -> None:
    s = monitor.summary("mx", "FP7")
    assert (s.participations, s.organisations, s.projects) == (124, 61, 86)
    assert s.eu_contribution is None and s.funded_participations is None
    assert "fp7_links_only" in {c.code for c in s.caveats}


def test_text_repaired_where_it_round_trips() -> None:
    fp7 = cordis.consortia("fp7")
    cities = set(fp7["city"])
    assert "México D.F." in cities
    assert not any("Ã©" in c for c in cities)
    names = set(cordis.consortia("h2020")["name"])
    assert "Instituto Nacional de Cancerología" in names


def test_largest_mexican_participants() -> None:
    top = monitor.organisations("MX", "h2020", top=3).rows
    assert top[0].name == "UNIVERSIDAD NACIONAL AUTONOMA DE MEXICO" and top[0].projects == 20
    assert {r.projects for r in top[1:]} == {7}


def test_timeline_totals_add_up() -> None:
    view = monitor.timeline("MX", "h2020")
    totals = [r for r in view.rows if r.part == "all"]
    assert sum(r.participations for r in totals) == 79
    assert math.isclose(sum(r.eu_contribution or 0 for r in totals), 869_764.2, abs_tol=0.01)
    assert view.parts[0] == "MSCA"
    msca = sum(r.projects for r in view.rows if r.part == "MSCA")
    assert msca == 31  # SOURCE.md: 31 of 55 projects are MSCA
    fp7 = monitor.timeline("MX", "fp7")
    assert fp7.years == [] and [r.year for r in fp7.rows] == [None, None]


def test_partner_countries() -> None:
    view = monitor.partners("MX", "h2020")
    assert len(view.countries) == 84  # 85 countries in the consortia, less Mexico
    assert {c.country for c in view.countries[:5]} == {"ES", "IT", "DE", "FR", "UK"}
    assert view.partner_participations == 837 - 79
    assert all(r.nuts[:2] == r.country or r.country in ("UK", "EL") for r in view.regions)


@pytest.mark.parametrize(
    ("country", "programme", "found"),
    [("XX", "h2020", "'XX'"), ("GB", "h2020", "'GB'"), ("MX", "horizon-europe", "horizon")],
)
def test_bad_scope_is_a_clear_error(country: str, programme: str, found: str) -> None:
    with pytest.raises(ValidationError) as exc:
        monitor.summary(country, programme)
    assert found in exc.value.found
    assert exc.value.fix
    if country == "GB":
        assert "'UK'" in exc.value.fix
