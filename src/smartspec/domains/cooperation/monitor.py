"""The EU-Mexico cooperation monitor: participation of a country in FP7 and Horizon 2020.

Pure pandas over the bundled CORDIS tables (:mod:`.cordis`); every function takes a country
(CORDIS code, default ``"MX"``) and a programme (``"h2020"`` or ``"fp7"``) and returns a typed
view (:mod:`.views`) with its caveats.

Definitions (one row = one organisation in one project):

* participations :math:`P_c = |\\{(p, o): \\text{country}(o) = c\\}|`; organisations and
  projects are the distinct ``org`` and ``project`` values of those rows;
* EU contribution: :math:`\\sum \\max(0, \\text{contribution})` over those rows (EUR, H2020 only);
* a participation is *funded* when its contribution is > 0, *unfunded* otherwise (CORDIS
  ``partner`` rows carry no contribution);
* the consortium of the country: every row of the projects with at least one row of the country.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from smartspec.core.errors import ValidationError

from . import cordis
from .cordis import Programme, check_programme
from .states import assign_states, state_index
from .views import (
    CooperationCaveat,
    CooperationOrganisations,
    CooperationPartners,
    CooperationStates,
    CooperationSummary,
    CooperationTimeline,
    OrganisationRow,
    PartnerCountry,
    PartnerRegion,
    StateAssignmentRow,
    StateRow,
    TimelineRow,
)

__all__ = [
    "caveats",
    "check_country",
    "consortium",
    "country_name",
    "focus_rows",
    "organisation_table",
    "organisations",
    "partners",
    "states",
    "summary",
    "timeline",
]

#: Label of a project without a programme part, and of all parts together.
NO_PART = "(none)"
ALL_PARTS = "all"
#: The most rows a list view gives.
MAX_TOP = 1000


def check_country(country: str, programme: Programme) -> str:
    """``country`` upper-cased when the programme has participations of it, else a clear error."""
    code = str(country).strip().upper()
    table = cordis.participations(programme)
    if code and code in set(table["country"]):
        return code
    hint = {"GB": "UK", "GR": "EL"}.get(code)
    fix = (
        f"use the CORDIS code {hint!r}"
        if hint
        else "use a 2-letter CORDIS country code such as MX, ES, DE, UK (not GB), EL (not GR)"
    )
    raise ValidationError(
        "unknown country for this programme",
        expected=f"a CORDIS country code with participations in {programme}",
        found=repr(country),
        fix=fix,
    )


def country_name(country: str, lang: str = "en") -> str:
    """The short name of a CORDIS country code (``"NA"`` is Namibia); the code when unknown."""
    names = cordis.countries()
    if country in names.index:
        return str(names.at[country, "name_es" if lang == "es" else "name_en"])
    return country


def _scope(country: str, programme: str) -> tuple[str, Programme]:
    prog = check_programme(programme)
    return check_country(country, prog), prog


@lru_cache(maxsize=32)
def _consortium(country: str, programme: Programme) -> pd.DataFrame:
    table = cordis.participations(programme)
    projects = set(table.loc[table["country"] == country, "project"])
    frame = table[table["project"].isin(projects)].copy()
    frame["focus"] = frame["country"] == country
    return frame.reset_index(drop=True)


def consortium(country: str = "MX", programme: str = "h2020") -> pd.DataFrame:
    """Every participation in the projects with ≥ 1 participant of ``country`` (``focus`` marks
    the country's rows). For Mexico this is :func:`.cordis.consortia` in the shared layout."""
    code, prog = _scope(country, programme)
    return _consortium(code, prog).copy()


def focus_rows(country: str = "MX", programme: str = "h2020") -> pd.DataFrame:
    """The participations of ``country`` in ``programme``."""
    frame = consortium(country, programme)
    return frame[frame["focus"]].reset_index(drop=True)


def caveats(
    country: str, programme: Programme, *extra: CooperationCaveat
) -> list[CooperationCaveat]:
    """The caveats every view carries, with the project-title gap counted for this country."""
    frame = _consortium(country, programme)
    focus = frame[frame["focus"]]
    projects = focus.drop_duplicates("project")
    missing = int((projects["title"] == "").sum())
    out = [
        CooperationCaveat(
            code="titles_missing",
            text=f"Project acronym and title are missing for {missing} of {len(projects)} "
            f"{'Horizon 2020' if programme == 'h2020' else 'FP7'} projects: "
            + (
                "the only rcn-grant number link found is the 2016 project list."
                if programme == "h2020"
                else "the FP7 source has project record numbers (rcn) only."
            ),
            values={"missing": missing, "total": len(projects)},
        ),
        CooperationCaveat(
            code="snapshots",
            text="Snapshots from different years: H2020 participations December 2020, "
            "organisation names 2016-2022, FP7 links 2016 and addresses 2016/2018.",
        ),
        CooperationCaveat(
            code="no_horizon_europe",
            text="No Horizon Europe (2021-2027) data, and no H2020 grant signed after "
            "December 2020.",
        ),
    ]
    if programme == "fp7":
        out.append(
            CooperationCaveat(
                code="fp7_links_only",
                text="FP7: the source has only project-organisation links, so no roles, "
                "organisation types, EU contributions, start years or programme parts.",
            )
        )
    else:
        unnamed = int((focus.drop_duplicates("org")["name"] == "").sum())
        out.append(
            CooperationCaveat(
                code="names_other_years",
                text=f"H2020 organisation names come from lookups of other years; {unnamed} of "
                f"{focus['org'].nunique()} organisations of the country have no name "
                "(shown by PIC).",
                values={"missing": unnamed, "total": int(focus["org"].nunique())},
            )
        )
    return [*out, *extra]


def _contribution(rows: pd.DataFrame, programme: Programme) -> float | None:
    if programme == "fp7":
        return None
    return float(rows["contribution"].clip(lower=0).sum())


def summary(country: str = "MX", programme: str = "h2020") -> CooperationSummary:
    """Participations, organisations, projects and EU contribution of ``country``.

    >>> s = summary("MX", "h2020")
    >>> s.participations, s.organisations, s.projects, round(s.eu_contribution)
    (79, 39, 55, 869764)
    """
    code, prog = _scope(country, programme)
    frame = _consortium(code, prog)
    focus = frame[frame["focus"]]
    others = frame[~frame["focus"]]
    h2020 = prog == "h2020"
    return CooperationSummary(
        country=code,
        country_name=country_name(code),
        programme=prog,
        participations=len(focus),
        organisations=int(focus["org"].nunique()),
        projects=int(focus["project"].nunique()),
        eu_contribution=_contribution(focus, prog),
        funded_participations=int((focus["contribution"] > 0).sum()) if h2020 else None,
        coordinated_projects=(
            int(focus.loc[focus["role"] == "coordinator", "project"].nunique()) if h2020 else None
        ),
        partner_countries=int(others.loc[others["country"] != "", "country"].nunique()),
        partner_organisations=int(others["org"].nunique()),
        caveats=caveats(code, prog),
    )


def _by_part(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows repeated once per programme part of their project (``NO_PART`` when none)."""
    parts = rows["parts"].where(rows["parts"] != "", NO_PART).str.split(";")
    return rows.assign(part=parts).explode("part")


def _counts(rows: pd.DataFrame, keys: list[str], programme: Programme) -> pd.DataFrame:
    grouped = rows.groupby(keys, dropna=False, sort=True)
    out = pd.DataFrame(
        {
            "participations": grouped.size(),
            "organisations": grouped["org"].nunique(),
            "projects": grouped["project"].nunique(),
            "eu_contribution": grouped["contribution"].agg(lambda s: float(s.clip(lower=0).sum())),
        }
    ).reset_index()
    if programme == "fp7":
        out["eu_contribution"] = None
    return out


def timeline(country: str = "MX", programme: str = "h2020") -> CooperationTimeline:
    """Participations, organisations, projects and EU contribution by start year and programme
    part; ``part == "all"`` rows give each year's totals (a project with several parts counts once
    in each of its parts, so the parts can add up to more than the total)."""
    code, prog = _scope(country, programme)
    focus = _consortium(code, prog)
    focus = focus[focus["focus"]].copy()
    focus["year"] = focus["start_year"].astype("Int64")
    per_part = _counts(_by_part(focus), ["year", "part"], prog)
    totals = _counts(focus.assign(part=ALL_PARTS), ["year", "part"], prog)
    table = pd.concat([totals, per_part], ignore_index=True)
    rows = [
        TimelineRow(
            year=None if pd.isna(r.year) else int(r.year),
            part=str(r.part),
            participations=int(r.participations),
            organisations=int(r.organisations),
            projects=int(r.projects),
            eu_contribution=None if r.eu_contribution is None else float(r.eu_contribution),
        )
        for r in table.itertuples(index=False)
    ]
    parts = _by_part(focus).groupby("part")["project"].nunique().sort_values(ascending=False).index
    years = sorted(int(y) for y in focus["year"].dropna().unique())
    extra = [
        CooperationCaveat(
            code="parts_overlap",
            text="A project with several programme parts counts once in each part.",
        )
    ]
    return CooperationTimeline(
        country=code,
        country_name=country_name(code),
        programme=prog,
        parts=[str(p) for p in parts],
        years=years,
        rows=rows,
        caveats=caveats(code, prog, *extra),
    )


@lru_cache(maxsize=8)
def _assignments(programme: Programme) -> pd.DataFrame:
    """The state assignment of every Mexican organisation of ``programme`` (index ``org``)."""
    focus = _consortium("MX", programme)
    focus = focus[focus["focus"]]
    firsts = focus.groupby("org").agg(
        name=("name", "first"), city=("city", lambda s: next((c for c in s if c), ""))
    )
    extra = cordis.organisations(programme)[["address", "postcode"]]
    records = firsts.join(extra, how="left").fillna("")
    return pd.concat([records, assign_states(records)], axis=1)


def organisation_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Participations aggregated by organisation (index ``org``): first non-empty name, type and
    city; participations, projects, coordinator (rows), eu_contribution (positive sum),
    first_year, parts (sorted list); sorted by projects, participations (largest first), name,
    org.

    >>> t = pd.DataFrame({"org": ["a", "a"], "project": ["1", "2"], "name": ["", "A"],
    ...                   "type": "HES", "city": "", "role": ["coordinator", "partner"],
    ...                   "contribution": [5.0, float("nan")], "start_year": [2015, 2017],
    ...                   "parts": ["MSCA", "ERC;MSCA"]})
    >>> r = organisation_table(t).loc["a"]
    >>> r["name"], int(r["projects"]), int(r["coordinator"]), float(r["eu_contribution"])
    ('A', 2, 1, 5.0)
    >>> r["parts"]
    ['ERC', 'MSCA']
    """
    grouped = rows.groupby("org", sort=False)
    text = rows[["org", "name", "type", "city"]].replace("", pd.NA).groupby("org", sort=False)
    table = text.first().fillna("")
    table["participations"] = grouped.size()
    table["projects"] = grouped["project"].nunique()
    table["coordinator"] = (rows["role"] == "coordinator").groupby(rows["org"]).sum()
    table["eu_contribution"] = rows["contribution"].clip(lower=0).groupby(rows["org"]).sum()
    table["first_year"] = grouped["start_year"].min()
    parts = rows[["org", "parts"]].assign(parts=rows["parts"].str.split(";")).explode("parts")
    parts = parts[parts["parts"].fillna("") != ""].drop_duplicates()
    table["parts"] = parts.groupby("org")["parts"].agg(sorted).reindex(table.index)
    table["parts"] = table["parts"].map(lambda v: v if isinstance(v, list) else [])
    table["sort_name"] = table["name"].where(table["name"] != "", "~")
    table = table.reset_index().sort_values(
        ["projects", "participations", "sort_name", "org"],
        ascending=[False, False, True, True],
        kind="stable",
    )
    return table.drop(columns="sort_name").set_index("org")


def _helix(type_: str) -> str:
    from smartspec.domains.actors.helix import helix_of

    return helix_of(type_)


def organisations(
    country: str = "MX", programme: str = "h2020", *, top: int = MAX_TOP
) -> CooperationOrganisations:
    """The country's organisations with their participations, projects, coordinations, EU
    contribution, first start year, programme parts and (Mexico) state."""
    code, prog = _scope(country, programme)
    if not 1 <= int(top) <= MAX_TOP:
        raise ValidationError(
            "too many or too few rows asked for",
            expected=f"top between 1 and {MAX_TOP}",
            found=str(top),
            fix=f"ask for at most {MAX_TOP} organisations",
        )
    focus = _consortium(code, prog)
    focus = focus[focus["focus"]]
    table = organisation_table(focus)
    states = _assignments(prog) if code == "MX" else None
    rows: list[OrganisationRow] = []
    for org, r in table.head(int(top)).iterrows():
        st = states.loc[org] if states is not None and org in states.index else None
        rows.append(
            OrganisationRow(
                org=str(org),
                name=str(r["name"]),
                type=str(r["type"]),
                helix=_helix(str(r["type"])),
                city=str(r["city"]),
                state="" if st is None else str(st["state"]),
                state_name="" if st is None else str(st["state_name"]),
                state_rule="" if st is None else str(st["rule"]),
                participations=int(r["participations"]),
                projects=int(r["projects"]),
                coordinator=int(r["coordinator"]),
                eu_contribution=None if prog == "fp7" else float(r["eu_contribution"]),
                first_year=None if pd.isna(r["first_year"]) else int(r["first_year"]),
                parts=list(r["parts"]),
            )
        )
    return CooperationOrganisations(
        country=code,
        country_name=country_name(code),
        programme=prog,
        total=len(table),
        rows=rows,
        caveats=caveats(code, prog),
    )


def states(country: str = "MX", programme: str = "h2020") -> CooperationStates:
    """Mexican participation by state, derived from city, address, postcode and name
    (:mod:`.states`), with the assigned and unassigned counts and the rule per organisation."""
    code, prog = _scope(country, programme)
    if code != "MX":
        raise ValidationError(
            "states are derived for Mexico only",
            expected="country MX",
            found=repr(country),
            fix="ask for country=MX, or use /partners for the regions (NUTS) of other countries",
        )
    focus = _consortium(code, prog)
    focus = focus[focus["focus"]]
    table = _assignments(prog)
    per_org = focus.groupby("org").size().rename("participations")
    table = table.join(per_org)
    merged = focus.merge(table[["state", "state_name"]], left_on="org", right_index=True)
    rows = []
    for state, group in merged.groupby("state", sort=True):
        rows.append(
            StateRow(
                state=str(state),
                name=str(group["state_name"].iloc[0]) if state else "",
                organisations=int(group["org"].nunique()),
                participations=len(group),
                projects=int(group["project"].nunique()),
            )
        )
    rows.sort(key=lambda r: (r.state == "", -r.participations, r.state))
    assigned = table["state"] != ""
    part_assigned = int(table.loc[assigned, "participations"].sum())
    part_total = int(table["participations"].sum())
    assignments = [
        StateAssignmentRow(
            org=str(org),
            name=str(r["name"]),
            city=str(r["city"]),
            state=str(r["state"]),
            state_name=str(r["state_name"]),
            rule=str(r["rule"]),
            evidence=str(r["evidence"]),
            participations=int(r["participations"]),
        )
        for org, r in table.sort_values(["state", "name"]).iterrows()
    ]
    names = state_index().names
    extra = [
        CooperationCaveat(
            code="states_derived",
            text="CORDIS codes no Mexican state: states are derived from organisation city, "
            "address, postcode and name by documented rules; a national institution is put "
            f"in the state of its seat ({names['09']} for UNAM, IPN, CINVESTAV...).",
        )
    ]
    return CooperationStates(
        country=code,
        country_name=country_name(code),
        programme=prog,
        rows=rows,
        assignments=assignments,
        assigned_organisations=int(assigned.sum()),
        unassigned_organisations=int((~assigned).sum()),
        assigned_share=float(assigned.mean()) if len(table) else 0.0,
        assigned_participations=part_assigned,
        unassigned_participations=part_total - part_assigned,
        assigned_participation_share=part_assigned / part_total if part_total else 0.0,
        rules={str(k): int(v) for k, v in table["rule"].value_counts().sort_index().items()},
        caveats=caveats(code, prog, *extra),
    )


def partners(country: str = "MX", programme: str = "h2020") -> CooperationPartners:
    """The countries and NUTS-2 regions of the partners in the country's projects.

    A partner participation is a row of another country in one of the country's projects. Its
    NUTS-2 region is the first four characters of its NUTS-3 code, where the source has one.
    """
    code, prog = _scope(country, programme)
    frame = _consortium(code, prog)
    n_projects = int(frame.loc[frame["focus"], "project"].nunique())
    others = frame[~frame["focus"] & (frame["country"] != "")]
    names = cordis.countries()
    countries = []
    for c, group in others.groupby("country"):
        countries.append(
            PartnerCountry(
                country=str(c),
                name=country_name(str(c)),
                iso3=str(names.at[c, "iso3"]) if c in names.index else "",
                participations=len(group),
                organisations=int(group["org"].nunique()),
                projects=int(group["project"].nunique()),
                project_share=group["project"].nunique() / n_projects if n_projects else 0.0,
            )
        )
    countries.sort(key=lambda r: (-r.projects, -r.participations, r.country))
    known = others[others["nuts"] != ""].assign(nuts2=lambda f: f["nuts"].str[:4])
    regions = [
        PartnerRegion(
            nuts=str(n),
            country=str(g["country"].iloc[0]),
            participations=len(g),
            organisations=int(g["org"].nunique()),
            projects=int(g["project"].nunique()),
        )
        for n, g in known.groupby("nuts2")
    ]
    regions.sort(key=lambda r: (-r.projects, -r.participations, r.nuts))
    extra = [
        CooperationCaveat(
            code="nuts_partial",
            text=f"NUTS regions are known for {len(known)} of {len(others)} partner "
            "participations only (H2020: organisations in the 2021 dashboard; FP7: about 16 % "
            "of organisations).",
            values={"known": len(known), "total": len(others)},
        )
    ]
    return CooperationPartners(
        country=code,
        country_name=country_name(code),
        programme=prog,
        projects=n_projects,
        countries=countries,
        regions=regions,
        partner_participations=len(others),
        nuts_known_participations=len(known),
        caveats=caveats(code, prog, *extra),
    )
