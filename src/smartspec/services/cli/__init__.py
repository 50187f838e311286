"""The ``smartspec`` command line: ``analyse``, ``profile``, ``datasets``, ``opportunities``,
``validate``, ``indicators``, ``serve``, ``backup`` and ``restore``.

The commands, options, output files and exit codes are a contract scripts rely on:

* exit code 0 on success, 2 for a usage error or bad input (a column, file, value, region or
  dataset that cannot be used), 1 for any other failure;
* on failure, exactly one line ``Error: ...`` on stderr, never a traceback (set the environment
  variable ``SMARTSPEC_DEBUG=1`` to see the traceback of an unexpected error);
* ``analyse`` writes ``cells``, ``regions``, ``activities``, ``proximity`` and ``notes`` tables
  (CSV or Parquet) plus ``run.json`` into the ``--out`` folder, all periods in each table.

Every error is turned into that one line in one place,
:meth:`~smartspec.services.cli.errors.SmartSpecGroup.main`.

One module per command group, none importing another command module: :mod:`.group` (the click
group, ``main``, which registers the commands), :mod:`.analyse` (with :mod:`.analysis`, the
work of ``analyse`` without the command line), :mod:`.profile`, :mod:`.datasets`,
:mod:`.evidence` (``opportunities``, ``validate``, ``indicators``), :mod:`.admin` (``backup``,
``restore``) and :mod:`.serve`; the options several commands share are declared once in
:mod:`.options`, the data is read by :mod:`.loading`, and :mod:`.output` prints.
"""

from __future__ import annotations

# _ordered, _PRESENCE and _PROXIMITY: names of the module this package replaced (tests use them)
from .analysis import OUTPUT_COLUMNS
from .analysis import ordered as _ordered  # noqa: F401
from .errors import EXIT_BAD_INPUT, EXIT_FAILURE
from .group import main
from .options import PRESENCE as _PRESENCE  # noqa: F401
from .options import PROXIMITY as _PROXIMITY  # noqa: F401

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILURE", "OUTPUT_COLUMNS", "main"]
