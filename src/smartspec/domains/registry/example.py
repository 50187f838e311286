"""The bundled example: the declared RIS3 priorities of the 14 Czech regions (2021-2027).

The files in ``registry/data/cz-ris3/`` are byte-for-byte copies of the ``public/data`` files of
github.com/kristyne/ris3-mapa-cr, parsed from the Ministry of Industry and Trade's NRIS3 Annex 2
(the regional cards, version v08, December 2025); origin, licence and caveats in its SOURCE.md.

:func:`example_drafts` makes one :class:`~smartspec.domains.registry.transfer.PriorityDraft` per
specialisation domain (91 in all), as an import of the file would:

- region: the NUTS 3 code of ``cz_kraje_kodovnik.json`` (``CZ080``), its name as the file gives
  it, level ``NUTS3``, parent the NUTS 2 region, country ``CZ``;
- strategy: period ``2021-2027``, title :data:`STRATEGY_TITLE`, source :data:`SOURCE`;
- priority: the domain's title, its **full** description (``cz_domeny_plne_texty.json``; the
  main file cuts it to 200 characters), language ``cs`` for every domain (a few titles are
  English, "Aerospace", "Life Sciences": the strategy is Czech, and the descriptions are);
- codes: the domain's CZ-NACE divisions as NACE Rev. 2 divisions (CZ-NACE divisions are the
  NACE Rev. 2 divisions), in document order. 54 domains carry codes.

The "emerging" areas of each region (``emerging``) are **not** imported: they are noisy free text
(sentence fragments broken across lines), not declared priorities.

:func:`load_example` stores them with ``invalid_codes="set-aside"``: the one code that is not in
NACE Rev. 2, ``34`` of CZ080 "Nové materiály" (a parser artefact or a typo in the source: NACE
Rev. 2 has no division 34), is kept in the priority's ``set_aside_codes`` and named in the
report, and the priority is stored with its four valid codes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codes import check_codes
from .layout import ImportProblem, ImportReport, PriorityDraft, SetAside
from .nuts import region_info

if TYPE_CHECKING:
    from ..accounts.rules import Account

__all__ = ["SOURCE", "STRATEGY_TITLE", "example_drafts", "example_import", "load_example"]

_DIR = Path(__file__).parent / "data" / "cz-ris3"
#: The name the example's import is recorded under.
FILENAME = "cz-ris3 (bundled example)"
#: The strategy title given to each region's strategy.
STRATEGY_TITLE = "Národní RIS3 strategie 2021–2027, krajská karta"
#: The strategy's source.
SOURCE = "MPO, NRIS3 Annex 2 v08 (Dec 2025); parsed by github.com/kristyne/ris3-mapa-cr"
#: The programming period.
PERIOD = "2021-2027"


def _json(name: str) -> Any:
    return json.loads((_DIR / name).read_text(encoding="utf-8"))


def example_drafts() -> list[PriorityDraft]:
    """The 91 Czech priorities as drafts, the invalid code 34 set aside (see the module)."""
    return example_import()[0]


def example_import(*, invalid_codes: str = "set-aside") -> tuple[list[PriorityDraft], ImportReport]:
    """The 91 Czech priorities as drafts, and the report of reading them.

    Parameters
    ----------
    invalid_codes : {"set-aside", "refuse"}
        ``"set-aside"`` keeps a code not in NACE Rev. 2 on the draft (``set_aside_codes``) and
        lists it in the report's ``set_aside``; ``"refuse"`` lists it as a problem instead.

    Returns
    -------
    drafts : list of PriorityDraft
        In the order of the code list's regions, then of each region's domains; ``row`` is the
        domain's number in that order, counting from 2 as a spreadsheet of the example would.
    report : ImportReport
        ``rows`` = 91; with ``"set-aside"`` no problem and one set-aside code (``nace`` ``34``).
    """
    regions = _json("cz_kraje_kodovnik.json")["kraje"]
    texts = _json("cz_domeny_plne_texty.json")
    report = ImportReport(file=FILENAME, format="csv", rows=0, valid=0)
    drafts: list[PriorityDraft] = []
    row = 1
    for region in regions:
        code = str(region["kod_nuts"]).upper()
        info = region_info(code)
        domains = texts[region["nazev"]]
        for key in sorted(domains, key=int):
            domain = domains[key]
            row += 1
            report.rows += 1
            valid, problems = check_codes("nace", [str(c) for c in domain.get("nace", [])])
            aside: dict[str, list[str]] = {}
            for problem in problems:
                if invalid_codes == "set-aside":
                    aside.setdefault("nace", []).append(problem.code)
                    report.set_aside.append(
                        SetAside(row=row, scheme="nace", code=problem.code, reason=problem.message)
                    )
                else:
                    report.problems.append(
                        ImportProblem(
                            row=row,
                            column="nace",
                            expected=problem.expected,
                            found=problem.code,
                            message=problem.message,
                        )
                    )
            drafts.append(
                PriorityDraft(
                    row=row,
                    region=code,
                    region_name=str(region["nazev"]),
                    period=PERIOD,
                    title=" ".join(str(domain["nazev"]).split()),
                    description=str(domain.get("popis") or ""),
                    language="cs",
                    country="CZ",
                    level=info.level_name if info else "NUTS3",
                    parent=info.parent if info else code[:4],
                    strategy_title=STRATEGY_TITLE,
                    strategy_source=SOURCE,
                    codes={"nace": valid} if valid else {},
                    set_aside_codes=aside,
                )
            )
    report.valid = report.rows - len({p.row for p in report.problems})
    return drafts, report


def load_example(registry: Any, actor: Account | None = None) -> ImportReport:
    """Store the bundled Czech priorities in ``registry``, setting the invalid code 34 aside.

    Parameters
    ----------
    registry : Registry
        The registry service; its ``store_drafts(actor, drafts, source=...)`` stores them all
        in one transaction.
    actor : Account or None
        Who loads them (None: the system, on first start; the registry decides whether it may).

    Returns
    -------
    ImportReport
        91 rows, 91 stored, the set-aside code ``34`` of CZ080 "Nové materiály" with its row.
    """
    drafts, report = example_import(invalid_codes="set-aside")
    stored = registry.store_drafts(actor, drafts, source=FILENAME)
    report.stored = len(stored)
    return report
