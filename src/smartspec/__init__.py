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
from .core.relatedness_measures import (
    MEASURES,
    ObservedExpected,
    ValidatedRelatedness,
    cog_variant,
    cross_relatedness,
    density_from,
    density_loro,
    distance,
    external_density,
    loro_proximity,
    observed_expected,
    portfolio_density,
    relatedness,
    relative_density,
    validated_relatedness,
)
from .core.specialisation import diversity, presence, rca, rpop, ubiquity
from .core.uncertainty import ComplexityIntervals, complexity_intervals
from .core.validation import Backtest, backtest

__all__ = [
    "MEASURES",
    "PROFILES",
    "ActivityMatrix",
    "Backtest",
    "ComplexityIntervals",
    "ComplexityResult",
    "Evidence",
    "FitnessResult",
    "Framework",
    "ObservedExpected",
    "Profile",
    "RegionProfile",
    "SmartSpecError",
    "SmartSpecWarning",
    "UnknownActivityError",
    "UnknownDatasetError",
    "UnknownPeriodError",
    "UnknownRegionError",
    "ValidatedRelatedness",
    "ValidationError",
    "__version__",
    "analyse",
    "backtest",
    "co_occurrence",
    "cog",
    "cog_variant",
    "coi",
    "complexity",
    "complexity_intervals",
    "cross_relatedness",
    "density_from",
    "density_loro",
    "distance",
    "diversity",
    "entropy",
    "external_density",
    "fitness",
    "framework",
    "get_profile",
    "gini",
    "herfindahl",
    "hoover",
    "hoover_curve",
    "krugman",
    "locational_gini",
    "loro_proximity",
    "observed_expected",
    "portfolio_density",
    "presence",
    "proximity",
    "rca",
    "related_variety",
    "relatedness",
    "relatedness_density",
    "relative_density",
    "rpop",
    "symmetric_rca",
    "transitions",
    "ubiquity",
    "unrelated_variety",
    "validated_relatedness",
]
