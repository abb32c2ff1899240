"""``batch``: up to 50 ``method?query`` commands run in order, with ``$result[key][…]``
references to earlier answers, ``halt`` on the first error, and the portal's answer shape
(``result``, ``result_error``, ``result_total``, ``result_next``, ``result_time``)."""

from __future__ import annotations

import re
from typing import Any

from generator.emulator.entities import Outcome
from generator.emulator.errors import ApiError
from generator.emulator.params import get_ci, parse_php_query
from generator.emulator.portal import Portal

MAX_COMMANDS = 50
_REF = re.compile(
    r"\$(result_error|result_next|result_total|result_time|result)\[([^\]]+)\]((?:\[[^\]]*\])*)"
)


def run_batch(portal: Portal, params: dict[str, Any], caller: str, user: int = 1) -> Outcome:
    cmd = get_ci(params, "cmd")
    halt = str(get_ci(params, "halt", "0")).strip().lower() in ("1", "true", "y")
    if isinstance(cmd, list):
        commands = [(str(i), c) for i, c in enumerate(cmd)]
    elif isinstance(cmd, dict):
        commands = [(str(k), c) for k, c in cmd.items()]
    else:
        raise ApiError("ERROR_ARGUMENT", "Parameter 'cmd' is required and must be an array", 400)

    state: dict[str, dict[str, Any]] = {
        "result": {}, "result_error": {}, "result_total": {}, "result_next": {}, "result_time": {},
    }  # fmt: skip
    events: list[tuple[str, dict[str, Any]]] = []
    wrote = False
    for index, (key, command) in enumerate(commands):
        if index >= MAX_COMMANDS:
            state["result_error"][key] = {
                "error": "ERROR_BATCH_LENGTH_EXCEEDED",
                "error_description": "Max batch length exceeded",
            }
            continue
        name, sub = _parse_command(command)
        sub = _substitute(sub, state)
        start = portal.clock()
        try:
            if name.lower() == "batch":
                raise ApiError(
                    "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", 405
                )
            out = portal.call(name, sub, 2, caller, user)
        except ApiError as err:
            state["result_error"][key] = err.body_v2()
            if halt:
                break
            continue
        state["result"][key] = out.result
        if out.total is not None:
            state["result_total"][key] = out.total
        if out.next is not None:
            state["result_next"][key] = out.next
        processing, operating, reset_at = out.time_info
        state["result_time"][key] = portal.time_block(start, processing, operating, reset_at)
        events.extend(out.events)
        wrote = wrote or out.wrote

    result: dict[str, Any] = {}
    for part, values in state.items():
        # PHP's json_encode makes every section keyed 0..n-1 a list, whatever cmd was.
        result[part] = _php_array(values, True)
    return Outcome(result, events=events, wrote=wrote)


def _php_array(values: dict[str, Any], as_list: bool) -> Any:
    """PHP serialises an empty array as ``[]`` and a 0..n-1 keyed one as a list."""
    if not values:
        return []
    if as_list and list(values) == [str(i) for i in range(len(values))]:
        return list(values.values())
    return values


def _parse_command(command: Any) -> tuple[str, dict[str, Any]]:
    if isinstance(command, dict):  # SDK style: {"method": ..., "params": {...}}
        return str(command.get("method", "")), dict(command.get("params") or {})
    text = str(command)
    name, _, query = text.partition("?")
    return name.strip(), parse_php_query(query)


def _substitute(value: Any, state: dict[str, dict[str, Any]]) -> Any:
    if isinstance(value, dict):
        return {k: _substitute(v, state) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, state) for v in value]
    if not isinstance(value, str) or "$result" not in value:
        return value
    whole = _REF.fullmatch(value)
    if whole:
        found, resolved = _resolve(whole, state)
        return resolved if found else value

    def text(m: re.Match[str]) -> str:
        found, resolved = _resolve(m, state)
        if not found:
            return m.group(0)
        if isinstance(resolved, bool):
            return "1" if resolved else ""
        return "" if resolved is None else str(resolved)

    return _REF.sub(text, value)


def _resolve(m: re.Match[str], state: dict[str, dict[str, Any]]) -> tuple[bool, Any]:
    kind, key, rest = m.group(1), m.group(2), m.group(3)
    source = state[kind]
    if key not in source:
        return False, None
    node = source[key]
    for seg in re.findall(r"\[([^\]]*)\]", rest):
        if isinstance(node, list):
            try:
                node = node[int(seg)]
            except (ValueError, IndexError):
                return False, None
        elif isinstance(node, dict):
            if seg in node:
                node = node[seg]
            else:
                return False, None
        else:
            return False, None
    return True, node


def run_batch_v3(portal: Portal, body: Any, caller: str, user: int = 1) -> Outcome:
    """REST 3.0 batch: a JSON array of ``{"method", "query"}``; results in the same order."""
    if not isinstance(body, list):
        raise ApiError(
            "BITRIX_REST_V3_EXCEPTION_INVALIDSELECTEXCEPTION", "batch expects a JSON array", 400
        )
    results: list[Any] = []
    events: list[tuple[str, dict[str, Any]]] = []
    wrote = False
    for item in body[:MAX_COMMANDS]:
        try:
            if not isinstance(item, dict) or not isinstance(item.get("query") or {}, dict):
                raise ApiError(
                    "BITRIX_REST_V3_EXCEPTION_INVALIDSELECTEXCEPTION",
                    'each call is {"method": ..., "query": {...}}',
                    400,
                )
            name = str(item.get("method", ""))
            out = portal.call(name, dict(item.get("query") or {}), 3, caller, user)
        except ApiError as err:
            results.append(err.body_v3())
            continue
        results.append(out.result)
        events.extend(out.events)
        wrote = wrote or out.wrote
    return Outcome(results, events=events, wrote=wrote)
