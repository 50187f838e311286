"""The actors domain's typed views (pydantic v2): what the service returns and clients send.

The API serialises them as its responses, the dashboard renders them, and the CLI's ``--json``
prints them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from smartspec.domains.registry.layout import ImportProblem

__all__ = [
    "ActorsImportReport",
    "BridgeView",
    "CommunityView",
    "EdgeView",
    "ImportProblem",
    "NetworkView",
    "NodeView",
    "OrganisationIn",
    "OrganisationPage",
    "OrganisationView",
    "ParticipationView",
    "PartnerView",
    "PartnersView",
]


class OrganisationIn(BaseModel):
    """An organisation as a client sends it (create or replace)."""

    name: str = Field(description="The organisation's name (1 to 500 characters)")
    source_id: str | None = Field(
        default=None, description="Its id in the source: a PIC, a CORDIS id (unique here)"
    )
    type: str = Field(
        default="", description="CORDIS activity type: HES, REC, PRC, PUB, OTH, or empty"
    )
    country: str = Field(default="", description="2-letter code (CORDIS: UK, EL; MX), or empty")
    region: str | None = Field(default=None, description="A NUTS or state code (MX09), optional")
    city: str = ""
    topics: list[str] = Field(default_factory=list, description="Topics or activity codes")
    description: str = ""


class OrganisationView(BaseModel):
    """A stored organisation."""

    id: int
    source_id: str | None = None
    name: str
    type: str
    helix: str = Field(description="research, business, government, civil society or unknown")
    country: str
    region: str | None = None
    city: str = ""
    topics: list[str] = Field(default_factory=list)
    description: str = ""
    projects: int = Field(default=0, description="Distinct projects it takes part in")
    version: int
    created_at: datetime
    created_by: str | None = None
    updated_at: datetime
    updated_by: str | None = None


class OrganisationPage(BaseModel):
    """One page of a search of the organisations."""

    total: int
    limit: int
    offset: int
    items: list[OrganisationView]


class ParticipationView(BaseModel):
    """One participation of an organisation in a project."""

    project: str
    programme: str
    role: str
    year: int | None = None
    contribution: float | None = None
    parts: str = ""
    acronym: str = ""
    title: str = ""


class PartnerView(BaseModel):
    """One proposed partner and why."""

    organisation: OrganisationView
    measure: Literal["topic", "network"] = Field(
        description="topic: TF-IDF cosine similarity of descriptions and topics; network: "
        "collaboration ties, up to two steps out"
    )
    score: float = Field(
        description="topic: the cosine (0 to 1); network: shared projects "
        "(direct) or the ties to the go-betweens (two steps)"
    )
    reason: str = Field(description="Why, in words")
    similarity: float | None = None
    shared_terms: list[str] = Field(default_factory=list)
    distance: int | None = Field(default=None, description="1: worked together; 2: via others")
    shared_projects: list[str] = Field(default_factory=list)
    via: list[str] = Field(default_factory=list, description="Names of the go-betweens")


class PartnersView(BaseModel):
    """Partners proposed for an organisation or a region."""

    target: str = Field(description="The organisation's name, or the region code")
    organisations: int = Field(description="Organisations of the target (1 for one organisation)")
    measures: list[str]
    filters: dict[str, str]
    items: list[PartnerView]
    notes: list[str] = Field(default_factory=list)


class NodeView(BaseModel):
    """A node of a collaboration network with its measures."""

    id: str
    label: str
    country: str = ""
    helix: str = ""
    projects: int
    degree: int
    strength: float
    betweenness: float
    eigenvector: float
    community: int
    focus: bool = Field(default=False, description="A node the search found")


class EdgeView(BaseModel):
    """A tie: shared projects."""

    source: str
    target: str
    weight: int


class CommunityView(BaseModel):
    """A Leiden community: its size and its most central members."""

    id: int
    size: int
    members: list[str]
    countries: list[str] = Field(default_factory=list, description="Most frequent countries")


class BridgeView(BaseModel):
    """A node tying groups (helices or countries) together."""

    id: str
    label: str
    group: str
    ties: int
    cross_ties: int
    cross_share: float
    cross_weight: int
    reaches: list[str]


class NetworkView(BaseModel):
    """A collaboration network of organisations, countries or regions."""

    level: Literal["org", "country", "region"]
    nodes_total: int
    edges_total: int
    communities_total: int
    nodes: list[NodeView]
    edges: list[EdgeView]
    communities: list[CommunityView]
    helix_bridges: list[BridgeView]
    country_bridges: list[BridgeView]
    helix_mixing: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Shared-project ties between helices"
    )
    query: str | None = None
    notes: list[str] = Field(default_factory=list)


class ActorsImportReport(BaseModel):
    """What an import of organisations or participations read, found wrong and stored."""

    file: str
    format: Literal["csv", "xlsx"]
    kind: Literal["organisations", "participations"]
    rows: int = Field(description="Data rows read (empty rows not counted)")
    valid: int = Field(description="Rows without a problem")
    problems: list[ImportProblem] = Field(default_factory=list)
    ignored_columns: list[str] = Field(default_factory=list)
    organisations_new: int = 0
    organisations_updated: int = 0
    participations_new: int = 0
    participations_known: int = Field(default=0, description="Already stored: left as they are")
    stored: int = Field(default=0, description="Records written (0 for a dry run)")
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """Whether the file has no problem."""
        return not self.problems
