"""Old spellings kept one release behind a deprecation warning."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import ValidationError

F = TypeVar("F", bound=Callable[..., Any])


def presence_was_method(fn: F) -> F:
    """Accept ``method=`` (the spelling before 0.2) as ``presence=``, with a
    :class:`DeprecationWarning`; ``presence=`` is the name everywhere in the public API."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if "method" in kwargs:
            if "presence" in kwargs:
                raise ValidationError(
                    "presence given twice",
                    expected="presence=... only",
                    found="both presence= and method= (its old name)",
                    fix="drop method=",
                )
            warnings.warn(
                f"{fn.__name__}(method=...) is deprecated and will be removed in the next "
                "release; use presence=... (the same values)",
                DeprecationWarning,
                stacklevel=2,
            )
            kwargs["presence"] = kwargs.pop("method")
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
