"""Namespace classes, one module per top-level namespace; reached through ``Client``."""
