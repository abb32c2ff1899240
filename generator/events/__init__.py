"""Typed incoming events: ``render_events_module(model, package_name) -> str`` (``<pkg>/events.py``).

The parser and the ASGI router the generated module builds on are runtime code, in
``templates/runtime/events.py`` (shipped as ``<pkg>/_runtime/events.py``).
"""

from generator.events.render import class_name, comment, docstring, render_events_module

__all__ = ["class_name", "comment", "docstring", "render_events_module"]
