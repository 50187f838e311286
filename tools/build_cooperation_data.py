"""Build the CORDIS participation tables bundled with the cooperation domain.

Reads the CORDIS-derived extracts in ``shared/data/eu-mx-participation/`` (see its SOURCE.md) and
writes compact Parquet files (dictionary encoding, zstd) to
``src/smartspec/domains/cooperation/data/``:

``h2020_participations.parquet``
    All 144,726 Horizon 2020 participations of the eunets extract (2020-12-14), one row per
    project x organisation, with the programme parts of the project ``;``-joined.
``h2020_projects.parquet``
    Acronym and title of the H2020 projects that can be linked exactly: rcn -> grant number from the
    2016 project list (sod16), grant number -> title from the 2022 dashboard list (swiss).
``h2020_orgs.parquet``
    A name (and city / NUTS-3 where known) per PIC, from the first lookup that has it, in the
    order of the derived MX file: dashboard 2021, cordis-plus 2022/2023/2014/2007, ODFest 2017,
    sod16 2016, GB1609 FP7 2018; the GB1609 address (Mexican PICs only) as a separate column.
``fp7_links.parquet`` + ``fp7_orgs.parquet``
    The 135,670 FP7 project-organisation links less the 3 exact duplicates (as project rcn and a
    row number of the org table), and the 2016 organisation table (first row for the 82
    duplicated ids): name, country, city, NUTS-3. ``fp7_mx_orgs.parquet``: the Mexican ones with
    street address and postcode.
``mx_h2020_consortia.parquet`` / ``mx_fp7_consortia.parquet``
    The derived full consortia of the projects with a Mexican participant (837 / 1,281 rows).
``mexico_places.parquet``
    INEGI state and municipality names (for the Mexican state assignment).
``countries.parquet``
    CORDIS country code -> ISO3, English and Spanish short names (Harvard Growth Lab Atlas list).

Text repair: the FP7 files hold double-encoded UTF-8 (UTF-8 bytes read as Latin-1 / cp1252, e.g.
``MÃ©xico``; some names of other lookups as Mac Roman, ``Tecnolog√≠a``). A value is repaired
when re-encoding it as cp1252 (or Latin-1, or Mac Roman) and decoding as
UTF-8 succeeds and changes it; values that do not round-trip cleanly are kept as found.

Usage::

    .venv/bin/python tools/build_cooperation_data.py [--source DIR] [--out DIR]

Deterministic: the same inputs give the same tables.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "smartspec" / "domains" / "cooperation" / "data"

NUTS3 = re.compile(r"^[A-Z]{2}[0-9A-Z]{3}$")


def read(path: Path, **kwargs: object) -> pd.DataFrame:
    """A source table with every column as text ("" for empty; "NA" kept: it is Namibia)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, **kwargs)  # type: ignore[call-overload]


def unmojibake(text: str) -> str:
    """Undo one level of UTF-8-read-as-Latin-1 when it round-trips cleanly, else ``text``.

    >>> unmojibake("MÃ©xico D.F.")
    'México D.F.'
    >>> unmojibake("México")
    'México'
    >>> unmojibake("Ministerio de Ciencia, Tecnolog√≠a e Innovaci√≥n Productiva")
    'Ministerio de Ciencia, Tecnología e Innovación Productiva'
    """
    if not text or text.isascii():
        return text
    for codec in ("cp1252", "latin-1", "mac_roman"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text:
            return fixed
    return text


def fix_text(series: pd.Series) -> tuple[pd.Series, int]:
    """``series`` with :func:`unmojibake` applied, and the number of values changed."""
    fixed = series.map(unmojibake)
    return fixed, int((fixed != series).sum())


def first_nonempty(frame: pd.DataFrame, key: str, columns: list[str]) -> pd.DataFrame:
    """One row per ``key``: the first row with a non-empty first column of ``columns``.

    ``NA`` in a name column is R's missing-value marker of the cordis-plus files (no
    organisation is named "NA"), so it counts as empty; in ``country`` it is Namibia.
    """
    sub = frame[[key, *columns]]
    sub = sub[(sub[key] != "") & (~sub[columns[0]].str.strip().isin(["", "NA"]))]
    return sub.drop_duplicates(key, keep="first").set_index(key)


def h2020_orgs(src: Path) -> tuple[pd.DataFrame, dict[str, int]]:
    """name, city, nuts, name_source, address per PIC (order as in the derived MX file)."""
    lookups: list[tuple[str, pd.DataFrame]] = []
    dash = read(src / "h2020_dashboard_participations_2021.csv.gz")
    dash = dash.rename(columns={"legal_name": "name", "nuts_3_code": "nuts"})
    lookups.append(("dashboard_2021", first_nonempty(dash, "pic", ["name", "city", "nuts"])))
    for year in ("2022", "2023", "2014", "2007"):
        plus = read(src / f"cordisplus_participations_start{year}.csv.gz")
        plus = plus.rename(columns={"legal_name": "name"})
        lookups.append((f"cordisplus_start{year}", first_nonempty(plus, "pic", ["name"])))
    odf = read(src / "h2020_org_nodes_odfest_2017.csv.gz").rename(columns={"orgId": "pic"})
    lookups.append(("odfest_2017", first_nonempty(odf, "pic", ["name", "city"])))
    sod = read(src / "h2020_orgs_sod16_2016.tsv.gz", sep="\t").rename(columns={"new_org_id": "pic"})
    lookups.append(("sod16_2016", first_nonempty(sod, "pic", ["name"])))
    gb = read(src / "fp7_orgs_pic_gb1609_2018.csv.gz").rename(columns={"idOrganization": "pic"})
    gb["name"], _ = fix_text(gb["name"])
    gb["address"], _ = fix_text(gb["address"])
    lookups.append(("gb1609_fp7_2018", first_nonempty(gb, "pic", ["name"])))

    rows: dict[str, dict[str, str]] = {}
    counts: dict[str, int] = {}
    for source, table in lookups:
        n = 0
        for pic, rec in table.iterrows():
            if pic in rows:
                continue
            rows[str(pic)] = {
                "name": rec["name"].strip(),
                "city": rec.get("city", "").strip(),
                "nuts": rec.get("nuts", "").strip() if NUTS3.match(rec.get("nuts", "")) else "",
                "name_source": source,
            }
            n += 1
        counts[source] = n
    orgs = pd.DataFrame.from_dict(rows, orient="index")
    orgs.index.name = "org"
    address = gb.drop_duplicates("pic").set_index("pic")["address"]
    orgs = orgs.join(address.rename("address"), how="outer").fillna("")
    return orgs.reset_index(), counts


def build_h2020(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The H2020 participations and the projects' acronym / title table."""
    part = read(src / "h2020_participations_eunets_2020-12.csv.gz")
    assert len(part) == 144_726, len(part)
    parts = read(src / "h2020_programme_parts_eunets_2020-12.csv.gz")
    joined = (
        parts.drop_duplicates()
        .sort_values(["rcn", "programme_part"])
        .groupby("rcn")["programme_part"]
        .agg(";".join)
    )
    frame = pd.DataFrame(
        {
            "project": part["rcn"].astype(np.int32),
            "org": part["pic"].astype(np.int64),
            "role": part["role"].replace("NA", ""),
            "type": part["type"].replace("NA", ""),
            "country": part["country"],
            "contribution": pd.to_numeric(part["contribution"].replace("NA", ""), errors="coerce"),
            "start_year": pd.to_numeric(
                part["start_year"].replace("NA", ""), errors="coerce"
            ).astype("Int16"),
            "parts": part["rcn"].map(joined).fillna(""),
        }
    )
    proj = read(src / "h2020_projects_sod16_2016.tsv.gz", sep="\t")
    proj = proj[proj["rcn"].isin(set(part["rcn"]))]
    swiss = read(src / "h2020_projects_list_swiss_2022-02.csv.gz")
    titles = swiss.drop_duplicates("Project Nbr").set_index("Project Nbr")["Project Title"]
    projects = pd.DataFrame(
        {
            "project": proj["rcn"].astype(np.int32),
            "grant": proj["reference"],
            "acronym": proj["acronym"].str.strip(),
            "title": proj["reference"].map(titles).fillna("").str.strip(),
        }
    ).drop_duplicates("project")
    return frame, projects.sort_values("project").reset_index(drop=True)


def build_fp7(src: Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, int]]:
    """FP7 links joined to the org table; and the org table (with address) itself."""
    edges = read(src / "fp7_project_org_edges_sod16_2016.tsv.gz", sep="\t")
    assert len(edges) == 135_670, len(edges)
    dups = int(edges.duplicated().sum())
    edges = edges.drop_duplicates()
    orgs = read(src / "fp7_orgs_sod16_2016.csv.gz", sep=";", encoding="utf-8")
    orgs = orgs.drop_duplicates("new_org_id", keep="first")
    fixed = {}
    for column in ("organisationName", "city", "street"):
        orgs[column], fixed[column] = fix_text(orgs[column])
    orgs = orgs.rename(
        columns={
            "new_org_id": "org",
            "organisationName": "name",
            "REGION_Level_NUTS_3": "nuts",
            "street": "address",
            "postCode": "postcode",
        }
    )
    orgs["nuts"] = orgs["nuts"].where(orgs["nuts"].str.match(NUTS3), "")
    for column in ("name", "city", "address", "postcode"):
        orgs[column] = orgs[column].str.strip()
    orgs = orgs[["org", "name", "country", "city", "nuts", "address", "postcode"]]
    frame = edges.rename(columns={"projectRcn": "project", "new_org_id": "org"}).merge(
        orgs[["org", "name", "country", "city", "nuts"]], on="org", how="left", validate="m:1"
    )
    assert frame["name"].notna().all()
    frame["project"] = frame["project"].astype(np.int32)
    fixed["duplicate_edges"] = dups
    return frame.reset_index(drop=True), orgs.reset_index(drop=True), fixed


def build_mx(src: Path, orgs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The derived MX consortia files, reduced to the bundled layout. A name ``NA`` (R's
    missing value in the cordis-plus lookups) is replaced by the next lookup's name, as in
    :func:`h2020_orgs` (``orgs``), or left empty."""
    h = read(src / "mx_h2020_consortia_eunets_2020-12.csv")
    assert len(h) == 837
    lookup = orgs.set_index("org")
    missing = h["name"].str.strip().isin(["", "NA"])
    h.loc[missing, "name"] = h.loc[missing, "pic"].map(lookup["name"]).fillna("")
    h.loc[missing, "name_source"] = h.loc[missing, "pic"].map(lookup["name_source"]).fillna("")
    mx_h = pd.DataFrame(
        {
            "project": h["rcn"].astype(np.int32),
            "org": h["pic"],
            "name": h["name"].map(unmojibake).str.strip(),
            "role": h["role"].replace("NA", ""),
            "type": h["type"].replace("NA", ""),
            "country": h["country"],
            "city": h["city"].str.strip(),
            "nuts": h["nuts_3_code"].where(h["nuts_3_code"].str.match(NUTS3), ""),
            "contribution": pd.to_numeric(h["contribution"].replace("NA", ""), errors="coerce"),
            "start_year": pd.to_numeric(h["start_year"], errors="coerce").astype("Int16"),
            "parts": h["programme_parts"],
            "acronym": h["acronym_sod16"].str.strip(),
            "grant": h["projectID_sod16"],
            "name_source": h["name_source"],
            "address": h["address_gb1609"].map(unmojibake),
            "is_mx": h["is_mx"] == "True",
        }
    )
    f = read(src / "mx_fp7_consortia_sod16_2016.csv")
    assert len(f) == 1281
    mx_f = pd.DataFrame(
        {
            "project": f["projectRcn"].astype(np.int32),
            "org": f["new_org_id"],
            "name": f["organisationName"].map(unmojibake).str.strip(),
            "country": f["country"],
            "city": f["city"].map(unmojibake).str.strip(),
            "nuts": f["REGION_Level_NUTS_3"].where(f["REGION_Level_NUTS_3"].str.match(NUTS3), ""),
            "address": f["street"].map(unmojibake).str.strip(),
            "postcode": f["postCode"].str.strip(),
            "is_mx": f["is_mx"] == "True",
        }
    )
    return mx_h, mx_f


def build_places(shared: Path) -> pd.DataFrame:
    """INEGI states and municipalities: state code, state name, municipality code and name."""
    inegi = read(shared / "classifications" / "cid-harvard" / "locations_mexico_inegi.csv")
    states = inegi[inegi["level"] == "department"].set_index("code")["name_es"]
    muni = inegi[inegi["level"] == "municipality"]
    rows = [("state", code, code, name) for code, name in states.items()]
    rows += [
        ("municipality", c[:2], c, n) for c, n in zip(muni["code"], muni["name_es"], strict=True)
    ]
    places = pd.DataFrame(rows, columns=["level", "state", "code", "name"])
    places["state_name"] = places["state"].map(states)
    assert len(places) == 32 + 2457, len(places)
    return places


#: Codes in the CORDIS tables that the Atlas list lacks (Kosovo is XK in H2020, KO in FP7; GR is
#: used by a few FP7 records for Greece).
EXTRA_COUNTRIES = [
    ("GR", "GRC", "Greece", "Grecia"),
    ("XK", "XKX", "Kosovo", "Kosovo"),
    ("KO", "XKX", "Kosovo", "Kosovo"),
    ("LI", "LIE", "Liechtenstein", "Liechtenstein"),
    ("MC", "MCO", "Monaco", "Mónaco"),
    ("VA", "VAT", "Vatican City", "Ciudad del Vaticano"),
    ("GF", "GUF", "French Guiana", "Guayana Francesa"),
    ("JE", "JEY", "Jersey", "Jersey"),
    ("AI", "AIA", "Anguilla", "Anguila"),
    ("BQ", "BES", "Caribbean Netherlands", "Caribe Neerlandés"),
    ("UM", "UMI", "US Minor Outlying Islands", "Islas Ultramarinas de EE. UU."),
    ("WF", "WLF", "Wallis and Futuna", "Wallis y Futuna"),
]


def build_countries(shared: Path, codes: set[str]) -> pd.DataFrame:
    """CORDIS country code (UK, EL; ISO 3166 alpha-2 otherwise) -> ISO3, English, Spanish name."""
    atlas = read(shared / "classifications" / "cid-harvard" / "locations_international_atlas.csv")
    atlas = atlas[(atlas["level"] == "country") & (atlas["iso2"] != "")]
    cordis = atlas["iso2"].replace({"GB": "UK", "GR": "EL"})
    table = pd.DataFrame(
        {
            "country": cordis,
            "iso3": atlas["code"],
            "name_en": atlas["name_short_en"],
            "name_es": atlas["name_short_es"],
        }
    ).drop_duplicates("country")
    extra = pd.DataFrame(EXTRA_COUNTRIES, columns=["country", "iso3", "name_en", "name_es"])
    table = pd.concat([table, extra[~extra["country"].isin(table["country"])]])
    table = table[table["country"].isin(codes)].sort_values("country").reset_index(drop=True)
    return table


def write(frame: pd.DataFrame, path: Path) -> int:
    """Write ``frame`` as zstd Parquet with dictionary-encoded text; the file size."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(
        table,
        path,
        compression="zstd",
        compression_level=19,
        use_dictionary=True,
        write_statistics=False,
    )
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    """Build every bundled table; print sizes and the repair counts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    src = args.source / "eu-mx-participation"
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    h2020, projects = build_h2020(src)
    orgs, name_counts = h2020_orgs(src)
    orgs = orgs[orgs["org"].isin(set(h2020["org"].astype(str)))]
    mx_pics = set(h2020.loc[h2020["country"] == "MX", "org"].astype(str))
    orgs["address"] = orgs["address"].where(orgs["org"].isin(mx_pics), "")
    orgs = orgs.sort_values("org").reset_index(drop=True)
    orgs["org"] = orgs["org"].astype(np.int64)
    fp7, fp7_orgs, fixed = build_fp7(src)
    mx_h, mx_f = build_mx(src, orgs.assign(org=orgs["org"].astype(str)))
    places = build_places(args.source)
    countries = build_countries(args.source, set(h2020["country"]) | set(fp7["country"]))
    fp7_mx = fp7_orgs[fp7_orgs["country"] == "MX"]
    fp7_table = fp7_orgs[fp7_orgs["org"].isin(set(fp7["org"]))].sort_values("org")
    fp7_table = fp7_table[["org", "name", "country", "city", "nuts"]].reset_index(drop=True)
    index = pd.Series(np.arange(len(fp7_table), dtype=np.int32), index=fp7_table["org"])
    links = pd.DataFrame({"project": fp7["project"], "org": fp7["org"].map(index).astype(np.int32)})
    links = links.sort_values(["project", "org"]).reset_index(drop=True)
    sizes = {
        "h2020_participations.parquet": write(h2020, out / "h2020_participations.parquet"),
        "h2020_projects.parquet": write(projects, out / "h2020_projects.parquet"),
        "h2020_orgs.parquet": write(orgs, out / "h2020_orgs.parquet"),
        "fp7_links.parquet": write(links, out / "fp7_links.parquet"),
        "fp7_orgs.parquet": write(fp7_table, out / "fp7_orgs.parquet"),
        "fp7_mx_orgs.parquet": write(fp7_mx, out / "fp7_mx_orgs.parquet"),
        "mx_h2020_consortia.parquet": write(mx_h, out / "mx_h2020_consortia.parquet"),
        "mx_fp7_consortia.parquet": write(mx_f, out / "mx_fp7_consortia.parquet"),
        "mexico_places.parquet": write(places, out / "mexico_places.parquet"),
        "countries.parquet": write(countries, out / "countries.parquet"),
    }
    for name, size in sizes.items():
        print(f"{name:32s} {size:>10,d} bytes")
    print(f"{'total':32s} {sum(sizes.values()):>10,d} bytes")
    print("H2020 names by source:", name_counts)
    print("FP7 repairs / duplicates:", fixed)
    missing = sorted((set(h2020["country"]) | set(fp7["country"])) - set(countries["country"]))
    print("country codes without a name:", missing)
    print("rows:", len(h2020), len(projects), len(orgs), len(fp7), len(mx_h), len(mx_f))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
