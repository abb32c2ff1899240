"""A classic CRM record's links to other records, kept where the portal keeps them: as the
bindings ``<family>.<other>.items.*`` answers (crm.deal ``CONTACT_IDS`` <-> crm.deal.contact,
crm.contact ``COMPANY_IDS`` <-> crm.contact.company).

The record's list field (``CONTACT_IDS``) is write-only; its single field (``CONTACT_ID``)
is the primary binding and follows every change of the bindings, whichever method made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from generator.emulator.params import coerce
from generator.emulator.store import Store


class BindingWriter(Protocol):
    """Where bindings are written (keyed.KeyedHandler), both sides of a two-way one."""

    def replace(self, owner: str, items: list[dict[str, Any]]) -> None: ...


@dataclass
class RecordBinding:
    store: Store
    writer: BindingWriter
    owner_family: str  # store family of the owning records: "crm.deal"
    kind: str  # the bindings' kind in the store: "crm.deal.contact"
    item_key: str  # the bound record's key in a binding: "CONTACT_ID"
    ids_field: str  # the owner's write-only list field: "CONTACT_IDS"
    id_field: str | None  # the owner's field holding the primary one: "CONTACT_ID"

    def take(self, data: dict[str, Any]) -> list[Any] | None:
        """The ids an add/update sends in ``ids_field`` (removed from the stored data), or
        the one it sends in ``id_field`` alone (``CONTACT_ID``: that contact is bound)."""
        if self.ids_field not in data:
            single = data.get(self.id_field) if self.id_field else None
            return [single] if single not in (None, "", 0, "0") else None
        ids = data.pop(self.ids_field)
        if isinstance(ids, dict):
            ids = list(ids.values())
        return ids if isinstance(ids, list) else [ids] if ids not in (None, "") else []

    def write(self, owner: int, ids: list[Any] | None) -> None:
        """Replace the owner's bindings by ``ids``, the first one primary."""
        if ids is None:
            return
        items = [
            {
                self.item_key: coerce("integer", raw),
                "SORT": (i + 1) * 10,
                "ROLE_ID": 0,
                "IS_PRIMARY": "Y" if i == 0 else "N",
            }
            for i, raw in enumerate(ids)
        ]
        self.writer.replace(str(owner), items)  # the writer calls sync

    def bound(self, owner: int) -> list[Any]:
        return [b.get(self.item_key) for b in self.store.bindings(self.kind, str(owner))]

    def sync(self, owner: str) -> None:
        """Set the owner's ``id_field`` to its primary binding (null when it has none)."""
        if self.id_field is None:
            return
        try:
            rec_id = int(owner)
        except ValueError:
            return
        items = self.store.bindings(self.kind, owner)
        primary = next((b for b in items if b.get("IS_PRIMARY") == "Y"), items[0] if items else {})
        self.store.update(self.owner_family, 0, rec_id, {self.id_field: primary.get(self.item_key)})

    def drop(self, owner: int) -> None:
        self.writer.replace(str(owner), [])
