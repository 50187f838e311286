"""The former home of ``smartspec serve``, now :mod:`smartspec.services.cli.serve`.

This name is that module (not a copy), so that ``from smartspec.services.serve import serve``
and patches of its functions keep working.
"""

from __future__ import annotations

import sys

from smartspec.services.cli import serve as _serve

sys.modules[__name__] = _serve
