"""The registry's store on SQLite and PostgreSQL: its migration, and every change versioned,
audited and restorable, with lost updates refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from smartspec.core.errors import ValidationError
from smartspec.domains.accounts.rules import Account
from smartspec.domains.errors import EditConflictError, UnknownRecordError
from smartspec.domains.registry.service import Registry
from smartspec.domains.registry.views import PriorityIn

ADMIN = Account(1, "root", "admin")
EDITOR = Account(2, "ed", "editor", frozenset({"CZ064"}))

ENERGY = PriorityIn(
    region="CZ064",
    period="2021-2027",
    title="Inovace v energetice",
    description="Úspory energie a vodíkové technologie",
    language="cs",
    codes={"nace": ["28", "26.1"], "sdg": ["7"], "po": ["PO1"]},
    tags=["vodík"],
)


def test_the_migration_creates_the_registry_tables(any_registry: Registry) -> None:
    store = any_registry.store
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {
        "registry_regions",
        "registry_strategies",
        "registry_priorities",
        "registry_priority_codes",
        "registry_history",
        "registry_meta",
    } <= tables
    # the registry's revision is applied: a head, or below the heads of the domains built on
    # its tables (monitoring, review)
    built_on = {"r001_registry", "m001_monitoring", "v001_review"}
    assert built_on & set((store.revision() or "").split(","))
    before = store.revision()
    store.upgrade()  # again: nothing to do
    assert store.revision() == before


def test_create_read_update_delete_history_restore(any_registry: Registry) -> None:
    reg = any_registry
    made = reg.create_priority(EDITOR, ENERGY)
    assert (made.version, made.region, made.region_name, made.country) == (
        1,
        "CZ064",
        "Jihomoravský kraj",
        "CZ",
    )
    assert made.codes == {"nace": ["28", "26.1"], "po": ["PO1"], "sdg": ["7"]}
    assert made.created_by == made.updated_by == "ed"
    assert reg.get_priority(None, made.id) == made

    changed = ENERGY.model_copy(update={"title": "Chytré sítě", "codes": {"nace": ["27"]}})
    updated = reg.update_priority(EDITOR, made.id, changed, version=1)
    assert (updated.version, updated.title, updated.codes) == (2, "Chytré sítě", {"nace": ["27"]})

    reg.delete_priority(ADMIN, made.id, version=2)
    with pytest.raises(UnknownRecordError):
        reg.get_priority(None, made.id)

    history = reg.history(None, made.id)
    assert [(h.version, h.action, h.actor) for h in history] == [
        (1, "create", "ed"),
        (2, "update", "ed"),
        (3, "delete", "root"),
    ]
    fields = {c.field: (c.old, c.new) for c in history[1].changes}
    assert fields["title"] == ("Inovace v energetice", "Chytré sítě")
    assert fields["codes"] == (
        {"nace": ["28", "26.1"], "po": ["PO1"], "sdg": ["7"]},
        {"nace": ["27"]},
    )
    assert "description" not in fields  # unchanged fields are not listed
    assert {c.field for c in history[2].changes} == {"deleted"}

    restored = reg.restore(EDITOR, made.id, 1)  # a deleted record comes back at version 1's state
    assert (restored.version, restored.title, restored.codes) == (4, made.title, made.codes)
    assert reg.get_priority(None, made.id).title == "Inovace v energetice"
    last = reg.history(None, made.id)[-1]
    assert (last.version, last.action) == (4, "restore")
    assert {c.field for c in last.changes} == {"title", "codes", "deleted"}
    with pytest.raises(UnknownRecordError):
        reg.restore(ADMIN, made.id, 99)


def test_an_unchanged_save_keeps_the_version(any_registry: Registry) -> None:
    made = any_registry.create_priority(ADMIN, ENERGY)
    again = any_registry.update_priority(ADMIN, made.id, ENERGY, version=1)
    assert again.version == 1
    assert len(any_registry.history(None, made.id)) == 1


def test_a_lost_update_is_refused_with_both_versions(any_registry: Registry) -> None:
    reg = any_registry
    made = reg.create_priority(ADMIN, ENERGY)
    first = ENERGY.model_copy(update={"title": "First editor's title"})
    second = ENERGY.model_copy(update={"description": "Second editor's text"})
    reg.update_priority(EDITOR, made.id, first, version=1)  # both loaded version 1
    with pytest.raises(EditConflictError) as caught:
        reg.update_priority(ADMIN, made.id, second, version=1)
    details = caught.value.details
    assert details["current"]["version"] == 2  # type: ignore[index]
    assert details["current"]["title"] == "First editor's title"  # type: ignore[index]
    assert details["yours"]["version"] == 1  # type: ignore[index]
    assert details["yours"]["description"] == "Second editor's text"  # type: ignore[index]
    stored = reg.get_priority(None, made.id)
    assert (stored.version, stored.title, stored.description) == (
        2,
        "First editor's title",
        ENERGY.description,
    )
    with pytest.raises(EditConflictError):
        reg.delete_priority(ADMIN, made.id, version=1)
    assert reg.get_priority(None, made.id).version == 2


def test_an_unknown_code_stores_nothing(any_registry: Registry) -> None:
    bad = ENERGY.model_copy(update={"codes": {"nace": ["28", "99.9"]}})
    with pytest.raises(ValidationError) as caught:
        any_registry.create_priority(ADMIN, bad)
    error = caught.value
    assert error.code == "invalid.code"
    assert "nace" in error.message and "99.9" in error.message
    assert any_registry.search(None).total == 0
    assert any_registry.list_strategies(None) == []  # not even the strategy
    assert any_registry.list_regions(None) == []
