"""``batch``: many calls in few requests (50 commands each), results and errors by key.

References: a command's parameters may hold ``$result[key][path...]``, the result of an
earlier command. Within one request of 50 the portal resolves them. Across requests (a command
referring to one sent in an earlier chunk) the client substitutes the value itself before
sending, so references work across the whole list as long as they point backwards; a reference
to a command that failed, or to a later one, is sent as written and the portal reports it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from .core import CallContext, call_flow
from .effects import Flow
from .encoding import encode_command
from .errors import Bitrix24Error
from .response import Page, error_from_body, extract_items
from .retry import is_write

__all__ = [
    "BATCH_SIZE",
    "BatchResult",
    "Commands",
    "Prepared",
    "batch_flow",
    "chunks",
    "normalize_commands",
]

BATCH_SIZE = 50
R_co = TypeVar("R_co", covariant=True)
_keys = itertools.count(1)


class Prepared(Generic[R_co]):
    """A typed call not sent yet (``client.crm.deal.get.prepare(id=1)``), for ``batch``.

    In a list of commands it is sent under its own ``key`` (``"p1"``, ``"p2"``... unless
    ``named``); ``batch_result[prepared]`` is its result, typed as the method returns it
    (a ``Page`` of records for a ``*.list`` method). ``ref("ID")`` is the
    ``$result[key][ID]`` reference a later command of the same batch may send.
    """

    __slots__ = ("api_version", "key", "method", "paged", "params", "write")

    def __init__(
        self,
        method: str,
        params: Mapping[str, Any],
        *,
        api_version: int = 2,
        write: bool | None = None,
        paged: bool = False,
        key: str | None = None,
    ) -> None:
        self.method, self.params, self.api_version = method, dict(params), api_version
        self.write, self.paged = write, paged
        self.key = key if key is not None else f"p{next(_keys)}"

    def named(self, key: str) -> Prepared[R_co]:
        """The same call sent under ``key``."""
        return Prepared(
            self.method,
            self.params,
            api_version=self.api_version,
            write=self.write,
            paged=self.paged,
            key=key,
        )

    def ref(self, *path: str | int) -> str:
        """``$result[key][path]...``: this call's result (or part of it) in a later command."""
        return f"$result[{self.key}]" + "".join(f"[{part}]" for part in path)

    def __repr__(self) -> str:
        return f"Prepared({self.method!r}, key={self.key!r})"


Command = tuple[str, Mapping[str, Any]]
Commands = Mapping[str, "Command | Prepared[Any]"] | Sequence["Command | Prepared[Any]"]

_REFERENCE = re.compile(r"\$result\[([^\[\]]+)\]((?:\[[^\[\]]*\])*)")


@dataclass
class BatchResult:
    """Results and errors of a batch by command key, with the portal's per-command metadata.

    ``result[key]`` gives a command's result or raises its error; ``errors`` holds every failed
    command's exception (the class documented for its code, or for its text when the code is
    empty); ``skipped`` the keys of commands that were not run (``halt=True`` after a
    failure: in the same request or in later ones); ``requests`` is how many HTTP requests
    the batch took.
    """

    results: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, Bitrix24Error] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    nexts: dict[str, int] = field(default_factory=dict)
    times: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    requests: int = 0
    # id(prepared) -> (prepared, the key it was sent under), for ``result[prepared]``
    prepared: dict[int, tuple[Prepared[Any], str]] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @overload
    def __getitem__(self, key: Prepared[R_co]) -> R_co: ...
    @overload
    def __getitem__(self, key: str) -> Any: ...
    def __getitem__(self, key: str | Prepared[Any]) -> Any:
        if isinstance(key, Prepared):
            return self._prepared_result(key)
        if key in self.errors:
            raise self.errors[key]
        if key in self.skipped:
            raise KeyError(f"batch command {key!r} was not run (halted after a failure)")
        return self.results[key]

    def _prepared_result(self, prepared: Prepared[Any]) -> Any:
        sent = self.prepared.get(id(prepared))
        if sent is None or sent[0] is not prepared:
            raise KeyError(f"{prepared!r} was not sent in this batch")
        key = sent[1]
        result = self[key]
        if not prepared.paged:
            return result
        return Page(
            extract_items(result), self.totals.get(key), self.nexts.get(key), self.times.get(key)
        )

    def __contains__(self, key: object) -> bool:
        if isinstance(key, Prepared):
            sent = self.prepared.get(id(key))
            return sent is not None and sent[1] in self
        return key in self.results or key in self.errors

    def __len__(self) -> int:
        return len(self.results) + len(self.errors)

    def raise_for_errors(self) -> None:
        """Raise the first failed command's error, if any command failed (all of them are in
        ``errors``)."""
        for error in self.errors.values():
            raise error


def normalize_commands(
    commands: Commands, prepared: dict[int, tuple[Prepared[Any], str]] | None = None
) -> list[tuple[str, str, Mapping[str, Any]]]:
    """``(key, method, params)`` triples; a sequence gets keys ``"0"``, ``"1"``... (a
    ``Prepared`` its own key). Each ``Prepared`` is noted in ``prepared`` with its key."""
    if isinstance(commands, Mapping):
        pairs = [(str(key), value) for key, value in commands.items()]
    else:
        pairs = [
            (value.key if isinstance(value, Prepared) else str(index), value)
            for index, value in enumerate(commands)
        ]
    out: list[tuple[str, str, Mapping[str, Any]]] = []
    for key, command in pairs:
        if not key or any(c in key for c in "[]&=?$"):
            raise ValueError(f"batch key {key!r}: use letters, digits, '_', '-' or '.'")
        if isinstance(command, Prepared):
            if command.api_version != 2:
                raise ValueError(f"batch runs REST 2 methods only, not {command.method} (REST 3)")
            if prepared is not None:
                prepared[id(command)] = (command, key)
            out.append((key, command.method, command.params))
            continue
        method, params = command
        out.append((key, method, params))
    return out


def chunks(items: Sequence[Any], size: int = BATCH_SIZE) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _lookup(value: Any, path: str) -> tuple[bool, Any]:
    for part in re.findall(r"\[([^\[\]]*)\]", path):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False, None
    return True, value


def resolve_references(value: Any, known: Mapping[str, Any]) -> Any:
    """``value`` with ``$result[key]...`` replaced where ``key`` is in ``known`` (earlier chunks)."""
    if isinstance(value, str) and "$result[" in value:
        whole = _REFERENCE.fullmatch(value)
        if whole and whole.group(1) in known:
            found, resolved = _lookup(known[whole.group(1)], whole.group(2))
            if found:
                return resolved

        def substitute(match: re.Match[str]) -> str:
            if match.group(1) not in known:
                return match.group(0)
            found, resolved = _lookup(known[match.group(1)], match.group(2))
            return str(resolved) if found else match.group(0)

        return _REFERENCE.sub(substitute, value)
    if isinstance(value, Mapping):
        return {k: resolve_references(v, known) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [resolve_references(v, known) for v in value]
    return value


def _by_key(value: Any) -> dict[str, Any]:
    """The portal returns PHP arrays: a JSON list when keys are 0..n-1, else an object."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return {}


def merge_chunk(
    out: BatchResult, sent_keys: Sequence[str], method_of: Mapping[str, str], result: Any
) -> None:
    """Fold one ``batch`` answer into ``out``."""
    body = result if isinstance(result, Mapping) else {}
    results = _by_key(body.get("result"))
    for key, error in _by_key(body.get("result_error")).items():
        exc = error_from_body(
            error if isinstance(error, Mapping) and "error" in error else {"error": error},
            status=None,
            method=method_of.get(key),
        )
        if exc is not None:
            out.errors[key] = exc
    for key in sent_keys:
        if key in results and key not in out.errors:
            out.results[key] = results[key]
        elif key not in out.errors:
            out.skipped.append(key)
    for key, total in _by_key(body.get("result_total")).items():
        if isinstance(total, int):
            out.totals[key] = total
    for key, nxt in _by_key(body.get("result_next")).items():
        if isinstance(nxt, int):
            out.nexts[key] = nxt
    for key, spent in _by_key(body.get("result_time")).items():
        if isinstance(spent, Mapping):
            out.times[key] = spent


def batch_flow(ctx: CallContext, commands: Commands, *, halt: bool = False) -> Flow[BatchResult]:
    out = BatchResult()
    items = normalize_commands(commands, out.prepared)
    keys = [key for key, _, _ in items]
    if len(set(keys)) != len(keys):
        raise ValueError("batch keys must be unique")
    method_of = {key: method for key, method, _ in items}
    sent = 0
    for chunk in chunks(items):
        cmd = {
            key: encode_command(method, resolve_references(params, out.results))
            for key, method, params in chunk
        }
        writes = any(is_write(method) for _, method, _ in chunk)
        response = yield from call_flow(
            ctx, "batch", {"halt": 1 if halt else 0, "cmd": cmd}, write=writes
        )
        out.requests += 1
        sent += len(chunk)
        merge_chunk(out, list(cmd), method_of, response.result)
        for key in cmd:
            ctx.limiter.operating.observe(method_of[key], out.times.get(key))
        if halt and out.errors:
            out.skipped.extend(key for key, _, _ in items[sent:])
            break
    return out
