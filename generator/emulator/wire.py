"""What a record looks like on the wire, decided from the family's own response examples.

A portal does not echo a record in the types it was sent: classic CRM sends every scalar as
a string (``"OPPORTUNITY": "12500.00"``, ``"SORT": "100"``), ``crm.item`` sends ids as numbers,
``tasks.task.*`` answers camelCase keys whatever case the request used. ``WireFormat`` holds
those rules for one family: the kind of each field seen in an example, the kind of fields the
example does not show (strings for a family whose example is mostly strings), and the key case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

STR, NUM, BOOL, KEEP = "str", "num", "bool", ""
UPPER, CAMEL = "upper", "camel"

_UPPER_SNAKE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
_CAMEL = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+$|^[a-z][a-z0-9]+$")
_MONEY = re.compile(r"^-?\d+\.(\d{2,8})$")
_INT_TEXT = re.compile(r"^-?\d+$")
_NUM_TEXT = re.compile(r"^-?\d+(?:\.\d+)?$")


def camel(name: str) -> str:
    """``RESPONSIBLE_ID`` -> ``responsibleId``; names not in UPPER_SNAKE stay as they are."""
    if not _UPPER_SNAKE.match(name):
        return name
    head, *rest = name.lower().split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def upper_snake(name: str) -> str:
    """``assignedById`` -> ``ASSIGNED_BY_ID``; names already upper stay as they are."""
    if _UPPER_SNAKE.match(name) or not _CAMEL.match(name):
        return name
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).upper()


def key_case(keys: list[str]) -> str:
    """UPPER or CAMEL when most of ``keys`` are written that way, else ""."""
    upper = sum(1 for k in keys if _UPPER_SNAKE.match(k) and not k.isdigit())
    lower = sum(1 for k in keys if k[:1].islower())
    if not keys:
        return KEEP
    if upper * 2 > len(keys):
        return UPPER
    if lower * 2 > len(keys):
        return CAMEL
    return KEEP


@dataclass(frozen=True)
class WireFormat:
    kinds: dict[str, str] = field(default_factory=dict)  # field -> STR / NUM (from examples)
    money: frozenset[str] = frozenset()  # fields the example writes with fixed decimals
    decimals: tuple[tuple[str, int], ...] = ()  # of those, where the example has not two
    default: str = KEEP  # kind of the fields no example shows
    case: str = KEEP  # key case of the records on the wire

    @classmethod
    def from_sample(cls, sample: dict[str, Any], types: dict[str, str]) -> WireFormat:
        kinds: dict[str, str] = {}
        money: set[str] = set()
        decimals: dict[str, int] = {}
        for name, value in sample.items():
            probe = value[0] if isinstance(value, list) and value else value
            if isinstance(probe, bool):
                kinds[name] = BOOL  # a JSON boolean stays one ("ACTIVE": true)
                continue
            if probe is None or isinstance(probe, (dict, list)):
                continue
            if isinstance(probe, str):
                kinds[name] = STR
                places = _MONEY.match(probe)
                if places:
                    money.add(name)
                    if len(places.group(1)) != 2:  # "PRICE_ACCOUNT": "10.00000000"
                        decimals[name] = len(places.group(1))
            elif isinstance(probe, (int, float)):
                kinds[name] = NUM
        scalars = [v for v in sample.values() if v is not None and not isinstance(v, (dict, list))]
        strings = sum(1 for v in scalars if isinstance(v, str))
        default = STR if scalars and strings * 5 >= len(scalars) * 4 else KEEP
        for name, typ in types.items():  # money fields the example does not show
            if default == STR and typ.lower() in ("double", "money") and name not in kinds:
                money.add(name)
        fixed = tuple(sorted(decimals.items()))
        return cls(kinds, frozenset(money), fixed, default, key_case(list(sample)))

    def name(self, stored: str) -> str:
        """The key a stored field is sent under."""
        return camel(stored) if self.case == CAMEL else stored

    def stored_name(self, sent: str) -> str:
        """The key a field sent by a caller (either case) is stored under."""
        return camel(sent) if self.case == CAMEL else sent

    def value(self, name: str, value: Any) -> Any:
        kind = self.kinds.get(name, self.default)
        if kind == KEEP or value is None:
            return value
        if isinstance(value, list):
            if all(isinstance(v, str) for v in value) and kind == STR and name not in self.money:
                return value  # already what the wire wants
            return [self.value(name, v) for v in value]
        if kind == BOOL:
            if isinstance(value, str) and value.strip().upper() in _TRUE | _FALSE:
                return value.strip().upper() in _TRUE
            return value
        if kind == STR:
            if isinstance(value, bool):
                return value if name not in self.kinds else ("Y" if value else "N")
            places = dict(self.decimals).get(name, 2)
            if isinstance(value, float) or (name in self.money and isinstance(value, int)):
                return f"{value:.{places}f}" if name in self.money else _plain(value)
            if isinstance(value, int):
                return str(value)
            if name in self.money and isinstance(value, str) and _NUM_TEXT.match(value):
                return f"{float(value):.{places}f}"
            return value
        if kind == NUM and isinstance(value, str):
            if _INT_TEXT.match(value):
                return int(value)
            if _NUM_TEXT.match(value):
                return float(value)
        return value

    def record(self, rec: dict[str, Any]) -> dict[str, Any]:
        return {self.name(k): self.value(self.name(k), v) for k, v in rec.items()}


_TRUE = {"Y", "TRUE", "1"}
_FALSE = {"N", "FALSE", "0", ""}


def _plain(value: float) -> str:
    return str(int(value)) if value.is_integer() else repr(value)
