"""The error boundary of the command line: exit codes, one ``Error: ...`` line, usage errors.

Every error of every command is turned into that one line in one place,
:meth:`SmartSpecGroup.main`; commands raise :func:`usage` for a usage error and let the library's
:class:`~smartspec.core.errors.SmartSpecError` through.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import click

from smartspec.core.errors import (
    SmartSpecError,
    UnknownActivityError,
    UnknownDatasetError,
    UnknownPeriodError,
    UnknownRegionError,
    ValidationError,
)
from smartspec.domains.errors import UnknownRecordError

__all__ = ["EXIT_BAD_INPUT", "EXIT_FAILURE", "SmartSpecGroup", "one_line", "usage"]

#: Exit code for a usage error or input that cannot be used.
EXIT_BAD_INPUT = 2
#: Exit code for any other failure (a file that cannot be written, an unexpected error).
EXIT_FAILURE = 1

_BAD_INPUT = (
    ValidationError,
    UnknownRecordError,
    UnknownRegionError,
    UnknownActivityError,
    UnknownPeriodError,
    UnknownDatasetError,
)


def one_line(text: str) -> str:
    """``text`` with every run of white space (newlines included) as one space.

    >>> one_line("a  b\\n c")
    'a b c'
    """
    return " ".join(str(text).split())


def usage(message: str) -> click.UsageError:
    """A usage error of the running command (exit code 2, with a pointer to its ``--help``)."""
    return click.UsageError(message, ctx=click.get_current_context(silent=True))


class SmartSpecGroup(click.Group):
    """A click group that turns every error into one ``Error: ...`` line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; exit with 0, 1 or 2 (see :mod:`smartspec.services.cli`)."""
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            return self._fail(exc.format_message() + hint, EXIT_BAD_INPUT, exc, standalone_mode)
        except click.ClickException as exc:
            return self._fail(exc.format_message(), exc.exit_code, exc, standalone_mode)
        except click.Abort as exc:
            return self._fail("aborted", EXIT_FAILURE, exc, standalone_mode)
        except SmartSpecError as exc:
            code = EXIT_BAD_INPUT if isinstance(exc, _BAD_INPUT) else EXIT_FAILURE
            return self._fail(exc.message, code, exc, standalone_mode)
        except BrokenPipeError:  # e.g. `smartspec datasets | head`: stop quietly
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            if not standalone_mode:
                raise
            sys.exit(EXIT_FAILURE)
        except OSError as exc:
            what = exc.strerror or str(exc) or type(exc).__name__
            where = f": '{exc.filename}'" if exc.filename else ""
            return self._fail(f"{what}{where}", EXIT_FAILURE, exc, standalone_mode)
        except Exception as exc:
            if os.environ.get("SMARTSPEC_DEBUG"):
                raise
            return self._fail(
                f"unexpected {type(exc).__name__}: {exc} (this is a bug in smartspec: please "
                "report it; set SMARTSPEC_DEBUG=1 to see the traceback)",
                EXIT_FAILURE,
                exc,
                standalone_mode,
            )
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    @staticmethod
    def _fail(message: str, code: int, exc: BaseException, standalone_mode: bool) -> Any:
        if not standalone_mode:
            raise exc
        click.echo(f"Error: {one_line(message)}", err=True)
        sys.exit(code)
