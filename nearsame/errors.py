"""The exceptions nearsame raises: one base class, one subclass per area."""

from __future__ import annotations

__all__ = [
    "IndexStoreError",
    "InputError",
    "NearsameError",
    "ParameterError",
    "ReportError",
]


class NearsameError(Exception):
    """Base class of every error nearsame raises on purpose."""


class InputError(NearsameError):
    """A document could not be read: undecodable, binary, empty, malformed, or a duplicate id.

    ``location`` names the file (and line, for JSONL) so that the user can find it.
    """

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)
        self.reason = message


class ParameterError(NearsameError, ValueError):
    """An option has a value nearsame cannot work with; the message says which values work."""


class IndexStoreError(NearsameError):
    """A persistent index cannot be opened, read or written (wrong parameters, server down, …)."""


class ReportError(NearsameError):
    """A report does not follow its JSON Schema, or cannot be rendered."""
