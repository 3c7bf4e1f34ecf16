"""The terminal user interface (Textual): browse a story, compare two articles, see what is new.

Only this package imports Textual; ``import nearsame`` does not.
"""

from __future__ import annotations

from nearsame.tui.app import NearsameApp, create_app

__all__ = ["NearsameApp", "create_app"]
