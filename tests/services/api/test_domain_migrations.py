"""A domain brings its tables: the Alembic revisions in its ``migrations`` package are applied
by the store next to the store's own (a registered domain needs no edit of the store)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

import smartspec.domains as domains
from smartspec.store import Store, sqlite_url

REVISION = '''"""A test domain's table."""

import sqlalchemy as sa
from alembic import op

revision = "t001_notes"
down_revision = None
branch_labels = ("testdomain",)
depends_on = "0001_datasets"


def upgrade() -> None:
    op.create_table("testdomain_notes", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("testdomain_notes")
'''


@pytest.fixture
def with_test_domain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    package = tmp_path / "pkg" / "testdomain_migrations"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "t001_notes.py").write_text(REVISION)
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    domain = replace(domains.DOMAINS[0], name="testdomain", migrations="testdomain_migrations")
    monkeypatch.setattr(domains, "DOMAINS", (*domains.DOMAINS, domain))
    yield str(package)
    sys.modules.pop("testdomain_migrations", None)


def test_a_registered_domain_gets_its_tables(with_test_domain: str, tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "db.sqlite"))
    tables = set(sa.inspect(store.engine).get_table_names())
    assert {"datasets", "testdomain_notes"} <= tables
    assert store.revision() == "t001_notes"  # its branch depends on the store's head
    store.upgrade()  # again: nothing to do, nothing lost
    assert store.revision() == "t001_notes"  # its branch depends on the store's head


def test_without_domain_migrations_the_store_is_as_before(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "db.sqlite"))
    assert store.revision() == "0001_datasets"
    assert "testdomain_notes" not in sa.inspect(store.engine).get_table_names()
