"""Which map shapes fit a dataset: its registry ``boundaries`` hint, then its region codes.

The shapes are small TopoJSON files in ``static/maps`` (see ``SOURCES.md`` there), one object
``regions`` each, geometry ``id`` = the region code datasets use, ``properties.alt`` = other codes
for the same shape (US postal codes, ISO alpha-2, Mexican state abbreviations).

Examples
--------
>>> m = match_boundaries(["ES61", "ES30", "FRY1"], hint="nuts2021-2")
>>> m.key, m.matched, m.missing
('nuts2021-2', 2, ['FRY1'])
>>> match_boundaries(["06", "48", "36"]).key
'us-states'
>>> match_boundaries(["Adelaide City", "Albany"]) is None
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MAPS = Path(__file__).parent / "static" / "maps"

#: key -> (file, projection for Vega-Lite)
BOUNDARIES: dict[str, tuple[str, dict[str, Any]]] = {
    **{
        f"nuts{year}-{level}": (
            f"nuts{year}-{level}.topo.json",
            {"type": "azimuthalEqualArea", "rotate": [-10, -52, 0]},  # as ETRS89-LAEA
        )
        for year in (2021, 2016)
        for level in range(4)
    },
    "us-states": ("us-states.topo.json", {"type": "albersUsa"}),
    "mx-states": ("mx-states.topo.json", {"type": "mercator"}),
    "world": ("world-countries.topo.json", {"type": "equalEarth"}),
}

#: Credit shown under every map (required by the EuroGeographics / INEGI terms).
ATTRIBUTIONS = {
    "nuts": "© EuroGeographics for the administrative boundaries (Eurostat GISCO, NUTS 1:10M)",
    "us": "US Census Bureau, cartographic boundary files 2017 (us-atlas)",
    "mx": "INEGI, Marco Geoestadístico 2020 (mxmaps)",
    "world": "Natural Earth 4.1.0 (world-atlas)",
}

#: Registry hints that are spelt differently from the keys above.
ALIASES = {"world-countries": "world", "countries": "world", "mx": "mx-states", "us": "us-states"}


@dataclass(frozen=True)
class MapMatch:
    """The shapes chosen for a set of region codes."""

    key: str
    file: str
    projection: dict[str, Any]
    ids: dict[str, str] = field(repr=False)  # region code -> shape id
    missing: list[str] = field(repr=False)  # region codes without a shape

    @property
    def matched(self) -> int:
        return len(self.ids)

    @property
    def attribution(self) -> str:
        return ATTRIBUTIONS[self.key[:4] if self.key.startswith("nuts") else self.key.split("-")[0]]

    def name(self, code: str) -> str | None:
        """The shape's name for a region code (for uploads that carry codes only)."""
        gid = self.ids.get(code)
        return shape_names(self.key).get(gid) if gid is not None else None

    @property
    def url(self) -> str:
        return f"/static/maps/{self.file}"


@cache
def _codes(key: str) -> dict[str, str]:
    """Every code that names a shape of ``key`` (its id and alternatives), upper-cased -> id."""
    file, _ = BOUNDARIES[key]
    topo = json.loads((MAPS / file).read_text(encoding="utf-8"))
    out: dict[str, str] = {}
    for geom in topo["objects"]["regions"]["geometries"]:
        gid = str(geom["id"])
        for alt in (geom.get("properties") or {}).get("alt", []):
            out.setdefault(str(alt).upper(), gid)
        out[gid.upper()] = gid
    return out


@cache
def shape_names(key: str) -> dict[str, str]:
    """Shape id -> the shape's name (NUTS Latin name, state or country name)."""
    file, _ = BOUNDARIES[key]
    topo = json.loads((MAPS / file).read_text(encoding="utf-8"))
    return {
        str(g["id"]): (g.get("properties") or {}).get("name") or str(g["id"])
        for g in topo["objects"]["regions"]["geometries"]
    }


def _candidates(hint: str | None) -> list[str]:
    keys = list(BOUNDARIES)
    hint = ALIASES.get(hint or "", hint)
    if hint in BOUNDARIES:
        base = hint.split("-")[0]
        # the hint first, then the same family (other NUTS vintage / level), then the rest
        same = [k for k in keys if k.startswith(base[:4]) and k != hint]
        return [hint, *same, *[k for k in keys if k != hint and k not in same]]
    return keys


def match_boundaries(
    codes: Iterable[Any], hint: str | None = None, *, min_share: float = 0.5
) -> MapMatch | None:
    """The shapes that name most of ``codes``; ``None`` when no set names ``min_share`` of them.

    The registry hint is tried first and kept unless another set names more codes (NUTS
    datasets built on an older vintage then get the 2016 shapes). US and Mexican states both
    use two-digit codes: the set that names more codes wins, the hint breaking ties.
    """
    codes = [str(c) for c in codes]
    if not codes:
        return None
    best: tuple[int, str] | None = None
    for key in _candidates(hint):
        table = _codes(key)
        n = sum(1 for c in codes if c.strip().upper() in table)
        if best is None or n > best[0]:
            best = (n, key)
    if best is None or best[0] < max(1, min_share * len(codes)):
        return None
    key = best[1]
    table = _codes(key)
    ids = {c: table[c.strip().upper()] for c in codes if c.strip().upper() in table}
    file, projection = BOUNDARIES[key]
    return MapMatch(
        key=key,
        file=file,
        projection=projection,
        ids=ids,
        missing=[c for c in codes if c not in ids],
    )
