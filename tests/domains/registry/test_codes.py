"""The registry's code lists and the checks on codes (values checked by hand at the sources)."""

from __future__ import annotations

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.registry import codes
from smartspec.domains.registry.codes import (
    SCHEMES,
    check_codes,
    code_list,
    nace_children,
    nace_division_of,
    nace_level,
    nace_notes,
    nace_parent,
    nace_section_of,
    normalise,
    title_of,
)


def test_list_sizes_match_the_sources() -> None:
    nace = code_list("nace")
    assert nace["level"].value_counts().to_dict() == {
        "class": 615,
        "group": 272,
        "division": 88,
        "section": 21,
    }
    ford = code_list("ford")
    assert (ford["level"] == "broad field").sum() == 6
    assert (ford["level"] == "field").sum() == 42
    assert code_list("sdg")["code"].tolist() == [str(i) for i in range(1, 18)]
    assert code_list("po")["code"].tolist() == ["PO1", "PO2", "PO3", "PO4", "PO5"]
    ipc, cpc = code_list("ipc"), code_list("cpc")
    assert ipc[ipc["level"] == "section"]["code"].tolist() == list("ABCDEFGH")
    assert cpc[cpc["level"] == "section"]["code"].tolist() == list("ABCDEFGHY")
    assert {"Y02", "Y04", "Y10"} <= set(cpc["code"]) and "Y02" not in set(ipc["code"])
    for scheme in SCHEMES[:-1]:
        frame = code_list(scheme)
        assert list(frame.columns[:4]) == ["code", "title", "level", "parent"]
        assert frame["code"].is_unique and (frame["title"] != "").all()


def test_nace_titles_notes_and_spanish() -> None:
    nace = code_list("nace").set_index("code")
    assert nace.at["28", "title"] == "Manufacture of machinery and equipment n.e.c."
    assert nace.at["C", "title"] == "Manufacturing"
    assert nace.at["28", "title_es"] == "Fabricación de maquinaria y equipo n.c.o.p."
    assert nace.at["62", "title"] == "Computer programming, consultancy and related activities"
    notes = nace_notes("01")
    assert notes["includes"].startswith("This division includes two basic activities")
    assert "divisions 10 and 11" in notes["excludes"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (" 28 ", "28"),
        ("c28", "28"),
        ("C 28", "28"),
        ("C.28", "28"),
        ("C28.11", "28.11"),
        ("2811", "28.11"),
        ("28,1", "28.1"),
        ("281", "28.1"),
        ("c", "C"),
        ("1", "01"),
        ("1.1", "01.1"),
    ],
)
def test_normalise_nace(given: str, expected: str) -> None:
    assert normalise("nace", given) == expected


def test_normalise_other_schemes() -> None:
    assert normalise("ford", "FORD 2.10") == "2.10"
    assert normalise("ford", "2.1") == "2.1"
    assert normalise("sdg", "SDG 07") == "7"
    assert normalise("sdg", "Goal 13") == "13"
    assert normalise("po", "op 2") == "PO2"
    assert normalise("po", "3") == "PO3"
    assert normalise("ipc", "h 01 m") == "H01M"
    assert normalise("cpc", "y2e") == "Y02E"
    assert normalise("tag", "  hydrogen   economy ") == "hydrogen economy"
    with pytest.raises(ValidationError) as err:
        normalise("naics", "28")
    assert err.value.code == "invalid.code"


def test_check_codes_nace_34_is_refused_with_neighbours() -> None:
    valid, problems = check_codes("nace", ["24", "25", "23", "22", "34", "25"])
    assert valid == ["24", "25", "23", "22"]
    (problem,) = problems
    assert problem.code == "34"
    assert problem.message == "NACE Rev. 2 has no division 34"
    assert problem.suggestions == ["33", "35", "32"]
    assert "division" in problem.expected
    error = problem.to_error(where="row 3")
    assert error.code == "invalid.code" and "33, 35, 32" in error.message


def test_check_codes_nace_other_problems() -> None:
    _, problems = check_codes("nace", ["A28", "28.5", "machinery n.e.c.", "X"])
    assert [p.code for p in problems] == ["A28", "28.5", "machinery n.e.c.", "X"]
    assert problems[0].message == "NACE Rev. 2 division 28 is in section C, not A"
    assert problems[1].message == "NACE Rev. 2 has no group 28.5"
    assert set(problems[1].suggestions) <= {"28.1", "28.2", "28.3", "28.4", "28.9"}
    assert problems[1].suggestions[0] in ("28.4",)
    assert problems[3].message == "NACE Rev. 2 has no section X"


def test_check_codes_other_schemes() -> None:
    assert check_codes("ford", ["2.10", "6.5", "1"]) == (["2.10", "6.5", "1"], [])
    _, (bad,) = check_codes("ford", ["6.6"])
    assert bad.suggestions[0] == "6.5"
    assert check_codes("sdg", ["SDG 7", "17"])[0] == ["7", "17"]
    assert check_codes("sdg", ["18"])[1][0].message == "the SDGs have no code 18"
    assert check_codes("po", ["PO6"])[1][0].suggestions[0] == "PO5"
    assert check_codes("ipc", ["H01M", "h01", "B33Y"])[0] == ["H01M", "H01", "B33Y"]
    _, (no_class,) = check_codes("ipc", ["H09"])
    assert no_class.message == "IPC has no class H09"
    assert no_class.suggestions[0] in ("H05", "H10")
    assert check_codes("ipc", ["Y02E"])[1][0].message == "IPC has no section Y"
    assert check_codes("cpc", ["Y02E"]) == (["Y02E"], [])
    assert check_codes("ipc", ["H01M10/00"])[1][0].code == "H01M10/00"
    valid, problems = check_codes("tag", ["Hydrogen", "x" * 101, " "])
    assert valid == ["Hydrogen"] and len(problems) == 1


def test_title_and_nace_hierarchy() -> None:
    assert title_of("nace", "C28") == "Manufacture of machinery and equipment n.e.c."
    assert title_of("nace", "34") is None
    assert title_of("ford", "1.1") == "Mathematics"
    assert title_of("ford", "6.5") == "Other humanities"
    assert title_of("sdg", "SDG 13") == "Climate action"
    assert title_of("ipc", "H01M") == "Electric elements"
    assert title_of("po", "PO3") == "A more connected Europe by enhancing mobility"
    assert [nace_level(c) for c in ["C", "28", "28.1", "28.11"]] == [
        "section",
        "division",
        "group",
        "class",
    ]
    assert [nace_parent(c) for c in ["28.11", "28.1", "28", "C"]] == ["28.1", "28", "C", None]
    assert nace_division_of("28.11") == "28" and nace_division_of("C") is None
    assert nace_section_of("62") == "J" and nace_section_of("01.11") == "A"
    assert nace_children("C")[:3] == ["10", "11", "12"] and len(nace_children("C")) == 24
    with pytest.raises(ValidationError) as err:
        nace_level("34")
    assert err.value.code == "invalid.code" and "no division 34" in err.value.message


def test_tag_has_no_list_and_unknown_scheme_is_refused() -> None:
    with pytest.raises(ValidationError):
        code_list("tag")
    with pytest.raises(ValidationError, match="did you mean 'nace'"):
        check_codes("nac", ["28"])
    assert codes.is_valid("nace", "C28") and not codes.is_valid("nace", "34")
