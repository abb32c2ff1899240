"""Keyed collections that are not records with ids of their own: bindings such as
``crm.deal.contact.*`` and ``crm.activity.binding.*`` (two-way where the portal keeps both
sides: crm.contact.company <-> crm.company.contact), badges. Product rows: product_rows.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.emulator.entities import Outcome
from generator.emulator.errors import ApiError
from generator.emulator.params import coerce, get_ci
from generator.emulator.store import Store
from generator.model import Method


class KeyedHandler:
    """Bindings and keyed items that are not records with ids of their own.

    - ``crm.lead.contact.*``-style: ``add(id, fields{CONTACT_ID,…})``, ``delete(id,
      fields{CONTACT_ID})``, ``items.get(id)``, ``items.set(id, items)``, ``items.delete(id)``.
    - ``crm.activity.binding.*``: ``add/delete(activityId, entityTypeId, entityId)``, ``list``.
    - ``crm.activity.badge.*``: ``add(code, title, value, type)``, ``get/delete(code)``, ``list``.
    """

    def __init__(self, store: Store, kind: str, style: str, methods: dict[str, Method]) -> None:
        self.store = store
        self.kind = kind
        self.style = style
        self.methods = methods
        self.item_key = self._item_key()
        # Set by the portal: called with the owner after its bindings change (the owner
        # record's primary field follows), and the other side of a two-way binding
        # (crm.company.contact <-> crm.contact.company).
        self.on_change: list[Callable[[str], None]] = []
        self.mirror: KeyedHandler | None = None
        self.owner_key = ""  # the owner's key in the mirror's bindings: "COMPANY_ID"

    def _item_key(self) -> str:
        if self.style != "contact":
            return ""
        add = self.methods.get("add")
        for p in add.params if add else ():
            if p.name.lower() == "fields":
                for c in p.children:
                    if c.required or c.name.upper().endswith("_ID"):
                        return c.name
        return self.kind.rsplit(".", 1)[-1].upper() + "_ID"

    def handle(self, action: str, params: dict[str, Any]) -> Outcome:
        if self.style == "contact":
            return self._contact(action, params)
        if self.style == "binding":
            return self._binding(action, params)
        return self._badge(action, params)

    def _owner(self, params: dict[str, Any], name: str = "id") -> str:
        raw = get_ci(params, name)
        if raw in (None, ""):
            raise ApiError(
                "ERROR_ARGUMENT", f"Parameter '{name}' is not defined", 400, about_params=True
            )
        return str(raw)

    def _contact(self, action: str, params: dict[str, Any]) -> Outcome:
        owner = self._owner(params)
        key = self.item_key
        if action == "items.get":
            return Outcome(self.store.bindings(self.kind, owner))
        if action == "add":
            fields = _mapping(get_ci(params, "fields"))
            item = {
                key: coerce("integer", get_ci(fields, key)),
                "SORT": coerce("integer", get_ci(fields, "SORT", 10)),
                "ROLE_ID": 0,
                "IS_PRIMARY": get_ci(fields, "IS_PRIMARY", "N"),
            }
            if item[key] in (None, ""):
                raise ApiError(
                    "ERROR_ARGUMENT",
                    f"The parameter 'fields[{key}]' is required",
                    400,
                    about_params=True,
                )
            self._put(owner, item)
        elif action == "delete":
            fields = _mapping(get_ci(params, "fields"))
            self._drop(owner, str(get_ci(fields, key)))
        elif action == "items.set":
            items = get_ci(params, "items") or []
            if isinstance(items, dict):
                items = list(items.values())
            if not isinstance(items, list):
                raise ApiError("ERROR_ARGUMENT", "items must be an array", 400, about_params=True)
            self._drop(owner, None)
            for i, raw in enumerate(items):
                raw = _mapping(raw)
                item = {
                    key: coerce("integer", get_ci(raw, key)),
                    "SORT": coerce("integer", get_ci(raw, "SORT", (i + 1) * 10)),
                    "ROLE_ID": 0,
                    "IS_PRIMARY": get_ci(raw, "IS_PRIMARY", "N"),
                }
                self._put(owner, item)
        elif action == "items.delete":
            self._drop(owner, None)
        else:
            raise KeyError(action)
        return Outcome(True, wrote=True)

    def _put(self, owner: str, item: dict[str, Any], mirrored: bool = False) -> None:
        self._set_primary(owner, item)
        self.store.bind(self.kind, owner, str(item[self.item_key]), item)
        if self.mirror is not None and not mirrored:
            other = {
                self.mirror.item_key: coerce("integer", owner),
                "SORT": item.get("SORT", 10),
                "ROLE_ID": item.get("ROLE_ID", 0),
                "IS_PRIMARY": "N",
            }
            self.mirror._put(str(item[self.item_key]), other, mirrored=True)
        self._changed(owner)

    def _drop(self, owner: str, key: str | None, mirrored: bool = False) -> None:
        keys = [key] if key is not None else [
            str(b.get(self.item_key)) for b in self.store.bindings(self.kind, owner)
        ]  # fmt: skip
        for k in keys:
            self.store.unbind(self.kind, owner, k)
            if self.mirror is not None and not mirrored:
                self.mirror._drop(k, owner, mirrored=True)
        self._changed(owner)

    def replace(self, owner: str, items: list[dict[str, Any]]) -> None:
        """The owner's bindings become ``items`` (an add/update sending CONTACT_IDS)."""
        self._drop(owner, None)
        for item in items:
            self._put(owner, item)

    def _changed(self, owner: str) -> None:
        for callback in self.on_change:
            callback(owner)

    def _set_primary(self, owner: str, item: dict[str, Any]) -> None:
        existing = self.store.bindings(self.kind, owner)
        if not existing:
            item["IS_PRIMARY"] = "Y"
        elif item["IS_PRIMARY"] == "Y":
            for other in existing:
                other["IS_PRIMARY"] = "N"
                self.store.bind(self.kind, owner, str(other[self.item_key]), other)

    def _binding(self, action: str, params: dict[str, Any]) -> Outcome:
        owner = self._owner(params, "activityId")
        if action in ("add", "delete"):
            etid = coerce("integer", get_ci(params, "entityTypeId"))
            eid = coerce("integer", get_ci(params, "entityId"))
            key = f"{etid}:{eid}"
            if action == "add":
                if self.store.binding(self.kind, owner, key) is not None:
                    raise ApiError("ALREADY_BOUND", "The activity is already bound", 400)
                self.store.bind(self.kind, owner, key, {"entityTypeId": etid, "entityId": eid})
            elif not self.store.unbind(self.kind, owner, key):
                raise ApiError("NOT_FOUND", "Binding not found", 400)
            return Outcome(True, wrote=True)
        if action == "list":
            return Outcome(self.store.bindings(self.kind, owner))
        raise KeyError(action)

    def _badge(self, action: str, params: dict[str, Any]) -> Outcome:
        if action == "list":
            return Outcome({"badges": self.store.bindings(self.kind, "")})
        code = self._owner(params, "code")
        if action == "add":
            badge = {n: get_ci(params, n) for n in ("code", "title", "value", "type")}
            self.store.bind(self.kind, "", code, badge)
            return Outcome({"badge": badge}, wrote=True)  # the page: {"badge": {...}}
        if action == "get":
            found = self.store.binding(self.kind, "", code)
            if found is None:
                raise ApiError("NOT_FOUND", "Badge not found", 400)
            return Outcome({"badge": found})
        if action == "delete":
            if not self.store.unbind(self.kind, "", code):
                raise ApiError("NOT_FOUND", "Badge not found", 400)
            return Outcome(True, wrote=True)
        raise KeyError(action)


def _mapping(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError("ERROR_ARGUMENT", "fields must be an object", 400, about_params=True)
    return value


def discover_keyed(methods: list[Method], store: Store) -> dict[str, tuple[KeyedHandler, str]]:
    """lower-case method name -> (handler, action) for every keyed-collection method."""
    names = {m.name.lower(): m for m in methods if m.api_version == 2}
    out: dict[str, tuple[KeyedHandler, str]] = {}
    groups: dict[tuple[str, str], dict[str, Method]] = {}
    for low in names:
        if low.endswith(".items.get"):
            ns = low[: -len(".items.get")]
            if f"{ns}.add" in names:
                group = groups.setdefault((ns, "contact"), {})
                for action in ("add", "delete", "items.get", "items.set", "items.delete"):
                    if f"{ns}.{action}" in names:
                        group[action] = names[f"{ns}.{action}"]
        elif low.endswith((".binding.add", ".badge.add")):
            ns = low.rsplit(".", 1)[0]
            style = "binding" if ns.endswith(".binding") else "badge"
            group = groups.setdefault((ns, style), {})
            for action in ("add", "delete", "list", "get"):
                if f"{ns}.{action}" in names:
                    group[action] = names[f"{ns}.{action}"]
    for (ns, style), group in groups.items():
        handler = KeyedHandler(store, ns, style, group)
        for action in group:
            out[f"{ns}.{action}"] = (handler, action)
    return out
