"""Panels that interaction apps add to the kernel's pages (votes, arguments, comments, follow...).

The kernel's pages do not import the interaction apps: each app registers, in its AppConfig.ready(),
a template and a function giving its context. Pages render the panels in `position` order.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[..., dict[str, Any]]  # (contribution=, user=, state=) or (process=, user=, state=)
    position: int = 50
    # Where it goes on the contribution page: "aside" (next to the text) or "main" (below it).
    region: str = "main"


contribution_panels: dict[str, Panel] = {}
process_panels: dict[str, Panel] = {}


def panel_register(registry: dict[str, Panel], panel: Panel) -> None:
    registry.setdefault(panel.key, panel)


def panels_render_context(registry: dict[str, Panel], **kwargs) -> list[dict]:
    """[{"key", "template", "region", "panel": context}] in order, for the page template to include."""
    return [{"key": p.key, "template": p.template, "region": p.region, "panel": p.context(**kwargs)}
            for p in sorted(registry.values(), key=lambda p: (p.position, p.key))]
