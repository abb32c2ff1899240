"""OpenAPI 3.1 export of the model: ``build_spec(model) -> dict``, ``dump_spec(spec, fmt)``."""

from generator.openapi.build import build_spec, dump_spec, operation_id, operation_path

__all__ = ["build_spec", "dump_spec", "operation_id", "operation_path"]
