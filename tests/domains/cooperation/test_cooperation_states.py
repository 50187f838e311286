"""Mexican state assignment: the documented rules on hand cases, and the real counts."""

from __future__ import annotations

import pytest

from smartspec.core.errors import ValidationError
from smartspec.domains.cooperation import monitor
from smartspec.domains.cooperation.states import assign_state, fold, postcode_state


@pytest.mark.parametrize(
    ("record", "state", "rule"),
    [
        ({"city": "MEXICO D.F."}, "09", "alias"),
        ({"city": "México, D. F."}, "09", "alias"),
        ({"city": "CDMX"}, "09", "alias"),
        ({"city": "Mexico City"}, "09", "alias"),
        ({"city": "MEXICO DISTRITO FEDERAL"}, "09", "alias"),
        ({"city": "ATIZAPAN DE ZARAGOZA - ESTADO DE MEXICO"}, "15", "alias"),
        ({"city": "Edo. de México"}, "15", "alias"),
        ({"city": "TIJUANA BAJA CALIFRONIA"}, "02", "alias"),
        ({"city": "MONTERREY NUEVO LEON"}, "19", "city: state name"),
        ({"city": "LA PAZ, BAJA CALIFORNIA SUR"}, "03", "city: state name"),
        ({"city": "ENSENADA BAJA CALIFORNIA"}, "02", "city: state name"),
        ({"city": "xalapa"}, "30", "city: municipality"),
        ({"city": "SAN NICOLÁS DE LOS GARZA"}, "19", "city: municipality"),
        (
            {"city": "JUAREZ", "address": "Av. Tecnológico 1340, Chihuahua, 32500"},
            "08",
            "city: municipality + named state",
        ),
        ({"city": "Cuauhtemoc", "postcode": "6140"}, "09", "postcode"),
        ({"address": "AV. EUGENIO GARZA SADA 2501, SOMEWHERE, 64849"}, "19", "postcode"),
        ({"name": "INSTITUTO POLITECNICO NACIONAL"}, "09", "seat of the institution"),
        (
            {"city": "MEXICO", "name": "CENTRO DE INVESTIGACION Y DE ESTUDIOS AVANZADOS DEL IPN"},
            "09",
            "seat of the institution",
        ),
        ({"name": "UNIVERSIDAD DE GUADALAJARA"}, "14", "name"),
        ({"name": "UNIVERSIDAD AUTONOMA DE SAN LUIS POTOSI"}, "24", "name"),
    ],
)
def test_rules(record: dict[str, str], state: str, rule: str) -> None:
    got = assign_state(**record)
    assert (got.state, got.rule) == (state, rule), got


@pytest.mark.parametrize(
    ("record", "why"),
    [
        ({"city": "JUAREZ"}, "municipality name in 5 states"),  # Juárez: 5 states, none named
        ({"city": "MEXICO"}, "no state"),  # the country's name is not the state of México
        ({"city": "CIUDAD JUAREZ"}, "no state"),
        ({}, "no name, city or address"),
    ],
)
def test_unassigned(record: dict[str, str], why: str) -> None:
    got = assign_state(**record)
    assert got.state == "" and got.rule == "unassigned"
    assert why in got.evidence


def test_city_rules_come_before_postcode_and_name() -> None:
    # a CINVESTAV unit outside Mexico City keeps the state of its city
    got = assign_state(city="IRAPUATO", name="CINVESTAV UNIDAD IRAPUATO", postcode="36824")
    assert (got.state, got.rule) == ("11", "city: municipality")


def test_helpers() -> None:
    assert fold("Querétaro, QRO.") == "queretaro qro"
    assert [postcode_state(p) for p in ("01480", "6140", "20000", "99999", "123", "x")] == [
        "09",
        "09",
        "01",
        "32",
        "",
        "",
    ]


def test_real_assignment_counts() -> None:
    h2020 = monitor.states("MX", "h2020")
    assert (h2020.assigned_organisations, h2020.unassigned_organisations) == (24, 15)
    assert h2020.assigned_participations + h2020.unassigned_participations == 79
    assert sum(r.participations for r in h2020.rows) == 79
    assert h2020.rows[0].state == "09"  # Ciudad de México first
    assert h2020.rules["unassigned"] == 15
    assert len(h2020.assignments) == 39
    fp7 = monitor.states("MX", "fp7")
    assert (fp7.assigned_organisations, fp7.unassigned_organisations) == (55, 6)
    assert sum(r.participations for r in fp7.rows) == 124
    assert round(fp7.assigned_share, 3) == round(55 / 61, 3)


def test_states_only_for_mexico() -> None:
    with pytest.raises(ValidationError, match="Mexico only"):
        monitor.states("ES", "h2020")
