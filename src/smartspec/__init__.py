"""smartspec: Smart Specialisation evidence from region x activity data.

The public library API: build an :class:`ActivityMatrix` from a long table, then compute
specialisation, relatedness, complexity and diversification opportunities, one indicator at a
time or all at once with :func:`analyse`.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("smartspec")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

from .core.errors import (
    SmartSpecError,
    SmartSpecWarning,
    UnknownActivityError,
    UnknownDatasetError,
    UnknownPeriodError,
    UnknownRegionError,
    ValidationError,
)
from .core.matrix import ActivityMatrix

__all__ = [
    "ActivityMatrix",
    "SmartSpecError",
    "SmartSpecWarning",
    "UnknownActivityError",
    "UnknownDatasetError",
    "UnknownPeriodError",
    "UnknownRegionError",
    "ValidationError",
    "__version__",
]
