"""Typed incoming events: ``render_events_module(model, package_name) -> str`` (``<pkg>/events.py``).

``events_source`` is the same text before formatting (``render_package`` formats it with
the rest of the package).
"""

from generator.events.render import events_source, render_events_module

__all__ = ["events_source", "render_events_module"]
