"""Rebuild the map shapes in ``static/maps/`` from the shared boundary files (maintainers only).

The dashboard draws maps from small TopoJSON files served by smartspec itself. This script makes
them from the original boundary files (see ``static/maps/SOURCES.md``) with ``mapshaper`` (npm,
run from a scratch folder; it is not a smartspec dependency)::

    cd /tmp && npm install mapshaper@0.6
    python -m smartspec.services.web.build_maps /work/shared/data/boundaries \\
        /tmp/node_modules/.bin/mapshaper

Every output file has one object, ``regions``; each geometry has ``id`` = the region code that
datasets use (NUTS code, US state FIPS, Mexican INEGI state code, ISO 3166 alpha-3) and
``properties = {"name": ..., "alt": [other codes]}`` (US postal codes, ISO alpha-2,
Mexican state abbreviations) so that uploads coded another way still find their shapes.
"""

from __future__ import annotations

import csv
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path

MAPS = Path(__file__).parent / "static" / "maps"

#: Keep Europe and the Atlantic islands (Azores, Madeira, Canaries); the French outermost
#: regions (Guadeloupe, Martinique, Guiana, Reunion, Mayotte) would stretch the map to the
#: tropics, so they are left out and listed as "without shape" in the dashboard.
EUROPE_BBOX = "-32,27,45,72"

US_POSTAL = {
    "01": "AL",
    "02": "AK",
    "04": "AZ",
    "05": "AR",
    "06": "CA",
    "08": "CO",
    "09": "CT",
    "10": "DE",
    "11": "DC",
    "12": "FL",
    "13": "GA",
    "15": "HI",
    "16": "ID",
    "17": "IL",
    "18": "IN",
    "19": "IA",
    "20": "KS",
    "21": "KY",
    "22": "LA",
    "23": "ME",
    "24": "MD",
    "25": "MA",
    "26": "MI",
    "27": "MN",
    "28": "MS",
    "29": "MO",
    "30": "MT",
    "31": "NE",
    "32": "NV",
    "33": "NH",
    "34": "NJ",
    "35": "NM",
    "36": "NY",
    "37": "NC",
    "38": "ND",
    "39": "OH",
    "40": "OK",
    "41": "OR",
    "42": "PA",
    "44": "RI",
    "45": "SC",
    "46": "SD",
    "47": "TN",
    "48": "TX",
    "49": "UT",
    "50": "VT",
    "51": "VA",
    "53": "WA",
    "54": "WV",
    "55": "WI",
    "56": "WY",
    "60": "AS",
    "66": "GU",
    "69": "MP",
    "72": "PR",
    "78": "VI",
}


def _run(mapshaper: str, *args: str) -> None:
    subprocess.run([mapshaper, *args], check=True, capture_output=True)


def _rewrite(path: Path, ids: dict[str, tuple[str, str, list[str]]] | None = None) -> None:
    """Rename the object to ``regions`` and keep ``id``, ``name`` and ``alt`` only."""
    topo = json.loads(path.read_text(encoding="utf-8"))
    (obj,) = topo["objects"].values()
    kept = []
    for geom in obj["geometries"]:
        props = geom.get("properties") or {}
        gid = str(geom.get("id", ""))
        name, alt = props.get("name", gid), list[str]()
        if ids is not None:
            if gid not in ids:
                continue
            gid, name, alt = ids[gid]
        geom["id"] = gid
        geom["properties"] = {"name": name, **({"alt": alt} if alt else {})}
        kept.append(geom)
    obj["geometries"] = kept
    topo["objects"] = {"regions": obj}
    path.write_text(json.dumps(topo, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")


def _requantize(topo: dict, factor: int) -> None:
    """Coarsen a quantised topology's grid by ``factor`` (dropping repeated points)."""
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x / factor), round(y / factor)))
        kept = [points[0]]
        for pt in points[1:-1]:
            if pt != kept[-1]:
                kept.append(pt)
        kept.append(points[-1])
        steps = [[b[0] - a[0], b[1] - a[1]] for a, b in itertools.pairwise(kept)]
        arcs.append([list(kept[0]), *steps])
    topo["arcs"] = arcs
    topo["transform"]["scale"] = [s * factor for s in topo["transform"]["scale"]]


def build(boundaries: Path, mapshaper: str) -> None:
    """Write every map file of ``static/maps`` from ``boundaries`` (the shared folder)."""
    nuts = boundaries / "eu-nuts-svizzle"
    for year in (2016, 2021):
        for level in range(4):
            out = MAPS / f"nuts{year}-{level}.topo.json"
            src = nuts / f"NUTS_RG_10M_{year}_4326_LEVL_{level}.topojson.json"
            _run(
                mapshaper,
                "-i",
                str(src),
                "-clip",
                f"bbox={EUROPE_BBOX}",
                "-filter-fields",
                "NUTS_ID,NAME_LATN",
                "-rename-fields",
                "name=NAME_LATN",
                "-o",
                str(out),
                "format=topojson",
                "id-field=NUTS_ID",
                "quantization=20000",
            )
            _rewrite(out)

    us = MAPS / "us-states.topo.json"
    topo = json.loads((boundaries / "us-atlas" / "states-10m.json").read_text(encoding="utf-8"))
    topo["objects"] = {"states": topo["objects"]["states"]}
    us.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
    names = {g["id"]: g["properties"]["name"] for g in topo["objects"]["states"]["geometries"]}
    _rewrite(us, {k: (k, v, [US_POSTAL[k]] if k in US_POSTAL else []) for k, v in names.items()})

    countries = boundaries.parent / "classifications" / "countries" / "country_data.tsv"
    with countries.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    by_numeric = {row["ISOnumeric"].zfill(3): row for row in rows if row["ISOnumeric"]}
    world = MAPS / "world-countries.topo.json"
    # 1:50m (keeps small states such as Malta, Bahrain, Singapore), not simplified: mapshaper's
    # output breaks the rings of Fiji and Russia across the antimeridian (hairlines across the
    # map); only re-quantised from 10^5 to 2 * 10^4 steps
    topo = json.loads((boundaries / "world-atlas" / "countries-50m.json").read_text("utf-8"))
    topo["objects"] = {"countries": topo["objects"]["countries"]}
    _requantize(topo, 5)
    world.write_text(json.dumps(topo, separators=(",", ":")), encoding="utf-8")
    ids = {}
    for g in topo["objects"]["countries"]["geometries"]:
        num = str(g.get("id", ""))
        row = by_numeric.get(num)
        if row and row["ISO3"] != "ATA":  # Antarctica: no data, and it dwarfs the map
            ids[num] = (row["ISO3"], g["properties"]["name"], [row["ISO2"]])
        elif num == "" and g["properties"]["name"] == "Kosovo":
            ids[num] = ("XKX", "Kosovo", ["XK", "KOS"])
    _rewrite(world, ids)

    mx = MAPS / "mx-states.topo.json"
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "mx.topo.json"
        _run(
            mapshaper,
            "-i",
            str(boundaries / "mx-states" / "mxstate.geojson"),
            "-simplify",
            "8%",
            "keep-shapes",
            "-o",
            str(raw),
            "format=topojson",
            "id-field=CVE_ENT",
            "quantization=20000",
        )
        topo = json.loads(raw.read_text(encoding="utf-8"))
        (obj,) = topo["objects"].values()
        mx_ids = {
            str(g["id"]): (str(g["id"]), g["properties"]["NOMGEO"], [g["properties"]["abbr"]])
            for g in obj["geometries"]
        }
        mx.write_text(raw.read_text(encoding="utf-8"), encoding="utf-8")
    _rewrite(mx, mx_ids)


if __name__ == "__main__":  # pragma: no cover - maintainer tool
    build(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "mapshaper")
