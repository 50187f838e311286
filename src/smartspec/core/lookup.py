"""One resolver for region and activity names: the same text finds the same label everywhere
(library, command line, API, dashboard).

Examples
--------
>>> names = {"020": "Wellington Zone", "012": "Te Awamutu Zone", "021": "Lower Hutt Zone"}
>>> match("Awamutu", names)
['012']
>>> resolve("wellington", names, axis="region")
'020'
>>> resolve("Zone", names, axis="region")
Traceback (most recent call last):
...
smartspec.core.errors.UnknownRegionError: the region name 'Zone' is ambiguous; ...
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping

from .errors import UnknownActivityError, UnknownRegionError, format_examples

__all__ = ["fold", "match", "resolve"]

_WORDS = re.compile(r"[\s\-/,()'’.]+")


def fold(text: str) -> str:
    """``text`` for comparison: no accents, no case, single spaces (``'Île-de-France'`` ->
    ``'ile-de-france'``)."""
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(ch)
    )
    return " ".join(plain.casefold().split())


def match(text: str, labels: Mapping[str, str | None]) -> list[str]:
    """The codes ``text`` may mean, best tier first.

    The tiers, each ignoring case and accents, the first with any hit deciding: the code as
    given; a ``Name (CODE)`` suggestion; the code; the whole name; names starting with the text;
    names with a word starting with it; names or codes containing it. Ties are sorted by name.

    Parameters
    ----------
    text : str
        What a user typed: a code, a name or part of one.
    labels : mapping of str to str or None
        Code -> name (None where a code has no name).

    Returns
    -------
    list of str
        The matching codes (empty when none matches).
    """
    text = str(text).strip()
    if not text:
        return []
    if text in labels:
        return [text]
    suggestion = re.fullmatch(r"(.*)\(([^()]+)\)\s*", text)
    if suggestion and suggestion.group(2).strip() in labels:
        return [suggestion.group(2).strip()]
    needle = fold(text)
    folded = {code: (fold(name or ""), fold(code)) for code, name in labels.items()}
    tiers = (
        lambda n, c: c == needle,
        lambda n, c: bool(n) and n == needle,
        lambda n, c: bool(n) and n.startswith(needle),
        lambda n, c: any(w.startswith(needle) for w in _WORDS.split(n) if w),
        lambda n, c: needle in n or needle in c,
    )
    for test in tiers:
        hits = [code for code, (n, c) in folded.items() if test(n, c)]
        if hits:
            return sorted(hits, key=lambda code: (folded[code][0], code))
    return []


def resolve(
    text: str,
    labels: Mapping[str, str | None],
    *,
    axis: str,
    where: str | None = None,
    listing: str | None = None,
) -> str:
    """The one code ``text`` means (see :func:`match`), or a clear error.

    Parameters
    ----------
    text : str
        A code, a name or part of a name.
    labels : mapping of str to str or None
        Code -> name.
    axis : {"region", "activity"}
        What is looked up (chooses the error class and the words of the message).
    where : str, optional
        Where the lookup happens (``"dataset 'nz-urban-industry'"``), for the message.
    listing : str, optional
        Where the user can see every code (an API route, a command), for the fix.

    Raises
    ------
    smartspec.UnknownRegionError or smartspec.UnknownActivityError
        When nothing matches (with close matches) or several labels do (with them).
    """
    error = UnknownRegionError if axis == "region" else UnknownActivityError
    found = match(text, labels)
    if len(found) == 1:
        return found[0]
    plural = "regions" if axis == "region" else "activities"
    if found:
        raise error(
            f"the {axis} name {text!r} is ambiguous",
            where=where,
            expected=f"the name or code of one {axis}",
            found=format_examples(
                [f"{labels[c]} ({c})" if labels.get(c) else c for c in found], limit=8
            ),
            fix="give the full name or the code",
        )
    words = [str(c) for c in labels] + [n for n in labels.values() if n]
    close = difflib.get_close_matches(str(text), words, n=5, cutoff=0.6)
    raise error(
        f"the {axis} {text!r} is not in the data",
        where=where,
        expected=f"the code or name of one of the {len(labels)} {plural}, e.g. "
        + format_examples(list(labels)[:5]),
        found=repr(text),
        fix=(f"close matches: {format_examples(close)}; " if close else "")
        + (f"{listing} lists them" if listing else f"check the {axis} codes of the data"),
    )
