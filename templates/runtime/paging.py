"""Reading every record of a ``*.list`` method, page after page, each record once.

Two ways:

* plain: ``start=0, 50, ...`` following ``next`` (works for every list method);
* fast (the docs' recipe for large volumes): ``start=-1`` (no ``total`` counted), ``order`` by
  ID ascending and a ``>ID`` cursor; pages are chained inside ``batch`` with
  ``$result[pN][49][ID]`` references, so one HTTP request brings up to 50 pages (2,500
  records). The chain stops at the first page shorter than 50 records: what the portal
  answered for the commands after it (their reference had nothing to point at) is ignored.
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Generator, Mapping
from typing import Any

from .batch import BATCH_SIZE, BatchResult, merge_chunk
from .core import CallContext, call_flow
from .effects import Effect, Emit
from .encoding import encode_command
from .response import Page, Response, extract_items, items_key

__all__ = [
    "PAGE_SIZE",
    "Progress",
    "ProgressCallback",
    "StreamFlow",
    "default_id_field",
    "fast_iterate_flow",
    "iterate_flow",
    "page_flow",
    "stream_flow",
    "supports_fast",
]

PAGE_SIZE = 50

ProgressCallback = Callable[[int, "int | None"], object]
# Streams yield Emit effects (records for the caller) among the usual ones.
StreamFlow = Generator[Effect, Any, None]


class Progress:
    """Reports records read so far: to a callback ``(done, total)``, or a tqdm bar on request."""

    def __init__(self, option: bool | ProgressCallback | None, method: str) -> None:
        self._callback: ProgressCallback | None = None
        self._bar: Any = None
        self._method = method
        self.done = 0
        if callable(option):
            self._callback = option
        elif option:
            try:  # tqdm is optional: the generated package depends on httpx only
                self._tqdm: Any = importlib.import_module("tqdm")
            except ImportError:
                raise ImportError("progress=True needs tqdm: pip install tqdm") from None

    def update(self, count: int, total: int | None) -> None:
        self.done += count
        if self._callback is not None:
            self._callback(self.done, total)
        elif hasattr(self, "_tqdm"):
            if self._bar is None:
                self._bar = self._tqdm.tqdm(total=total, desc=self._method, unit="rec")
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def page_from(response: Response[Any]) -> Page[Any]:
    return Page(extract_items(response.result), response.total, response.next, response.time)


def page_flow(
    ctx: CallContext, method: str, params: Mapping[str, Any], *, api_version: int = 2
) -> Generator[Effect, Any, Page[Any]]:
    response = yield from call_flow(ctx, method, params, api_version=api_version, write=False)
    return page_from(response)


def iterate_flow(
    ctx: CallContext,
    method: str,
    params: Mapping[str, Any],
    *,
    api_version: int = 2,
    progress: bool | ProgressCallback | None = None,
) -> StreamFlow:
    """Plain paging by ``start``/``next``."""
    report = Progress(progress, method)
    start = params.get("start", 0)
    try:
        while True:
            page = yield from page_flow(
                ctx, method, {**params, "start": start}, api_version=api_version
            )
            report.update(len(page.items), page.total)
            yield Emit(page.items)
            if page.next is None or page.next == start or not page.items:
                return
            start = page.next
    finally:
        report.close()


_FAST_PREFIXES = (
    "crm.lead.",
    "crm.deal.",
    "crm.contact.",
    "crm.company.",
    "crm.quote.",
    "crm.activity.",
    "crm.product.",
    "crm.requisite.",
    "crm.item.",
    "crm.invoice.",
)


def default_id_field(method: str) -> str:
    """``id`` for ``crm.item.*`` (REST camelCase fields), ``ID`` elsewhere."""
    return "id" if method.lower().startswith("crm.item.") else "ID"


def supports_fast(method: str, params: Mapping[str, Any], id_field: str) -> bool:
    """Whether fast mode may be used: a known ID-filterable list, sorted by ID if at all."""
    if not method.lower().endswith(".list"):
        return False
    order = params.get("order")
    if order and (not isinstance(order, Mapping) or set(order) != {id_field}):
        return False
    if isinstance(order, Mapping) and str(order[id_field]).upper() != "ASC":
        return False
    return "start" not in params


def _fast_params(params: Mapping[str, Any], id_field: str, cursor: Any) -> dict[str, Any]:
    out = copy.deepcopy(dict(params))
    out["order"] = {id_field: "ASC"}
    out["start"] = -1
    flt = dict(out.get("filter") or {})
    if cursor is not None:
        flt[f">{id_field}"] = cursor
    out["filter"] = flt
    select = out.get("select")
    if isinstance(select, list) and select and "*" not in select and id_field not in select:
        out["select"] = [*select, id_field]
    return out


def fast_iterate_flow(
    ctx: CallContext,
    method: str,
    params: Mapping[str, Any],
    *,
    id_field: str = "ID",
    progress: bool | ProgressCallback | None = None,
    chain: int = BATCH_SIZE,
) -> StreamFlow:
    """Fast paging by an ID cursor, up to ``chain`` pages per HTTP request."""
    report = Progress(progress, method)
    user_filter = params.get("filter") or {}
    cursor: Any = user_filter.get(f">{id_field}") if isinstance(user_filter, Mapping) else None
    try:
        # One plain page first: it tells where the records sit in the result (a bare list or
        # {"items": [...]}), which the references of the chained commands must name.
        first = yield from call_flow(
            ctx, method, _fast_params(params, id_field, cursor), write=False
        )
        items = extract_items(first.result)
        wrapper = items_key(first.result)
        report.update(len(items), None)
        yield Emit(items)
        if len(items) < PAGE_SIZE:
            return
        cursor = items[-1][id_field]
        path = f"[{wrapper}]" if wrapper else ""
        while True:
            cmd: dict[str, str] = {}
            for index in range(chain):
                link: Any = (
                    cursor
                    if index == 0
                    else (f"$result[p{index - 1}]{path}[{PAGE_SIZE - 1}][{id_field}]")
                )
                cmd[f"p{index}"] = encode_command(method, _fast_params(params, id_field, link))
            response = yield from call_flow(ctx, "batch", {"halt": 0, "cmd": cmd}, write=False)
            out = BatchResult()
            merge_chunk(out, list(cmd), {key: method for key in cmd}, response.result)
            for index in range(chain):
                key = f"p{index}"
                if key in out.errors:
                    raise out.errors[key]
                items = extract_items(out.results.get(key))
                if items:
                    report.update(len(items), None)
                    yield Emit(items)
                if len(items) < PAGE_SIZE:
                    return
                cursor = items[-1][id_field]
    finally:
        report.close()


def stream_flow(
    ctx: CallContext,
    method: str,
    params: Mapping[str, Any],
    *,
    fast: bool | None,
    id_field: str | None,
    progress: bool | ProgressCallback | None,
    api_version: int,
) -> StreamFlow:
    """The flow of ``iterate``: fast where asked (or, with ``fast=None``, for CRM lists
    whose params allow it), plain paging otherwise."""
    params = dict(params)
    field = id_field or default_id_field(method)
    usable = api_version == 2 and supports_fast(method, params, field)
    if fast is None:
        fast = usable and method.lower().startswith(_FAST_PREFIXES)
    elif fast and not usable:
        raise ValueError(
            f"fast iteration of {method} needs a REST 2 '*.list' method, no 'start', and "
            f"no order other than {{{field!r}: 'ASC'}}"
        )
    if fast:
        return fast_iterate_flow(ctx, method, params, id_field=field, progress=progress)
    return iterate_flow(ctx, method, params, api_version=api_version, progress=progress)
