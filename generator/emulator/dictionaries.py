"""CRM reference data kept as records and read through methods of their own: statuses named by
``ENTITY_ID`` + ``STATUS_ID`` (crm.status.add refuses a pair in use, crm.status.entity.items
lists one ENTITY_ID's), the base currency (crm.currency.base.get/set) and a currency's
localizations (crm.currency.localizations.*, its ``LANG``). The records are those of the
``crm.status`` and ``crm.currency`` families; this module adds the rules their pages state.
"""

from __future__ import annotations

from typing import Any

from generator.emulator import listing
from generator.emulator.entities import EntityHandler, Outcome
from generator.emulator.errors import ApiError
from generator.emulator.families import sample_record
from generator.emulator.params import get_ci

_STATUS = ("crm.status.add", "crm.status.entity.items")
_CURRENCY = (
    "crm.currency.base.get", "crm.currency.base.set", "crm.currency.localizations.get",
    "crm.currency.localizations.set", "crm.currency.localizations.delete",
)  # fmt: skip


def _given(value: Any) -> bool:
    return value not in (None, "") and not isinstance(value, (dict, list))


class Dictionaries:
    def __init__(self, status: EntityHandler | None, currency: EntityHandler | None) -> None:
        self.status = status
        self.currency = currency
        self.routes = frozenset(
            (_STATUS if status is not None else ())
            + (_CURRENCY if currency is not None and currency.fam.code_key else ())
        )

    def handles(self, low: str) -> bool:
        return low in self.routes

    def handle(self, low: str, params: dict[str, Any]) -> Outcome | None:
        """The answer, or None where the page's example is the answer (no currency kept)."""
        if low == "crm.status.add":
            return self._status_add(params)
        if low == "crm.status.entity.items":
            return self._status_items(params)
        return self._currency(low, params)

    # -- statuses ------------------------------------------------------------------

    def _rows(self, handler: EntityHandler, flt: dict[str, Any]) -> list[tuple[int, Any]]:
        where, args = listing.where_v2(flt, handler.cols)
        order = "CAST(json_extract(data, '$.SORT') AS NUMERIC), id"
        rows, _ = handler.store.query(handler.fam.key, 0, where, args, order, 2**31, 0, count=False)
        return rows

    def _status_add(self, params: dict[str, Any]) -> Outcome:
        assert self.status is not None
        fields = get_ci(params, "fields")
        if not isinstance(fields, dict):
            raise ApiError("", "Parameter 'fields' must be array.", 400, about_params=True)
        entity, status = get_ci(fields, "ENTITY_ID"), get_ci(fields, "STATUS_ID")
        lacking = [f"The field {n} is required." for n, v in
                   (("ENTITY_ID", entity), ("STATUS_ID", status)) if not _given(v)]  # fmt: skip
        if lacking:
            raise ApiError("", ", ".join(lacking), 400, about_params=True)
        if self._rows(self.status, {"=ENTITY_ID": entity, "=STATUS_ID": status}):
            raise ApiError("ERROR_CORE", "Указанный идентификатор статуса, уже существует.", 400)
        return self.status.do_add(params)

    def _status_items(self, params: dict[str, Any]) -> Outcome:
        assert self.status is not None
        entity = get_ci(params, "entityId")
        if not _given(entity):
            raise ApiError(
                "400", "The parameter entityId is not defined or invalid.", 400, about_params=True
            )
        rows = self._rows(self.status, {"=ENTITY_ID": entity})
        items = [
            {"NAME": d.get("NAME"), "SORT": _sort(d.get("SORT")), "STATUS_ID": d.get("STATUS_ID")}
            for _, d in rows
        ]
        return Outcome(items)

    # -- currencies ----------------------------------------------------------------

    def _currency(self, low: str, params: dict[str, Any]) -> Outcome | None:
        handler = self.currency
        assert handler is not None and handler.fam.code_key is not None
        key = handler.fam.code_key
        rows = self._rows(handler, {})
        if low == "crm.currency.base.get":
            base = next((d[key] for _, d in rows if d.get("BASE") == "Y"), None)
            return Outcome(base) if base is not None or rows else None
        code = get_ci(params, "id")
        if not _given(code):
            raise ApiError(
                "", "The parameter id is invalid or not defined.", 400, about_params=True
            )
        found = next(((i, d) for i, d in rows if str(d.get(key)) == str(code)), None)
        if found is None:
            raise ApiError("", "Not found", 400)
        rec_id, data = found
        if low == "crm.currency.base.set":
            for other, d in rows:
                handler.store.update(
                    handler.fam.key, 0, other, {"BASE": "Y" if other == rec_id else "N"}
                )
            return Outcome(True, wrote=True)
        langs = data.get("LANG") if isinstance(data.get("LANG"), dict) else {}
        if low == "crm.currency.localizations.get":
            return Outcome(langs)
        if low == "crm.currency.localizations.set":
            given = get_ci(params, "localizations")
            if not isinstance(given, dict):
                raise ApiError("", "localizations must be an object", 400, about_params=True)
            merged = {**langs, **{k: {**langs.get(k, {}), **v} for k, v in given.items()
                                  if isinstance(v, dict)}}  # fmt: skip
            handler.store.update(handler.fam.key, 0, rec_id, {"LANG": merged})
            return Outcome(True, wrote=True)
        lids = get_ci(params, "lids") or []
        lids = list(lids.values()) if isinstance(lids, dict) else lids
        lids = lids if isinstance(lids, list) else [lids]
        kept = {k: v for k, v in langs.items() if k not in {str(x) for x in lids}}
        handler.store.update(handler.fam.key, 0, rec_id, {"LANG": kept})
        return Outcome(True, wrote=True)

    def put_named(self, low: str, params: dict[str, Any]) -> None:
        """Make the currency a call names exist (crm.currency.base.set {"id": "RUB"})."""
        code = get_ci(params, "id")
        if low not in _CURRENCY or self.currency is None or not _given(code):
            return
        handler = self.currency
        sample = {k: v for k, v in sample_record(handler.fam.methods).items() if k != "BASE"}
        key = handler.fam.code_key
        if key is not None and handler.store.find_by(handler.fam.key, 0, key, str(code)) is None:
            handler.put_named({"id": code}, "get", sample)


def _sort(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value
