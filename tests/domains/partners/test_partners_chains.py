"""The value-chain method on a toy table computed by hand: 5 regions, 4 activities, 3 stages.

Values (every region's total is 10, the grand total 50)::

         a   b   c   d       stage 1 = {a}, stage 2 = {b, c}, stage 3 = {d}
    R1   8   1   1   0       stage totals 16, 16, 18: shares 0.32, 0.32, 0.36
    R2   1   6   2   1
    R3   0   1   1   8
    R4   5   0   0   5
    R5   2   2   2   4

Stage RCA = (x_rs / 10) / share_s::

         s1       s2      s3
    R1   2.5      0.625   0
    R2   0.3125   2.5     0.2778
    R3   0        0.625   2.2222
    R4   1.5625   0       1.3889
    R5   0.625    1.25    1.1111

so with RCA >= 1: R1 covers s1, R2 s2, R3 s3, R4 s1 and s3, R5 s2 and s3. Best RCA per stage:
2.5, 2.5, 2.2222. The sets covering every stage, with strength score (best member RCA over
the best RCA of the stage, averaged), complementarity (stages covered by one member only) and
score (their mean)::

    R1 R2 R3   (1 + 1 + 1)/3 = 1         comp 1     score 1
    R2 R4      (.625 + 1 + .625)/3 = .75 comp 1     score .875
    R1 R5      (1 + .5 + .5)/3 = .6667   comp 1     score .8333
    R1 R2 R4   (1 + 1 + .625)/3 = .875   comp 2/3   score .77083   } a tie: sorted by codes
    R2 R3 R4   (.625 + 1 + 1)/3 = .875   comp 2/3   score .77083   }
    R1 R2 R5   (1 + 1 + .5)/3 = .8333    comp 2/3   score .75      } a tie
    R1 R3 R5   (1 + .5 + 1)/3 = .8333    comp 2/3   score .75      }
    R3 R4 R5   (.625 + .5 + 1)/3         comp 2/3   score .6875
    R4 R5      (.625 + .5 + .625)/3      comp 2/3   score .625
    R2 R4 R5   (.625 + 1 + .625)/3 = .75 comp 1/3   score .54167
    R1 R4 R5   (1 + .5 + .625)/3         comp 1/3   score .52083
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.core.errors import UnknownActivityError, ValidationError
from smartspec.domains.partners.chains import (
    Stage,
    ValueChain,
    check_chain,
    parse_chain,
    partner_sets,
    resolve_codes,
    stage_table,
)

VALUES = pd.DataFrame(
    [[8, 1, 1, 0], [1, 6, 2, 1], [0, 1, 1, 8], [5, 0, 0, 5], [2, 2, 2, 4]],
    index=["R1", "R2", "R3", "R4", "R5"],
    columns=list("abcd"),
    dtype=float,
)
STAGES = [
    Stage(name="s1", activities=["a"]),
    Stage(name="s2", activities=["b", "c"]),
    Stage(name="s3", activities=["d"]),
]
RCA = {
    "R1": [2.5, 0.625, 0.0],
    "R2": [0.3125, 2.5, 0.1 / 0.36],
    "R3": [0.0, 0.625, 0.8 / 0.36],
    "R4": [1.5625, 0.0, 0.5 / 0.36],
    "R5": [0.625, 1.25, 0.4 / 0.36],
}
EXPECTED_ORDER = [
    (["R1", "R2", "R3"], 1.0),
    (["R2", "R4"], 0.875),
    (["R1", "R5"], 2.5 / 3),
    (["R1", "R2", "R4"], (0.875 + 2 / 3) / 2),
    (["R2", "R3", "R4"], (0.875 + 2 / 3) / 2),
    (["R1", "R2", "R5"], 0.75),
    (["R1", "R3", "R5"], 0.75),
    (["R3", "R4", "R5"], (2.125 / 3 + 2 / 3) / 2),
    (["R4", "R5"], (1.75 / 3 + 2 / 3) / 2),
    (["R2", "R4", "R5"], (0.75 + 1 / 3) / 2),
    (["R1", "R4", "R5"], (2.125 / 3 + 1 / 3) / 2),
]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return stage_table(VALUES, STAGES)


def test_stage_rca_size_and_coverage_by_hand(table: pd.DataFrame) -> None:
    wide = table.pivot(index="region", columns="stage", values="rca")
    for region, expected in RCA.items():
        np.testing.assert_allclose(wide.loc[region].to_numpy(), expected, atol=1e-12)
    covered = table.pivot(index="region", columns="stage", values="covered")
    assert {r: [s for s in range(3) if covered.loc[r, s]] for r in RCA} == {
        "R1": [0],
        "R2": [1],
        "R3": [2],
        "R4": [0, 2],
        "R5": [1, 2],
    }
    r2 = table[(table["region"] == "R2") & (table["stage"] == 1)].iloc[0]
    assert r2["value"] == 8.0 and r2["share"] == pytest.approx(0.5)


def test_threshold_moves_coverage() -> None:
    t = stage_table(VALUES, STAGES, threshold=1.2)
    r5 = t[t["region"] == "R5"]
    assert r5["covered"].tolist() == [False, True, False]  # 1.25 passes, 1.111 does not


def test_density_is_the_mean_over_the_stage_activities() -> None:
    density = pd.DataFrame(np.nan, index=VALUES.index, columns=VALUES.columns)
    density.loc["R1", ["b", "c"]] = [0.2, 0.6]
    density.loc["R2", "b"] = 0.5  # c unknown: the mean of the known ones
    t = stage_table(VALUES, STAGES, density=density)
    stage2 = t[t["stage"] == 1].set_index("region")["density"]
    assert stage2["R1"] == pytest.approx(0.4)
    assert stage2["R2"] == pytest.approx(0.5)
    assert np.isnan(stage2["R3"])


def test_suppressed_cells_count_as_zero_and_are_counted() -> None:
    values = VALUES.copy()
    values.loc["R1", "b"] = np.nan
    t = stage_table(values, STAGES)
    row = t[(t["region"] == "R1") & (t["stage"] == 1)].iloc[0]
    assert row["missing"] == 1 and row["value"] == 1.0


def test_partner_sets_in_the_order_computed_by_hand(table: pd.DataFrame) -> None:
    found = partner_sets(table, 3, size=3, top=20)
    full = [s for s in found["sets"] if s["n_covered"] == 3]
    assert [s["members"] for s in full] == [m for m, _ in EXPECTED_ORDER]
    for s, (_, score) in zip(full, EXPECTED_ORDER, strict=True):
        assert s["score"] == pytest.approx(score, abs=1e-12)
    best = full[0]
    assert best["strength"] == pytest.approx((2.5 + 2.5 + 0.8 / 0.36) / 3)
    assert best["complementarity"] == 1.0
    assert [lead["region"] for lead in best["leads"]] == ["R1", "R2", "R3"]
    assert found["pool"] == ["R1", "R4", "R2", "R5", "R3"]  # stage by stage, strongest first
    assert found["evaluated"] == 10 + 10  # pairs and triples of 5 candidates
    assert all(s["similarity"] is None for s in found["sets"])
    # the sets that miss a stage come after every full one
    assert [s["n_covered"] for s in found["sets"]] == sorted(
        (s["n_covered"] for s in found["sets"]), reverse=True
    )


def test_anchor_is_in_every_set(table: pd.DataFrame) -> None:
    found = partner_sets(table, 3, size=2, anchor="R4")
    assert [s["members"] for s in found["sets"]][:2] == [["R4", "R2"], ["R4", "R5"]]
    assert all(s["members"][0] == "R4" for s in found["sets"])
    assert "R4" not in found["pool"]


def test_priority_similarity_enters_the_score(table: pd.DataFrame) -> None:
    def similarity(a: str, b: str) -> float | None:
        return 1.0 if {a, b} == {"R2", "R4"} else None

    found = partner_sets(table, 3, size=3, similarity=similarity)
    best = found["sets"][0]
    assert found["with_similarity"]
    assert best["members"] == ["R2", "R4"]
    assert best["score"] == pytest.approx((0.75 + 1 + 1) / 3)
    triple = next(s for s in found["sets"] if s["members"] == ["R1", "R2", "R3"])
    assert triple["similarity"] is None and triple["score"] == pytest.approx(2 / 3)


def test_size_is_bounded(table: pd.DataFrame) -> None:
    with pytest.raises(ValidationError, match="2 to 5 members"):
        partner_sets(table, 3, size=6)


# ------------------------------------------------------------------------- the chain model
def _chain(*stages: list[str]) -> dict[str, object]:
    return {
        "name": "toy",
        "stages": [{"name": f"s{i}", "activities": codes} for i, codes in enumerate(stages)],
    }


def test_parse_chain_strips_and_dedupes() -> None:
    chain = parse_chain(_chain([" a ", "a", "b"], ["d"]))
    assert chain.stages[0].activities == ["a", "b"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_chain(["a"]), "2 to 10 stages"),
        (_chain(*[["a"]] * 11), "at most 10"),
        (_chain(["a"], []), "stage 2 .* has no activity"),
        (_chain(["a"], ["  "]), "has no activity"),
        (_chain(["a"], ["x"] * 0 + [f"c{i}" for i in range(51)]), "at most 50"),
        ({"name": "x", "stages": [{"name": "a", "activities": ["a"]}] * 2}, "same name"),
        ([1, 2], "must be a mapping"),
        ({"stages": []}, "name"),
    ],
)
def test_bad_chains_are_refused_clearly(data: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as info:
        parse_chain(data)
    assert info.value.expected


def test_unknown_codes_named_with_close_matches() -> None:
    chain = check_chain(ValueChain.model_validate(_chain(["C10", "c29"], ["C99", "G46"])))
    labels = {"C10": "Food", "C29": "Motor vehicles", "G46": "Wholesale", "C19": "Coke"}
    with pytest.raises(UnknownActivityError) as info:
        resolve_codes(chain, labels, where="dataset 'x'")
    assert info.value.found == "'C99'"
    assert "C99 -> C29" in (info.value.fix or "") or "C99 -> C19" in (info.value.fix or "")
    # a code of another classification is said to be one
    with pytest.raises(UnknownActivityError, match="mixes classifications") as info:
        resolve_codes(chain, labels, where="dataset 'x'", hints={"C99": "C99 is elsewhere"})
    assert "C99 is elsewhere" in (info.value.fix or "")
    # case is forgiven: the dataset's spelling is kept
    ok = resolve_codes(
        check_chain(ValueChain.model_validate(_chain(["c10"], ["g46"]))), labels, where="x"
    )
    assert ok.stages[0].activities == ["C10"]
