"""``b24gen portal pull``: read one portal's metadata into a ``PortalSnapshot``.

The calls go through the generated client's runtime (``b24gen_templates.runtime``, the code
every generated package carries as ``_runtime``): the same rate limiting, retries and
secret scrubbing as the SDK. Read are ``crm.<entity>.fields`` and
``crm.<entity>.userfield.list`` of the classic entities (labels once per ``--lang``),
``crm.type.list`` and ``crm.item.fields`` of every smart process.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from generator.portal.snapshot import (
    CLASSIC_ENTITIES,
    EntitySchema,
    EnumValue,
    PortalField,
    PortalSnapshot,
    SmartProcess,
    make_snapshot,
    smart_name,
)

PAGE_GUARD = 1000  # pages of crm.type.list at most: a portal that never stops paging is broken


class PullError(Exception):
    """The portal could not be read; the message is one line, with no secret in it."""


def where(url: str) -> str:
    """The portal's address without the webhook secret or token, for messages."""
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{parts.scheme}://{parts.netloc}"


def connect(
    *, webhook: str | None, domain: str | None, access_token: str | None, timeout: float = 10.0
) -> Any:
    from b24gen_templates.runtime.client import SyncTransportClient
    from b24gen_templates.runtime.errors import ConfigurationError, InsecureURLError

    opts = dict(max_retries=1, backoff_base=0.1, backoff_max=0.5, timeout=timeout)
    try:
        if webhook is not None:
            return SyncTransportClient.from_webhook(webhook, allow_insecure_http=True, **opts)
        assert domain is not None and access_token is not None
        return SyncTransportClient.from_oauth(
            domain, access_token, allow_insecure_http=True, **opts
        )
    except (InsecureURLError, ConfigurationError, ValueError) as exc:
        raise PullError(f"bad portal address {where(webhook or domain or '')}: {exc}") from None


def pull(client: Any, *, label: str, langs: Iterable[str] = ("en",)) -> PortalSnapshot:
    """The snapshot of the portal ``client`` talks to; ``label`` names it in errors."""
    from b24gen_templates.runtime.errors import Bitrix24Error, TransportError

    langs = tuple(dict.fromkeys(langs)) or ("en",)
    try:
        entities = [_entity(client, name, etid, langs) for name, etid in CLASSIC_ENTITIES.items()]
        smart = _smart_processes(client, langs[0])
    except TransportError as exc:
        raise PullError(f"cannot reach the portal at {label}: {exc.description}") from None
    except Bitrix24Error as exc:
        method = f" ({exc.method})" if getattr(exc, "method", None) else ""
        if exc.code.lower() in ("insufficient_scope", "access_denied"):
            raise PullError(
                f"the portal at {label} refused{method}: {exc.code}; the webhook or app "
                "needs the crm scope"
            ) from None
        raise PullError(f"the portal at {label} answered{method}: {exc.code}") from None
    return make_snapshot(entities, smart)


def _mapping(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PullError(f"unexpected answer of {what}: expected an object")
    return value


def _field(name: str, desc: dict[str, Any], *, user_field: bool) -> PortalField:
    items = desc.get("items") if isinstance(desc.get("items"), list) else []
    values = tuple(
        sorted(
            (
                EnumValue(id=str(i.get("ID", "")), value=str(i.get("VALUE", "")))
                for i in items
                if isinstance(i, dict)
            ),
            key=_id_order,
        )
    )
    return PortalField(
        name=name,
        type=str(desc.get("type") or "string"),
        multiple=bool(desc.get("isMultiple")),
        required=bool(desc.get("isRequired")),
        read_only=bool(desc.get("isReadOnly")),
        user_field=user_field,
        values=values,
    )


def _id_order(v: EnumValue) -> tuple[int, str]:
    return (int(v.id), "") if v.id.isdigit() else (1 << 62, v.id)


def _entity(client: Any, name: str, etid: int, langs: tuple[str, ...]) -> EntitySchema:
    described = _mapping(client.call(f"{name}.fields"), f"{name}.fields")
    found: dict[str, PortalField] = {}
    labels: dict[str, dict[str, str]] = {}
    extra: dict[str, dict[str, Any]] = {}
    for key, desc in described.items():
        if key.upper().startswith("UF_") and isinstance(desc, dict):
            found[key] = _field(key, desc, user_field=True)
            fallback = desc.get("formLabel") or desc.get("listLabel")
            if isinstance(fallback, str) and fallback:
                labels[key] = {langs[0]: fallback}
    for lang in langs:
        rows = client.call(f"{name}.userfield.list", {"filter": {"LANG": lang}})
        for row in rows if isinstance(rows, list) else []:
            if not isinstance(row, dict) or row.get("FIELD_NAME") not in found:
                continue
            key = row["FIELD_NAME"]
            label = row.get("EDIT_FORM_LABEL")
            if isinstance(label, dict):
                labels.setdefault(key, {}).update({str(k): str(v) for k, v in label.items() if v})
            elif isinstance(label, str) and label:
                labels.setdefault(key, {})[lang] = label
            extra[key] = row
    fields = []
    for key, f in found.items():
        values = f.values
        row_list = extra.get(key, {}).get("LIST")
        if isinstance(row_list, list):
            by_id = {str(v.get("ID")): v for v in row_list if isinstance(v, dict)}
            values = tuple(
                EnumValue(
                    id=v.id,
                    value=v.value,
                    xml_id=str(by_id.get(v.id, {}).get("XML_ID") or ""),
                    default=str(by_id.get(v.id, {}).get("DEF", "N")).upper() == "Y",
                )
                for v in f.values
            )
        fields.append(
            PortalField(
                name=f.name,
                type=f.type,
                multiple=f.multiple,
                required=f.required,
                read_only=f.read_only,
                user_field=True,
                labels=tuple(sorted(labels.get(key, {}).items())),
                values=values,
            )
        )
    return EntitySchema(name, etid, tuple(fields))


def _smart_processes(client: Any, lang: str) -> list[SmartProcess]:
    types: list[dict[str, Any]] = []
    start: int | None = 0
    for _ in range(PAGE_GUARD):
        if start is None:
            break
        answer = client.call_raw("crm.type.list", {"start": start})
        page = _mapping(answer.result, "crm.type.list").get("types") or []
        types.extend(t for t in page if isinstance(t, dict))
        start = answer.next
    out: list[SmartProcess] = []
    taken: set[str] = set()
    for t in sorted(types, key=lambda t: int(t.get("entityTypeId") or 0)):
        etid = int(t.get("entityTypeId") or 0)
        code = str(t.get("code") or "")
        name = smart_name(code, etid)
        if name in taken:
            name = f"{name}_{etid}"
        taken.add(name)
        answer = _mapping(client.call("crm.item.fields", {"entityTypeId": etid}), "crm.item.fields")
        described = _mapping(answer.get("fields", answer), "crm.item.fields")
        fields = []
        for key, desc in described.items():
            if not isinstance(desc, dict):
                continue
            f = _field(key, desc, user_field=bool(desc.get("isDynamic")) or key.startswith("uf"))
            title = desc.get("title")
            label = ((lang, str(title)),) if title and title != key else ()
            fields.append(
                PortalField(f.name, f.type, f.multiple, f.required, f.read_only, f.user_field,
                            label, f.values)  # fmt: skip
            )
        out.append(SmartProcess(etid, name, str(t.get("title") or ""), code, tuple(fields)))
    return out
