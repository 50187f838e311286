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


#: The heads of the registered domains' branches (each depends on the store's ``0001_datasets``;
#: the registry's ``r001_registry`` is below monitoring and review, which build on its tables).
DOMAIN_HEADS = [
    "a0001_accounts",
    "m001_monitoring",
    "o001_actors",
    "v001_review",
]


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
    # its branch depends on the store's head: its revision is a head, the store's is not
    heads = str(store.revision()).split(",")
    assert "t001_notes" in heads and "0001_datasets" not in heads
    store.upgrade()  # again: nothing to do, nothing lost
    assert str(store.revision()).split(",") == heads


def test_without_domain_migrations_the_store_is_as_before(tmp_path: Path) -> None:
    store = Store(sqlite_url(tmp_path / "db.sqlite"))
    assert str(store.revision()).split(",") == DOMAIN_HEADS
    assert "testdomain_notes" not in sa.inspect(store.engine).get_table_names()


def test_a_registered_domain_adds_its_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ``commands`` of a registered domain join the ``smartspec`` command."""
    import click
    from click.testing import CliRunner

    from smartspec.services.cli.group import add_domain_commands

    @click.command("hello-domain")
    def hello() -> None:
        click.echo("hello from a domain")

    monkeypatch.setitem(sys.modules, "hello_domain_cli", type(sys)("hello_domain_cli"))
    sys.modules["hello_domain_cli"].hello = hello  # type: ignore[attr-defined]
    domain = replace(domains.DOMAINS[0], name="hello", commands=("hello_domain_cli:hello",))
    monkeypatch.setattr(domains, "DOMAINS", (domain,))
    group = click.Group("smartspec")
    add_domain_commands(group)
    assert CliRunner().invoke(group, ["hello-domain"]).output == "hello from a domain\n"


def test_a_registered_domain_adds_its_pages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The ``pages`` hook of a registered domain adds its routes to the dashboard."""
    from fastapi.responses import HTMLResponse

    from smartspec.app import SmartSpecApp

    def pages(api: object, dashboard: object) -> None:
        api.add_api_route(  # type: ignore[attr-defined]
            "/hello-domain", lambda: HTMLResponse("<p>hello page</p>"), methods=["GET"]
        )

    monkeypatch.setitem(sys.modules, "hello_domain_pages", type(sys)("hello_domain_pages"))
    sys.modules["hello_domain_pages"].pages = pages  # type: ignore[attr-defined]
    domain = replace(domains.DOMAINS[0], name="hello", routers=(), pages="hello_domain_pages:pages")
    monkeypatch.setattr(domains, "DOMAINS", (*domains.DOMAINS, domain))
    app = SmartSpecApp(data_dir=tmp_path, datasets=["us-state-industry"])
    with app.client() as client:
        assert client.get("/hello-domain").text == "<p>hello page</p>"
    app.close()
