"""Named convention profiles.

The peer tools disagree on small choices that move the numbers: the presence threshold and
whether it is strict, the proximity diagonal, how ECI is standardised, whether PCI gets its own
standardisation, how COI and COG are scaled. A :class:`Profile` names every such choice, and the
registered profiles reproduce one peer each. ``atlas`` (the default) reproduces the Harvard Growth
Lab's Stata package ``ecomplexity`` (the code behind the Atlas of Economic Complexity).

Every known divergence between profiles is listed in ``docs/conventions.md`` and has a test.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from .errors import ValidationError

__all__ = ["PROFILES", "Profile", "get_profile"]

Standardise = Literal["long_rows", "zscore", "zscore_population", "none"]


@dataclass(frozen=True)
class Profile:
    """A complete set of conventions for the standard pipeline.

    Parameters
    ----------
    name : str
        The profile's name.
    description : str
        Which peer it reproduces and how.
    threshold : float
        Presence threshold on RCA (and RPOP).
    strict : bool
        Presence when ``RCA > threshold`` (True) or ``RCA >= threshold`` (False).
    proximity : str
        Proximity measure (``"min_conditional"``: Hidalgo et al. 2007).
    diagonal : {"zero", "one", "keep"}
        Value of an activity's proximity to itself.
    eci_standardise : {"long_rows", "zscore", "zscore_population", "none"}
        ``long_rows``: z-score with mean and sample sd over every region x activity row (each
        region counted once per activity), as Stata computes it on its long data set;
        ``zscore``: sample sd over regions; ``zscore_population``: population sd over regions;
        ``none``: the raw eigenvector (unit norm of ``D(kc^1/2) e``).
    pci_standardise : {"eci", "zscore", "zscore_population", "none"}
        ``eci``: PCI in ECI's scale (the same mean and sd, so that ECI is the mean PCI of a
        region's activities); otherwise PCI standardised on its own.
    coi_standardise : {"long_rows", "zscore", "zscore_population", "none"}
        How the complexity outlook index is standardised.
    cog_scale : {"eci_sd", "none"}
        COG uses PCI divided by ECI's standard deviation without the shift (``eci_sd``, Atlas),
        or the raw eigenvector PCI (``none``).
    sign : {"diversity", "ubiquity"}
        Sign rule: ECI correlates positively with diversity, or PCI negatively with ubiquity.
    """

    name: str
    description: str
    threshold: float = 1.0
    strict: bool = True
    proximity: str = "min_conditional"
    diagonal: Literal["zero", "one", "keep"] = "zero"
    eci_standardise: Standardise = "long_rows"
    pci_standardise: Literal["eci", "zscore", "zscore_population", "none"] = "eci"
    coi_standardise: Standardise = "long_rows"
    cog_scale: Literal["eci_sd", "none"] = "eci_sd"
    sign: Literal["diversity", "ubiquity"] = "diversity"

    def with_options(self, **changes: Any) -> Profile:
        """A copy with some conventions changed (``None`` values are ignored)."""
        changes = {k: v for k, v in changes.items() if v is not None}
        unknown = set(changes) - set(asdict(self))
        if unknown:
            raise ValidationError(
                "unknown profile option",
                expected=f"one of {', '.join(sorted(asdict(self)))}",
                found=", ".join(sorted(unknown)),
            )
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The profile as a plain dictionary."""
        return asdict(self)


PROFILES: dict[str, Profile] = {
    "atlas": Profile(
        name="atlas",
        description="Harvard Growth Lab Stata package ecomplexity (Atlas of Economic Complexity): "
        "presence RCA > 1, min-conditional-probability proximity with a zero diagonal, ECI "
        "z-scored over the long region x activity rows, PCI in ECI's scale, COI z-scored, COG "
        "with PCI / sd(ECI).",
    ),
}


def get_profile(profile: str | Profile) -> Profile:
    """Look up a profile by name (a :class:`Profile` is returned as is)."""
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValidationError(
            f"unknown profile {profile!r}",
            expected=f"one of {', '.join(sorted(PROFILES))}",
            found=repr(profile),
            fix="pick a registered profile, or build one with Profile(...)",
        ) from None
