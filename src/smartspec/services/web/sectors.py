"""Top-level sector groups of the activities, for the colours of the activity space.

The activity labels of a dataset carry a ``parent`` code (a NACE section, an SITC 2-digit
division, an NZSIOC level-1 class, ...) but no name for it. The activity space colours its nodes
by these groups, in the manner of the Atlas of Economic Complexity's product space, and needs a
legend short enough to read: :func:`top_groups` keeps the parents as they are when there are few
of them and otherwise coarsens them to a shorter code prefix (SITC divisions ``00``-``97`` ->
the ten sections ``0``-``9``). :func:`group_name` names a group from the published top level of
the dataset's activity classification (the registry's ``activity_classification``); a group of
an unknown classification is shown by its code.

Sources of the names: NACE Rev. 2 sections (Eurostat, 2008), SITC Rev. 2 sections (UN
Statistics Division, 1975) and NZSIOC level-1 classes (Statistics New Zealand), shortened for a
legend.

Examples
--------
>>> groups = top_groups({"0011": "00", "0012": "00", "7810": "78"}, max_groups=1)
>>> groups
{'0011': '0', '0012': '0', '7810': '7'}
>>> group_name("7", "SITC Rev.2 4-digit")
'Machinery and transport equipment'
"""

from __future__ import annotations

from collections.abc import Mapping

#: The most groups a legend shows (the activity space has twenty group colours).
MAX_GROUPS = 20

#: NACE Rev. 2 sections (letters).
NACE_SECTIONS = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity and gas supply",
    "E": "Water supply and waste management",
    "F": "Construction",
    "G": "Wholesale and retail trade",
    "H": "Transport and storage",
    "I": "Accommodation and food services",
    "J": "Information and communication",
    "K": "Finance and insurance",
    "L": "Real estate",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support services",
    "O": "Public administration and defence",
    "P": "Education",
    "Q": "Health and social work",
    "R": "Arts, entertainment and recreation",
    "S": "Other services",
    "T": "Households as employers",
    "U": "Extraterritorial organisations",
}

#: SITC Rev. 2 sections (first digit of the code).
SITC_SECTIONS = {
    "0": "Food and live animals",
    "1": "Beverages and tobacco",
    "2": "Crude materials, except fuels",
    "3": "Mineral fuels and lubricants",
    "4": "Animal and vegetable oils and fats",
    "5": "Chemicals",
    "6": "Manufactured goods by material",
    "7": "Machinery and transport equipment",
    "8": "Miscellaneous manufactured articles",
    "9": "Other commodities and transactions",
}

#: NZSIOC level-1 classes (two letters, as in the Davies & Maré industry groups).
NZSIOC_CLASSES = {
    "AA": "Agriculture, forestry and fishing",
    "BB": "Mining",
    "CC": "Manufacturing",
    "DD": "Electricity, gas, water and waste",
    "EE": "Construction",
    "FF": "Wholesale trade",
    "GH": "Retail trade and accommodation",
    "II": "Transport, postal and warehousing",
    "JJ": "Information media and telecommunications",
    "KK": "Financial and insurance services",
    "LL": "Rental, hiring and real estate",
    "MN": "Professional, scientific and administrative services",
    "OO": "Public administration and safety",
    "PP": "Education and training",
    "QQ": "Health care and social assistance",
    "RS": "Arts, recreation and other services",
}

#: Classification (start of the registry's ``activity_classification``) -> top-level names.
TOP_LEVELS: dict[str, dict[str, str]] = {
    "NACE": NACE_SECTIONS,
    "SITC": SITC_SECTIONS,
    "NZSIOC": NZSIOC_CLASSES,
}


def top_groups(
    parents: Mapping[str, str | None], *, max_groups: int = MAX_GROUPS
) -> dict[str, str]:
    """The top-level group of each activity: its parent, or a prefix of it when there are
    more than ``max_groups`` parents.

    Parameters
    ----------
    parents : mapping of str to str or None
        Activity code -> parent code (``None`` or empty where there is none).
    max_groups : int
        The most groups wanted; the longest common-length prefix of the parent codes that gives
        at most this many groups is used (a one-character prefix if none does).

    Returns
    -------
    dict of str to str
        Activity code -> group code, for the activities with a parent; empty when no activity
        has one.
    """
    known = {code: str(p) for code, p in parents.items() if p not in (None, "")}
    if not known:
        return {}
    longest = max(len(p) for p in known.values())
    for length in range(longest, 0, -1):
        groups = {code: p[:length] for code, p in known.items()}
        if len(set(groups.values())) <= max_groups:
            return groups
    return {code: p[:1] for code, p in known.items()}


def group_name(group: str, classification: str | None) -> str:
    """The name of a top-level ``group`` code in ``classification``, or the code itself when
    the classification or the code is not known."""
    text = (classification or "").strip().upper()
    for prefix, names in TOP_LEVELS.items():
        if text.startswith(prefix) and group in names:
            return names[group]
    return group
