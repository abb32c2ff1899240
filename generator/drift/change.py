"""One change of the API diff (``Change``) and the phrase each kind is reported with: the
data both the diff (``diff.py``) and its judge (``classify.py``) speak."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    kind: str  # see KINDS
    param: str | None  # dotted path of the parameter / result field / error code, if any
    old: Any
    new: Any
    breaking: bool
    # the generated annotations at that place, where the change moved one (else None)
    old_annotation: str | None = None
    new_annotation: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "param": self.param,
            "old": self.old,
            "new": self.new,
            "breaking": self.breaking,
            "old_annotation": self.old_annotation,
            "new_annotation": self.new_annotation,
        }


# kind -> short English phrase, used by the text and Markdown reports.
KINDS: dict[str, str] = {
    "deprecated": "deprecated",
    "undeprecated": "no longer deprecated",
    "replacement": "replacement changed",
    "name_case": "name case changed",
    "param_added": "parameter added",
    "param_removed": "parameter removed",
    "param_required": "parameter made required",
    "param_optional": "parameter made optional",
    "param_type": "parameter type changed",
    "param_values": "allowed values changed",
    "error_added": "error code added",
    "error_removed": "error code removed",
    "result_shape": "result shape changed",
    "result_type": "result type changed",
    "result_paged": "result paging changed",
    "result_field_added": "result field added",
    "result_field_removed": "result field removed",
    "result_field_type": "result field type changed",
    # differences of the generated signature that no docs-level change above explains
    "py_name": "Python name changed",
    "param_py_name": "parameter's Python name changed",
    "param_annotation": "parameter annotation changed",
    "result_annotation": "return annotation changed",
}
