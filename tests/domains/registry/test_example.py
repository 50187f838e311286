"""The bundled Czech RIS3 example: its drafts and its loading into a real registry."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from smartspec.domains.accounts.rules import Account
from smartspec.domains.registry import example
from smartspec.domains.registry.example import example_drafts, example_import, load_example
from smartspec.domains.registry.service import Registry

ADMIN = Account(1, "root", "admin")
SHARED = Path(__file__).parents[4] / "shared" / "data" / "s3-priorities"
BUNDLED = Path(example.__file__).parent / "data" / "cz-ris3"
FILES = [
    "cz_domeny_kraje.json",
    "cz_domeny_plne_texty.json",
    "cz_kraje_kodovnik.json",
    "cz_vav_sektory_2024.json",
]


@pytest.mark.parametrize("name", FILES)
def test_bundled_files_are_byte_copies(name: str) -> None:
    if not SHARED.exists():
        pytest.skip("the shared data folder is not present")
    bundled = hashlib.sha256((BUNDLED / name).read_bytes()).hexdigest()
    assert bundled == hashlib.sha256((SHARED / name).read_bytes()).hexdigest()


def test_example_drafts() -> None:
    drafts = example_drafts()
    assert len(drafts) == 91
    assert sum(1 for d in drafts if d.codes) == 54
    assert len({d.region for d in drafts}) == 14
    assert {d.country for d in drafts} == {"CZ"} and {d.period for d in drafts} == {"2021-2027"}
    assert {d.language for d in drafts} == {"cs"}
    assert sum(len(d.codes.get("nace", [])) for d in drafts) == 237  # 238 links less "34"
    (aside,) = [d for d in drafts if d.set_aside_codes]
    assert (aside.region, aside.title) == ("CZ080", "Nové materiály")
    assert aside.codes == {"nace": ["24", "25", "23", "22"]}
    assert aside.set_aside_codes == {"nace": ["34"]}
    assert len(aside.description) > 200  # the full text, not the 200-character cut
    longest = max(len(d.description) for d in drafts)
    assert longest == 1691
    assert sum(1 for d in drafts if not d.description) == 14
    jhm = [d for d in drafts if d.region == "CZ064"]
    assert "Aerospace" in [d.title for d in jhm] and jhm[0].parent == "CZ06"


def test_example_report_names_the_set_aside_code() -> None:
    drafts, report = example_import()
    assert report.problems == [] and report.rows == 91 and report.valid == 91
    ((row, scheme, code, reason),) = [(s.row, s.scheme, s.code, s.reason) for s in report.set_aside]
    assert (scheme, code, reason) == ("nace", "34", "NACE Rev. 2 has no division 34")
    assert next(d for d in drafts if d.row == row).title == "Nové materiály"
    refused = example_import(invalid_codes="refuse")[1]
    assert [(p.row, p.column, p.found) for p in refused.problems] == [(row, "nace", "34")]


def test_load_example_into_a_registry(registry: Registry) -> None:
    report = load_example(registry, ADMIN)
    assert report.stored == 91
    assert [s.code for s in report.set_aside] == ["34"]
    msk = registry.region_priorities(ADMIN, "CZ080")
    assert len(msk) == 10
    materials = next(p for p in msk if p.title == "Nové materiály")
    assert materials.codes["nace"] == ["24", "25", "23", "22"]
    assert materials.set_aside_codes == {"nace": ["34"]}
    assert materials.region_name == "Moravskoslezský kraj" and materials.country == "CZ"
    assert materials.strategy_title == example.STRATEGY_TITLE
    assert len(registry.list_regions(ADMIN)) == 14
