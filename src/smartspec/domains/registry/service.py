"""The priorities registry's service: :class:`Registry`, what the API, the pages and the CLI call.

Every method takes the acting account first (``None`` for an anonymous visitor) and checks it
with :mod:`smartspec.domains.accounts.rules`: changes need an administrator or an editor granted
the record's region; reading needs an account only on a private registry
(``public_read=False``). Every change of a priority is one transaction that also writes its
history row (version, time, actor, action, field-level changes, snapshot).

Lost updates are refused: an update or delete names the version the editor started from, and the
row is changed with ``UPDATE ... WHERE id = ? AND version = ?`` (atomic on SQLite and
PostgreSQL); when another change came first, :class:`~smartspec.domains.errors.EditConflictError`
carries both versions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import update
from sqlalchemy.orm import Session

from smartspec.domains.accounts.rules import Account, require_region
from smartspec.domains.errors import EditConflictError, RequestError, UnknownRecordError

from . import repo
from .checks import (
    LIMITS,
    CleanPriority,
    DraftLike,
    actor_name,
    check_codes_by_scheme,
    clean_priority,
    fold,
    invalid,
    period_text,
    region_code,
    set_aside_codes,
)
from .models import PriorityRow, StrategyRow
from .nuts import iso_country
from .places import Places
from .search import (
    SearchFilters,
    compare_regions,
    query_words,
    region_priority_ids,
    search_ids,
    search_text,
    similar_regions,
)
from .views import (
    ChangeView,
    ComparisonView,
    FieldChange,
    PriorityIn,
    PriorityPage,
    PriorityView,
    SimilarityView,
)

__all__ = ["Registry"]


class Registry(Places):
    """The priorities registry on a :class:`~smartspec.store.Store`.

    Parameters
    ----------
    store : Store
        The platform database (its migrations create the registry's tables).
    public_read : bool
        Whether anonymous visitors may read (a public registry).
    """

    # ------------------------------------------------------------------------ internals
    def _target_region(self, s: Session, data: PriorityIn) -> tuple[str, str | None]:
        """The region (and period) a priority is for: its strategy's, or the given ones."""
        if data.strategy_id is not None:
            strategy = s.get(StrategyRow, data.strategy_id)
            if strategy is None:
                raise UnknownRecordError(
                    f"there is no strategy {data.strategy_id}",
                    where="strategy_id",
                    fix="list the strategies (GET /registry/strategies), or give region and "
                    "period instead",
                )
            return strategy.region, strategy.period
        if not data.region:
            raise invalid(
                "the priority names no strategy",
                where="strategy_id",
                expected="strategy_id, or region and period",
                found="neither",
            )
        return region_code(data.region), None

    def _strategy(self, s: Session, data: PriorityIn, region: str) -> StrategyRow:
        if data.strategy_id is not None:
            strategy = s.get(StrategyRow, data.strategy_id)
            assert strategy is not None  # checked by _target_region
            return strategy
        return repo.ensure_strategy(s, region, period_text(data.period))

    def _current(self, s: Session, priority_id: int, *, deleted: bool = False) -> PriorityRow:
        row = s.get(PriorityRow, priority_id)
        if row is None or (row.deleted_at is not None and not deleted):
            raise UnknownRecordError(
                f"there is no priority {priority_id}",
                where="id",
                fix="search the registry for its id",
            )
        return row

    def _conflict(
        self, s: Session, priority_id: int, data: PriorityIn | None, version: int
    ) -> EditConflictError:
        current = repo.priority_views(s, [priority_id])
        return EditConflictError.between(
            f"priority {priority_id}", current[0] if current else None, data, version
        )

    def _save(
        self,
        s: Session,
        row: PriorityRow,
        *,
        version: int,
        values: dict[str, Any],
        actor: Account | None,
        action: str,
        data: PriorityIn | None = None,
        extra_changes: Sequence[dict[str, Any]] = (),
        source: str | None = None,
    ) -> PriorityRow:
        """Apply ``values`` as version ``version + 1`` (atomically, only if the row is still at
        ``version``), re-index, and write the history row."""
        old_strategy = s.get(StrategyRow, row.strategy_id)
        assert old_strategy is not None
        before = repo.snapshot(row, old_strategy)
        stamp = repo.now()
        result = s.execute(
            update(PriorityRow)
            .where(PriorityRow.id == row.id, PriorityRow.version == version)
            .values(**values, version=version + 1, updated_at=stamp, updated_by=actor_name(actor))
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            s.expire(row)
            raise self._conflict(s, row.id, data, version)
        s.refresh(row)
        strategy = s.get(StrategyRow, row.strategy_id)
        assert strategy is not None
        after = repo.snapshot(row, strategy)
        deleted = row.deleted_at is not None
        repo.write_codes(s, row.id, row.codes, row.tags)
        repo.write_fts(s, self.store.backend, row.id, None if deleted else row.search_text)
        repo.add_history(
            s,
            kind="priority",
            record_id=row.id,
            version=row.version,
            actor=actor_name(actor),
            action=action,
            changes=[*repo.diff(before, after), *extra_changes],
            state=after,
            source=source,
            at=stamp,
        )
        return row

    def _insert(
        self,
        s: Session,
        actor: Account | None,
        strategy: StrategyRow,
        clean: CleanPriority,
        *,
        action: str,
        set_aside: dict[str, list[str]] | None = None,
        source: str | None = None,
    ) -> int:
        stamp = repo.now()
        row = PriorityRow(
            strategy_id=strategy.id,
            title=clean.title,
            description=clean.description,
            language=clean.language,
            codes=clean.codes,
            tags=clean.tags,
            set_aside_codes=set_aside or {},
            search_text=search_text(clean.title, clean.description, clean.tags),
            version=1,
            created_at=stamp,
            created_by=actor_name(actor),
            updated_at=stamp,
            updated_by=actor_name(actor),
        )
        s.add(row)
        s.flush()
        repo.write_codes(s, row.id, row.codes, row.tags)
        repo.write_fts(s, self.store.backend, row.id, row.search_text)
        state = repo.snapshot(row, strategy)
        repo.add_history(
            s,
            kind="priority",
            record_id=row.id,
            version=1,
            actor=actor_name(actor),
            action=action,
            changes=repo.diff(None, state),
            state=state,
            source=source,
            at=stamp,
        )
        return row.id

    # ----------------------------------------------------------------------- priorities
    def create_priority(self, actor: Account | None, data: PriorityIn) -> PriorityView:
        """Add a priority (version 1); its strategy (and region) is created when named by region
        and period and missing."""
        with self.store.session() as s:
            region, _ = self._target_region(s, data)
            require_region(actor, region, "adding a priority")
            clean = clean_priority(data)
            strategy = self._strategy(s, data, region)
            new_id = self._insert(s, actor, strategy, clean, action="create")
            return repo.priority_views(s, [new_id])[0]

    def get_priority(self, actor: Account | None, priority_id: int) -> PriorityView:
        """One priority (:class:`UnknownRecordError` when there is none, or it was deleted)."""
        self._read(actor)
        with self.store.session() as s:
            self._current(s, priority_id)
            return repo.priority_views(s, [priority_id])[0]

    def update_priority(
        self, actor: Account | None, priority_id: int, data: PriorityIn, *, version: int
    ) -> PriorityView:
        """Replace a priority's fields, as the next version of ``version`` (the one the editor
        started from). Its set-aside codes are kept. An unchanged priority keeps its version.

        Raises
        ------
        EditConflictError
            When the stored version is not ``version``: ``details`` has ``current`` (the
            stored priority) and ``yours`` (``data`` and ``version``).
        """
        with self.store.session() as s:
            row = self._current(s, priority_id)
            strategy = s.get(StrategyRow, row.strategy_id)
            assert strategy is not None
            require_region(actor, strategy.region, "changing a priority")
            target, _ = self._target_region(s, data)
            if target != strategy.region:
                require_region(actor, target, "moving a priority to another region")
            if row.version != version:
                raise self._conflict(s, priority_id, data, version)
            clean = clean_priority(data)
            new_strategy = self._strategy(s, data, target)
            values = {
                "strategy_id": new_strategy.id,
                "title": clean.title,
                "description": clean.description,
                "language": clean.language,
                "codes": clean.codes,
                "tags": clean.tags,
                "search_text": search_text(clean.title, clean.description, clean.tags),
            }
            if all(getattr(row, k) == v for k, v in values.items()):
                return repo.priority_views(s, [priority_id])[0]
            self._save(
                s, row, version=version, values=values, actor=actor, action="update", data=data
            )
            return repo.priority_views(s, [priority_id])[0]

    def delete_priority(self, actor: Account | None, priority_id: int, *, version: int) -> None:
        """Delete a priority (its history stays readable and it can be restored); the deletion
        is a version of its own. :class:`EditConflictError` when ``version`` is not the stored
        one."""
        with self.store.session() as s:
            row = self._current(s, priority_id)
            strategy = s.get(StrategyRow, row.strategy_id)
            assert strategy is not None
            require_region(actor, strategy.region, "deleting a priority")
            if row.version != version:
                raise self._conflict(s, priority_id, None, version)
            self._save(
                s,
                row,
                version=version,
                values={"deleted_at": repo.now()},
                actor=actor,
                action="delete",
                extra_changes=[{"field": "deleted", "old": False, "new": True}],
            )

    def history(self, actor: Account | None, priority_id: int) -> list[ChangeView]:
        """Every version of a priority (also of a deleted one), oldest first."""
        self._read(actor)
        with self.store.session() as s:
            rows = repo.history_rows(s, "priority", priority_id)
            if not rows:
                raise UnknownRecordError(f"there is no priority {priority_id}", where="id")
            return [
                ChangeView(
                    version=r.version,
                    at=repo.aware(r.at),
                    actor=r.actor,
                    action=r.action,  # type: ignore[arg-type]
                    changes=[FieldChange(**c) for c in r.changes],
                    source=r.source,
                    snapshot=dict(r.snapshot),
                )
                for r in rows
            ]

    def restore(self, actor: Account | None, priority_id: int, version: int) -> PriorityView:
        """Bring a priority back to its fields at ``version`` (the snapshot of that version; for
        a deletion, the fields it had when deleted), as a new version; a deleted priority is
        undeleted."""
        with self.store.session() as s:
            row = self._current(s, priority_id, deleted=True)
            strategy = s.get(StrategyRow, row.strategy_id)
            assert strategy is not None
            require_region(actor, strategy.region, "restoring a priority")
            found = [
                h for h in repo.history_rows(s, "priority", priority_id) if h.version == version
            ]
            if not found:
                raise UnknownRecordError(
                    f"priority {priority_id} has no version {version}",
                    where="version",
                    expected=f"a version from 1 to {row.version}",
                    found=str(version),
                )
            state = found[-1].snapshot
            if state["region"] != strategy.region:
                require_region(actor, state["region"], "restoring a priority")
            target = s.get(StrategyRow, state["strategy_id"]) or repo.ensure_strategy(
                s, state["region"], state["period"]
            )
            was_deleted = row.deleted_at is not None
            values = {
                "strategy_id": target.id,
                "title": state["title"],
                "description": state["description"],
                "language": state["language"],
                "codes": state["codes"],
                "tags": state["tags"],
                "set_aside_codes": state.get("set_aside_codes", {}),
                "search_text": search_text(state["title"], state["description"], state["tags"]),
                "deleted_at": None,
            }
            extra = [{"field": "deleted", "old": True, "new": False}] if was_deleted else []
            self._save(
                s,
                row,
                version=row.version,
                values=values,
                actor=actor,
                action="restore",
                extra_changes=extra,
            )
            return repo.priority_views(s, [priority_id])[0]

    def search(
        self,
        actor: Account | None,
        *,
        q: str | None = None,
        region: str | None = None,
        code: str | None = None,
        country: str | None = None,
        period: str | None = None,
        strategy: int | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> PriorityPage:
        """Find priorities by words and filters, best match first.

        Parameters
        ----------
        q : str, optional
            Words (at most 500 characters). Each word is matched as the beginning of a word of
            the title, description or tags, ignoring case and accents (``inov`` finds
            "Inovace", ``energia`` "energía"); every word must match. Only letters and digits
            count: other characters separate words, so no query syntax can be injected. Ranked
            by relevance (SQLite FTS5 ``bm25``, PostgreSQL ``ts_rank``), then by id.
        region : str, optional
            A region code: its priorities and those of the regions under it (codes that start
            with it: ``CZ0`` covers ``CZ064``).
        code : str, optional
            ``"scheme:code"`` (``"nace:28"``, ``"sdg:7"``, ``"tag:hydrogen"``) or a bare NACE
            code (``"28"``). A NACE code also finds the priorities declaring a narrower code
            under it: a section (``"C"``) finds its divisions, groups and classes, a division
            (``"28"``) its groups (``"28.1"``) and classes (``"28.11"``). Other schemes match
            exactly.
        country : str, optional
            ISO 3166-1 alpha-2 of the region (NUTS ``EL``/``UK`` are read as ``GR``/``GB``).
        period : str, optional
            The strategy's period, exactly (``"2021-2027"``).
        strategy : int, optional
            A strategy id.
        limit, offset : int
            The page: 1 to 500 items, from ``offset``.
        """
        self._read(actor)
        if not 1 <= limit <= LIMITS["limit"] or offset < 0:
            raise RequestError(
                "the page asked for is out of bounds",
                where="limit" if not 1 <= limit <= LIMITS["limit"] else "offset",
                expected=f"1 <= limit <= {LIMITS['limit']} and offset >= 0",
                found=f"limit={limit}, offset={offset}",
            )
        if q is not None and len(q) > LIMITS["q"]:
            raise RequestError(
                "the search text is too long",
                where="q",
                expected=f"at most {LIMITS['q']} characters",
                found=f"{len(q)} characters",
            )
        scheme, codes = self._code_filter(code)
        filters = SearchFilters(
            words=tuple(query_words(q or "")),
            region=region_code(region) if region else None,
            scheme=scheme,
            codes=codes,
            country=iso_country(country) if country else None,
            period=period.strip() if period else None,
            strategy=strategy,
        )
        with self.store.session() as s:
            total, ids = search_ids(s, self.store.backend, filters, limit=limit, offset=offset)
            items = repo.priority_views(s, ids)
        return PriorityPage(total=total, limit=limit, offset=offset, items=items)

    @staticmethod
    def _code_filter(code: str | None) -> tuple[str | None, tuple[str, ...]]:
        if not code or not code.strip():
            return None, ()
        scheme, sep, value = code.strip().partition(":")
        if not sep:
            scheme, value = "nace", code.strip()
        scheme = scheme.strip().lower()
        if scheme == "tag":
            return "tag", (fold(value.strip()),)
        checked = check_codes_by_scheme({scheme: [value.strip()]})
        return scheme, tuple(checked.get(scheme, ()))

    def region_priorities(self, actor: Account | None, region: str) -> list[PriorityView]:
        """The priorities of one region (exactly that code), by period then id."""
        self._read(actor)
        code = region_code(region)
        with self.store.session() as s:
            return repo.priority_views(s, region_priority_ids(s, [code]).get(code, []))

    # -------------------------------------------------------------------------- imports
    def store_drafts(
        self, actor: Account | None, drafts: Sequence[DraftLike], *, source: str
    ) -> list[PriorityView]:
        """Store an import's drafts, all or nothing (one transaction): their regions and
        strategies are created or completed, each priority is added as version 1 with action
        ``"import"`` and ``source`` (the file) in its history. A draft whose ``id`` names a stored
        priority of its region (a file exported from this registry, edited and imported again)
        updates that priority instead, as its next version when anything changed; one whose
        ``version`` is older than the stored one refuses the whole import
        (:meth:`check_drafts`).

        The actor must be allowed to change every draft's region: an anonymous caller is
        refused (401); the platform's own loading of the bundled example passes
        :data:`~smartspec.domains.accounts.service.SYSTEM_ACCOUNT`."""
        regions = {region_code(d.region) for d in drafts}
        for code in sorted(regions):
            require_region(actor, code, "importing priorities")
        cleaned = [
            clean_priority(
                PriorityIn(
                    region=d.region,
                    period=d.period,
                    title=d.title,
                    description=d.description or "",
                    language=d.language or "en",
                    codes=dict(d.codes or {}),
                    tags=list(d.tags or []),
                )
            )
            for d in drafts
        ]
        with self.store.session() as s:
            conflicts = self._draft_problems(s, drafts)
            if conflicts:  # changed since the check of the import (another editor saved)
                first = conflicts[0]
                raise invalid(
                    f"{len(conflicts)} row(s) name priorities changed meanwhile: nothing was "
                    "imported",
                    where=f"file '{source}', row {first['row']}, column {first['column']}",
                    expected=first["expected"],
                    found=first["found"],
                    fix="export the priorities again, redo the changes, and import that file",
                    code="invalid.import",
                )
            ids = []
            for draft, clean in zip(drafts, cleaned, strict=True):
                code = region_code(draft.region)
                repo.ensure_region(
                    s,
                    code,
                    name=draft.region_name or None,
                    level=draft.level or None,
                    parent=draft.parent or None,
                    country=iso_country(draft.country) if draft.country else None,
                    replace=True,
                )
                strategy = repo.ensure_strategy(
                    s,
                    code,
                    period_text(draft.period),
                    title=draft.strategy_title or None,
                    source=draft.strategy_source or None,
                    url=draft.strategy_url or None,
                )
                existing = self._stored_draft(s, draft)
                if existing is not None:
                    ids.append(existing.id)
                    values = {
                        "strategy_id": strategy.id,
                        "title": clean.title,
                        "description": clean.description,
                        "language": clean.language,
                        "codes": clean.codes,
                        "tags": clean.tags,
                        "set_aside_codes": set_aside_codes(draft.set_aside_codes),
                        "search_text": search_text(clean.title, clean.description, clean.tags),
                    }
                    if any(getattr(existing, k) != v for k, v in values.items()):
                        self._save(
                            s,
                            existing,
                            version=existing.version,
                            values=values,
                            actor=actor,
                            action="import",
                            source=source,
                        )
                    continue
                ids.append(
                    self._insert(
                        s,
                        actor,
                        strategy,
                        clean,
                        action="import",
                        set_aside=set_aside_codes(draft.set_aside_codes),
                        source=source,
                    )
                )
            return repo.priority_views(s, ids)

    def check_drafts(self, drafts: Sequence[DraftLike]) -> list[dict[str, Any]]:
        """The problems of an import's rows that name stored priorities (``id``, ``version``):
        an id of another region's priority, or a version older than the stored one (someone
        changed it since the file was exported). Each is a dict of ``row``, ``column``,
        ``expected``, ``found`` and ``message``, as the import report lists them."""
        with self.store.session() as s:
            return self._draft_problems(s, drafts)

    @staticmethod
    def _named(s: Session, draft: DraftLike) -> tuple[PriorityRow, str] | None:
        """The stored, not deleted priority a draft's ``id`` names, with its region; ``None``
        for a draft without id, or whose id is not a priority here (a new record)."""
        if draft.id is None:
            return None
        row = s.get(PriorityRow, draft.id)
        if row is None or row.deleted_at is not None:
            return None
        strategy = s.get(StrategyRow, row.strategy_id)
        return row, strategy.region if strategy is not None else "?"

    def _stored_draft(self, s: Session, draft: DraftLike) -> PriorityRow | None:
        """The priority a draft updates: the one its ``id`` names, when of the draft's region."""
        named = self._named(s, draft)
        if named is None or named[1] != region_code(draft.region):
            return None
        return named[0]

    def _draft_problems(self, s: Session, drafts: Sequence[DraftLike]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for draft in drafts:
            named = self._named(s, draft)
            if named is None:
                continue  # no id, or not a priority of this registry: imported as a new one
            row, region = named
            ident = row.id
            if region != region_code(draft.region):
                out.append(
                    {
                        "row": draft.row,
                        "column": "id",
                        "expected": f"the id of a priority of {region_code(draft.region)}, or "
                        "no id (to add a new priority)",
                        "found": f"id {ident}, a priority of {region}",
                        "message": "the id names another region's priority",
                    }
                )
                continue
            version = draft.version
            if version is not None and version != row.version:
                out.append(
                    {
                        "row": draft.row,
                        "column": "version",
                        "expected": f"version {row.version} (the stored one)",
                        "found": f"version {version}",
                        "message": f"priority {ident} was changed after this file was "
                        "exported: importing it would overwrite that change",
                    }
                )
        return out

    def meta(self, key: str) -> str | None:
        """A registry setting (``"example_loaded"``...), or ``None``."""
        with self.store.session() as s:
            return repo.get_meta(s, key)

    def set_meta(self, key: str, value: str) -> None:
        """Set a registry setting."""
        with self.store.session() as s:
            repo.set_meta(s, key, value)

    # ------------------------------------------------------------------------- analysis
    def compare(self, actor: Account | None, regions: Sequence[str]) -> ComparisonView:
        """Regions side by side: each one's priorities and declared codes, every NACE division
        declared by any of them (directly, or by one of its groups or classes) with the regions
        declaring it, and the codes every region declares (``shared``; NACE as divisions).

        Raises :class:`UnknownRecordError` for a region the registry does not have.
        """
        self._read(actor)
        codes = list(dict.fromkeys(region_code(r) for r in regions))
        if not 1 <= len(codes) <= LIMITS["compare"]:
            raise RequestError(
                "compare needs regions",
                where="regions",
                expected=f"1 to {LIMITS['compare']} region codes",
                found=str(len(codes)),
            )
        with self.store.session() as s:
            rows = [self._region(s, code) for code in codes]
            return compare_regions(s, rows)

    def similar_regions(
        self,
        actor: Account | None,
        region: str,
        *,
        by: Literal["codes", "text", "both"] = "codes",
        limit: int = 10,
    ) -> SimilarityView:
        """The regions whose declared priorities are most like ``region``'s, best first.

        ``by="codes"``: Jaccard similarity ``|A ∩ B| / |A ∪ B|`` of the two regions' sets of
        declared NACE divisions (a declared group or class counts as its division).
        ``by="text"``: cosine similarity of TF-IDF vectors of the regions' priority texts
        (titles and descriptions; scikit-learn ``TfidfVectorizer``, character n-grams of 3 to 5
        within words, over accent-folded text, fitted on every region with priorities).
        ``by="both"``: the mean of the two. Ranked by score, then region code; only regions
        with priorities are ranked. The view's ``measure`` names the measure.
        """
        self._read(actor)
        code = region_code(region)
        if by not in ("codes", "text", "both"):
            raise RequestError(
                f"unknown similarity {by!r}", where="by", expected="codes, text or both", found=by
            )
        if not 1 <= limit <= LIMITS["similar"]:
            raise RequestError(
                "limit out of bounds",
                where="limit",
                expected=f"1 to {LIMITS['similar']}",
                found=str(limit),
            )
        with self.store.session() as s:
            self._region(s, code)
            return similar_regions(s, code, by=by, limit=limit)
