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

from .core.complexity import ComplexityResult, FitnessResult, complexity, fitness
from .core.concentration import (
    entropy,
    gini,
    herfindahl,
    hoover,
    hoover_curve,
    krugman,
    locational_gini,
    related_variety,
    symmetric_rca,
    unrelated_variety,
)
from .core.dynamics import transitions
from .core.errors import (
    SmartSpecError,
    SmartSpecWarning,
    UnknownActivityError,
    UnknownDatasetError,
    UnknownPeriodError,
    UnknownRegionError,
    ValidationError,
)
from .core.evidence import Evidence, RegionProfile, analyse
from .core.framework import Framework, framework
from .core.matrix import ActivityMatrix
from .core.opportunities import cog, coi
from .core.profiles import PROFILES, Profile, get_profile
from .core.relatedness import co_occurrence, proximity, relatedness_density
from .core.specialisation import diversity, presence, rca, rpop, ubiquity
from .core.uncertainty import ComplexityIntervals, complexity_intervals
from .core.validation import Backtest, backtest

__all__ = [
    "PROFILES",
    "ActivityMatrix",
    "Backtest",
    "ComplexityIntervals",
    "ComplexityResult",
    "Evidence",
    "FitnessResult",
    "Framework",
    "Profile",
    "RegionProfile",
    "SmartSpecError",
    "SmartSpecWarning",
    "UnknownActivityError",
    "UnknownDatasetError",
    "UnknownPeriodError",
    "UnknownRegionError",
    "ValidationError",
    "__version__",
    "analyse",
    "backtest",
    "co_occurrence",
    "cog",
    "coi",
    "complexity",
    "complexity_intervals",
    "diversity",
    "entropy",
    "fitness",
    "framework",
    "get_profile",
    "gini",
    "herfindahl",
    "hoover",
    "hoover_curve",
    "krugman",
    "locational_gini",
    "presence",
    "proximity",
    "rca",
    "related_variety",
    "relatedness_density",
    "rpop",
    "symmetric_rca",
    "transitions",
    "ubiquity",
    "unrelated_variety",
]
