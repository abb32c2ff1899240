"""``filter`` / ``order`` / ``select`` of list methods, translated to SQL over JSON records.

REST 2 filters are ``{"<op>FIELD": value}`` with the portal's operator prefixes; REST 3.0
filters are lists of ``[field, op, value]`` conditions with ``{"logic": "or"}`` groups.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from generator.emulator.params import coerce_filter_value

# Longest prefixes first, so that ">=" is not read as ">".
_PREFIXES = ("!=%", ">=", "<=", "!=", "!%", "!@", "=%", "%=", ">", "<", "=", "!", "%", "@")


class FilterError(ValueError):
    pass


class Columns:
    """Maps a field name to its SQL expression: the id column or a JSON path."""

    def __init__(self, id_key: str, types: dict[str, str]) -> None:
        self.id_key = id_key
        self.types = types
        self._by_lower = {k.lower(): k for k in types}

    def resolve(self, name: str) -> tuple[str, str, bool]:
        """(sql expression, documented type, is the id column)."""
        if name.lower() == self.id_key.lower() or name.lower() == "id":
            return "id", "integer", True
        real = name if name in self.types else self._by_lower.get(name.lower(), name)
        return f"json_extract(data, '{self.path(name)}')", self.types.get(real, ""), False

    def path(self, name: str) -> str:
        """A JSON path literal, safe inside single quotes whatever the field name holds."""
        real = name if name in self.types else self._by_lower.get(name.lower(), name)
        # NUL cannot appear in an SQL text and SQLite's JSON path has no escape for '"' in a
        # quoted label: such a field name is no documented field and matches nothing stored.
        quoted = real.replace('"', "\ufffd").replace("\x00", "\ufffd")
        return ('$."' + quoted + '"').replace("'", "''")


def split_key(key: str) -> tuple[str, str]:
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            return prefix, key[len(prefix) :]
    return "", key


def _same(name: str) -> str:
    return name


Spell = Callable[[str], str]  # a field name as sent -> as stored


def where_v2(flt: Any, cols: Columns, spell: Spell = _same) -> tuple[str, list[Any]]:
    if not flt:
        return "", []
    if not isinstance(flt, dict):
        raise FilterError("filter must be an object of field conditions")
    parts: list[str] = []
    args: list[Any] = []
    for key, value in flt.items():
        if str(key).upper() == "LOGIC":
            continue
        if str(key).isdigit() and isinstance(value, dict):
            # a group of conditions under a numeric key, joined by its own LOGIC (AND/OR)
            sql, a = where_v2(value, cols, spell)
            sql = f"({sql})" if sql else "1"
        else:
            op, name = split_key(str(key))
            sql, a = _condition(cols, spell(name), op, value)
        parts.append(sql)
        args.extend(a)
    joiner = " OR " if str(_logic(flt)).upper() == "OR" else " AND "
    return joiner.join(parts), args


def _logic(flt: dict[str, Any]) -> Any:
    return next((v for k, v in flt.items() if str(k).upper() == "LOGIC"), "AND")


def where_v3(flt: Any, cols: Columns, spell: Spell = _same) -> tuple[str, list[Any]]:
    if not flt:
        return "", []
    if isinstance(flt, dict):  # a REST 2 style filter sent to a REST 3.0 method
        return where_v2(flt, cols, spell)
    if not isinstance(flt, list):
        raise FilterError("filter must be a list of conditions")
    try:
        return _group_v3(flt, cols, " AND ")
    except (TypeError, ValueError, AttributeError) as exc:
        if isinstance(exc, FilterError):
            raise
        raise FilterError(f"malformed filter: {type(exc).__name__}") from None


_V3_OPS = {"=": "=", "!=": "!", ">": ">", ">=": ">=", "<": "<", "<=": "<=", "in": "@"}


def _group_v3(conds: list[Any], cols: Columns, joiner: str) -> tuple[str, list[Any]]:
    parts: list[str] = []
    args: list[Any] = []
    for cond in conds:
        if isinstance(cond, dict):
            logic = " OR " if str(cond.get("logic", "and")).lower() == "or" else " AND "
            sql, a = _group_v3(cond.get("conditions", []), cols, logic)
        elif isinstance(cond, list) and len(cond) == 2:
            sql, a = _condition(
                cols, str(cond[0]), "@" if isinstance(cond[1], list) else "=", cond[1]
            )
        elif isinstance(cond, list) and len(cond) == 3:
            op = str(cond[1]).lower()
            if op == "between":
                lo, hi = cond[2]
                s1, a1 = _condition(cols, str(cond[0]), ">=", lo)
                s2, a2 = _condition(cols, str(cond[0]), "<=", hi)
                sql, a = f"({s1} AND {s2})", a1 + a2
            elif op in _V3_OPS:
                sql, a = _condition(cols, str(cond[0]), _V3_OPS[op], cond[2])
            else:
                raise FilterError(f"unknown filter operator {cond[1]!r}")
        else:
            raise FilterError(f"malformed filter condition {cond!r}")
        parts.append(f"({sql})")
        args.extend(a)
    return (joiner.join(parts) if parts else "1"), args


def _condition(cols: Columns, name: str, op: str, value: Any) -> tuple[str, list[Any]]:
    expr, doc_type, is_id = cols.resolve(name)
    if isinstance(value, dict):
        value = list(value.values())

    def conv(v: Any) -> Any:
        if is_id:
            try:
                n = int(v)
            except (TypeError, ValueError):
                return -1  # matches no record, as a portal treats a malformed id
            # Out of SQLite's integer range: compare as a real, so ">ID 10**30" matches
            # nothing and "<ID 10**30" everything, as the number says.
            if -(2**63) <= n < 2**63:
                return n
            return float("inf") if n > 0 else float("-inf")
        return _sql_value(coerce_filter_value(doc_type, v))

    numeric = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    if not is_id and isinstance(value, list) is False and numeric(conv(value)):
        expr_cmp = f"CAST({expr} AS NUMERIC)"
    else:
        expr_cmp = expr
    if op in ("", "=", "@"):
        if isinstance(value, list):
            vals = [conv(v) for v in value]
            if not vals:
                return "0", []
            marks = ",".join("?" * len(vals))
            return _in_or_contains(cols, name, expr, is_id, marks), vals + ([] if is_id else vals)
        if value in ("", None):
            return f"({expr} IS NULL OR {expr} = '')", []
        v = conv(value)
        if is_id:
            return "id = ?", [v]
        return (
            (
                f"({expr_cmp} = ? OR (json_type(data, '{cols.path(name)}') = 'array' AND "
                f"EXISTS (SELECT 1 FROM json_each(data, '{cols.path(name)}') WHERE value = ?)))"
            ),
            [v, v],
        )
    if op in ("!", "!=", "!@"):
        if isinstance(value, list):
            vals = [conv(v) for v in value]
            if not vals:
                return "1", []
            return f"({expr} IS NULL OR {expr} NOT IN ({','.join('?' * len(vals))}))", vals
        if value in ("", None):
            return f"({expr} IS NOT NULL AND {expr} != '')", []
        return f"({expr} IS NULL OR {expr_cmp} != ?)", [conv(value)]
    if op in (">", ">=", "<", "<="):
        return f"{expr_cmp} {op} ?", [conv(value)]
    if op in ("%", "!%", "=%", "%=", "!=%"):
        text = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = {"%": f"%{text}%", "!%": f"%{text}%", "=%": f"{text}%", "%=": f"%{text}"}.get(
            op, f"{text}%"
        )
        neg = "NOT " if op.startswith("!") else ""
        return f"(COALESCE(CAST({expr} AS TEXT), '') {neg}LIKE ? ESCAPE '\\')", [pattern]
    raise FilterError(f"unknown filter operator {op!r}")


def _sql_value(v: Any) -> Any:
    """Something SQLite can bind: nested values compare as their JSON text."""
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int) and not -(2**63) <= v < 2**63:
        return float(v)
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return v


def _in_or_contains(cols: Columns, name: str, expr: str, is_id: bool, marks: str) -> str:
    if is_id:
        return f"id IN ({marks})"
    path = cols.path(name)
    return (
        f"({expr} IN ({marks}) OR (json_type(data, '{path}') = 'array' AND EXISTS "
        f"(SELECT 1 FROM json_each(data, '{path}') WHERE value IN ({marks}))))"
    )


def order_sql(order: Any, cols: Columns, spell: Spell = _same) -> str:
    parts: list[str] = []
    if isinstance(order, dict):
        for name, direction in order.items():
            expr, _, _ = cols.resolve(spell(str(name)))
            d = "DESC" if str(direction).strip().upper() == "DESC" else "ASC"
            parts.append(f"{expr} {d}")
    if not any(p.startswith("id ") for p in parts):
        parts.append("id ASC")  # a stable tie-breaker: pages never overlap or skip
    return ", ".join(parts)


def selector(
    select: Any, id_key: str, spell: Spell = _same
) -> Callable[[dict[str, Any]], dict[str, Any]] | None:
    """A function trimming a record to ``select``; None when everything is wanted."""
    if not select:
        return None
    if isinstance(select, dict):
        select = list(select.values())
    if not isinstance(select, list):
        select = [select]
    names = [spell(str(s)) for s in select]
    if "*" in names:
        extra = [n for n in names if n != "*"]
        if all(n.upper() in ("UF_*", "PHONE", "EMAIL", "WEB", "IM") for n in extra):
            return None
    wanted_prefixes = [n[:-1] for n in names if n.endswith("*")]
    wanted = {n for n in names if not n.endswith("*")}

    wanted.add(id_key)
    if not wanted_prefixes:
        return lambda rec: {k: v for k, v in rec.items() if k in wanted}

    def pick(rec: dict[str, Any]) -> dict[str, Any]:
        return {
            k: v
            for k, v in rec.items()
            if k in wanted or any(k.startswith(p) for p in wanted_prefixes)
        }

    return pick
