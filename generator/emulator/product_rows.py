"""Product rows of CRM records, one store for both ways the docs reach them:
``crm.deal/lead/quote.productrows.set/get`` (UPPER_SNAKE keys, ``id`` of the owner) and
``crm.item.productrow.*`` (camelCase, ``ownerType`` + ``ownerId``).

Rows are records of the ``crm.item.productrow`` family, stored with camelCase keys, so a
row set through ``crm.deal.productrows.set`` is the one ``crm.item.productrow.list`` finds.
The portal fills in what a row was not sent with (the defaults the set page lists) and the
prices it derives from ``PRICE``, the discount and the tax; each method answers in the wire
form of its own page's example (classic rows: ``"ID": "5"``, ``"PRICE_ACCOUNT": "899.10"``).
"""

from __future__ import annotations

from typing import Any

from generator.emulator.crm_types import OWNER_TYPE_BY_CLASSIC
from generator.emulator.entities import EntityHandler, Outcome
from generator.emulator.errors import ApiError, not_found
from generator.emulator.families import sample_record
from generator.emulator.params import coerce, get_ci
from generator.emulator.wire import WireFormat, camel, upper_snake
from generator.model import Method

ITEM_FAMILY = "crm.item.productrow"
# What a row holds when it was not sent (crm-deal-productrows-set.md, "По умолчанию").
_DEFAULTS = {
    "productId": 0, "price": 0.0, "quantity": 1.0, "discountTypeId": 2, "discountRate": 0.0,
    "discountSum": 0.0, "taxRate": None, "taxIncluded": "N", "measureCode": 0,
    "measureName": "", "sort": 0, "customized": "Y",
}  # fmt: skip
_DERIVED = ("priceExclusive", "priceNetto", "priceBrutto", "priceAccount")
ABSOLUTE, PERCENT = 1, 2  # DISCOUNT_TYPE_ID


def _number(value: Any, default: float | None = 0.0) -> float | None:
    try:
        return float(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default


class ProductRows:
    def __init__(
        self,
        item: EntityHandler,
        owners: dict[str, EntityHandler],
        methods: dict[str, Method],
        catalogs: tuple[str, ...] = (),
    ) -> None:
        self.item = item  # the crm.item.productrow family: the rows' store and wire
        self.owners = owners  # ownerType letter -> the classic family's handler
        self.catalogs = catalogs  # store families a PRODUCT_ID names a product of
        self.methods = methods  # lower-case name -> method, every route of this module
        self.classic_wire: dict[str, WireFormat] = {}
        self.classic_keys: dict[str, tuple[str, ...]] = {}
        for low, m in methods.items():
            if low.endswith(".productrows.get"):
                rec = sample_record({"get": m})
                self.classic_wire[low] = WireFormat.from_sample(rec, {})
                self.classic_keys[low] = tuple(rec)

    @classmethod
    def discover(
        cls, methods: list[Method], handlers: dict[str, EntityHandler]
    ) -> ProductRows | None:
        item = handlers.get(ITEM_FAMILY)
        if item is None:
            return None
        names = {m.name.lower(): m for m in methods if m.api_version == 2}
        routes: dict[str, Method] = {}
        owners: dict[str, EntityHandler] = {}
        for family, letter in OWNER_TYPE_BY_CLASSIC.items():
            if family in handlers:
                owners[letter] = handlers[family]
            for action in ("set", "get"):
                low = f"{family}.productrows.{action}"
                if low in names and family in handlers:
                    routes[low] = names[low]
        for action in ("set", "getavailableforpayment", "add", "update"):
            low = f"{ITEM_FAMILY}.{action}"
            if low in names:
                routes[low] = names[low]
        catalogs = tuple(f for f in ("catalog.product", "crm.product") if f in handlers)
        return cls(item, owners, routes, catalogs)

    def handles(self, low: str) -> bool:
        return low in self.methods

    # -- owners ----------------------------------------------------------------

    def _classic_owner(self, low: str, params: dict[str, Any]) -> tuple[str, int]:
        letter = OWNER_TYPE_BY_CLASSIC[low.split(".productrows.")[0]]
        owner = self.owners[letter]
        rec_id = owner._id(params)
        if self.item.store.get(owner.fam.key, 0, rec_id) is None:
            raise not_found()
        return letter, rec_id

    def _item_owner(self, params: dict[str, Any]) -> tuple[str, int]:
        letter = str(get_ci(params, "ownerType") or "")
        try:
            rec_id = int(get_ci(params, "ownerId"))
        except (TypeError, ValueError):
            rec_id = 0
        if not letter or rec_id <= 0:
            raise ApiError("100", "Не переданы обязательные параметры", 400, about_params=True)
        owner = self.owners.get(letter)
        if owner is None and not (letter == "SI" or letter[:1] == "T" and letter[1:].isalnum()):
            raise ApiError(
                "ENTITY_TYPE_NOT_SUPPORTED", "Работа с данным типом объектов не поддерживается", 400
            )
        if owner is not None and self.item.store.get(owner.fam.key, 0, rec_id) is None:
            raise ApiError("OWNER_NOT_FOUND", "Переданный объект CRM не найден", 400)
        return letter, rec_id

    # -- rows ------------------------------------------------------------------

    def _rows_of(self, letter: str, owner_id: int) -> list[tuple[int, dict[str, Any]]]:
        where = "json_extract(data, '$.ownerType') = ? AND json_extract(data, '$.ownerId') = ?"
        order = "CAST(json_extract(data, '$.sort') AS NUMERIC), id"
        rows, _ = self.item.store.query(
            self.item.fam.key, 0, where, [letter, owner_id], order, 2**31, 0, count=False
        )
        return rows

    def _replace(self, letter: str, owner_id: int, rows: list[dict[str, Any]]) -> list[int]:
        for rec_id, _ in self._rows_of(letter, owner_id):
            self.item.store.delete(self.item.fam.key, 0, rec_id)
        ids = []
        for row in rows:
            new_id = self.item.store.next_ids(self.item.fam.key, 0)
            data = self._complete({**row, "ownerType": letter, "ownerId": owner_id}, new_id)
            self.item.store.put(self.item.fam.key, 0, new_id, data)
            ids.append(new_id)
        return ids

    def _complete(self, row: dict[str, Any], row_id: int) -> dict[str, Any]:
        """What the portal stores for a row: its defaults and the derived prices."""
        types = self.item.fam.field_types
        data = {k: coerce(types.get(k, ""), v) for k, v in row.items()}
        for name, value in _DEFAULTS.items():
            if data.get(name) in (None, ""):
                data[name] = value
        if not data.get("productName"):
            data["productName"] = self._product_name(data.get("productId"), row_id)
        price = _number(data["price"]) or 0.0
        tax = (_number(data.get("taxRate"), None) or 0.0) / 100
        exclusive = price / (1 + tax)
        if int(_number(data["discountTypeId"]) or PERCENT) == ABSOLUTE:
            netto = exclusive + (_number(data["discountSum"]) or 0.0)
            data["discountRate"] = round((netto - exclusive) / netto * 100, 2) if netto else 0.0
        else:
            rate = _number(data["discountRate"]) or 0.0
            netto = exclusive / (1 - rate / 100) if rate < 100 else exclusive
            data["discountSum"] = round(netto - exclusive, 2)
        derived = (exclusive, netto, netto * (1 + tax), price)
        for name, value in zip(_DERIVED, derived):
            if name not in row:
                data[name] = round(value, 2)
        return data

    def _product_name(self, product_id: Any, row_id: int) -> str:
        """The catalog product's name, "[<row id>]" for a row of no product (the set page)."""
        try:
            pid = int(product_id or 0)
        except (TypeError, ValueError):
            pid = 0
        if pid <= 0:
            return f"[{row_id}]"
        for family in self.catalogs:
            product = self.item.store.get(family, 0, pid) or {}
            name = product.get("name") or product.get("NAME")
            if name:
                return str(name)
        return ""

    def _check_discount(self, row: dict[str, Any]) -> None:
        """The set page's three discount errors (a type sent without its amount)."""
        kind = get_ci(row, "discountTypeId")
        if kind in (None, ""):
            return
        rate, total = get_ci(row, "discountRate"), get_ci(row, "discountSum")
        if str(kind) == str(PERCENT) and rate in (None, ""):
            message = "Discount Rate (DISCOUNT_RATE) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined"
        elif str(kind) == str(PERCENT) and _number(rate) == 100 and total in (None, ""):
            message = "Discount Sum (DISCOUNT_SUM) is required if Percentage Discount Type (DISCOUNT_TYPE_ID) is defined and Discount Rate (DISCOUNT_RATE) is 100%"
        elif str(kind) == str(ABSOLUTE) and total in (None, ""):
            message = "Discount Sum (DISCOUNT_SUM) is required if Monetary Discount Type (DISCOUNT_TYPE_ID) is defined"
        else:
            return
        raise ApiError("", message, 400, about_params=True)

    def _item_view(self, rec_id: int, data: dict[str, Any]) -> dict[str, Any]:
        return self.item.present(rec_id, data, action="get")

    def _classic_view(self, low: str, rec_id: int, data: dict[str, Any]) -> dict[str, Any]:
        rec: dict[str, Any] = {k: None for k in self.classic_keys.get(low, ())}
        rec["ID"] = rec_id
        rec.update({upper_snake(k): v for k, v in data.items()})
        if rec.get("ORIGINAL_PRODUCT_NAME") is None:
            rec["ORIGINAL_PRODUCT_NAME"] = rec.get("PRODUCT_NAME")
        return self.classic_wire.get(low, WireFormat()).record(rec)

    # -- calls -------------------------------------------------------------------

    def handle(self, low: str, params: dict[str, Any]) -> Outcome:
        if ".productrows." in low:
            return self._classic(low, params)
        action = low.rsplit(".", 1)[1]
        if action == "set":
            letter, owner_id = self._item_owner(params)
            rows = [_camel_row(r) for r in _row_list(get_ci(params, "productRows"))]
            self._replace(letter, owner_id, rows)
            views = [self._item_view(i, d) for i, d in self._rows_of(letter, owner_id)]
            return Outcome({"productRows": views}, wrote=True)
        if action == "getavailableforpayment":
            letter, owner_id = self._item_owner(params)
            views = [self._item_view(i, d) for i, d in self._rows_of(letter, owner_id)]
            return Outcome({"productRows": views})
        fields = _camel_row(_mapping(get_ci(params, "fields")))
        if action == "add":
            letter, owner_id = self._item_owner(fields)
            new_id = self._replace_one(None, {**fields, "ownerType": letter, "ownerId": owner_id})
            data = self.item.store.get(self.item.fam.key, 0, new_id) or {}
            return Outcome({"productRow": self._item_view(new_id, data)}, wrote=True)
        rec_id = self.item._id(params)
        current = self.item.store.get(self.item.fam.key, 0, rec_id)
        if current is None:
            raise not_found()
        for owner_key in ("ownerType", "ownerId"):
            fields.pop(owner_key, None)  # a row keeps its owner
        kept = {k: v for k, v in current.items() if k not in _DERIVED or k in fields}
        self._replace_one(rec_id, {**kept, **fields})
        data = self.item.store.get(self.item.fam.key, 0, rec_id) or {}
        return Outcome({"productRow": self._item_view(rec_id, data)}, wrote=True)

    def _replace_one(self, rec_id: int | None, row: dict[str, Any]) -> int:
        rec_id = rec_id or self.item.store.next_ids(self.item.fam.key, 0)
        self.item.store.put(self.item.fam.key, 0, rec_id, self._complete(row, rec_id))
        return rec_id

    def _classic(self, low: str, params: dict[str, Any]) -> Outcome:
        letter, owner_id = self._classic_owner(low, params)
        if low.endswith(".set"):
            rows = _row_list(get_ci(params, "rows"))
            for row in rows:
                self._check_discount(_camel_row(row))
            self._replace(letter, owner_id, [_camel_row(r) for r in rows])
            return Outcome(True, wrote=True)
        get = low  # crm.deal.productrows.get
        return Outcome([self._classic_view(get, i, d) for i, d in self._rows_of(letter, owner_id)])

    # -- fixtures ------------------------------------------------------------------

    def put_named(self, low: str, params: dict[str, Any]) -> None:
        """Make the owner a call names exist (crm.deal.productrows.get {"id": 5}), and the
        row an update names."""
        if low == f"{ITEM_FAMILY}.update":
            sample = {k: v for k, v in sample_record(self.item.fam.methods).items() if k != "id"}
            try:
                if self.item.store.get(self.item.fam.key, 0, self.item._id(params)) is None:
                    self.item.put_named({"id": get_ci(params, "id")}, "update", sample)
            except ApiError:
                pass
            return
        owner: EntityHandler | None
        if ".productrows." in low:
            owner = self.owners[OWNER_TYPE_BY_CLASSIC[low.split(".productrows.")[0]]]
            named = {"id": get_ci(params, "id")}
        else:
            source = _mapping(get_ci(params, "fields")) if low.endswith(".add") else params
            owner = self.owners.get(str(get_ci(source, "ownerType")))
            named = {"id": get_ci(source, "ownerId")}
        try:
            if (
                owner is not None
                and self.item.store.get(owner.fam.key, 0, owner._id(named)) is None
            ):
                owner.put_named(named, "get", {})
        except ApiError:
            return


def _row_list(value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, list):
        raise ApiError("ERROR_ARGUMENT", "rows must be an array", 400, about_params=True)
    return [_mapping(r) for r in value]


def _camel_row(row: dict[str, Any]) -> dict[str, Any]:
    return {camel(str(k)): v for k, v in row.items() if str(k).upper() != "ID"}


def _mapping(value: Any) -> dict[str, Any]:
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ApiError("ERROR_ARGUMENT", "fields must be an object", 400, about_params=True)
    return dict(value)
