"""The screens of the TUI: loading, story, comparison, what's new, help."""

from __future__ import annotations
