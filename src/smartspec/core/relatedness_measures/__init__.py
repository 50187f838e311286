"""The relatedness family and the variants of relatedness density.

:func:`relatedness` computes one of several activity x activity relatedness measures from the
same presence (or RCA, or values) as :func:`smartspec.core.relatedness.proximity`, labelled the
same way (index ``(period, activity_from)``, one column per ``activity_to``):

================================  ===============================================================
``measure``                       what it is
================================  ===============================================================
``"proximity"``                   min conditional probability (Hidalgo et al. 2007), as
                                  :func:`~smartspec.core.relatedness.proximity`
``"conditional"``                 asymmetric ``P(M_to = 1 | M_from = 1) = C_ij / k_i``
``"cosine"``                      ``C_ij / sqrt(k_i k_j)`` (``on="rca"``/``"values"``: cosine of
                                  the continuous columns)
``"jaccard"``                     ``C_ij / (k_i + k_j - C_ij)`` (continuous: Ruzicka)
``"association_strength"``        ``C_ij / (S_i S_j / T)``, van Eck & Waltman (2009)
``"correlation"``                 Pearson correlation of RCA columns across regions, optionally
                                  weighted by region size
``"observed_expected"``           ``C_ij / E_ij`` (or the z-score) against the hypergeometric
                                  expectation ``E_ij = k_i k_j / R``
``"validated"``                   1 for pairs whose co-occurrence exceeds a null model
                                  (degree-preserving permutations or the hypergeometric), after
                                  Benjamini-Hochberg; 0 otherwise
================================  ===============================================================

with ``M`` the 0/1 presence, ``C = M'M`` the co-occurrence, ``k_i = C_ii`` the ubiquity, ``R``
the number of regions. Each measure is in the catalogue as ``relatedness_<measure>``
(``proximity`` stays ``"proximity"``).

Density variants use any of these weights or the user's: :func:`density_from` (any activity x
activity matrix, also across two activity spaces built by :func:`cross_relatedness`),
:func:`density_loro` (leave-one-region-out proximity), :func:`relative_density` (within-region
z-score), :func:`external_density` (from neighbouring regions' presence),
:func:`portfolio_density` (inside / outside the region's portfolio), :func:`distance`
(1 - density) and :func:`cog_variant` (the complexity outlook gain formulas in use).

Presence options (``presence``, ``threshold``, ``strict``, ``population``, ``profile``) are those
of :func:`smartspec.core.specialisation.presence`; ``diagonal`` and ``knn`` those of
:func:`smartspec.core.relatedness.relatedness_density`.
"""

from __future__ import annotations

from ._common import MEASURES
from ._common import CogVariant as CogVariant
from ._common import Correction as Correction
from ._common import Measure as Measure
from ._common import Null as Null
from ._common import On as On
from ._density import cross_relatedness, density_from, density_loro, loro_proximity
from ._family import (
    ObservedExpected,
    ValidatedRelatedness,
    observed_expected,
    relatedness,
    validated_relatedness,
)
from ._variants import (
    cog_variant,
    distance,
    external_density,
    portfolio_density,
    relative_density,
)

__all__ = [
    "MEASURES",
    "ObservedExpected",
    "ValidatedRelatedness",
    "cog_variant",
    "cross_relatedness",
    "density_from",
    "density_loro",
    "distance",
    "external_density",
    "loro_proximity",
    "observed_expected",
    "portfolio_density",
    "relatedness",
    "relative_density",
    "validated_relatedness",
]
