"""Spanish names of the bundled datasets: where an official source exists, checked against it;
English (said so) where none does; the label files are what the build script writes."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
import pytest

from smartspec.core.errors import ValidationError
from smartspec.datasets import labels, list_datasets, load
from smartspec.datasets._registry import data_file

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data"
NAMES = list_datasets()["name"].tolist()

#: Datasets whose activities have a Spanish name for every code (SCIAN, CNAE-2009, UN SDGs).
ALL_SPANISH = ["mx-tamaulipas", "eu-nuts2-sbs", "eu-nuts2-ardeco", "eu-h2020-sdg"]


def _raw(name: str, axis: str) -> pd.DataFrame:
    file_axis = "regions" if axis == "region" else "activities"
    with data_file(f"{name}.{file_axis}.csv").open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False).set_index("code")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("axis", ["region", "activity"])
def test_english_names_unchanged_and_spanish_ones_where_given(name, axis):
    raw = _raw(name, axis)
    en, es = labels(name, axis), labels(name, axis, lang="es")
    assert "name_es" not in en.columns and "name_es" not in es.columns
    assert list(en.index) == list(es.index) == list(raw.index)
    assert (en["name"] == raw["name"]).all()  # lang="en" is the file's name, as before
    spanish = raw["name_es"] if "name_es" in raw.columns else pd.Series("", raw.index)
    has = spanish != ""
    assert (es.loc[has, "name"] == spanish[has]).all()
    assert (es.loc[has, "name_lang"] == "es").all()
    assert (es.loc[~has, "name"] == raw.loc[~has, "name"]).all()  # English where none exists
    assert (es.loc[~has, "name_lang"] == "en").all()
    assert (es["name"] != "").all()


@pytest.mark.parametrize("name", ALL_SPANISH)
def test_every_activity_has_a_spanish_name(name):
    es = labels(name, "activity", lang="es")
    assert (es["name_lang"] == "es").all(), es[es["name_lang"] != "es"]
    codes = {str(a) for a in load(name).activities}
    assert codes <= set(es.index)


def test_no_spanish_source_keeps_english():
    for name in ("nz-urban-industry", "au-sa3-industry"):
        for axis in ("region", "activity"):
            assert "name_es" not in _raw(name, axis).columns
            assert (labels(name, axis, lang="es")["name_lang"] == "en").all()
    sitc = labels("world-trade", "activity", lang="es")  # no Spanish SITC names
    assert sitc.loc["7810", "name_lang"] == "en"


def test_cnae_2009_division_titles_are_ine_wording():
    sbs = labels("eu-nuts2-sbs", "activity", lang="es")["name"]
    assert sbs["B05"] == "Extracción de antracita, hulla y lignito"
    assert sbs["C10"] == "Industria de la alimentación"
    assert sbs["C19"] == "Coquerías y refino de petróleo"
    assert sbs["C21"] == "Fabricación de productos farmacéuticos"
    assert sbs["C28"] == "Fabricación de maquinaria y equipo n.c.o.p."
    assert sbs["C33"] == "Reparación e instalación de maquinaria y equipo"  # 2009, not 2025
    assert sbs["I55"] == "Servicios de alojamiento"
    assert sbs["J62"] == (
        "Programación, consultoría y otras actividades relacionadas con la informática"
    )
    assert sbs["S95"] == (
        "Reparación de ordenadores, efectos personales y artículos de uso doméstico"
    )


def test_nace_a10_groups_join_the_cnae_section_titles():
    a10 = labels("eu-nuts2-ardeco", "activity", lang="es")["name"]
    assert a10["A"] == "Agricultura, ganadería, silvicultura y pesca"
    assert a10["F"] == "Construcción"
    assert a10["G-I"] == (
        "Comercio al por mayor y al por menor; reparación de vehículos de "
        "motor y motocicletas; transporte y almacenamiento; hostelería"
    )
    assert a10["B-E"].startswith("Industrias extractivas; industria manufacturera; ")
    assert a10["R-U"].endswith("; actividades de organizaciones y organismos extraterritoriales")


def test_sdg_titles_are_the_un_spanish_ones():
    sdg = labels("eu-h2020-sdg", "activity", lang="es")["name"]
    assert sdg["SDG01"] == "Fin de la pobreza"
    assert sdg["SDG02"] == "Hambre cero"
    assert sdg["SDG09"] == "Industria, innovación e infraestructura"
    assert sdg["SDG13"] == "Acción por el clima"
    assert sdg["SDG16"] == "Paz, justicia e instituciones sólidas"


def test_naics_sectors_get_the_scian_names_of_the_same_sector():
    us = labels("us-state-industry", "activity", lang="es")
    mx = labels("mx-tamaulipas", "activity", lang="es")["name"]
    assert us.loc["31-33", "name"] == mx["31-33"] == "Industrias manufactureras"
    assert us.loc["42", "name"] == mx["43"] == "Comercio al por mayor"  # NAICS 42 = SCIAN 43
    assert us.loc["44-45", "name"] == mx["46"] == "Comercio al por menor"
    assert us.loc["48-49", "name"] == mx["48-49"]
    assert us.loc["99", ["name", "name_lang"]].tolist() == ["Industries not classified", "en"]


def test_scian_names_are_spanish_in_every_language():
    en = labels("mx-tamaulipas", "activity")
    assert en.loc["21", "name"] == "Minería"
    assert (en["name_lang"] == "es").all()  # no English name exists: said so


def test_country_names_from_cldr():
    wt = labels("world-trade", "region", lang="es")["name"]
    assert wt["DEU"] == "Alemania"
    assert wt["USA"] == "Estados Unidos"
    assert wt["GBR"] == "Reino Unido"
    assert wt["GRC"] == "Grecia"
    assert wt["ROU"] == "Rumanía"
    assert wt["SCG"] == "Serbia y Montenegro"
    assert wt["ANT"] == "Antillas Neerlandesas"
    assert labels("world-trade", "region").loc["DEU", "name"] == "Germany"


def test_unknown_language_is_refused():
    with pytest.raises(ValidationError):
        labels("eu-nuts2-sbs", "activity", lang="fr")


needs_shared = pytest.mark.skipif(
    not (SHARED / "mx-inegi").is_dir(), reason="the original data (shared/data) is not here"
)


@needs_shared
def test_build_script_writes_the_bundled_label_files(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "build_datasets_labels", REPO / "tools" / "build_datasets.py"
    )
    assert spec and spec.loader
    build = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = build  # dataclasses look their module up there
    try:
        spec.loader.exec_module(build)
    finally:
        sys.modules.pop(spec.name, None)
    names = [
        "us-state-industry",
        "world-trade",
        "eu-h2020-sdg",
        "mx-tamaulipas",
        "eu-nuts2-ardeco",
        "eu-nuts2-sbs",
    ]
    assert (
        build.main(
            ["--source", str(SHARED), "--out", str(tmp_path), "--labels-only", "--only", *names]
        )
        == 0
    )
    assert not (tmp_path / "registry.json").exists()  # labels only: no data, no registry
    assert not list(tmp_path.glob("*.csv.gz"))
    for name in names:
        for axis in ("regions", "activities"):
            written = (tmp_path / f"{name}.{axis}.csv").read_text(encoding="utf-8")
            bundled = data_file(f"{name}.{axis}.csv").read_text(encoding="utf-8")
            assert written == bundled, f"{name}.{axis}.csv is not what the build script writes"
    # every NACE Rev.2 division and A*10 group has its Spanish title
    nace = pd.read_csv(
        SHARED / "classifications" / "nace" / "nace_rev2.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
    )
    assert set(nace.loc[nace["Level"] == "2", "Code"]) == set(build.CNAE_DIVISIONS_ES)
    assert set(nace.loc[nace["Level"] == "1", "Code"]) == set(build.CNAE_SECTIONS_ES)
    assert all(build.nace_a10_es(g) for g in build.NACE_A10)
