"""The organisation registry's service: :class:`Actors`, what the API, the pages and the CLI call.

Every method takes the acting account first (``None`` for an anonymous visitor) and checks it
with :mod:`smartspec.domains.accounts.rules`:

* reading follows the platform's rule: anyone on a public platform (``public_read``), an
  account of any role on a private one;
* creating, changing and deleting an organisation needs the editor role: an organisation with
  a region can be changed by the editors granted that region (or a region above it: ``MX``
  covers ``MX09``) and by administrators; one without a region but with a country by the
  editors granted a region of that country (a grant ``ES51`` covers the Spanish organisations
  without a region); one with neither by any editor. Imports need an editor or administrator.
  Moving an organisation to another region needs the grant of both.

Lost updates are refused as in the registry: a change names the version it started from, and
the row is changed with ``UPDATE ... WHERE id = ? AND version = ?``; when someone saved first,
:class:`~smartspec.domains.errors.EditConflictError` (409 ``edit_conflict``) carries both.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from smartspec.domains.accounts.rules import Account, require_reader, require_region, require_role
from smartspec.domains.errors import (
    ConflictError,
    EditConflictError,
    ForbiddenError,
    RequestError,
    UnknownRecordError,
)
from smartspec.domains.registry.checks import fold
from smartspec.store import Store

from . import repo
from .helix import HELICES, UNKNOWN
from .models import OrganisationRow, ParticipationRow
from .views import OrganisationIn, OrganisationPage, OrganisationView, ParticipationView

__all__ = ["Actors", "require_editor"]

_WORD = re.compile(r"[^\W_]+")


def _name(actor: Account | None) -> str | None:
    return None if actor is None else actor.name


def require_editor(
    actor: Account | None, region: str | None, action: str, country: str | None = None
) -> Account:
    """``actor`` when it may change an organisation of ``region`` in ``country`` (see the
    module); else 401 (nobody signed in) or 403.

    Examples
    --------
    >>> ana = Account(2, "ana", "editor", frozenset({"ES51"}))
    >>> require_editor(ana, None, "changing", country="ES").name
    'ana'
    >>> require_editor(ana, None, "changing", country="MX")
    Traceback (most recent call last):
    ...
    smartspec.domains.errors.ForbiddenError: changing for country 'MX' is not allowed ...
    """
    if region:
        return require_region(actor, region, action)
    who = require_role(actor, ("admin", "editor"), action)
    country = (country or "").strip().upper()
    if who.is_admin or not country or any(g.upper().startswith(country) for g in who.regions):
        return who
    granted = ", ".join(sorted(who.regions)) or "none"
    raise ForbiddenError(
        f"{action} for country {country!r} is not allowed to the account {who.name!r}",
        expected="an administrator, or an editor granted a region of this country",
        found=f"role {who.role}, regions granted: {granted}",
        fix="give the organisation a region you are granted, or ask an administrator",
    )


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Actors:
    """The organisation registry on a :class:`~smartspec.store.Store`.

    Parameters
    ----------
    store : Store
        The platform database (its migrations create the domain's tables).
    public_read : bool
        Whether anonymous visitors may read.
    """

    def __init__(self, store: Store, *, public_read: bool = True) -> None:
        self.store = store
        self.public_read = public_read

    def read(self, actor: Account | None) -> None:
        """Nothing when ``actor`` may read; else 401."""
        require_reader(actor, self.public_read, "reading the organisation registry")

    # ---------------------------------------------------------------------- internals
    @staticmethod
    def _row(s: Session, organisation_id: int) -> OrganisationRow:
        row = s.get(OrganisationRow, organisation_id)
        if row is None:
            raise UnknownRecordError(
                f"there is no organisation {organisation_id}",
                where="id",
                fix="search the organisations for its id (GET /api/v1/organisations)",
            )
        return row

    @staticmethod
    def _taken(s: Session, source_id: str | None, other_than: int | None = None) -> None:
        if source_id is None:
            return
        found = s.scalars(
            select(OrganisationRow.id).where(OrganisationRow.source_id == source_id)
        ).first()
        if found is not None and found != other_than:
            raise ConflictError(
                f"the source id {source_id!r} is already the organisation {found}",
                where="source_id",
                expected="a source id no other organisation has",
                found=source_id,
                fix=f"change organisation {found}, or give another source id",
            )

    def _conflict(
        self, s: Session, organisation_id: int, data: OrganisationIn | None, version: int
    ) -> EditConflictError:
        current = repo.organisation_views(s, [organisation_id])
        return EditConflictError.between(
            f"organisation {organisation_id}", current[0] if current else None, data, version
        )

    # --------------------------------------------------------------------- reading
    def search(
        self,
        actor: Account | None,
        *,
        q: str | None = None,
        country: str | None = None,
        helix: str | None = None,
        type: str | None = None,
        region: str | None = None,
        topic: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> OrganisationPage:
        """Find organisations: by words (each a part of the name, source id, city, topics or
        description, any case and accents), filtered by country, helix, CORDIS type, region
        (that code and those below it) and topic (a topic beginning with it). The
        organisations with the most projects first, then by name."""
        self.read(actor)
        if not 1 <= limit <= repo.LIMITS["limit"] or offset < 0:
            raise RequestError(
                "the page asked for is out of bounds",
                where="limit" if not 1 <= limit <= repo.LIMITS["limit"] else "offset",
                expected=f"1 <= limit <= {repo.LIMITS['limit']} and offset >= 0",
                found=f"limit={limit}, offset={offset}",
            )
        for key, value in (("q", q), ("topic", topic)):
            if value is not None and len(value) > repo.LIMITS["q"]:
                raise RequestError(
                    f"the {key} text is too long",
                    where=key,
                    expected=f"at most {repo.LIMITS['q']} characters",
                    found=f"{len(value)} characters",
                )
        if helix and helix.strip().lower() not in (*HELICES, UNKNOWN):
            raise RequestError(
                f"unknown helix {helix!r}",
                where="helix",
                expected=", ".join((*HELICES, UNKNOWN)),
                found=repr(helix),
            )
        conditions: list[Any] = []
        for word in _WORD.findall(fold(q or "")):
            conditions.append(OrganisationRow.search_text.like(f"%{_like(word)}%", escape="\\"))
        if country and country.strip():
            conditions.append(OrganisationRow.country == country.strip().upper())
        if helix and helix.strip():
            conditions.append(OrganisationRow.helix == helix.strip().lower())
        if type and type.strip():
            conditions.append(OrganisationRow.type == type.strip().upper())
        if region and region.strip():
            code = region.strip().upper()
            conditions.append(
                or_(
                    OrganisationRow.region.like(f"{_like(code)}%", escape="\\"),
                    and_(OrganisationRow.region.is_(None), OrganisationRow.country == code),
                )
            )
        if topic and topic.strip():
            conditions.append(
                OrganisationRow.topics_text.like(f"%;{_like(fold(topic.strip()))}%", escape="\\")
            )
        projects = (
            select(
                ParticipationRow.organisation_id.label("oid"),
                func.count(ParticipationRow.id).label("n"),
            )
            .group_by(ParticipationRow.organisation_id)
            .subquery()
        )
        base = select(OrganisationRow.id).where(*conditions)
        with self.store.session() as s:
            total = int(s.scalar(select(func.count()).select_from(base.subquery())) or 0)
            ids = list(
                s.scalars(
                    base.outerjoin(projects, projects.c.oid == OrganisationRow.id)
                    .order_by(
                        func.coalesce(projects.c.n, 0).desc(),
                        OrganisationRow.name,
                        OrganisationRow.id,
                    )
                    .limit(limit)
                    .offset(offset)
                )
            )
            items = repo.organisation_views(s, ids)
        return OrganisationPage(total=total, limit=limit, offset=offset, items=items)

    def get(self, actor: Account | None, organisation_id: int) -> OrganisationView:
        """One organisation (:class:`UnknownRecordError` when there is none)."""
        self.read(actor)
        with self.store.session() as s:
            self._row(s, organisation_id)
            return repo.organisation_views(s, [organisation_id])[0]

    def participations(
        self, actor: Account | None, organisation_id: int
    ) -> list[ParticipationView]:
        """An organisation's project participations, newest first."""
        self.read(actor)
        with self.store.session() as s:
            self._row(s, organisation_id)
            return repo.participation_views(s, organisation_id)

    def frames(self, actor: Account | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Every organisation, and every participation in the contract layout.

        Returns
        -------
        organisations : pandas.DataFrame
            Index ``id`` (int); columns name, source_id, type, helix, country, region, city,
            topics (list), description.
        participations : pandas.DataFrame
            Columns project (``programme:project``, so that two programmes' ids never meet),
            org (the organisation's id, as text), name, type, helix, country, nuts (its
            region), role, programme, start_year, parts.
        """
        self.read(actor)
        with self.store.session() as s:
            orgs = s.execute(
                select(
                    OrganisationRow.id,
                    OrganisationRow.name,
                    OrganisationRow.source_id,
                    OrganisationRow.type,
                    OrganisationRow.helix,
                    OrganisationRow.country,
                    OrganisationRow.region,
                    OrganisationRow.city,
                    OrganisationRow.topics,
                    OrganisationRow.description,
                ).order_by(OrganisationRow.id)
            ).all()
            links = s.execute(
                select(
                    ParticipationRow.programme,
                    ParticipationRow.project,
                    ParticipationRow.organisation_id,
                    ParticipationRow.role,
                    ParticipationRow.year,
                    ParticipationRow.parts,
                    ParticipationRow.acronym,
                )
            ).all()
        columns = [
            "id",
            "name",
            "source_id",
            "type",
            "helix",
            "country",
            "region",
            "city",
            "topics",
            "description",
        ]
        organisations = pd.DataFrame([tuple(r) for r in orgs], columns=columns).set_index("id")
        organisations["region"] = organisations["region"].fillna("")
        table = pd.DataFrame(
            [tuple(r) for r in links],
            columns=["programme", "project", "oid", "role", "start_year", "parts", "acronym"],
        )
        info = organisations[["name", "type", "helix", "country", "region"]]
        table = table.join(info, on="oid")
        table["project"] = table["programme"].astype(str) + ":" + table["project"].astype(str)
        table["org"] = table["oid"].astype(str)
        table = table.rename(columns={"region": "nuts"}).drop(columns=["oid"])
        return organisations, table

    # --------------------------------------------------------------------- changes
    def create(self, actor: Account | None, data: OrganisationIn) -> OrganisationView:
        """Add an organisation (version 1)."""
        require_editor(
            actor,
            (data.region or "").strip().upper() or None,
            "adding an organisation",
            country=data.country,
        )
        values = repo.clean_organisation(data)
        stamp = repo.now()
        with self.store.session() as s:
            self._taken(s, values["source_id"])
            row = OrganisationRow(
                **values,
                version=1,
                created_at=stamp,
                created_by=_name(actor),
                updated_at=stamp,
                updated_by=_name(actor),
            )
            s.add(row)
            s.flush()
            return repo.organisation_views(s, [row.id])[0]

    def update(
        self, actor: Account | None, organisation_id: int, data: OrganisationIn, *, version: int
    ) -> OrganisationView:
        """Replace an organisation's fields as the next version of ``version`` (the one the
        editor started from); an unchanged organisation keeps its version.

        Raises
        ------
        EditConflictError
            When the stored version is not ``version`` (``details``: ``current``, ``yours``).
        """
        with self.store.session() as s:
            row = self._row(s, organisation_id)
            require_editor(actor, row.region, "changing an organisation", country=row.country)
            values = repo.clean_organisation(data)
            if values["region"] != row.region:
                require_editor(
                    actor,
                    values["region"],
                    "moving an organisation to a region",
                    country=values.get("country"),
                )
            if row.version != version:
                raise self._conflict(s, organisation_id, data, version)
            self._taken(s, values["source_id"], other_than=organisation_id)
            if all(getattr(row, k) == v for k, v in values.items()):
                return repo.organisation_views(s, [organisation_id])[0]
            result = s.execute(
                update(OrganisationRow)
                .where(OrganisationRow.id == organisation_id, OrganisationRow.version == version)
                .values(
                    **values, version=version + 1, updated_at=repo.now(), updated_by=_name(actor)
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                s.expire(row)
                raise self._conflict(s, organisation_id, data, version)
            s.expire(row)
            return repo.organisation_views(s, [organisation_id])[0]

    def delete(self, actor: Account | None, organisation_id: int, *, version: int) -> None:
        """Delete an organisation and its participations (:class:`EditConflictError` when
        ``version`` is not the stored one)."""
        with self.store.session() as s:
            row = self._row(s, organisation_id)
            require_editor(actor, row.region, "deleting an organisation", country=row.country)
            if row.version != version:
                raise self._conflict(s, organisation_id, None, version)
            s.execute(
                delete(ParticipationRow).where(ParticipationRow.organisation_id == organisation_id)
            )
            result = s.execute(
                delete(OrganisationRow).where(
                    OrganisationRow.id == organisation_id, OrganisationRow.version == version
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise self._conflict(s, organisation_id, None, version)

    # --------------------------------------------------------------------- imports
    def known_sources(self, source_ids: Sequence[str]) -> dict[str, tuple[int, int, str | None]]:
        """The stored organisations of these source ids: ``{source_id: (id, version, region)}``."""
        wanted = sorted({s for s in source_ids if s})
        found: dict[str, tuple[int, int, str | None]] = {}
        with self.store.session() as s:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                for row in s.execute(
                    select(
                        OrganisationRow.source_id,
                        OrganisationRow.id,
                        OrganisationRow.version,
                        OrganisationRow.region,
                    ).where(OrganisationRow.source_id.in_(chunk))
                ):
                    found[str(row[0])] = (int(row[1]), int(row[2]), row[3])
        return found

    def store_import(
        self,
        actor: Account | None,
        organisations: Sequence[tuple[dict[str, Any], int | None]],
        participations: Sequence[dict[str, Any]],
        *,
        update_existing: bool,
        fields: Collection[str] | None = None,
    ) -> dict[str, int]:
        """Store an import in one transaction: all of it or nothing.

        Parameters
        ----------
        organisations : sequence of (values, version)
            Checked values (:func:`.repo.clean_organisation`) and the version the row names
            (``None``: none named). An organisation whose source id is stored is updated when
            ``update_existing`` (as its next version, when anything changed), else left as it is.
        participations : sequence of dict
            ``source_id`` of the organisation, ``project``, ``programme``, ``role``, ``year``,
            ``contribution``, ``parts``, ``acronym``, ``title``. One already stored (same
            programme, project and organisation) is left as it is.
        update_existing : bool
            Whether stored organisations take the file's values.
        fields : collection of str, optional
            The fields the file gives (its columns): a stored organisation keeps its other
            fields. ``None``: all.

        Returns
        -------
        dict
            ``organisations_new``, ``organisations_updated``, ``participations_new``,
            ``participations_known``.
        """
        places = {(v["region"] or "", v.get("country") or "") for v, _ in organisations}
        for region, country in sorted(places):
            require_editor(actor, region or None, "importing organisations", country=country)
        if participations:
            require_role(actor, ("admin", "editor"), "importing participations")
        counts = dict.fromkeys(
            (
                "organisations_new",
                "organisations_updated",
                "participations_new",
                "participations_known",
            ),
            0,
        )
        stamp = repo.now()
        with self.store.session() as s:
            ids: dict[str, int] = {}
            stored = self._rows_by_source(s, [v["source_id"] for v, _ in organisations])
            for values, version in organisations:
                source = values["source_id"]
                row = stored.get(source) if source else None
                if row is None:
                    row = OrganisationRow(
                        **values,
                        version=1,
                        created_at=stamp,
                        created_by=_name(actor),
                        updated_at=stamp,
                        updated_by=_name(actor),
                    )
                    s.add(row)
                    s.flush()
                    counts["organisations_new"] += 1
                elif update_existing:
                    changed = {k: v for k, v in values.items() if fields is None or k in fields}
                    if "type" in changed:
                        changed["helix"] = values["helix"]
                    merged = {
                        k: changed.get(k, getattr(row, k))
                        for k in ("name", "source_id", "city", "topics", "description")
                    }
                    changed.update(repo.search_values(**merged))
                    if any(getattr(row, k) != v for k, v in changed.items()):
                        require_editor(
                            actor, row.region, "changing an organisation", country=row.country
                        )
                        if "region" in changed and changed["region"] != row.region:
                            require_editor(actor, changed["region"], "moving an organisation")
                        if version is not None and version != row.version:
                            raise self._conflict(s, row.id, None, version)
                        for key, value in changed.items():
                            setattr(row, key, value)
                        row.version += 1
                        row.updated_at, row.updated_by = stamp, _name(actor)
                        s.flush()
                        counts["organisations_updated"] += 1
                if source:
                    ids[source] = row.id
            known = self._known_links(s, {ids[p["source_id"]] for p in participations})
            for p in participations:
                oid = ids[p["source_id"]]
                link = (str(p["programme"]), str(p["project"]), oid)
                if link in known:
                    counts["participations_known"] += 1
                    continue
                known.add(link)
                s.add(
                    ParticipationRow(
                        organisation_id=oid,
                        **{
                            k: p[k]
                            for k in (
                                "project",
                                "programme",
                                "role",
                                "year",
                                "contribution",
                                "parts",
                                "acronym",
                                "title",
                            )
                        },
                    )
                )
                counts["participations_new"] += 1
            s.flush()
        return counts

    @staticmethod
    def _rows_by_source(s: Session, sources: Sequence[str | None]) -> dict[str, OrganisationRow]:
        wanted = sorted({x for x in sources if x})
        found: dict[str, OrganisationRow] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for row in s.scalars(
                select(OrganisationRow).where(OrganisationRow.source_id.in_(chunk))
            ):
                found[str(row.source_id)] = row
        return found

    @staticmethod
    def _known_links(s: Session, oids: set[int]) -> set[tuple[str, str, int]]:
        found: set[tuple[str, str, int]] = set()
        ordered = sorted(oids)
        for start in range(0, len(ordered), 500):
            for row in s.execute(
                select(
                    ParticipationRow.programme,
                    ParticipationRow.project,
                    ParticipationRow.organisation_id,
                ).where(ParticipationRow.organisation_id.in_(ordered[start : start + 500]))
            ):
                found.add((str(row[0]), str(row[1]), int(row[2])))
        return found

    def counts(self, actor: Account | None) -> dict[str, int]:
        """How many organisations and participations are stored."""
        self.read(actor)
        with self.store.session() as s:
            return {
                "organisations": int(s.scalar(select(func.count(OrganisationRow.id))) or 0),
                "participations": int(s.scalar(select(func.count(ParticipationRow.id))) or 0),
            }

    def meta(self, key: str) -> str | None:
        """A setting of the domain (``"example_loaded"``), or ``None``."""
        with self.store.session() as s:
            return repo.get_meta(s, key)

    def set_meta(self, key: str, value: str) -> None:
        """Set a setting of the domain."""
        with self.store.session() as s:
            repo.set_meta(s, key, value)
