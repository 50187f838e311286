"""Build the context (income / productivity) series bundled next to the datasets.

For each bundled dataset with a real source of regional income or productivity in
``shared/data``, writes ``src/smartspec/datasets/data/<name>.context.csv.gz`` (columns
``period, region, gdp, population, gdp_per_head`` plus dataset-specific series) and records the
units, sources and the per-period matching of region codes in ``context.json`` next to it.
Read them with :func:`smartspec.datasets.context`.

Only the dataset's own periods and region codes are written, and only values that exist in the
source: a region code that is neither in the source nor a pure recode of a source code (same
territory, new code, according to Eurostat's NUTS history) gets no row, and a year the source
does not cover gets no value. Nothing is interpolated or carried to another year.

Usage::

    .venv/bin/python tools/build_context.py [--source DIR] [--data DIR] [--out DIR]

Deterministic: the same inputs give byte-identical outputs.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_datasets import gzip_bytes, read_inegi

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "src" / "smartspec" / "datasets" / "data"

BASE_COLUMNS = ["period", "region", "gdp", "population", "gdp_per_head"]

#: Changes in the NUTS history that keep the territory (only the code and/or name change).
SAME_TERRITORY = {
    "",
    "code change",
    "name change",
    "code change, name change",
    "code change, name changes",
    "code, name change",
    "recoded",
    "recoded and relabelled",
}
NUTS_VERSIONS = ("2003", "2006", "2010", "2013", "2016", "2021")


@dataclass
class Context:
    """One dataset's context table with its column metadata and matching report."""

    table: pd.DataFrame
    columns: dict[str, dict[str, str]]
    matching: dict[str, dict[str, int]] = field(default_factory=dict)
    notes: str = ""


# ---------------------------------------------------------------------------- helpers
def dataset_long(data: Path, name: str) -> pd.DataFrame:
    """The bundled long table of a dataset (as built by tools/build_datasets.py); an empty
    value (a cell suppressed in the source) is NaN."""
    frame = pd.read_csv(
        data / f"{name}.csv.gz",
        dtype={"period": np.int64, "region": str, "activity": str, "value": str},
        keep_default_na=False,
    )
    frame["value"] = pd.to_numeric(frame["value"].replace("", np.nan))
    return frame


def dataset_keys(long: pd.DataFrame) -> pd.DataFrame:
    """Every (period, region) of the dataset: its periods x its region codes, sorted."""
    periods = sorted(long["period"].unique())
    regions = sorted(long["region"].unique())
    index = pd.MultiIndex.from_product([periods, regions], names=["period", "region"])
    return index.to_frame(index=False)


def with_data(long: pd.DataFrame) -> pd.Series:
    """Per period, the regions with at least one positive value (a set of codes)."""
    has = long[long["value"].fillna(0) > 0]
    return has.groupby("period")["region"].agg(lambda r: set(r))


def report(long: pd.DataFrame, table: pd.DataFrame, series: list[str]) -> dict[str, dict]:
    """Per period: the dataset's regions with data, and how many of them have each series.

    ``recoded`` counts those matched through a NUTS recode (``nuts2016`` differs from the code).
    """
    out: dict[str, dict] = {}
    regions = with_data(long)
    for period, codes in regions.items():
        got = table[(table["period"] == period) & table["region"].isin(codes)]
        entry = {"regions_with_data": len(codes)}
        if "nuts2016" in got.columns:
            matched = got[got["nuts2016"].notna()]
            entry["recoded"] = int((matched["region"] != matched["nuts2016"]).sum())
        for column in series:
            entry[column] = int(got[column].notna().sum())
        out[str(int(period))] = entry
    return out


def recodes_to_2016(src: Path) -> dict[str, str]:
    """Older NUTS 2 code -> NUTS 2016 code, for pure recodes only (same territory).

    From Eurostat's NUTS history (``classifications/nuts/nuts_changes.csv``): a code of version
    ``v`` maps to the 2016 code of the same row when every change recorded after ``v`` up to 2016
    is a code or name change. Codes whose territory changed (splits, merges, boundary shifts,
    new regions) are not mapped, and neither are codes that appear in more than one lineage.
    """
    hist = pd.read_csv(
        src / "classifications" / "nuts" / "nuts_changes.csv", dtype=str, keep_default_na=False
    )
    hist = hist[hist["typology"] == "nuts_level_2"]
    found: dict[str, set[str]] = {}
    for _, row in hist.iterrows():
        target = row["code_2016"]
        for i, version in enumerate(NUTS_VERSIONS[:4]):  # versions before 2016
            code = row[f"code_{version}"]
            if not code or "(" in code:
                continue
            later = NUTS_VERSIONS[i + 1 : 5]
            pure = all(row[f"change_{w}"].strip().lower() in SAME_TERRITORY for w in later)
            found.setdefault(code, set()).add(target if (target and pure) else "")
    return {
        code: next(iter(targets))
        for code, targets in found.items()
        if len(targets) == 1 and next(iter(targets)) and next(iter(targets)) != code
    }


def eurostat_context(src: Path) -> pd.DataFrame:
    """Eurostat NUTS 2 (2016 codes) GDP, population and household income, by (year, code)."""
    raw = pd.read_csv(
        src / "eu-regional-context" / "eu_all_geo_data.csv.gz",
        dtype=str,
        keep_default_na=False,
    )
    tables = {
        "tgs00003": ("gdp", "MIO_EUR"),
        "tgs00096": ("population", "NR"),
        "tgs00026": ("household_income_pps", "PPS_HAB"),
    }
    parts = []
    for code, (column, unit) in tables.items():
        sel = raw[(raw["input_var_code"] == code) & (raw["geo"].str.len() == 4)]
        if set(sel["unit"]) != {unit}:
            raise ValueError(f"{code}: unexpected units {sorted(set(sel['unit']))}")
        if code == "tgs00096":
            sel = sel[(sel["sex"] == "T") & (sel["age"] == "TOTAL")]
        sel = sel[sel["values"] != ""]
        part = pd.DataFrame(
            {
                "period": sel["time"].astype(np.int64),
                "code": sel["geo"],
                "value": sel["values"].astype(np.float64),
            }
        )
        if part.duplicated(["period", "code"]).any():
            raise ValueError(f"{code}: repeated (year, region)")
        parts.append(part.set_index(["period", "code"])["value"].rename(column))
    return pd.concat(parts, axis=1).sort_index()


def ardeco_employment(src: Path) -> pd.Series:
    """ARDECO employment (SNETZ, workplace), all ten A*10 sectors summed, in persons, by
    (year, NUTS code); no UK rows (UK sector employment is inconsistent with the UK totals)."""
    raw = pd.read_csv(
        src / "eu-region-industry" / "ardeco_SNETZ_employment_nuts2_a10_2000_2019.csv",
        dtype={"NUTS": str},
        keep_default_na=False,
    )
    raw = raw[~raw["Name"].str.contains(r"\(NUTS 20\d\d\)") & ~raw["NUTS"].str.startswith("UK")]
    years = [c for c in raw.columns if c.isdigit() and len(c) == 4]
    melted = raw.melt(id_vars=["NUTS", "NACE"], value_vars=years, var_name="period")
    melted["value"] = pd.to_numeric(melted["value"].replace("", np.nan))
    melted["period"] = melted["period"].astype(np.int64)
    grouped = melted.groupby(["period", "NUTS"])["value"]
    total = (grouped.sum(min_count=1) * 1e3).where(grouped.count() == 10)
    total.index = total.index.set_names(["period", "code"])
    return total.dropna().rename("employment")


def per_head(gdp: pd.Series, population: pd.Series, scale: float) -> pd.Series:
    """``gdp * scale / population`` where both exist, else NaN."""
    out = gdp * scale / population
    return out.where(gdp.notna() & population.notna() & (population > 0))


def match_nuts(keys: pd.DataFrame, source: pd.DataFrame, recode: dict[str, str]) -> pd.DataFrame:
    """Attach the source's (period, NUTS 2016 code) values to the dataset's (period, region).

    A dataset code takes the values of the same NUTS 2016 code, or of the code it was renamed
    to (``recode``); the code used is kept in ``nuts2016``. Rows without any value are dropped.
    """
    keys = keys.assign(nuts2016=keys["region"].map(lambda c: recode.get(c, c)))
    table = keys.merge(
        source.reset_index().rename(columns={"code": "nuts2016"}),
        on=["period", "nuts2016"],
        how="left",
    )
    table = table[table[list(source.columns)].notna().any(axis=1)].reset_index(drop=True)
    table["gdp_per_head"] = per_head(table["gdp"], table["population"], 1e6)
    return table


EUROSTAT_COLUMNS = {
    "gdp": {
        "unit": "million EUR, current prices",
        "source": "Eurostat tgs00003 (regional GDP, NUTS 2016), via eu-regional-context",
    },
    "population": {
        "unit": "persons, 1 January",
        "source": "Eurostat tgs00096 (population on 1 January, NUTS 2016)",
    },
    "gdp_per_head": {
        "unit": "EUR per inhabitant, current prices",
        "source": "gdp x 1e6 / population, same year (only where both exist)",
    },
    "household_income_pps": {
        "unit": "PPS per inhabitant",
        "source": "Eurostat tgs00026 (disposable income of private households, NUTS 2016)",
    },
    "employment": {
        "unit": "persons employed (workplace), all sectors",
        "source": "ARDECO SNETZ, sum of the ten NACE A*10 sectors, by NUTS 2016/2021 code; "
        "none for UK regions (sector employment inconsistent with UK totals)",
    },
    "nuts2016": {
        "unit": "code",
        "source": "the NUTS 2016 code whose values were used (the region itself, or the code "
        "it was renamed to without a change of territory)",
    },
}


# ---------------------------------------------------------------------------- builders
def build_eu(name: str) -> Callable[[Path, Path], Context]:
    def build(src: Path, data: Path) -> Context:
        long = dataset_long(data, name)
        keys = dataset_keys(long)
        source = pd.concat([eurostat_context(src), ardeco_employment(src)], axis=1)
        table = match_nuts(keys, source, recodes_to_2016(src))
        columns = dict(EUROSTAT_COLUMNS)
        if name == "eu-nuts2-ardeco":
            table, columns = add_ardeco_gva(src, long, keys, table, columns)
        order = [*BASE_COLUMNS, *[c for c in columns if c not in BASE_COLUMNS]]
        series = [c for c in order if c not in ("period", "region", "nuts2016")]
        return Context(table.loc[:, order], columns, report(long, table, series))

    return build


def add_ardeco_gva(
    src: Path,
    long: pd.DataFrame,
    keys: pd.DataFrame,
    table: pd.DataFrame,
    columns: dict[str, dict[str, str]],
) -> tuple[pd.DataFrame, dict[str, dict[str, str]]]:
    """ARDECO GVA (SUVGZ, sum of the ten A*10 sectors) and GVA per person employed (SNETZ).

    A region-year with an empty GVA sector gets no total. UK rows get no GVA per worker: the
    source notes that UK sector employment is inconsistent with the UK regional totals.
    """
    gva = pd.read_csv(
        src / "eu-region-industry" / "ardeco_SUVGZ_gva_nuts2_a10_2000_2019.csv",
        dtype={"NUTS": str},
        keep_default_na=False,
    )
    gva = gva[~gva["Name"].str.contains(r"\(NUTS 20\d\d\)")]
    years = [c for c in gva.columns if c.isdigit() and len(c) == 4]
    melted = gva.melt(id_vars=["NUTS", "NACE"], value_vars=years, var_name="period")
    melted["value"] = pd.to_numeric(melted["value"].replace("", np.nan))
    melted["period"] = melted["period"].astype(np.int64)
    grouped = melted.groupby(["period", "NUTS"])["value"]
    total = grouped.sum(min_count=1).where(grouped.count() == 10)
    total.index = total.index.set_names(["period", "region"])
    employment = long.groupby(["period", "region"])["value"].sum()  # thousand persons
    index = pd.MultiIndex.from_frame(keys)
    extra = pd.DataFrame(index=index)
    extra["gva"] = total.reindex(index)
    extra["gva_per_worker"] = extra["gva"] * 1e6 / (employment.reindex(index) * 1e3)
    uk = extra.index.get_level_values("region").str.startswith("UK")
    extra.loc[uk, "gva_per_worker"] = np.nan
    extra = extra.reset_index()
    merged = extra.merge(table, on=["period", "region"], how="outer")
    value_cols = [c for c in merged.columns if c not in ("period", "region", "nuts2016")]
    merged = merged[merged[value_cols].notna().any(axis=1)]
    merged = merged.sort_values(["period", "region"]).reset_index(drop=True)
    columns = {
        **columns,
        "gva": {
            "unit": "million EUR, current prices",
            "source": "ARDECO SUVGZ, sum of the ten NACE A*10 sectors (none missing)",
        },
        "gva_per_worker": {
            "unit": "EUR per person employed, current prices",
            "source": "gva x 1e6 / (ARDECO SNETZ employment, thousand persons, x 1e3); "
            "not given for UK regions (sector employment inconsistent with UK totals)",
        },
    }
    return merged, columns


def build_world(src: Path, data: Path) -> Context:
    long = dataset_long(data, "world-trade")
    raw = pd.read_csv(
        src / "world-trade-complexity" / "world_gdp_avg_1998_to_2000.csv",
        dtype={"country": str},
        keep_default_na=False,
    )
    code = raw["country"].str.upper().replace({"ROM": "ROU"})
    gdp_pc = pd.Series(pd.to_numeric(raw["value"].replace("", np.nan)).to_numpy(), index=code)
    gdp_pc = gdp_pc[gdp_pc.notna()]
    regions = sorted(long["region"].unique())
    matched = [r for r in regions if r in gdp_pc.index]
    table = pd.DataFrame(
        {
            "period": 2000,
            "region": matched,
            "gdp": np.nan,
            "population": np.nan,
            "gdp_per_head": gdp_pc.reindex(matched).to_numpy(),
        }
    )
    columns = {
        "gdp": {"unit": "-", "source": "not in the source (NaN)"},
        "population": {"unit": "-", "source": "not in the source (NaN)"},
        "gdp_per_head": {
            "unit": "US dollars per person, average 1998-2000 (year-2000 USD)",
            "source": "R economiccomplexity world_gdp_avg_1998_to_2000 (World Bank WDI), via "
            "world-trade-complexity",
        },
    }
    return Context(table, columns, report(long, table, ["gdp_per_head"]))


def build_us(src: Path, data: Path) -> Context:
    long = dataset_long(data, "us-state-industry")
    raw = pd.read_csv(
        src / "us-state-industry" / "us_state_2digitnaics_2021.csv",
        encoding="utf-8-sig",
        dtype=str,
        keep_default_na=False,
    )
    raw = raw[(raw["Enterprise_Size"] == "01: Total") & (raw["State"] != "00")]
    pay = raw["Annual_Payroll_($1,000)"].astype(np.float64)
    emp = raw["Employment"].astype(np.float64)
    totals = pd.DataFrame({"state": raw["State"], "pay": pay, "emp": emp}).groupby("state").sum()
    regions = sorted(long["region"].unique())
    matched = [r for r in regions if r in totals.index]
    sel = totals.reindex(matched)
    table = pd.DataFrame(
        {
            "period": 2021,
            "region": matched,
            "gdp": np.nan,
            "population": np.nan,
            "gdp_per_head": np.nan,
            "payroll_per_employee": (sel["pay"] * 1e3 / sel["emp"]).to_numpy(),
        }
    )
    columns = {
        "gdp": {"unit": "-", "source": "no state GDP in shared/data (NaN)"},
        "population": {"unit": "-", "source": "no state population in shared/data (NaN)"},
        "gdp_per_head": {"unit": "-", "source": "no state GDP in shared/data (NaN)"},
        "payroll_per_employee": {
            "unit": "US dollars per employee per year (annual payroll / mid-March employees)",
            "source": "US Census SUSB 2021, sum over the 20 NAICS sectors, enterprise size "
            "'01: Total' (a wage, not an output measure)",
        },
    }
    return Context(table, columns, report(long, table, ["payroll_per_employee"]))


def build_mx(src: Path, data: Path) -> Context:
    long = dataset_long(data, "mx-tamaulipas")
    raw = read_inegi(src / "mx-inegi" / "SAIC_Exporta_2025922_13941551.csv")
    year_col, state_col, mun_col = raw.columns[:3]
    emp_col = next(c for c in raw.columns if c.startswith("H001A"))
    va_col = next(c for c in raw.columns if c.startswith("A131A"))
    mun = raw[(raw[mun_col] != "") & raw[state_col].str.startswith("28 ")]
    mun = mun[(mun[emp_col] != "") & (mun[va_col] != "")]  # both empty where suppressed
    frame = pd.DataFrame(
        {
            "period": mun[year_col].astype(np.int64),
            "region": "28" + mun[mun_col].str[:3],
            "va": mun[va_col].astype(np.float64),
            "emp": mun[emp_col].astype(np.float64),
        }
    )
    sums = frame.groupby(["period", "region"]).sum()
    keys = dataset_keys(long)
    sel = sums.reindex(pd.MultiIndex.from_frame(keys))
    ok = sel["emp"] > 0
    table = pd.DataFrame(
        {
            "period": keys["period"].to_numpy(),
            "region": keys["region"].to_numpy(),
            "gdp": np.nan,
            "population": np.nan,
            "gdp_per_head": np.nan,
            "value_added": sel["va"].to_numpy(),
            "va_per_worker": (sel["va"] * 1e6 / sel["emp"]).where(ok).to_numpy(),
        }
    )
    table = table[table["va_per_worker"].notna()].reset_index(drop=True)
    columns = {
        "gdp": {"unit": "-", "source": "no municipal GDP in shared/data (NaN)"},
        "population": {
            "unit": "-",
            "source": "only the 2020 census population exists (boundaries/mx-states), which is "
            "not a census year of the dataset: not bundled (NaN)",
        },
        "gdp_per_head": {"unit": "-", "source": "no municipal GDP in shared/data (NaN)"},
        "value_added": {
            "unit": "million Mexican pesos, current prices",
            "source": "INEGI Censos Economicos 'A131A Valor agregado censal bruto', sum over the "
            "SCIAN sectors INEGI reports for the municipality (suppressed sectors missing)",
        },
        "va_per_worker": {
            "unit": "Mexican pesos per person employed, current prices",
            "source": "value_added x 1e6 / 'H001A Personal ocupado total' over the same "
            "reported sectors",
        },
    }
    return Context(table, columns, report(long, table, ["va_per_worker"]))


BUILDERS: dict[str, Callable[[Path, Path], Context]] = {
    "us-state-industry": build_us,
    "world-trade": build_world,
    "eu-h2020-sdg": build_eu("eu-h2020-sdg"),
    "mx-tamaulipas": build_mx,
    "eu-nuts2-ardeco": build_eu("eu-nuts2-ardeco"),
    "eu-nuts2-sbs": build_eu("eu-nuts2-sbs"),
}


def write(name: str, ctx: Context, out: Path) -> dict:
    """Write ``<name>.context.csv.gz`` and return the ``context.json`` entry."""
    table = ctx.table.sort_values(["period", "region"], kind="mergesort").reset_index(drop=True)
    if table.duplicated(["period", "region"]).any():
        raise ValueError(f"{name}: repeated (period, region)")
    text = table.to_csv(index=False, lineterminator="\n", float_format="%.10g")
    (out / f"{name}.context.csv.gz").write_bytes(gzip_bytes(text))
    return {
        "columns": {c: ctx.columns[c] for c in table.columns if c in ctx.columns},
        "matching": ctx.matching,
        "rows": len(table),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_OUT, help="folder of the bundled datasets (read)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="folder for the context files (written)"
    )
    args = parser.parse_args(argv)
    if not args.source.is_dir():
        print(f"source folder {args.source} not found", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {}
    for name, builder in BUILDERS.items():
        meta[name] = write(name, builder(args.source, args.data), args.out)
        for period, counts in meta[name]["matching"].items():
            print(name, period, counts)
    (args.out / "context.json").write_text(
        json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
