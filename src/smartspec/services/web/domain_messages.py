"""The messages of the domains' pages, for the dashboard's one catalogue.

The dashboard translates every page with one gettext catalogue per language
(``locales/<code>/LC_MESSAGES/messages.po``), the domains' pages included: their templates
(``smartspec/domains/<domain>/templates/**.html``) and their page modules
(``smartspec/domains/<domain>/pages*.py``). ``pybabel extract`` walks only the folder it is
given, so ``locales/babel.cfg`` names :func:`extract` as the extraction method of this file:
the usual command, run in ``services/web``, then collects the domains' messages too::

    pybabel extract -F locales/babel.cfg --no-location --sort-output --omit-header \\
        -o locales/messages.pot .
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

__all__ = ["DOMAINS_DIR", "domain_files", "extract", "messages"]

#: Where the domain packages are.
DOMAINS_DIR = Path(__file__).resolve().parents[2] / "domains"

#: How the dashboard's Jinja environment reads templates (``pages_base.DashboardBase.env``).
JINJA_OPTIONS = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}


def domain_files(root: Path = DOMAINS_DIR, only: str | None = None) -> list[tuple[Path, str]]:
    """The files of the domains' pages holding messages (of the domain ``only``, else of
    every domain), each with its kind (``"python"`` or ``"jinja2"``), in a stable order."""
    found: list[tuple[Path, str]] = []
    packages = (p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_"))
    for package in sorted(p for p in packages if only is None or p.name == only):
        modules = [*package.glob("pages*.py"), *package.glob("pages/**/*.py")]
        found += [(path, "python") for path in sorted(modules)]
        found += [(path, "jinja2") for path in sorted(package.glob("templates/**/*.html"))]
    return found


def extract(
    fileobj: Any,
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:
    """A Babel extraction method: the messages of every domain's pages (``fileobj``, this
    module, is only what triggers it).

    Yields
    ------
    tuple
        ``(lineno, funcname, message, comments)``, as Babel's own extractors.
    """
    yield from messages(domain_files(), keywords, comment_tags)


def messages(
    files: list[tuple[Path, str]], keywords: Mapping[str, Any], comment_tags: Collection[str]
) -> Iterator[tuple[Any, ...]]:
    """The messages of ``files`` (:func:`domain_files`), as :func:`extract` yields them (a
    message is ``None`` where a call's argument is not a literal)."""
    from babel.messages.extract import extract_python
    from jinja2.ext import babel_extract

    for path, kind in files:
        with path.open("rb") as fh:
            if kind == "python":
                yield from extract_python(fh, keywords, comment_tags, {})
            else:
                yield from babel_extract(fh, list(keywords), list(comment_tags), JINJA_OPTIONS)
