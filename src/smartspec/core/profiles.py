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

Standardise = Literal["long_rows", "zscore", "zscore_population", "abs_sum", "none"]


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
    proximity : {"min_conditional", "asymmetric"}
        Proximity measure: ``"min_conditional"``, ``C_a'a / max(k_a', k_a)`` (Hidalgo et al.
        2007; every registered profile), or ``"asymmetric"``, ``C_a'a / k_a``, the share of the
        regions with the target activity ``a`` that also have ``a'`` (Stata ``ecomplexity``'s
        ``asym`` option; density and COG weigh target ``a``'s neighbours by column ``a``).
    diagonal : {"zero", "one", "keep"}
        Value of an activity's proximity to itself.
    eci_standardise : {"long_rows", "zscore", "zscore_population", "abs_sum", "none"}
        ``long_rows``: z-score with mean and sample sd over every region x activity row (each
        region counted once per activity), as Stata computes it on its long data set;
        ``zscore``: sample sd (ddof 1) over regions; ``zscore_population``: population sd
        (ddof 0) over regions; ``abs_sum``: no shift, divided by the absolute value of the sum
        (R EconGeo's ``v / sum(v)`` after its sign fix); ``none``: the raw vector.
    pci_standardise : {"eci", "zscore", "zscore_population", "abs_sum", "none"}
        ``eci``: PCI in ECI's scale (the same mean and sd, so that ECI is the mean PCI of a
        region's activities); otherwise PCI standardised on its own, over activities.
    coi_standardise : {"long_rows", "zscore", "zscore_population", "abs_sum", "none"}
        How the complexity outlook index is standardised.
    cog_scale : {"eci_sd", "pci", "none"}
        The PCI that COI and COG weight by: PCI divided by ECI's standard deviation without
        the shift (``eci_sd``, Atlas), the PCI as reported (``pci``, OEC's
        ``opportunity_gain(pci=...)``), or the raw eigenvector / reflection PCI (``none``).
    cog_formula : {"atlas", "oec"}
        ``atlas``: ``COG_ra = (1 - M_ra) sum_a' phi_a'a / (sum_a'' phi_a'a'') (1 - M_ra') q_a'``
        (Hausmann et al. 2014; 0 where the region has the activity). ``oec``: Datawheel's
        ``opportunity_gain``, ``sum_a' (1 - M_ra') q_a' phi_a'a / (sum_a'' phi_a''a) -
        density_ra q_a`` (normalised by the target activity's proximities, minus the density
        times its own PCI, and not 0 where the region has the activity).
    sign : {"diversity", "ubiquity", "income"}
        Sign rule: ECI correlates positively with diversity, PCI negatively with ubiquity, or
        ECI positively (Spearman) with an external income series (``income=`` of
        :func:`smartspec.analyse`; GDP per head, or another income or productivity series).
        The eigenvector's sign is arbitrary (Hidalgo & Hausmann 2009); where diversity falls
        as income rises (services-rich regions with fewer industries, as in EU SBS data),
        the diversity rule makes poor regions "complex" and the income anchor is the
        convention that keeps "complex" meaning "associated with high income".
    complexity_method : {"eigen", "reflections"}
        ECI/PCI from the eigenvector of the second-largest eigenvalue (``eigen``), or from a
        fixed number of reflections, not iterated to convergence (``reflections``: ECI is the
        region reflection ``k_c,n`` and PCI the next activity reflection ``k_p,n+1``, as
        Datawheel's ``complexity`` returns them).
    reflections : int
        ``n`` for ``complexity_method="reflections"`` (Datawheel's default
        ``iterations=20`` returns ``k_c,18`` and ``k_p,19``: ``n = 18``).
    """

    name: str
    description: str
    threshold: float = 1.0
    strict: bool = True
    proximity: str = "min_conditional"
    diagonal: Literal["zero", "one", "keep"] = "zero"
    eci_standardise: Standardise = "long_rows"
    pci_standardise: Literal["eci", "zscore", "zscore_population", "abs_sum", "none"] = "eci"
    coi_standardise: Standardise = "long_rows"
    cog_scale: Literal["eci_sd", "pci", "none"] = "eci_sd"
    cog_formula: Literal["atlas", "oec"] = "atlas"
    sign: Literal["diversity", "ubiquity", "income"] = "diversity"
    complexity_method: Literal["eigen", "reflections"] = "eigen"
    reflections: int = 18

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
    "ecomplexity": Profile(
        name="ecomplexity",
        description="Growth Lab Python package ecomplexity 0.5.3 (py-ecomplexity): presence "
        "RCA >= 1, min-conditional-probability proximity with diagonal 1 (density counts the "
        "activity itself), ECI z-scored with the population sd (ddof 0) over regions, PCI in "
        "ECI's scale, COI z-scored with ddof 0 over regions, COG with PCI / sd(ECI).",
        strict=False,
        diagonal="one",
        eci_standardise="zscore_population",
        coi_standardise="zscore_population",
    ),
    "oec": Profile(
        name="oec",
        description="Datawheel economic-complexity 0.3.0 (OEC): presence RCA >= 1, "
        "min-conditional-probability proximity with a zero diagonal, ECI and PCI from 18 and 19 "
        "unconverged reflections (complexity(iterations=20)), each z-scored on its own with "
        "ddof 1, COG as opportunity_gain(pci=PCI). The OEC package has no COI: smartspec's is "
        "the Atlas formula with this PCI, z-scored with ddof 1.",
        strict=False,
        diagonal="zero",
        eci_standardise="zscore",
        pci_standardise="zscore",
        coi_standardise="zscore",
        cog_scale="pci",
        cog_formula="oec",
        complexity_method="reflections",
        reflections=18,
    ),
    "econgeo": Profile(
        name="econgeo",
        description="R EconGeo 2.x (rca(binary=TRUE), kci(), tci()): presence RCA >= 1, KCI "
        "and TCI the second eigenvectors divided by their sums (here by the absolute sum after "
        "the sign rule). Not reproduced: EconGeo rounds Mcc/Mpp to 4 decimals before the "
        "eigen-decomposition and fixes the KCI and TCI signs separately; its default "
        "relatedness (co-occurrence 'prob' normalisation, density x 100) is not the "
        "min-conditional proximity used here; it has no COI/COG.",
        strict=False,
        diagonal="zero",
        eci_standardise="abs_sum",
        pci_standardise="abs_sum",
        coi_standardise="zscore",
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
