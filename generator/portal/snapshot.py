"""The portal snapshot: one portal's own user fields and smart processes, as frozen data.

``portal-schema.json`` is meant to be committed next to the generated SDK, so its text is
deterministic (keys sorted, lists sorted, two-space indent, one trailing newline), holds
nothing secret (no address, token or webhook path) and nothing volatile (no record counts,
timestamps or row ids of the metadata). A ``digest`` of the content makes a hand edit
visible: ``load_snapshot`` refuses a file whose digest does not match (pull it again).
"""

from __future__ import annotations

import hashlib
import json
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SNAPSHOT_FORMAT = 1

# Classic CRM entities whose user fields a snapshot carries: name -> entityTypeId.
CLASSIC_ENTITIES: dict[str, int] = {
    "crm.lead": 1,
    "crm.deal": 2,
    "crm.contact": 3,
    "crm.company": 4,
}


class SnapshotError(ValueError):
    """A snapshot that cannot be used; the message is one line naming file and problem."""


@dataclass(frozen=True)
class EnumValue:
    id: str  # the list value's id, as the portal gives it ("45")
    value: str  # its label
    xml_id: str = ""
    default: bool = False


@dataclass(frozen=True)
class PortalField:
    name: str  # wire name: "UF_CRM_1721244482250", "ufCrm12_1700000000", "title"
    type: str  # the portal's type id: "enumeration", "string", "integer", "crm_status", ...
    multiple: bool = False
    required: bool = False
    read_only: bool = False
    user_field: bool = False  # a user field (UF_* / ufCrm*), not a system one
    labels: tuple[tuple[str, str], ...] = ()  # (language, label), sorted by language
    values: tuple[EnumValue, ...] = ()  # enumeration list values, sorted by id

    @property
    def label(self) -> str:
        """One label for docs: English when present, else the first one."""
        named = dict(self.labels)
        return named.get("en") or next(iter(named.values()), "")


@dataclass(frozen=True)
class EntitySchema:
    """A classic CRM entity (crm.deal): only its user fields; the docs cover the rest."""

    name: str  # "crm.deal"
    entity_type_id: int
    fields: tuple[PortalField, ...] = ()


@dataclass(frozen=True)
class SmartProcess:
    """A smart-process type (crm.type) with every field crm.item.fields gives for it."""

    entity_type_id: int
    name: str  # Python attribute under client.crm.smart (see ``smart_name``)
    title: str
    code: str = ""
    fields: tuple[PortalField, ...] = ()


@dataclass(frozen=True)
class PortalSnapshot:
    entities: tuple[EntitySchema, ...] = ()
    smart_processes: tuple[SmartProcess, ...] = ()

    def entity(self, name: str) -> EntitySchema | None:
        return next((e for e in self.entities if e.name == name), None)

    # -- JSON ---------------------------------------------------------------------

    def content(self) -> dict[str, Any]:
        return {
            "entities": [_entity_json(e) for e in self.entities],
            "format": SNAPSHOT_FORMAT,
            "smart_processes": [_smart_json(s) for s in self.smart_processes],
        }

    def digest(self) -> str:
        canonical = json.dumps(self.content(), sort_keys=True, ensure_ascii=False)
        return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def to_json(self) -> str:
        body = self.content()
        body["digest"] = self.digest()
        return json.dumps(body, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def make_snapshot(entities: list[EntitySchema], smart: list[SmartProcess]) -> PortalSnapshot:
    """The snapshot in canonical order (what makes two pulls byte-identical)."""

    def fields(fs: tuple[PortalField, ...]) -> tuple[PortalField, ...]:
        return tuple(sorted(fs, key=lambda f: f.name))

    return PortalSnapshot(
        entities=tuple(
            EntitySchema(e.name, e.entity_type_id, fields(e.fields))
            for e in sorted(entities, key=lambda e: e.entity_type_id)
        ),
        smart_processes=tuple(
            SmartProcess(s.entity_type_id, s.name, s.title, s.code, fields(s.fields))
            for s in sorted(smart, key=lambda s: s.entity_type_id)
        ),
    )


def _field_json(f: PortalField) -> dict[str, Any]:
    return {
        "labels": dict(f.labels),
        "multiple": f.multiple,
        "name": f.name,
        "read_only": f.read_only,
        "required": f.required,
        "type": f.type,
        "user_field": f.user_field,
        "values": [
            {"default": v.default, "id": v.id, "value": v.value, "xml_id": v.xml_id}
            for v in f.values
        ],
    }


def _entity_json(e: EntitySchema) -> dict[str, Any]:
    return {
        "entity_type_id": e.entity_type_id,
        "fields": [_field_json(f) for f in e.fields],
        "name": e.name,
    }


def _smart_json(s: SmartProcess) -> dict[str, Any]:
    return {
        "code": s.code,
        "entity_type_id": s.entity_type_id,
        "fields": [_field_json(f) for f in s.fields],
        "name": s.name,
        "title": s.title,
    }


# -- naming -------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def smart_name(code: str, entity_type_id: int) -> str:
    """``client.crm.smart.<name>``: the type's code in snake_case (admins set it once and
    it survives renaming the title), else ``type<entityTypeId>``. Titles are labels in the
    portal's languages and change freely, so they never make a name."""
    words = _NON_WORD.sub("_", _CAMEL.sub("_", code or "")).strip("_").lower()
    if not words or not words[0].isalpha():
        return f"type{entity_type_id}"
    if keyword.iskeyword(words):
        words += "_"
    return words


# -- loading --------------------------------------------------------------------------


def load_snapshot(path: Path) -> PortalSnapshot:
    """Read and validate ``path``; raises ``SnapshotError`` with a one-line message."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"{path}: cannot read the snapshot ({_reason(exc)})") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{path}:{exc.lineno}: not JSON ({exc.msg})") from None
    snap = parse_snapshot(raw, str(path))
    stored = raw.get("digest")
    if stored != snap.digest():
        raise SnapshotError(
            f"{path}: digest mismatch, the snapshot was edited by hand; "
            "run `b24gen portal pull` again instead"
        )
    return snap


def _reason(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or type(exc).__name__


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, at: str, message: str) -> SnapshotError:
        return SnapshotError(f"{self.where}: {at}: {message}")

    def obj(self, value: Any, at: str, keys: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(at, "expected an object")
        missing = sorted(keys - value.keys())
        if missing:
            raise self.fail(at, f"missing key {missing[0]!r}")
        extra = sorted(value.keys() - keys)
        if extra:
            raise self.fail(at, f"unknown key {extra[0]!r}")
        return value

    def get(self, value: dict[str, Any], key: str, at: str, kind: type) -> Any:
        v = value[key]
        if kind is int and (isinstance(v, bool) or not isinstance(v, int)):
            raise self.fail(f"{at}.{key}", "expected an integer")
        if not isinstance(v, kind):
            raise self.fail(f"{at}.{key}", f"expected {kind.__name__}")
        return v


_FIELD_KEYS = {"labels", "multiple", "name", "read_only", "required", "type", "user_field",
               "values"}  # fmt: skip
_VALUE_KEYS = {"default", "id", "value", "xml_id"}


def _field(r: _Reader, raw: Any, at: str) -> PortalField:
    d = r.obj(raw, at, _FIELD_KEYS)
    labels = r.get(d, "labels", at, dict)
    for lang, text in labels.items():
        if not isinstance(text, str):
            raise r.fail(f"{at}.labels.{lang}", "expected str")
    values = []
    for i, v in enumerate(r.get(d, "values", at, list)):
        vat = f"{at}.values[{i}]"
        vd = r.obj(v, vat, _VALUE_KEYS)
        values.append(
            EnumValue(
                id=r.get(vd, "id", vat, str),
                value=r.get(vd, "value", vat, str),
                xml_id=r.get(vd, "xml_id", vat, str),
                default=r.get(vd, "default", vat, bool),
            )
        )
    name = r.get(d, "name", at, str)
    if not name:
        raise r.fail(f"{at}.name", "empty field name")
    return PortalField(
        name=name,
        type=r.get(d, "type", at, str),
        multiple=r.get(d, "multiple", at, bool),
        required=r.get(d, "required", at, bool),
        read_only=r.get(d, "read_only", at, bool),
        user_field=r.get(d, "user_field", at, bool),
        labels=tuple(sorted(labels.items())),
        values=tuple(values),
    )


def parse_snapshot(raw: Any, where: str) -> PortalSnapshot:
    r = _Reader(where)
    top = r.obj(raw, "top level", {"digest", "entities", "format", "smart_processes"})
    if top["format"] != SNAPSHOT_FORMAT:
        raise r.fail("format", f"unsupported snapshot format {top['format']!r}")
    entities = []
    for i, e in enumerate(r.get(top, "entities", "top level", list)):
        at = f"entities[{i}]"
        d = r.obj(e, at, {"entity_type_id", "fields", "name"})
        name = r.get(d, "name", at, str)
        if CLASSIC_ENTITIES.get(name) != r.get(d, "entity_type_id", at, int):
            raise r.fail(at, f"{name!r} is not a classic CRM entity with that entityTypeId")
        raw_fields = r.get(d, "fields", at, list)
        fields = [_field(r, f, f"{at}.fields[{j}]") for j, f in enumerate(raw_fields)]
        entities.append(EntitySchema(name, d["entity_type_id"], tuple(fields)))
    smart = []
    for i, s in enumerate(r.get(top, "smart_processes", "top level", list)):
        at = f"smart_processes[{i}]"
        d = r.obj(s, at, {"code", "entity_type_id", "fields", "name", "title"})
        name = r.get(d, "name", at, str)
        if not name.isidentifier() or keyword.iskeyword(name):
            raise r.fail(f"{at}.name", f"{name!r} is not a Python identifier")
        raw_fields = r.get(d, "fields", at, list)
        fields = [_field(r, f, f"{at}.fields[{j}]") for j, f in enumerate(raw_fields)]
        smart.append(
            SmartProcess(
                entity_type_id=r.get(d, "entity_type_id", at, int),
                name=name,
                title=r.get(d, "title", at, str),
                code=r.get(d, "code", at, str),
                fields=tuple(fields),
            )
        )
    names = [s.name for s in smart]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise r.fail("smart_processes", f"two smart processes named {dup!r}")
    return make_snapshot(entities, smart)
