"""Named parameter sets: ``news`` (the defaults) and ``pan`` (tuned on the PAN 2013 training corpus)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from nearsame.engine import Params
from nearsame.errors import ParameterError
from nearsame.verify import Thresholds

__all__ = ["PROFILES", "profile"]

#: ``news`` serves news articles; ``pan`` the long, obfuscated passages of the PAN text-alignment
#: corpora (see ``bench/RESULTS.md`` for the figures each gives).
PROFILES: Mapping[str, Params] = MappingProxyType(
    {
        "news": Params(),
        "pan": Params(
            thresholds=Thresholds(near=0.6),
            verbatim_lsh=0.2,
            content_lsh=0.1,
            language="en",
        ),
    }
)


def profile(name: str) -> Params:
    """The parameters of profile ``name``."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise ParameterError(f"unknown profile {name!r}; choose one of: {known}") from None
