"""Build the datasets bundled in ``smartspec.datasets`` from the real data in ``shared/data``.

Reads the original files under ``<repo>/../shared/data`` (or ``--source``), converts each to a
tidy long table ``period,region,activity,value`` (zero cells left out, gzip without timestamp),
writes the region / activity label files and ``registry.json`` into
``src/smartspec/datasets/data`` (or ``--out``). Deterministic and re-runnable: the same inputs give
byte-identical outputs.

Usage::

    .venv/bin/python tools/build_datasets.py [--source DIR] [--out DIR] [--only NAME ...]
                                             [--labels-only]

``--labels-only`` rewrites the label files alone (names, Spanish names), not the data files nor
the registry.

Every figure and fact quoted in the descriptions comes from the ``SOURCE.md`` file of the source
folder or from the data itself; see ``SOURCES.md`` in the output folder.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "smartspec" / "datasets" / "data"

LONG_COLUMNS = ["period", "region", "activity", "value"]


@dataclass
class Built:
    """One converted dataset: the long table, the label tables and the registry entry."""

    long: pd.DataFrame
    regions: pd.DataFrame
    activities: pd.DataFrame
    meta: dict


# ---------------------------------------------------------------------------- label helpers
NACE_A10 = {
    "A": "Agriculture, forestry and fishing",
    "B-E": "Industry (except construction)",
    "F": "Construction",
    "G-I": "Wholesale and retail trade, transport, accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M-N": "Professional, scientific and technical activities; administrative and support "
    "service activities",
    "O-Q": "Public administration, defence, education, human health and social work activities",
    "R-U": "Arts, entertainment and recreation; other service activities; activities of "
    "households and extra-territorial organisations",
}

SDG_NAMES = {
    1: "No poverty",
    2: "Zero hunger",
    3: "Good health and well-being",
    4: "Quality education",
    5: "Gender equality",
    6: "Clean water and sanitation",
    7: "Affordable and clean energy",
    8: "Decent work and economic growth",
    9: "Industry, innovation and infrastructure",
    10: "Reduced inequalities",
    11: "Sustainable cities and communities",
    12: "Responsible consumption and production",
    13: "Climate action",
    14: "Life below water",
    15: "Life on land",
    16: "Peace, justice and strong institutions",
}


def nuts_names(src: Path) -> dict[str, str]:
    """NUTS code -> Latin name, newest version first (2021, 2016, then the 2013 history)."""
    names: dict[str, str] = {}
    hist = pd.read_csv(
        src / "classifications" / "nuts" / "nuts_changes.csv", dtype=str, keep_default_na=False
    )
    for year in ("2013", "2010", "2006", "2003"):
        for code, name in zip(hist[f"code_{year}"], hist[f"geo_name_{year}"], strict=True):
            if code and name and code not in names:
                names[code] = name
    for version in ("2016", "2021"):  # later versions override
        tab = pd.read_csv(
            src / "boundaries" / "eu-nuts-svizzle" / f"NUTS_{version}.csv",
            dtype=str,
            keep_default_na=False,
        )
        names.update(dict(zip(tab["NUTS_ID"], tab["NAME_LATN"], strict=True)))
    return names


def _labels(codes: pd.Series, names: pd.Series, parents: pd.Series | None = None) -> pd.DataFrame:
    out = pd.DataFrame({"code": codes.astype(str).to_numpy(), "name": names.to_numpy()})
    if parents is not None:
        out["parent"] = parents.astype(str).to_numpy()
    out = out.drop_duplicates("code").sort_values("code", kind="mergesort")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------- Spanish names
# Label files get a ``name_es`` column where an official Spanish wording exists (see SOURCES.md,
# "Spanish names"); an empty ``name_es`` means there is none and readers fall back to ``name``.

#: CNAE-2009 division titles (INE), the official Spanish version of NACE Rev.2: its divisions are
#: identical to NACE Rev.2's. Copied from INE's SAS format program for the microdata of the
#: Encuesta Europea de Salud en Espana 2009 (value ``$T_NACE``), as kept in GitHub
#: ``juantorrecillas/ees`` @ 8399feab,
#: ``data/datos_2009_adultos/SAS/EESEadulto_2009_conFormato.sas``.
CNAE_DIVISIONS_ES = {
    "01": "Agricultura, ganadería, caza y servicios relacionados con las mismas",
    "02": "Silvicultura y explotación forestal",
    "03": "Pesca y acuicultura",
    "05": "Extracción de antracita, hulla y lignito",
    "06": "Extracción de crudo de petróleo y gas natural",
    "07": "Extracción de minerales metálicos",
    "08": "Otras industrias extractivas",
    "09": "Actividades de apoyo a las industrias extractivas",
    "10": "Industria de la alimentación",
    "11": "Fabricación de bebidas",
    "12": "Industria del tabaco",
    "13": "Industria textil",
    "14": "Confección de prendas de vestir",
    "15": "Industria del cuero y del calzado",
    "16": "Industria de la madera y del corcho, excepto muebles; cestería y espartería",
    "17": "Industria del papel",
    "18": "Artes gráficas y reproducción de soportes grabados",
    "19": "Coquerías y refino de petróleo",
    "20": "Industria química",
    "21": "Fabricación de productos farmacéuticos",
    "22": "Fabricación de productos de caucho y plásticos",
    "23": "Fabricación de otros productos minerales no metálicos",
    "24": "Metalurgia; fabricación de productos de hierro, acero y ferroaleaciones",
    "25": "Fabricación de productos metálicos, excepto maquinaria y equipo",
    "26": "Fabricación de productos informáticos, electrónicos y ópticos",
    "27": "Fabricación de material y equipo eléctrico",
    "28": "Fabricación de maquinaria y equipo n.c.o.p.",
    "29": "Fabricación de vehículos de motor, remolques y semirremolques",
    "30": "Fabricación de otro material de transporte",
    "31": "Fabricación de muebles",
    "32": "Otras industrias manufactureras",
    "33": "Reparación e instalación de maquinaria y equipo",
    "35": "Suministro de energía eléctrica, gas, vapor y aire acondicionado",
    "36": "Captación, depuración y distribución de agua",
    "37": "Recogida y tratamiento de aguas residuales",
    "38": "Recogida, tratamiento y eliminación de residuos; valorización",
    "39": "Actividades de descontaminación y otros servicios de gestión de residuos",
    "41": "Construcción de edificios",
    "42": "Ingeniería civil",
    "43": "Actividades de construcción especializada",
    "45": "Venta y reparación de vehículos de motor y motocicletas",
    "46": "Comercio al por mayor e intermediarios del comercio, excepto de vehículos de motor y "
    "motocicletas",
    "47": "Comercio al por menor, excepto de vehículos de motor y motocicletas",
    "49": "Transporte terrestre y por tubería",
    "50": "Transporte marítimo y por vías navegables interiores",
    "51": "Transporte aéreo",
    "52": "Almacenamiento y actividades anexas al transporte",
    "53": "Actividades postales y de correos",
    "55": "Servicios de alojamiento",
    "56": "Servicios de comidas y bebidas",
    "58": "Edición",
    "59": "Actividades cinematográficas, de vídeo y de programas de televisión, grabación de "
    "sonido y edición musical",
    "60": "Actividades de programación y emisión de radio y televisión",
    "61": "Telecomunicaciones",
    "62": "Programación, consultoría y otras actividades relacionadas con la informática",
    "63": "Servicios de información",
    "64": "Servicios financieros, excepto seguros y fondos de pensiones",
    "65": "Seguros, reaseguros y fondos de pensiones, excepto Seguridad Social obligatoria",
    "66": "Actividades auxiliares a los servicios financieros y a los seguros",
    "68": "Actividades inmobiliarias",
    "69": "Actividades jurídicas y de contabilidad",
    "70": "Actividades de las sedes centrales; actividades de consultoría de gestión empresarial",
    "71": "Servicios técnicos de arquitectura e ingeniería; ensayos y análisis técnicos",
    "72": "Investigación y desarrollo",
    "73": "Publicidad y estudios de mercado",
    "74": "Otras actividades profesionales, científicas y técnicas",
    "75": "Actividades veterinarias",
    "77": "Actividades de alquiler",
    "78": "Actividades relacionadas con el empleo",
    "79": "Actividades de agencias de viajes, operadores turísticos, servicios de reservas y "
    "actividades relacionadas con los mismos",
    "80": "Actividades de seguridad e investigación",
    "81": "Servicios a edificios y actividades de jardinería",
    "82": "Actividades administrativas de oficina y otras actividades auxiliares a las empresas",
    "84": "Administración Pública y Defensa; Seguridad Social obligatoria",
    "85": "Educación",
    "86": "Actividades sanitarias",
    "87": "Asistencia en establecimientos residenciales",
    "88": "Actividades de servicios sociales sin alojamiento",
    "90": "Actividades de creación, artísticas y espectáculos",
    "91": "Actividades de bibliotecas, archivos, museos y otras actividades culturales",
    "92": "Actividades de juegos de azar y apuestas",
    "93": "Actividades deportivas, recreativas y de entretenimiento",
    "94": "Actividades asociativas",
    "95": "Reparación de ordenadores, efectos personales y artículos de uso doméstico",
    "96": "Otros servicios personales",
    "97": "Actividades de los hogares como empleadores de personal doméstico",
    "98": "Actividades de los hogares como productores de bienes y servicios para uso propio",
    "99": "Actividades de organizaciones y organismos extraterritoriales",
}

#: CNAE-2009 section titles (INE), in sentence case.
CNAE_SECTIONS_ES = {
    "A": "Agricultura, ganadería, silvicultura y pesca",
    "B": "Industrias extractivas",
    "C": "Industria manufacturera",
    "D": "Suministro de energía eléctrica, gas, vapor y aire acondicionado",
    "E": "Suministro de agua, actividades de saneamiento, gestión de residuos y descontaminación",
    "F": "Construcción",
    "G": "Comercio al por mayor y al por menor; reparación de vehículos de motor y motocicletas",
    "H": "Transporte y almacenamiento",
    "I": "Hostelería",
    "J": "Información y comunicaciones",
    "K": "Actividades financieras y de seguros",
    "L": "Actividades inmobiliarias",
    "M": "Actividades profesionales, científicas y técnicas",
    "N": "Actividades administrativas y servicios auxiliares",
    "O": "Administración Pública y defensa; Seguridad Social obligatoria",
    "P": "Educación",
    "Q": "Actividades sanitarias y de servicios sociales",
    "R": "Actividades artísticas, recreativas y de entretenimiento",
    "S": "Otros servicios",
    "T": "Actividades de los hogares como empleadores de personal doméstico; actividades de los "
    "hogares como productores de bienes y servicios para uso propio",
    "U": "Actividades de organizaciones y organismos extraterritoriales",
}


def nace_a10_es(group: str) -> str:
    """The Spanish name of a NACE A*10 group (``"G-I"``): the CNAE-2009 titles of its sections
    joined with ``"; "``, as INE names its A10 groupings ("Comercio al por mayor y al por menor;
    reparación de vehículos de motor y motocicletas; transporte y almacenamiento; hostelería").

    >>> nace_a10_es("G-I").split("; ")[-2:]
    ['transporte y almacenamiento', 'hostelería']
    """
    first, _, last = group.partition("-")
    letters = [chr(c) for c in range(ord(first), ord(last or first) + 1)]
    parts = [CNAE_SECTIONS_ES[x] for x in letters]
    return "; ".join([parts[0]] + [p[:1].lower() + p[1:] for p in parts[1:]])


#: The UN's official Spanish short titles of the Sustainable Development Goals (the goal icons of
#: un.org/sustainabledevelopment/es).
SDG_NAMES_ES = {
    1: "Fin de la pobreza",
    2: "Hambre cero",
    3: "Salud y bienestar",
    4: "Educación de calidad",
    5: "Igualdad de género",
    6: "Agua limpia y saneamiento",
    7: "Energía asequible y no contaminante",
    8: "Trabajo decente y crecimiento económico",
    9: "Industria, innovación e infraestructura",
    10: "Reducción de las desigualdades",
    11: "Ciudades y comunidades sostenibles",
    12: "Producción y consumo responsables",
    13: "Acción por el clima",
    14: "Vida submarina",
    15: "Vida de ecosistemas terrestres",
    16: "Paz, justicia e instituciones sólidas",
}

#: NAICS 2017 sectors whose SCIAN (Mexico) sector of the same scope has another code.
NAICS_TO_SCIAN = {"42": "43", "44-45": "46"}

#: Countries that Unicode CLDR no longer names (historical codes of the trade data): INE's name
#: (SCG: same INE SAS program, value ``$TPAIS``, code 891) or the Growth Lab's (ANT).
HISTORIC_COUNTRIES_ES = {"SCG": "Serbia y Montenegro", "ANT": "Antillas Neerlandesas"}


def scian_sector_names(src: Path) -> dict[str, str]:
    """SCIAN sector code -> INEGI's Spanish name, from the INEGI census export (every sector)."""
    raw = read_inegi(src / "mx-inegi" / "SAIC_Exporta_2025922_13941551.csv")
    act = raw[raw.columns[3]].str.extract(r"^Sector (\S+) (.*)$").dropna()
    return dict(zip(act[0], act[1], strict=True))


def country_names_es(src: Path, codes: pd.Series) -> pd.Series:
    """Spanish country names for ISO 3166 alpha-3 codes: Unicode CLDR (through Babel) by the
    alpha-2 code, else :data:`HISTORIC_COUNTRIES_ES`; empty where neither has one."""
    from babel import Locale

    territories = Locale("es").territories
    cc = pd.read_csv(
        src / "classifications" / "countries" / "country_data.tsv",
        sep="\t",
        dtype=str,
        keep_default_na=False,
    )
    alpha2 = dict(zip(cc["ISO3"], cc["ISO2"].str.extract(r"([A-Z]{2})")[0], strict=True))
    return codes.map(
        lambda c: territories.get(alpha2.get(c) or "", "") or HISTORIC_COUNTRIES_ES.get(c, "")
    )


def spanish_names(name: str, src: Path, built: Built) -> Built:
    """``built`` with a ``name_es`` column (after ``name``) in the label tables that have an
    official Spanish source; the others unchanged (NZ, AU: none exists)."""
    regions, activities = built.regions.copy(), built.activities.copy()
    acts = activities["code"]
    if name == "us-state-industry":  # SCIAN sectors correspond to NAICS sectors
        scian = scian_sector_names(src)
        activities["name_es"] = acts.map(lambda c: scian.get(NAICS_TO_SCIAN.get(c, c), ""))
    elif name == "mx-tamaulipas":  # the names are INEGI's Spanish ones already
        activities["name_es"] = activities["name"]
    elif name == "eu-nuts2-sbs":
        activities["name_es"] = acts.str[1:].map(CNAE_DIVISIONS_ES).fillna("")
    elif name == "eu-nuts2-ardeco":
        activities["name_es"] = acts.map(nace_a10_es)
    elif name == "eu-h2020-sdg":
        activities["name_es"] = acts.str[3:].astype(int).map(SDG_NAMES_ES).fillna("")
    elif name == "world-trade":  # SITC Rev.2 has no Spanish names in the Growth Lab files
        regions["name_es"] = country_names_es(src, regions["code"])
    else:
        return built
    for table in (regions, activities):
        if "name_es" in table.columns:
            table.insert(2, "name_es", table.pop("name_es"))
    return Built(built.long, regions, activities, built.meta)


# ---------------------------------------------------------------------------- builders
def build_nz(src: Path) -> Built:
    folder = src / "nz-urban-industry"
    raw = pd.read_csv(folder / "unsuppressed.csv", dtype={"ind": str})
    long = pd.DataFrame(
        {
            "period": raw["year"],
            "region": raw["ua"].map("{:03d}".format),
            "activity": raw["ind"],
            "value": raw["emp"],
        }
    )
    ua = pd.read_csv(folder / "urban-areas.csv")
    ind = pd.read_csv(folder / "industries.csv", dtype=str)
    regions = _labels(ua["ua"].map("{:03d}".format), ua["ua_name"])
    activities = _labels(ind["ind"], ind["ind_name"], ind["ind_class"])
    meta = {
        "title": "New Zealand urban areas x industries, employment, censuses 1976-2013",
        "description": (
            "Employed persons (usual residents, census of population) in 143 New Zealand urban "
            "areas / Auckland zones x 65 industry groups (groups of 2013 NZSIOC codes), for the "
            "eight censuses 1976, 1981, 1986, 1991, 1996, 2001, 2006 and 2013. Unit: persons. "
            "Counts were confidentialised by the authors (random rounding to base 3; their "
            "suppression of cells below 6 is not applied in this 'unsuppressed' panel). Region "
            "codes are the authors' urban-area ids zero-padded to three digits ('020' = "
            "Wellington Zone); activity codes are the authors' NZSIOC group codes, with the "
            "two-letter industry class as parent. Zero cells are left out of the file."
        ),
        "region_level": "urban area (2013 urban areas / Auckland zones)",
        "activity_classification": "NZSIOC 2013 industry groups (Davies & Mare)",
        "value_name": "employment",
        "unit": "persons",
        "count_unit": 1,
        "source": "Davies & Mare (Motu), GitHub moturesearch/relatedness-complexity, from "
        "Statistics New Zealand census data",
        "licence": "MIT (c) 2020 Benjamin Davies, David Mare, Motu; the files are the work of "
        "the authors, not Statistics New Zealand",
        "citation": "Davies, B. and Mare, D. C. (2019). Relatedness, complexity and local "
        "growth. Motu Working Paper 19-01; data: github.com/moturesearch/relatedness-complexity",
        "boundaries": None,
    }
    return Built(long, regions, activities, meta)


def build_au(src: Path) -> Built:
    raw = pd.read_csv(src / "au-region-industry" / "sa3_indp3.csv.gz", dtype={"sa3": str})
    long = pd.DataFrame(
        {
            "period": raw["year"],
            "region": raw["sa3"],
            "activity": raw["indp"],
            "value": raw["count"],
        }
    )
    regions = _labels(raw["sa3"], raw["sa3"])
    activities = _labels(raw["indp"], raw["indp"])
    meta = {
        "title": "Australia SA3 regions x ANZSIC 3-digit industries, employment, censuses "
        "2011/2016/2021",
        "description": (
            "Employed persons by place of work (ABS Census of Population and Housing, "
            "TableBuilder) in Statistical Area Level 3 regions x ANZSIC 2006 industry groups "
            "(3-digit, 'indp3'), census years 2011, 2016 and 2021. Unit: persons. The source "
            "gives names, not codes, for both axes, so the SA3 name and the ANZSIC group name "
            "are used as the codes (as published; SA3 names changed between ASGS editions, "
            "e.g. 'Gladstone - Biloela' (2011/2016) vs 'Gladstone' and 'Biloela' (2021), so "
            "333 regions in 2011 and 340 in 2016 and 2021). The ABS 'nfd' (not further "
            "defined) categories are kept as published (292 industry names; 'Other "
            "Transport, nfd' is zero everywhere, so 291 appear). ABS perturbs census "
            "counts randomly, so small cells are unreliable. The 3-digit file was chosen over "
            "the 2021-only 4-digit file to keep three census years. Zero cells are left out."
        ),
        "region_level": "SA3",
        "activity_classification": "ANZSIC 2006 3-digit (group names)",
        "value_name": "employment",
        "unit": "persons",
        "count_unit": 1,
        "source": "Australian Bureau of Statistics, Census 2011/2016/2021 (TableBuilder), via "
        "the R package complexitydata (GitHub amwu-nrc/complexitydata, Hamish Gamble)",
        "licence": "ABS data CC BY 4.0; complexitydata package MIT",
        "citation": "Australian Bureau of Statistics, Census of Population and Housing "
        "2011, 2016, 2021 (place of work by industry), via amwu-nrc/complexitydata",
        "boundaries": None,
    }
    return Built(long, regions, activities, meta)


def build_us(src: Path) -> Built:
    raw = pd.read_csv(
        src / "us-state-industry" / "us_state_2digitnaics_2021.csv",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    raw = raw[raw["Enterprise_Size"].str.startswith("01")]
    states = raw[raw["State"] != "00"]  # the national "United States" total row
    long = pd.DataFrame(
        {
            "period": 2021,
            "region": states["State"],
            "activity": states["NAICS"],
            "value": states["Employment"].astype(np.int64),
        }
    )
    regions = _labels(states["State"], states["State_Name"])
    activities = _labels(states["NAICS"], states["NAICS_Description"])
    meta = {
        "title": "US states x NAICS 2-digit sectors, employment, SUSB 2021",
        "description": (
            "Paid employees in mid-March 2021 (Statistics of U.S. Businesses, all enterprise "
            "sizes) in the 50 states and DC (FIPS codes) x 20 NAICS 2017 sectors, including "
            "'99' (industries not classified). Unit: persons. The national 'United States' "
            "rows (FIPS 00) were dropped so that the states are not double counted. Census "
            "Bureau noise flags (G/H/J) are not carried; no cell is suppressed. One period."
        ),
        "region_level": "state",
        "activity_classification": "NAICS 2017 2-digit",
        "value_name": "employment",
        "unit": "persons (mid-March employees)",
        "count_unit": 1,
        "source": "US Census Bureau, Statistics of U.S. Businesses (SUSB) 2021, via GitHub "
        "code4policy/2024-A1-SME-Financing",
        "licence": "Public domain (US federal statistics)",
        "citation": "U.S. Census Bureau, 2021 Statistics of U.S. Businesses, U.S. & states, "
        "2-digit NAICS",
        "boundaries": "us-states",
    }
    return Built(long, regions, activities, meta)


def build_world(src: Path) -> Built:
    raw = pd.read_csv(
        src / "world-trade-complexity" / "world_trade_avg_1998_to_2000.csv.gz",
        dtype={"country": str, "product": str},
        keep_default_na=False,
    )
    country = raw["country"].str.upper().replace({"ROM": "ROU"})
    value = raw["value"]
    if (value % 1 == 0).all():
        value = value.astype(np.int64)
    long = pd.DataFrame(
        {"period": 2000, "region": country, "activity": raw["product"], "value": value}
    )
    cls = src / "classifications"
    atlas = pd.read_csv(
        cls / "cid-harvard" / "locations_international_atlas.csv",
        dtype=str,
        keep_default_na=False,
    )
    cnames = dict(zip(atlas["code"], atlas["name_en"], strict=True))
    codes = pd.Series(sorted(country.unique()))
    regions = _labels(codes, codes.map(cnames).fillna(codes))
    sitc = pd.read_csv(cls / "cid-harvard" / "sitc_rev2.csv", dtype=str, keep_default_na=False)
    sitc = sitc.rename(columns={sitc.columns[0]: "idx"})
    by_idx = dict(zip(sitc["idx"], sitc["code"], strict=True))
    four = sitc[sitc["level"] == "4digit"]
    parents = four["parent_id"].map(lambda x: by_idx.get(str(int(float(x))), "") if x else "")
    activities = _labels(four["code"], four["name_en"], parents)
    activities = activities[activities["code"].isin(set(raw["product"]))].reset_index(drop=True)
    meta = {
        "title": "World trade: countries x SITC Rev.2 4-digit products, exports, average 1998-2000",
        "description": (
            "Exports by country x product (SITC Rev.2, 4-digit), the 1998-2000 average used in "
            "Atlas of Economic Complexity work; period 2000 stands for the 1998-2000 average. "
            "Unit: US dollars as distributed by the economiccomplexity R package. Country "
            "codes are ISO 3166 alpha-3 in upper case; the old code 'rom' for Romania was "
            "recoded to 'ROU'; historical entities (ANT, SCG) are kept. Use for RCA and "
            "complexity only, not for levels: the product structure is right (SAU 3330 crude "
            "petroleum, JPN 7810 cars, CHL 6821 copper), but the country totals are far too "
            "small and oddly ranked (CAN > USA > DEU). The 1962 and 1980 tables of the same "
            "package use HS 2007 products, not SITC, so they are not included."
        ),
        "region_level": "country",
        "activity_classification": "SITC Rev.2 4-digit",
        "value_name": "exports",
        "unit": "US dollars",
        "source": "UN Comtrade data as used by the Atlas of Economic Complexity "
        "(Hausmann, Hidalgo et al.), via the R package economiccomplexity v2.0.0 "
        "(GitHub pachadotdev/economiccomplexity)",
        "licence": "economiccomplexity package Apache-2.0; underlying UN Comtrade data subject "
        "to UN Comtrade terms of use (cite the source when redistributing)",
        "citation": "Vargas, M. economiccomplexity (R package), world_trade_avg_1998_to_2000; "
        "Hausmann, Hidalgo et al., The Atlas of Economic Complexity",
        "boundaries": "world",
    }
    return Built(long, regions, activities, meta)


def build_cordis(src: Path) -> Built:
    frames = []
    for path in sorted((src / "eu-cordis-sdg-nuts").glob("sdg_*_project_count.csv")):
        raw = pd.read_csv(path, dtype={"region_id": str}, keep_default_na=False)
        col = raw.columns[-1]
        sdg = int(re.search(r"sdg_(\d+)_", col).group(1))
        raw = raw[raw["region_level"] == 2]
        frames.append(
            pd.DataFrame(
                {
                    "period": raw["year"],
                    "region": raw["region_id"],
                    "activity": f"SDG{sdg:02d}",
                    "value": raw[col],
                }
            )
        )
    long = pd.concat(frames, ignore_index=True)
    names = nuts_names(src)
    codes = pd.Series(sorted(long["region"].unique()))
    regions = _labels(codes, codes.map(names).fillna(""), codes.str[:3])
    sdg_codes = pd.Series([f"SDG{k:02d}" for k in SDG_NAMES])
    activities = _labels(sdg_codes, pd.Series(list(SDG_NAMES.values())))
    meta = {
        "title": "EU Horizon 2020 participations by NUTS2 region x SDG x project start year",
        "description": (
            "Participations of organisations located in each NUTS 2 region in Horizon 2020 "
            "projects related to each UN Sustainable Development Goal 1-16, by project start "
            "year 2014-2021 (a project with partners in two regions counts in both; the sums "
            "over NUTS 0, 1, 2 and 3 agree, so counts are additive). Unit: participations. "
            "NUTS level 2 was kept (levels 0, 1 and 3 are dropped to avoid double counting). "
            "The NUTS version follows the start year as published by Nesta: NUTS 2013 for "
            "2014-2015, NUTS 2016 for 2016-2020, NUTS 2021 for 2021, so a few codes change "
            "across years. SDG assignment is a machine-learning prediction by Nesta from "
            "project abstracts, not an official CORDIS field; experimental. 2014 is thin "
            "(few projects started that year in the data). Zero cells are absent in the source."
        ),
        "region_level": "NUTS2",
        "activity_classification": "SDG",
        "value_name": "participations",
        "unit": "project participations",
        "count_unit": 1,
        "source": "Nesta (EURITO project), GitHub nestauk/eurito_indicators, derived from "
        "European Commission CORDIS Horizon 2020 open data",
        "licence": "CORDIS data CC BY 4.0 (European Commission); the Nesta repository has no "
        "licence file: cite Nesta / EURITO",
        "citation": "Nesta, EURITO indicators (sdg_NN_project_count), from CORDIS Horizon 2020 "
        "projects; European Commission",
        "boundaries": "nuts2021-2",
    }
    return Built(long, regions, activities, meta)


def read_inegi(path: Path) -> pd.DataFrame:
    """The INEGI SAIC export as a table of data rows (all columns as text)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:  # the SOURCE.md says Latin-1; the copy is UTF-8 with a BOM
        text = data.decode("latin-1")
    raw = pd.read_csv(io.StringIO(text), skiprows=4, dtype=str, keep_default_na=False)
    raw = raw[raw.iloc[:, 0].str.fullmatch(r"\d{4}")]
    return raw.loc[:, [c for c in raw.columns if not c.startswith("Unnamed")]]


def build_mx(src: Path) -> Built:
    raw = read_inegi(src / "mx-inegi" / "SAIC_Exporta_2025922_13941551.csv")
    year_col, state_col, mun_col, act_col = raw.columns[:4]
    emp_col = next(c for c in raw.columns if c.startswith("H001A"))
    mun = raw[(raw[mun_col] != "") & raw[state_col].str.startswith("28 ")]
    # empty = suppressed by INEGI for confidentiality: kept as missing cells
    mcode = "28" + mun[mun_col].str[:3]
    act = mun[act_col].str.extract(r"^Sector (\S+) (.*)$")
    long = pd.DataFrame(
        {
            "period": mun[year_col].astype(np.int64),
            "region": mcode,
            "activity": act[0],
            "value": pd.to_numeric(mun[emp_col].replace("", np.nan)).astype(np.float64),
        }
    )
    allmun = raw[(raw[mun_col] != "") & raw[state_col].str.startswith("28 ")]
    regions = _labels(
        "28" + allmun[mun_col].str[:3], allmun[mun_col].str[4:], pd.Series(["28"] * len(allmun))
    )
    allact = raw[act_col].str.extract(r"^Sector (\S+) (.*)$")
    activities = _labels(allact[0], allact[1])
    meta = {
        "title": "Mexico (Tamaulipas) municipalities x SCIAN sectors, employment, economic "
        "censuses 2003-2023",
        "description": (
            "Total persons employed ('H001A Personal ocupado total') in the 43 municipalities "
            "of Tamaulipas (INEGI 5-digit codes 28001-28043) x 19 SCIAN sectors (2-digit; "
            "31-33, 48-49 as published), economic census reference years 2003, 2008, 2013, "
            "2018 and 2023. Unit: persons. Only Tamaulipas is in the source (not all states); "
            "the national and state total rows were dropped. Cells left empty by INEGI for "
            "confidentiality are kept as missing cells (not zeros), so municipal sums "
            "understate the state totals where cells are suppressed. Labels are the official "
            "Spanish names. 933 of the 2,789 municipal cells are suppressed (all of "
            "sector 55, corporate management, which so has no published value)."
        ),
        "region_level": "municipality",
        "activity_classification": "SCIAN sector",
        "value_name": "employment",
        "unit": "persons",
        "count_unit": 1,
        "source": "INEGI, Censos Economicos (SAIC query, Censos Economicos 2024 definitive "
        "results, queried 2025-09-22), via GitHub DaDoctorProctor/censal_2025",
        "licence": "INEGI Terminos de libre uso de la informacion (free reuse with attribution)",
        "citation": "INEGI. Censos Economicos 2004-2024, Sistema Automatizado de Informacion "
        "Censal (SAIC)",
        "boundaries": None,
    }
    return Built(long, regions, activities, meta)


def build_ardeco(src: Path) -> Built:
    raw = pd.read_csv(
        src / "eu-region-industry" / "ardeco_SNETZ_employment_nuts2_a10_2000_2019.csv",
        dtype={"NUTS": str},
        keep_default_na=False,
    )
    legacy = raw["Name"].str.contains(r"\(NUTS 20\d\d\)")
    cur = raw[~legacy]
    years = [c for c in raw.columns if re.fullmatch(r"\d{4}", c)]
    long = cur.melt(id_vars=["NUTS", "NACE"], value_vars=years, var_name="period")
    long = pd.DataFrame(
        {
            "period": long["period"].astype(np.int64),
            "region": long["NUTS"],
            "activity": long["NACE"],
            "value": long["value"].astype(np.float64),
        }
    )
    regions = _labels(cur["NUTS"], cur["Name"], cur["NUTS"].str[:3])
    codes = pd.Series(list(NACE_A10))
    activities = _labels(codes, codes.map(NACE_A10))
    dropped = ", ".join(sorted(raw.loc[legacy, "NUTS"].unique()))
    meta = {
        "title": "EU NUTS2 regions x NACE A*10 sectors, employment 2000-2019 (ARDECO)",
        "description": (
            "Employment by workplace (national-accounts concept, ARDECO series SNETZ) in "
            "thousands of persons, NUTS 2 regions of the EU-28 plus North Macedonia and Serbia "
            "x the ten NACE Rev.2 A*10 groups, 2000-2019. Unit: thousand persons (values as "
            f"published, one decimal). The ten legacy codes ({dropped}) that overlap current "
            "NUTS 2016/2021 regions were dropped to avoid double counting; the remaining codes "
            "mix NUTS 2016 and 2021. UK sector employment is not consistent with the UK "
            "regional totals, so use the UK rows for shares only. No missing cells; zero cells "
            "are left out."
        ),
        "region_level": "NUTS2",
        "activity_classification": "NACE Rev.2 A*10",
        "value_name": "employment",
        "unit": "thousand persons",
        "count_unit": 1000,
        "source": "European Commission, ARDECO (Annual Regional Database of the European "
        "Commission, JRC / DG REGIO), series SNETZ, downloaded mid-2024 (via GitHub "
        "EliaDG/Master-Thesis)",
        "licence": "CC BY 4.0 (reuse of Commission data, Decision 2011/833/EU)",
        "citation": "European Commission, ARDECO database, SNETZ employment by NACE A*10 "
        "sector, NUTS 2",
        "boundaries": "nuts2021-2",
    }
    return Built(long, regions, activities, meta)


def build_sbs(src: Path) -> Built:
    raw = pd.read_csv(
        src / "eu-region-industry" / "sbs_r_nuts06_r2_long.csv.gz",
        dtype={"geo": str, "nace_r2": str, "flag": str},
        keep_default_na=False,
    )
    sel = raw[
        (raw["indic_sb"] == "V16110")
        & (raw["nuts_level"] == 2)
        & raw["nace_r2"].str.fullmatch(r"[A-Z]\d\d")
        & ~raw["geo"].str.endswith("ZZ")  # extra-regio, not a territory
    ]
    # Finland 2010 holds both its NUTS 2006 and NUTS 2010 regions (FI18 = FI1B + FI1C): keep
    # the NUTS 2010 codes, which continue in 2011-2014, and drop the old ones for that year.
    sel = sel[~((sel["year"] == 2010) & sel["geo"].isin(["FI13", "FI18", "FI1A"]))]
    long = pd.DataFrame(
        {
            "period": sel["year"].astype(np.int64),
            "region": sel["geo"],
            "activity": sel["nace_r2"],
            # ':' (empty) is confidential ('c') or otherwise not published: kept as missing
            "value": pd.to_numeric(sel["value"].replace("", np.nan)).astype(np.float64),
        }
    )
    names = nuts_names(src)
    codes = pd.Series(sorted(long["region"].unique()))
    regions = _labels(codes, codes.map(names).fillna(""), codes.str[:3])
    nace = pd.read_csv(
        src / "classifications" / "nace" / "nace_rev2.csv",
        sep=";",
        dtype=str,
        keep_default_na=False,
    )
    div = nace[nace["Level"] == "2"]
    dnames = dict(zip(div["Parent"] + div["Code"], div["Description"], strict=True))
    acts = pd.Series(sorted(long["activity"].unique()))
    activities = _labels(acts, acts.map(dnames).fillna(""), acts.str[0])
    meta = {
        "title": "EU NUTS2 regions x NACE Rev.2 divisions, persons employed 2008-2015 (SBS)",
        "description": (
            "Persons employed (Eurostat structural business statistics, indicator V16110) in "
            "NUTS 2 regions x NACE Rev.2 divisions (2-digit, B05-N82 and S95; sections, "
            "groups and national/NUTS 1 rows dropped, so nothing is double counted), "
            "2008-2015. Unit: persons. No agriculture, finance or public services (outside "
            "the SBS scope). Confidential or unpublished cells (':', mostly flag 'c', some 'u' "
            "low reliability) are kept as missing cells, not zeros; values flagged "
            "provisional, break or low reliability are kept. Extra-regio "
            "codes (ESZZ, FRZZ) are dropped. Finland 2010 lists both its NUTS 2006 (FI13, "
            "FI18, FI1A) and NUTS 2010 (FI1B, FI1C, FI1D) regions; the old three were dropped "
            "for 2010 to avoid double counting. NUTS versions "
            "change across years (e.g. DE41/DE42 -> DE40 from 2011; Finland mixes NUTS 2010 "
            "and 2013 codes), and 2015 is incomplete (fewer regions)."
        ),
        "region_level": "NUTS2",
        "activity_classification": "NACE Rev.2 division",
        "value_name": "employment",
        "unit": "persons",
        "count_unit": 1,
        "source": "Eurostat, sbs_r_nuts06_r2 bulk download (2017 vintage, via GitHub "
        "kproductivity/creative-industries)",
        "licence": "CC BY 4.0 (Eurostat, reuse with acknowledgement)",
        "citation": "Eurostat (2017), SBS data by NUTS 2 regions and NACE Rev. 2 (sbs_r_nuts06_r2)",
        # RCA presence inverts the complexity ranking here (ECI vs GDP per head -0.55); RPOP
        # gives +0.60 to +0.70 in every year (docs/validation.md, "Complexity validity")
        "defaults": {"presence": "rpop"},
        "boundaries": "nuts2021-2",
    }
    return Built(long, regions, activities, meta)


BUILDERS: dict[str, Callable[[Path], Built]] = {
    "nz-urban-industry": build_nz,
    "au-sa3-industry": build_au,
    "us-state-industry": build_us,
    "world-trade": build_world,
    "eu-h2020-sdg": build_cordis,
    "mx-tamaulipas": build_mx,
    "eu-nuts2-ardeco": build_ardeco,
    "eu-nuts2-sbs": build_sbs,
}

#: A bundled file larger than this (bytes, gzipped) is not written.
MAX_GZ_BYTES = 1_500_000


# ---------------------------------------------------------------------------- writing
def tidy(long: pd.DataFrame, name: str) -> pd.DataFrame:
    """Check and normalise a long table: types, no NaN / negatives / repeats, no zeros, sorted."""
    out = long.loc[:, LONG_COLUMNS].copy()
    out["period"] = out["period"].astype(np.int64)
    out["region"] = out["region"].astype(str)
    out["activity"] = out["activity"].astype(str)
    values = out["value"]  # NaN: a suppressed or confidential cell, kept as missing
    if (values < 0).any():
        raise ValueError(f"{name}: negative values")
    if out.duplicated(["period", "region", "activity"]).any():
        raise ValueError(f"{name}: repeated (period, region, activity) keys")
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        out["value"] = values.astype("Int64")
    out = out[(out["value"] != 0).fillna(True)]  # keep missing cells, drop zeros
    out = out.sort_values(["period", "region", "activity"], kind="mergesort")
    return out.reset_index(drop=True)


def gzip_bytes(text: str) -> bytes:
    """Gzip with a fixed header (no name, mtime 0) so that builds are byte-identical."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as fh:
        fh.write(text.encode("utf-8"))
    return buf.getvalue()


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    path.write_text(frame.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def write_labels(name: str, src: Path, out: Path) -> None:
    """Write only the label files of a dataset (``--labels-only``): the data file and the
    registry are left as they are."""
    built = spanish_names(name, src, BUILDERS[name](src))
    long = tidy(built.long, name)
    for axis, table in (("region", built.regions), ("activity", built.activities)):
        kept = table[table["code"].isin(set(long[axis]))]
        write_csv(kept, out / f"{name}.{'regions' if axis == 'region' else 'activities'}.csv")
    print(f"{name}: label files written")


def build(name: str, src: Path, out: Path) -> dict | None:
    built = spanish_names(name, src, BUILDERS[name](src))
    long = tidy(built.long, name)
    payload = gzip_bytes(long.to_csv(index=False, lineterminator="\n"))
    if len(payload) > MAX_GZ_BYTES:
        print(f"{name}: {len(payload):,} bytes gzipped > {MAX_GZ_BYTES:,}; not bundled")
        return None
    (out / f"{name}.csv.gz").write_bytes(payload)
    regions = built.regions[built.regions["code"].isin(set(long["region"]))]
    activities = built.activities[built.activities["code"].isin(set(long["activity"]))]
    write_csv(regions, out / f"{name}.regions.csv")
    write_csv(activities, out / f"{name}.activities.csv")
    periods = sorted(int(p) for p in long["period"].unique())
    totals = long.groupby("period")["value"].sum()
    n_missing = int(long["value"].isna().sum())
    entry = {
        "name": name,
        **built.meta,
        "periods": periods,
        "n_regions": int(long["region"].nunique()),
        "n_activities": int(long["activity"].nunique()),
        "n_cells": len(long) - n_missing,
        "n_missing": n_missing,
        "totals": {str(int(p)): round(float(v), 6) for p, v in totals.items()},
        "bytes": len(payload),
    }
    print(
        f"{name}: {entry['n_regions']} regions x {entry['n_activities']} activities x "
        f"{len(periods)} periods, {len(long):,} non-zero cells, {len(payload):,} bytes"
    )
    return entry


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", nargs="*", choices=sorted(BUILDERS), default=None)
    parser.add_argument(
        "--labels-only", action="store_true", help="write only the region / activity label files"
    )
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"source folder {args.source} not found", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    if args.labels_only:
        for name in args.only or list(BUILDERS):
            write_labels(name, args.source, args.out)
        return 0
    registry_path = args.out / "registry.json"
    registry: dict[str, dict] = {}
    if args.only and registry_path.exists():
        registry = json.loads(registry_path.read_text(encoding="utf-8"))
    for name in args.only or list(BUILDERS):
        entry = build(name, args.source, args.out)
        if entry is not None:
            registry[name] = entry
        else:
            registry.pop(name, None)
    ordered = {n: registry[n] for n in BUILDERS if n in registry}
    registry_path.write_text(
        json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
