"""The cooperation monitor's typed views (pydantic v2).

The service functions in :mod:`.monitor` and :mod:`.indicators` return them; the API serialises
them, the dashboard renders them and ``smartspec cooperation ... --json`` prints them. Every
view carries its ``caveats``: what the data cannot say.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "CooperationCaveat",
    "CooperationIndicators",
    "CooperationNetwork",
    "CooperationOrganisations",
    "CooperationPartners",
    "CooperationStates",
    "CooperationSummary",
    "CooperationTimeline",
    "EntrantRow",
    "HubRow",
    "NetworkEdge",
    "NetworkNode",
    "OrganisationRow",
    "PartnerCountry",
    "PartnerRegion",
    "RepeatPair",
    "StateAssignmentRow",
    "StateRow",
    "TimelineRow",
]


class CooperationCaveat(BaseModel):
    """Something the reader must know about a view: a stable ``code`` and an English ``text``."""

    code: str = Field(description="titles_missing, snapshots, no_horizon_europe, fp7_links_only...")
    text: str
    values: dict[str, int] = Field(
        default_factory=dict, description="The numbers in the text, for translations"
    )


class _Scope(BaseModel):
    country: str = Field(description="CORDIS country code (UK, EL ...; NA is Namibia)")
    country_name: str
    programme: str = Field(description="h2020 or fp7")
    caveats: list[CooperationCaveat] = Field(default_factory=list)


class CooperationSummary(_Scope):
    """A country's participation in one framework programme."""

    participations: int = Field(description="Rows of the country: one per organisation x project")
    organisations: int = Field(description="Distinct organisations (PIC or source id)")
    projects: int = Field(description="Distinct projects (CORDIS rcn)")
    eu_contribution: float | None = Field(
        description="Sum of the positive EU contributions, EUR (None: not in the FP7 source)"
    )
    funded_participations: int | None = Field(description="Participations with contribution > 0")
    coordinated_projects: int | None = Field(description="Projects the country coordinates")
    partner_countries: int = Field(description="Other countries in the same projects")
    partner_organisations: int = Field(description="Organisations of other countries in them")


class TimelineRow(BaseModel):
    """One start year x programme part (``"all"``: every part together)."""

    year: int | None = Field(description="Project start year (None: unknown, all FP7)")
    part: str
    participations: int
    organisations: int
    projects: int
    eu_contribution: float | None


class CooperationTimeline(_Scope):
    """Participation over time by programme part."""

    parts: list[str]
    years: list[int]
    rows: list[TimelineRow]


class OrganisationRow(BaseModel):
    """One organisation of the country."""

    org: str
    name: str
    type: str
    helix: str
    city: str
    state: str = Field(description="INEGI 2-digit state code (Mexico only), '' when unassigned")
    state_name: str
    state_rule: str
    participations: int
    projects: int
    coordinator: int = Field(description="Projects it coordinates")
    eu_contribution: float | None
    first_year: int | None
    parts: list[str]


class CooperationOrganisations(_Scope):
    """The country's organisations, most projects first."""

    total: int
    rows: list[OrganisationRow]


class StateRow(BaseModel):
    """One Mexican state (or ``""``: unassigned)."""

    state: str
    name: str
    organisations: int
    participations: int
    projects: int


class StateAssignmentRow(BaseModel):
    """How one organisation got its state."""

    org: str
    name: str
    city: str
    state: str
    state_name: str
    rule: str
    evidence: str
    participations: int


class CooperationStates(_Scope):
    """Mexican participation by state, derived from organisation records."""

    rows: list[StateRow]
    assignments: list[StateAssignmentRow]
    assigned_organisations: int
    unassigned_organisations: int
    assigned_share: float = Field(description="Assigned organisations / all organisations")
    assigned_participations: int
    unassigned_participations: int
    assigned_participation_share: float
    rules: dict[str, int] = Field(description="Organisations per rule")


class PartnerCountry(BaseModel):
    """A country in the projects of the focus country."""

    country: str
    name: str
    iso3: str
    participations: int
    organisations: int
    projects: int = Field(description="Projects shared with the focus country")
    project_share: float = Field(description="Share of the focus country's projects")


class PartnerRegion(BaseModel):
    """A NUTS region (level 2, from the NUTS-3 code where known) of the partners."""

    nuts: str
    country: str
    participations: int
    organisations: int
    projects: int


class CooperationPartners(_Scope):
    """The countries and regions the focus country cooperates with."""

    projects: int
    countries: list[PartnerCountry]
    regions: list[PartnerRegion]
    partner_participations: int
    nuts_known_participations: int


class RepeatPair(BaseModel):
    """A focus-country organisation and a foreign partner in two or more projects."""

    org: str
    name: str
    partner: str
    partner_name: str
    partner_country: str
    projects: int


class EntrantRow(BaseModel):
    """Organisations of the focus country by the start year of their first project."""

    year: int
    new_organisations: int
    active_organisations: int


class HubRow(BaseModel):
    """An organisation central in the consortium network of the focus country's projects."""

    org: str
    name: str
    country: str
    helix: str
    focus: bool
    projects: int
    degree: int
    strength: float
    betweenness: float


class CooperationIndicators(_Scope):
    """What an EU-Mexico cooperation programme would monitor."""

    projects: int
    coordinated_projects: int | None
    coordinator_share: float | None
    funded_participations: int | None
    unfunded_participations: int | None
    funded_share: float | None
    eu_contribution: float | None
    partner_pairs: int = Field(description="Distinct (focus org, foreign partner org) pairs")
    repeat_pairs: int = Field(description="Pairs that share two or more projects")
    repeat_share: float | None
    top_repeat_pairs: list[RepeatPair]
    new_entrants: list[EntrantRow]
    hubs: list[HubRow]
    focus_hubs: list[HubRow]


class NetworkNode(BaseModel):
    """An organisation of the consortium network."""

    id: str
    name: str
    country: str
    helix: str
    focus: bool
    projects: int
    degree: int
    strength: float
    betweenness: float
    community: int


class NetworkEdge(BaseModel):
    """Two organisations and the number of projects they share."""

    source: str
    target: str
    weight: int


class CooperationNetwork(_Scope):
    """The consortium network of the focus country's projects (all partners, every country)."""

    query: str
    total_nodes: int
    total_edges: int
    matches: list[str] = Field(description="Ids of the nodes whose name or id matched the query")
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]
