"""b24gen: a typed Python SDK generator for the Bitrix24 REST API docs."""

__version__ = "0.1.0"
