"""The portal's behaviour, independent of HTTP: method lookup, required parameters, the
stateful handlers, documented-example answers, limits, and the ``time`` block.

``Portal.call`` is what both a plain request and each ``batch`` command go through.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from generator.emulator.bindings import RecordBinding
from generator.emulator.crm_types import CLASSIC_BY_TYPE, TWO_WAY_BINDINGS
from generator.emulator.dictionaries import Dictionaries
from generator.emulator.entities import EntityHandler, Outcome
from generator.emulator.errors import EMPTY_CODES as _EMPTY_CODES
from generator.emulator.errors import NOT_ARGUMENT_CODES as _NOT_ARGUMENT_CODES
from generator.emulator.errors import ApiError, portal_message
from generator.emulator.events import EventSender
from generator.emulator.families import Family, discover, sample_record
from generator.emulator.faults import FaultDraw, Faults
from generator.emulator.keyed import KeyedHandler, discover_keyed
from generator.emulator.limits import Clock, LeakyBucket, Limits, OperatingMeter, TokenStore
from generator.emulator.lists import ListsHandler
from generator.emulator.named import put_metadata
from generator.emulator.product_rows import ProductRows
from generator.emulator.required import (
    missing_required,
    required_error,
    spell_params,
    variant_refusal,
)
from generator.emulator.store import Store
from generator.emulator.system import (
    ADMIN_ID,
    SystemMethods,
    auth_refusal,
    rights_refusal,
    user_template,
)
from generator.emulator.userfields import UserFields, model_scopes
from generator.model import ApiModel, Method
from generator.vocabulary.writes import method_writes


@dataclass(frozen=True)
class Options:
    token: str = "test-token"
    db: str = ":memory:"
    limits: Limits | None = None
    faults: Faults = field(default_factory=Faults)
    event_handler: str | None = None
    application_token: str = "test-application-token"
    token_lifetime: float = 3600.0
    client_id: str = "local.emulator"
    client_secret: str = "emulator-secret"
    domain: str = "127.0.0.1"
    clock: Clock = time.time
    max_body: int = 64 * 1024 * 1024  # bytes (body.MAX_BODY); larger requests get 413


class Portal:
    def __init__(self, model: ApiModel, options: Options) -> None:
        self.model = model
        self.options = options
        self.clock = options.clock
        self.store = Store(options.db)
        self.methods: dict[int, dict[str, Method]] = {2: {}, 3: {}}
        for m in model.methods:
            self.methods.setdefault(m.api_version, {}).setdefault(m.name.lower(), m)
        self.model_index = self.methods[2]
        self.families: dict[str, Family] = discover(model)
        self.entity_routes: dict[tuple[int, str], tuple[EntityHandler, str]] = {}
        self.handlers: dict[str, EntityHandler] = {}
        for fam in self.families.values():
            handler = EntityHandler(self.store, fam, self.clock)
            self.handlers[fam.key] = handler
            for action, m in fam.methods.items():
                filtered_get = action == "get" and fam.shapes["get"].kind == "bare"
                if (
                    action in ("get", "update", "delete")
                    and fam.id_param is None
                    and not (filtered_get)
                ):
                    continue  # nothing identifies a record: answer from the example
                self.entity_routes[(fam.api_version, m.name.lower())] = (handler, action)
        self.keyed: dict[str, tuple[KeyedHandler, str]] = discover_keyed(
            list(model.methods), self.store
        )
        self.lists = ListsHandler.discover(list(model.methods), self.store)
        self.product_rows = ProductRows.discover(list(model.methods), self.handlers)
        self.dictionaries = Dictionaries(
            self.handlers.get("crm.status"), self.handlers.get("crm.currency")
        )
        self._link_crm()
        self.system = SystemMethods(self)
        self.without_rights: set[int] = set()
        self.ensure_users()
        limits = options.limits
        self.bucket = LeakyBucket(limits.burst, limits.drain, self.clock) if limits else None
        self.meter = OperatingMeter(limits.operating_limit if limits else 0, self.clock)
        self.tokens = TokenStore(
            self.clock, options.token_lifetime, options.client_id, options.client_secret
        )
        self.faults = FaultDraw(options.faults)
        self.events = EventSender(
            options.event_handler,
            application_token=options.application_token,
            domain=options.domain,
            clock=self.clock,
        )
        self.stats: dict[str, int] = {"requests": 0, "calls": 0, "limited": 0, "writes": 0}
        self.idempotency: dict[tuple[str, str, str], tuple[float, str, Any]] = {}
        self.userfields = UserFields(model_scopes(model.methods))  # portal metadata (hook)

    def _link_crm(self) -> None:
        """crm.item reaches the classic entities' records; classic records keep their
        CONTACT_IDS as the bindings ``*.contact.items.get`` answers."""
        item = self.handlers.get("crm.item")
        for etid, name in CLASSIC_BY_TYPE.items():
            classic = self.handlers.get(name)
            if item is not None and classic is not None:
                item.classic[etid] = classic
        for handler in self.handlers.values():
            if handler.fam.api_version != 2:
                continue
            for other in ("contact", "company"):
                keyed = self.keyed.get(f"{handler.fam.name}.{other}.items.get")
                ids_field, id_field = f"{other.upper()}_IDS", f"{other.upper()}_ID"
                if keyed is None or ids_field not in handler.fam.field_types:
                    continue
                single = id_field if id_field in handler.fam.field_types else None
                writer = keyed[0]
                binding = RecordBinding(
                    self.store, writer, handler.fam.key, writer.kind, writer.item_key, ids_field,
                    single,
                )  # fmt: skip
                handler.bindings.append(binding)
                keyed[0].on_change.append(binding.sync)
        pair = [self.keyed.get(f"crm.{a}.{b}.items.get") for a, b in TWO_WAY_BINDINGS]
        if all(pair):
            one, two = pair[0][0], pair[1][0]  # type: ignore[index]
            one.mirror, two.mirror = two, one

    # -- users ------------------------------------------------------------------

    def ensure_users(self) -> None:
        """The portal's administrator (id 1) exists from the start, as on any portal."""
        handler = self.handlers.get("user")
        if handler is not None and self.store.get("user", 0, ADMIN_ID) is None:
            self.store.insert("user", 0, user_template(self.model_index))

    def add_user(self, fields: dict[str, Any], *, rights: bool = True) -> int:
        """Another user; ``rights=False`` makes the methods that document an access error
        answer it with that error (ACCESS_DENIED)."""
        data = {**user_template(self.model_index), **fields}
        new_id = self.store.insert("user", 0, data)
        if not rights:
            self.without_rights.add(new_id)
        return new_id

    def user_record(self, user: int) -> dict[str, Any] | None:
        handler = self.handlers.get("user")
        data = self.store.get("user", 0, user) if handler is not None else None
        if data is None:
            return None
        return handler.present(user, data) if handler is not None else None

    # -- lookup -----------------------------------------------------------------

    def find(self, name: str, version: int) -> Method | None:
        return self.methods.get(version, {}).get(name.lower())

    def is_write(self, name: str) -> bool:
        """The model's decision (``Method.writes``); the name's for an undocumented method."""
        method = self.find(name, 2) or self.find(name, 3)
        return method.writes if method is not None else method_writes(name)

    def family(self, name: str, version: int = 2) -> Family:
        """The family called ``name`` ("crm.lead"), for seeding and inspection."""
        key = name.lower() if version == 2 else f"v3:{name.lower()}"
        try:
            return self.families[key]
        except KeyError:
            raise KeyError(f"no entity family {name!r} (REST {version}) in the model") from None

    # -- calls ------------------------------------------------------------------

    def call(
        self, name: str, params: dict[str, Any], version: int, caller: str, user: int = ADMIN_ID
    ) -> Outcome:
        """Run one method; raises ApiError with the portal's code and status."""
        hooked = self.userfields.before(name, params)  # user fields, crm.type, scopes
        if hooked is not None:
            return hooked
        method = self.find(name, version)
        if method is None:
            raise ApiError("ERROR_METHOD_NOT_FOUND", "Method not found!", 404)
        refused = auth_refusal(method, caller) or rights_refusal(
            method, user not in self.without_rights
        )
        if refused is not None:
            raise refused
        params = spell_params(method, params)
        missing = missing_required(method, params)
        if missing is not None:
            raise required_error(method, missing)
        mixed = variant_refusal(method, params)
        if mixed is not None:
            raise mixed
        if self.options.limits and self.meter.blocked(caller, method.name.lower()):
            raise ApiError(
                "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit", 429
            )
        self.stats["calls"] += 1
        started = time.perf_counter()
        low = method.name.lower()
        outcome: Outcome | None
        try:
            if self.system.handles(low):
                outcome = self.system.call(low, user)
            elif version == 2 and self.dictionaries.handles(low):
                outcome = self.dictionaries.handle(low, params)
            elif self.product_rows is not None and self.product_rows.handles(low):
                outcome = self.product_rows.handle(low, params)
            elif self.lists is not None and self.lists.handles(low):
                outcome = self.lists.handle(low, params)
            elif low in self.keyed:
                handler, action = self.keyed[low]
                outcome = handler.handle(action, params)
            elif (version, low) in self.entity_routes:
                ent, action = self.entity_routes[(version, low)]
                outcome = ent.handle(action, params)
            else:
                outcome = None
        except ApiError as err:
            raise _as_documented(method, err) from None
        if outcome is None:
            outcome = _example_outcome(method)
            outcome.wrote = method.writes
        outcome = self.userfields.after(name, params, outcome)  # *.fields with user fields
        processing = time.perf_counter() - started
        if outcome.wrote:
            self.stats["writes"] += 1
        cost = self.options.limits.operating_cost if self.options.limits else None
        operating, reset_at = self.meter.add(caller, low, processing if cost is None else cost)
        outcome.time_info = (processing, operating, reset_at)
        return outcome

    def time_block(
        self, start: float, processing: float, operating: float = 0.0,
        reset_at: float | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        finish = max(self.clock(), start)
        block: dict[str, Any] = {
            "start": start,
            "finish": finish,
            "duration": finish - start,
            "processing": processing,
            "date_start": _iso(start),
            "date_finish": _iso(finish),
            "operating_reset_at": int(reset_at if reset_at is not None else start + 600),
            "operating": operating,
        }
        return block

    # -- REST 3.0 Idempotency-Key: a successful answer is kept 24 hours ----------

    IDEMPOTENCY_TTL = 24 * 3600.0

    def idempotent_answer(self, slot: tuple[str, str, str], fingerprint: str) -> Any:
        """The saved answer for this key, "conflict" for another body, or None."""
        saved = self.idempotency.get(slot)
        if saved is None or self.clock() > saved[0] + self.IDEMPOTENCY_TTL:
            return None
        return saved[2] if saved[1] == fingerprint else "conflict"

    def remember_answer(self, slot: tuple[str, str, str], fingerprint: str, body: Any) -> None:
        self.idempotency[slot] = (self.clock(), fingerprint, body)

    # -- seeding and inspection (tests, benchmarks) ----------------------------

    def seed(
        self,
        family: str,
        records: list[dict[str, Any]],
        *,
        entity_type_id: int | None = None,
        version: int = 2,
    ) -> list[int]:
        """Insert records straight into the database (no HTTP, no events): fast fixtures."""
        fam = self.family(family, version)
        scope = int(entity_type_id or 0)
        handler = self.handlers[fam.key]
        target, tscope = handler._place(scope)
        rows = []
        for rec in records:
            wrapped = {fam.fields_param: rec} if fam.fields_param else dict(rec)
            data = handler._fields(wrapped, target)
            if target.fam.scope_param:
                data.setdefault(target.fam.scope_param, scope)
            rows.append(data)
        return self.store.insert_many(target.fam.key, tscope, rows)

    def put_named(self, name: str, params: dict[str, Any], version: int = 2) -> None:
        """Make the records a call names exist before it is made, each built from its
        family's example record: the docs' examples name records of their author's portal
        (``crm.deal.get {"id": 410}``, ``crm.currency.get {"id": "RUB"}``, a list by
        IBLOCK_CODE). For measuring the pages' own requests and for fixtures."""
        low = name.lower()
        if version == 2 and put_metadata(self.userfields, low, params, self.model_index):
            return
        if version == 2 and self.dictionaries.handles(low):
            self.dictionaries.put_named(low, params)
            return
        if version == 2 and self.lists is not None and self.lists.handles(low):
            self.lists.put_named(low, params)
            return
        if version == 2 and self.product_rows is not None and self.product_rows.handles(low):
            self.product_rows.put_named(low, params)
            return
        route = self.entity_routes.get((version, low))
        if route is None or route[1] not in ("get", "update", "delete"):
            return
        handler, action = route
        sample = {k: v for k, v in sample_record(handler.fam.methods).items()}
        sample.pop(handler.fam.id_key, None)
        try:
            handler.put_named(params, action, sample)
        except ApiError:
            return  # the call names no record this portal could hold (an id of 0)

    def count(self, family: str, *, entity_type_id: int | None = None, version: int = 2) -> int:
        fam = self.family(family, version)
        if entity_type_id is None:
            return self.store.count(fam.key, None)
        target, tscope = self.handlers[fam.key]._place(entity_type_id)
        return self.store.count(target.fam.key, tscope)

    def reset(self) -> None:
        self.store.reset()
        if self.bucket:
            self.bucket.reset()
        self.meter.reset()
        self.tokens.reset()
        self.events.sent.clear()
        self.idempotency.clear()
        self.without_rights.clear()
        self.ensure_users()
        for k in self.stats:
            self.stats[k] = 0


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, tz=timezone.utc).astimezone().isoformat(timespec="seconds")


_NOT_FOUND_WORDS = ("not found", "не найден", "не существует", "does not exist", "not exist")
_BAD_ARG_WORDS = (
    "not defined", "invalid", "некоррект", "неверн", "не указан", "incorrect", "wrong",
    "не передан",
)  # fmt: skip


def _as_documented(method: Method, err: ApiError) -> ApiError:
    """Our generic NOT_FOUND / ERROR_ARGUMENT, spelt with the code the method's page gives
    for that situation when it gives one (often an empty ``error``: "Пустое значение")."""
    if method.api_version == 3 or not method.errors:
        return err
    if err.code in {e.code.strip() for e in method.errors}:
        return err
    not_found = "NOT_FOUND" in err.code
    # An invalid id may be documented as "not found"; a missing record is only ever that.
    for kind_not_found in (True,) if not_found else (False, True):
        for e in method.errors:
            code, desc = e.code.strip(), e.description.lower()
            if any(w in code.upper() for w in _NOT_ARGUMENT_CODES) or desc.startswith(
                ("access denied", "доступ запрещ")
            ):
                continue
            if kind_not_found:
                fits = "NOT_FOUND" in code.upper() or any(w in desc for w in _NOT_FOUND_WORDS)
            else:
                fits = any(w in desc for w in _BAD_ARG_WORDS)
            if fits:
                status = e.status if e.status and 400 <= e.status < 500 else err.status
                spelt = "" if code.lower() in _EMPTY_CODES else code
                message = portal_message(e.description) or err.description
                return ApiError(spelt, message, status, err.validation, err.about_params)
    if any(e.code.strip().lower() in _EMPTY_CODES for e in method.errors):
        # Pages whose own errors come with an empty code (classic CRM: "Not found",
        # "ID is not defined or invalid") get ours that way too, as the portal sends them.
        return ApiError("", err.description, err.status, err.validation, err.about_params)
    return err


def _example_outcome(method: Method) -> Outcome:
    try:
        value = method.returns.example_value()
    except ValueError:
        value = None
    if value is None:
        shape, typ = method.returns.shape, method.returns.type.lower()
        if shape == "boolean" or typ == "boolean":
            value = True
        elif shape == "scalar":
            value = 1 if typ in ("integer", "int", "") else ""
        elif shape in ("items", "list"):
            value = []
        elif shape in ("object", "item"):
            value = {}
    if method.returns.paged or method.name.lower().endswith(".list"):
        total = len(value) if isinstance(value, list) else None
        if total is None and isinstance(value, dict) and len(value) == 1:
            inner = next(iter(value.values()))
            total = len(inner) if isinstance(inner, list) else None
        return Outcome(value, total=total if method.api_version == 2 else None)
    return Outcome(value)


def make_caller_key(kind: str, token: str) -> str:
    return f"{kind}:{token[:6]}"


CallFn = Callable[[str, dict[str, Any], int, str], Outcome]
