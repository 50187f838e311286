"""The region report's content: each section from the domains' services, with numbers checked
by hand (RCA from the raw employment matrix, the monitoring statuses from the trajectory, the
review means from the scores given), both languages, the empty sections and the errors."""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd
import pytest

from smartspec.core.errors import UnknownDatasetError, UnknownPeriodError, UnknownRegionError
from smartspec.domains.errors import RequestError
from smartspec.domains.reports.service import build_report
from smartspec.services.web.i18n import translations

#: The report_app fixture's region (NUTS 2 Jihovýchod), registry region and dataset.
REGION, REGISTRY_REGION, DATASET = "CZ06", "CZ064", "eu-nuts2-ardeco"
SECTIONS = ["evidence", "priorities", "monitoring", "benchmark", "review"]


def _hand_rca(app: Any, region: str, period: int) -> pd.Series:
    """RCA = (x_ra / x_r) / (x_a / x) from the raw matrix (Balassa 1965), by activity."""
    long = app.matrix(DATASET).to_long()
    year = long[long["period"] == period]
    table = year.pivot_table(index="region", columns="activity", values="value", aggfunc="sum")
    table = table.fillna(0.0)
    share = table.loc[region] / table.loc[region].sum()
    overall = table.sum() / table.to_numpy().sum()
    return share / overall


@pytest.fixture(scope="module")
def english(report_app: Any) -> Any:
    return build_report(report_app, None, REGION, DATASET, "en")


@pytest.fixture(scope="module")
def spanish(report_app: Any) -> Any:
    return build_report(report_app, None, REGION, DATASET, "es")


def test_sections_and_evidence_by_hand(report_app: Any, english: Any) -> None:
    assert [s.key for s in english.sections] == SECTIONS
    assert english.region == REGION and english.region_name == "Jihovýchod"
    assert english.period == "2019"  # the latest complete period
    rca = _hand_rca(report_app, REGION, 2019)
    specialised = rca[rca > 1].sort_values(ascending=False)  # presence RCA > 1 (atlas)
    table = english.section("evidence").tables[1]
    assert table.key == "specialisations"
    frame = table.frame
    codes = frame["Activity code"].tolist()
    assert codes == specialised.index.tolist()[:10]
    got = frame.set_index("Activity code")["Revealed comparative advantage (RCA)"]
    for code in codes:
        assert math.isclose(got[code], specialised[code], rel_tol=1e-9)
    charts = english.section("evidence").charts
    assert [c.kind for c in charts] == ["chart", "map"]
    shapes = charts[1].spec["data"]
    assert "values" in shapes and "url" not in shapes  # inline: no network needed
    assert "CZ06" in repr(charts[1].spec["layer"][-1])  # the region outlined


def test_priorities_and_coherence(report_app: Any, english: Any) -> None:
    from smartspec.domains.registry.actions import region_coherence

    section = english.section("priorities")
    assert section.empty is None
    assert "CZ063" in section.text[1] and "CZ064" in section.text[1]
    views = [region_coherence(report_app, None, r, DATASET) for r in ("CZ063", "CZ064")]
    table = section.tables[0].frame
    assert len(table) == sum(len(v.items) for v in views)
    assert set(table["Declared priority"]) == {i.title for v in views for i in v.items}
    counts = section.tables[1].frame.set_index("Coherence class")["Number of priorities"]
    for klass in ("evidence-backed", "emerging", "weakly grounded", "not assessable"):
        assert counts[klass] == sum(v.summary.counts[klass] for v in views)


def test_monitoring_statuses_by_hand(english: Any, spanish: Any) -> None:
    rows = english.section("monitoring").tables[0].frame.set_index("Indicator name")
    # baseline 1.0 (2020) to target 2.0 (2027): expected in 2024 is 1 + 4/7
    expected = 1.0 + (2.0 - 1.0) * 4 / 7
    for name, value, status in (
        ("Business R&D spending", 1.5, "on track"),  # 0.5 / 0.571 = 0.875 >= 0.85
        ("Firms innovating", 1.2, "off track"),  # 0.2 / 0.571 = 0.35 < 0.65
    ):
        row = rows.loc[name]
        assert row["Latest value"] == value and row["Year of the latest value"] == "2024"
        assert math.isclose(row["Expected value"], expected, rel_tol=1e-9)
        achievement = (value - 1.0) / (expected - 1.0)
        assert math.isclose(row["Achievement of the expected progress"], achievement)
        assert row["Progress status"] == status
    es = translations("es")
    statuses = spanish.section("monitoring").tables[0].frame["Estado de avance"].tolist()
    assert statuses == [es.gettext("on track"), es.gettext("off track")]
    assert es.gettext("on track") != "on track"


def test_review_means_by_hand(english: Any) -> None:
    section = english.section("review")
    steps, criteria, own = (t.frame for t in section.tables)
    assert set(steps["Mean score"]) == {3.0}  # reviewers gave 4 and 2 everywhere
    assert set(criteria["Number of reviewers"]) == {2}
    assert all(
        math.isclose(s, math.sqrt(2)) for s in criteria["Spread of scores (standard deviation)"]
    )
    assert set(own["Self-assessment score"]) == {5.0}
    assert set(own["Year of the self-assessment"]) == {"2025"}
    assert REGISTRY_REGION in section.text[1] and "2 reviewers" in section.text[1]


def test_benchmark_from_the_service(report_app: Any, english: Any) -> None:
    from smartspec.domains.benchmark.service import similar_regions

    view = similar_regions(report_app, REGION, top=10)
    frame = english.section("benchmark").tables[0].frame
    assert frame["Region code"].tolist() == [i.region for i in view.items]
    assert english.section("benchmark").charts[0].kind == "map"


def test_spanish_titles_and_headers(english: Any, spanish: Any) -> None:
    es = translations("es")
    assert spanish.section("evidence").title == es.gettext("Evidence profile of the region")
    for a, b in zip(english.sections, spanish.sections, strict=True):
        assert a.title != b.title
        for ta, tb in zip(a.tables, b.tables, strict=True):
            assert ta.frame.shape == tb.frame.shape
            assert list(ta.frame.columns) != list(tb.frame.columns)
    assert spanish.title.startswith("Informe regional")


def test_empty_sections_say_why(report_app: Any) -> None:
    report = build_report(report_app, None, "AT11", DATASET, "en")
    assert report.section("priorities").empty == (
        "No priorities are declared in the registry for Burgenland (AT11) or the regions within it."
    )
    assert report.section("monitoring").empty == "No monitoring plan recorded for this region."
    assert report.section("review").empty == (
        "No completed peer review or self-assessment recorded for this region."
    )
    assert report.section("benchmark").empty is None  # AT11 is in the structural table


def test_region_outside_the_benchmark_and_without_shapes(report_app: Any) -> None:
    report = build_report(report_app, None, "28001", "mx-tamaulipas", "es")
    assert report.section("benchmark").empty == (
        translations("es").gettext(
            "The structural indicators cover the NUTS 2 regions of the EU-28, North Macedonia "
            "and Serbia: %(region)s is not among them, so there are no benchmark regions to show."
        )
        % {"region": "28001"}
    )
    assert (
        "28001" in report.section("benchmark").empty and "UE" in report.section("benchmark").empty
    )
    charts = report.section("evidence").charts
    assert [c.kind for c in charts] == ["chart"]  # no bundled shapes for municipalities


def test_errors_name_what_was_asked(report_app: Any) -> None:
    with pytest.raises(UnknownDatasetError):
        build_report(report_app, None, REGION, "no-such-dataset")
    with pytest.raises(UnknownRegionError):
        build_report(report_app, None, "XX99", DATASET)
    with pytest.raises(UnknownPeriodError):
        build_report(report_app, None, REGION, DATASET, period="1990")
    with pytest.raises(RequestError, match="report language"):
        build_report(report_app, None, REGION, DATASET, lang="fr")


def test_report_messages_are_translated() -> None:
    """Every message of the report (its templates, pages.py and pages_text.py) is in the
    Spanish catalogue, with the same placeholders."""
    from babel.messages.extract import DEFAULT_KEYWORDS
    from babel.messages.pofile import read_po

    from smartspec.services.web import domain_messages, i18n

    files = domain_messages.domain_files(only="reports")
    names = {p.name for p, _ in files}
    assert {"pages.py", "pages_text.py", "report.html", "form.html"} <= names
    raw = [m[2] for m in domain_messages.messages(files, DEFAULT_KEYWORDS, [])]
    found = {m if isinstance(m, str) else m[0] for m in raw if m}
    assert "Evidence profile of the region" in found and "Make the report" in found
    with i18n.catalogue_path("es").open("rb") as fh:
        catalog = read_po(fh)
    missing = sorted(m for m in found if m not in catalog or not catalog[m].string)
    assert not missing, missing
    for m in found:
        wanted = set(re.findall(r"%\((\w+)\)s", m))
        assert wanted == set(re.findall(r"%\((\w+)\)s", catalog[m].string)), m
