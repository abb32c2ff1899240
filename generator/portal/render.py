"""``generate --portal``: the files a snapshot adds to the docs' package, fully offline.

``extend_files(files, snapshot, …)`` takes the rendered file map (relative path -> text) and
returns it with ``<pkg>/portal/`` added (types, the ``crm`` namespaces, the clients) and the
package's ``__init__`` importing ``Client``/``AsyncClient`` from there, between two marker
lines (the one place where a docs-rendered file is touched). ``generate`` writes the result,
``check`` compares with it: the portal's files are generator-owned like every other.
"""

from __future__ import annotations

import json
import keyword
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from generator.paths import templates_dir
from generator.portal.generated import (
    PortalRenderError,
    client_import_lines,
    entity_classes,
    imports,
    members,
    root_classes,
)
from generator.portal.snapshot import PortalField, PortalSnapshot

NAMESPACE = "crm"
SMART = "smart"  # client.crm.smart.<name>: no documented method lives under crm.smart
HOOK_BEGIN = "# b24gen portal: begin ({snapshot}) -- Client/AsyncClient know this portal"
HOOK_END = "# b24gen portal: end"
LINE_LENGTH = 100

# The portal's field types (USER_TYPE_ID and crm.item.fields "type") -> Python, for writes.
# One place for these facts; anything else is ``Any`` and says so in the key's docs.
_PORTAL_TYPES: dict[str, str] = {
    "string": "str", "text": "str", "char": "str", "url": "str", "address": "str",
    "date": "str", "datetime": "str", "money": "str", "crm": "str", "crm_entity": "str",
    "crm_status": "str", "crm_currency": "str", "location": "str", "phone": "str",
    "integer": "int", "user": "int", "employee": "int", "crm_company": "int",
    "crm_contact": "int", "crm_category": "int", "crm_lead": "int", "crm_deal": "int",
    "iblock_element": "int", "iblock_section": "int", "double": "float",
    "boolean": "bool | int", "enumeration": "int | str",
}  # fmt: skip


@dataclass(frozen=True)
class Key:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class TypedDictSpec:
    name: str
    doc: str
    bases: tuple[str, ...]
    keys: tuple[Key, ...]
    total: bool = False

    @property
    def class_syntax(self) -> bool:
        return all(k.name.isidentifier() and not keyword.iskeyword(k.name) for k in self.keys)


def _doc(text: str) -> str:
    """Text safe inside a one-line docstring or comment."""
    flat = " ".join(text.replace("\\", "/").replace('"', "'").split())
    return flat[:300]


def python_type(f: PortalField) -> str:
    if f.type == "enumeration" and f.values:
        ids = ", ".join(f"{int(v.id)}, {json.dumps(v.id)}" if v.id.isdigit() else json.dumps(v.id)
                        for v in f.values)  # fmt: skip
        one = f"Literal[{ids}]"
    else:
        one = _PORTAL_TYPES.get(f.type, "Any")
    return f"list[{one}]" if f.multiple else one


def key_doc(f: PortalField) -> str:
    labels = " / ".join(f"{text} ({lang})" if lang else text for lang, text in f.labels)
    parts = [labels or f.name, f.type + (", multiple" if f.multiple else "")]
    if f.required:
        parts.append("required")
    if f.read_only:
        parts.append("read-only")
    if f.type not in _PORTAL_TYPES:
        parts.append("type not known to b24gen: Any")
    doc = "; ".join(parts)
    if f.values:
        doc += ". Values: " + ", ".join(f"{v.id} = {v.value}" for v in f.values)
    return _doc(doc)


def _pascal(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in name.split("_") if p)


def _keys(fields: tuple[PortalField, ...], *, writable: bool, required: bool) -> tuple[Key, ...]:
    out = []
    for f in fields:
        if writable and f.read_only:
            continue
        t = python_type(f)
        if required and f.required:
            t = f"Required[{t}]"
        out.append(Key(f.name, t, key_doc(f)))
    return tuple(out)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )


def extend_files(
    files: dict[str, str], snapshot: PortalSnapshot, *, package_name: str, snapshot_name: str
) -> dict[str, str]:
    """``files`` with this portal's package added; raises ``PortalRenderError``."""
    pkg = package_name
    api_rel = f"{pkg}/api/{NAMESPACE}.py"
    root = root_classes(files, pkg, NAMESPACE)
    if SMART in members(files, api_rel, root[0]):
        raise PortalRenderError(f"the docs already have client.{NAMESPACE}.{SMART}")
    typeddicts: list[TypedDictSpec] = []
    entities: list[dict[str, Any]] = []
    init_entities: list[dict[str, Any]] = []
    for entity in snapshot.entities:
        if not entity.fields:
            continue
        leaf = entity.name.split(".", 1)[1]
        found = entity_classes(files, api_rel, root, leaf)
        if found is None:
            raise PortalRenderError(
                f"the snapshot has user fields of {entity.name}, the docs have no client.{entity.name}"
            )
        user = f"{_pascal(NAMESPACE)}{_pascal(leaf)}UserFields"
        typeddicts.append(
            TypedDictSpec(
                user,
                f"User fields of {entity.name} on this portal.",
                ("TypedDict",),
                _keys(entity.fields, writable=False, required=False),
            )
        )
        for base in found.bases:
            typeddicts.append(
                TypedDictSpec(base, f"``{base}`` of the docs with this portal's user fields.",
                              (f"_t.{base}", user), ())  # fmt: skip
            )
        entities.append(
            {"leaf": leaf, "sync_class": found.sync_class, "async_class": found.async_class,
             "overrides": found.overrides, "user_fields": user}  # fmt: skip
        )
        init_entities.append({"leaf": leaf, "count": len(entity.fields)})
    smart: list[dict[str, Any]] = []
    for sp in snapshot.smart_processes:
        stem = "Smart" + _pascal(sp.name)
        title = _doc(sp.title or sp.name)
        for suffix, writable, req, what in (
            ("AddFields", True, True, "fields of crm.item.add"),
            ("UpdateFields", True, False, "fields of crm.item.update"),
            ("Item", False, False, "an item as crm.item.get gives it"),
        ):
            typeddicts.append(
                TypedDictSpec(f"{stem}{suffix}", f"{title} (entityTypeId {sp.entity_type_id}): "
                              f"{what}.", ("TypedDict",), _keys(sp.fields, writable=writable,
                                                               required=req))  # fmt: skip
            )
        typeddicts.append(
            TypedDictSpec(f"{stem}ItemResult", f"{title}: the answer of crm.item.add/get/update.",
                          ("TypedDict",), (Key("item", f"{stem}Item", ""),), total=True)  # fmt: skip
        )
        smart.append(
            {"name": sp.name, "cls": f"Crm{stem}", "doc": title, "etid": sp.entity_type_id,
             "add_fields": f"{stem}AddFields", "update_fields": f"{stem}UpdateFields",
             "item": f"{stem}Item", "result": f"{stem}ItemResult",
             "count": len(sp.fields)}  # fmt: skip
        )
    names = [td.name for td in typeddicts]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise PortalRenderError(f"two portal types would be called {dup}")
    api_imports = imports(files, api_rel)
    docs_types = next((line for line in api_imports if line.endswith(" as _t")), None)
    if docs_types is None:
        raise PortalRenderError(f"{api_rel} does not import its TypedDicts as _t")
    env = _env()
    ctx = {
        "snapshot_name": snapshot_name,
        "digest": snapshot.digest()[:19],
        "namespace": NAMESPACE,
        "package": pkg,
        "root_sync": root[0],
        "root_async": root[1],
        "entities": entities,
        "smart": smart,
    }
    exported = [root[0], root[1], "CrmSmart", "AsyncCrmSmart"]
    for e in entities:
        exported += [e["sync_class"], e["async_class"]]
    for s in smart:
        exported += [s["cls"], "Async" + s["cls"]]
    new = {
        f"{pkg}/portal/types.py": env.get_template("portal/types.py.j2").render(
            ctx, typeddicts=typeddicts, docs_types_import=docs_types
        ),
        f"{pkg}/portal/{NAMESPACE}.py": env.get_template("portal/crm.py.j2").render(
            ctx, imports=api_imports, exported=exported
        ),
        f"{pkg}/portal/client.py": env.get_template("portal/client.py.j2").render(ctx),
        f"{pkg}/portal/__init__.py": env.get_template("portal/init.py.j2").render(
            ctx, entities=init_entities
        ),
    }
    out = dict(files)
    clash = sorted(set(new) & set(files))
    if clash:
        raise PortalRenderError(f"the docs' package already has {clash[0]}")
    out.update(_format(new))
    out[f"{pkg}/__init__.py"] = _hook_init(files, pkg, snapshot_name)
    return out


def _hook_init(files: dict[str, str], pkg: str, snapshot_name: str) -> str:
    first, last = client_import_lines(files, pkg)
    lines = files[f"{pkg}/__init__.py"].splitlines(keepends=True)
    hook = [
        HOOK_BEGIN.format(snapshot=Path(snapshot_name).name) + "\n",
        "from .portal import AsyncClient, Client\n",
        HOOK_END + "\n",
    ]
    return "".join(lines[: first - 1] + hook + lines[last:])


def _format(files: dict[str, str]) -> dict[str, str]:
    """black, as the project's own code: the docs' files are formatted by the renderer."""
    import black

    mode = black.Mode(line_length=LINE_LENGTH)
    out = {}
    for rel, text in files.items():
        try:
            out[rel] = black.format_str(text, mode=mode)
        except black.parsing.InvalidInput as exc:  # a template bug, not bad input
            raise RuntimeError(f"portal template produced invalid Python in {rel}: {exc}") from exc
    return out
