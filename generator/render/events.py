"""The model's events -> ``<pkg>/events.py``: typed payloads and a registry.

The module is a Jinja template (``templates/client/events.py.j2``) rendered with the
client's environment, so it shares the client's escaping (``text.py_str``,
``text.docstring``, ``text.comment``), naming (``naming.class_name``, ``NameRegistry``),
docstring macros and annotation mapping (``annotations.form_field_ann``).

Every value is typed as it arrives: the portal form-encodes event calls, so scalars are
``str`` whatever the docs' type column says (the docs' type is kept in a comment); objects
documented with their keys become nested ``TypedDict``s, lists become ``list[...]``.
All ``TypedDict``s are ``total=False``: the docs do not say reliably which keys the portal
always sends (auth tokens, for one, are left out for calls not tied to a user).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model import ApiModel, Event, Param
from generator.render import text as tx
from generator.render.annotations import form_field_ann
from generator.render.docstrings import key_docstring, paragraphs_docstring
from generator.render.environment import environment
from generator.render.naming import NameRegistry, class_name, is_plain

# The auth block as _includes/auth-params-in-events.md documents it; used when no event
# page in the model carries the table (a docs folder with no events, or a partial one).
DEFAULT_AUTH: tuple[Param, ...] = tuple(
    Param(n, "string" if n not in ("expires_in",) else "integer", description=d)
    for n, d in (
        ("access_token", "OAuth 2.0 access token"),
        ("expires_in", "Seconds until the access token expires"),
        ("scope", "Scope the event belongs to"),
        ("domain", "The portal's address"),
        ("server_endpoint", "The OAuth server's address, for refreshing tokens"),
        ("status", "Application status: L local, F free, S subscription"),
        ("client_endpoint", "Base address of REST calls on the portal"),
        ("member_id", "The portal's ID"),
        ("refresh_token", "OAuth 2.0 refresh token"),
        ("application_token", "The application's token: checks the call is genuine"),
    )
)

# Names the module defines or imports itself.
_RESERVED = {
    "Any", "Final", "Literal", "Mapping", "TypedDict", "dataclass", "Event", "EventError",
    "EventRouter", "ForgedEventError", "MalformedEventError", "parse_event", "EventInfo",
    "EventName", "EVENTS", "data_type", "EventAuth",
}  # fmt: skip
_AUTH_DOC = (
    "The auth block of every event call (auth[...]).",
    "Check application_token before trusting anything else: parse_event and EventRouter do.",
)
_HEADER_WORDS = {"parameter", "name", "field", "параметр", "название", "поле"}
_NOTE_LIMIT = 300


@dataclass(frozen=True)
class FieldRow:
    key: str  # the wire key (an identifier when the block is a class)
    key_lit: str  # the wire key as a Python literal
    ann: str
    note: str  # one cleaned line for the comment above the key, "" for none (the call form)
    doc: str  # the key's docstring, shown on hover, "" for none (the class form)


@dataclass(frozen=True)
class TypedDictBlock:
    name: str
    doc: str  # escaped docstring body (the class form)
    doc_lines: tuple[str, ...]  # the same text as cleaned comment lines (the call form)
    rows: tuple[FieldRow, ...]
    functional: bool  # some key is not an identifier: TypedDict("Name", {...})


@dataclass(frozen=True)
class EventEntry:
    upper_lit: str  # the registry key, upper-cased as the portal sends it
    name_lit: str
    title_lit: str
    source_lit: str
    deprecated: bool
    data_cls: str
    alias: str  # ``OnCrmLeadAddEvent = Event[OnCrmLeadAddData, EventAuth]``


@dataclass
class _Blocks:
    """The TypedDicts of the module, nested ones before their owners, names unique."""

    names: NameRegistry = field(default_factory=lambda: NameRegistry(_RESERVED))
    blocks: list[TypedDictBlock] = field(default_factory=list)

    def typed_dict(self, cls: str, params: tuple[Param, ...], paragraphs: list[str]) -> str:
        rows: list[FieldRow] = []
        seen: set[str] = set()
        for p in _nest(params):
            key = p.name.removesuffix("[]") if p.children else p.name
            if not key or key in seen:
                continue
            seen.add(key)
            ann = self._annotation(cls, key, p)
            rows.append(FieldRow(key, tx.py_str(key), ann, _note(p), key_docstring(p)))
        self.blocks.append(
            TypedDictBlock(
                name=cls,
                doc=paragraphs_docstring(paragraphs),
                doc_lines=tuple(tx.comment(t) for t in paragraphs if tx.comment(t)),
                rows=tuple(rows),
                functional=not all(is_plain(r.key) for r in rows),
            )
        )
        return cls

    def _annotation(self, owner: str, key: str, p: Param) -> str:
        if p.children:
            doc = f"{key}: {p.description}" if p.description else f"The {key} block."
            nested = self.typed_dict(self.names.claim(owner + class_name(key)), p.children, [doc])
            return f"list[{nested}]" if p.is_array else nested
        return form_field_ann(p).render(td_prefix="")


def events_source(model: ApiModel, package_name: str = "b24client") -> str:
    """Source of ``<package_name>/events.py`` for the events in ``model``, before formatting
    (deterministic; ``render_package`` formats it with the rest of the package)."""
    blocks = _Blocks()
    events = _unique_events(model.events)
    blocks.typed_dict("EventAuth", _auth_params(events), list(_AUTH_DOC))
    entries: list[EventEntry] = []
    for upper, ev in events:
        base = blocks.names.claim(class_name(ev.name))
        data = _data_param(ev)
        data_cls = blocks.typed_dict(
            blocks.names.claim(base + "Data"), data.children if data else (), _event_doc(ev)
        )
        entries.append(
            EventEntry(
                upper_lit=tx.py_str(upper),
                name_lit=tx.py_str(ev.name),
                title_lit=tx.py_str(tx.clean(ev.title)),
                source_lit=tx.py_str(ev.source),
                deprecated=ev.deprecated,
                data_cls=data_cls,
                alias=blocks.names.claim(base + "Event"),
            )
        )
    template = environment().get_template("client/events.py.j2")
    return template.render(package=package_name, blocks=blocks.blocks, entries=entries)


def render_events_module(model: ApiModel, package_name: str = "b24client") -> str:
    """``events_source``, formatted like the rest of the generated package."""
    from generator.render.fmt import format_python

    path = f"{package_name}/events.py"
    return format_python({path: events_source(model, package_name)})[path]


def _unique_events(events: tuple[Event, ...]) -> list[tuple[str, Event]]:
    """(upper-cased name, event), sorted; of two pages for one name the first source wins."""
    chosen: dict[str, Event] = {}
    for ev in sorted(events, key=lambda e: (e.name.upper(), e.source, e.line, e.name)):
        upper = ev.name.strip().upper()
        if upper and upper not in chosen:
            chosen[upper] = ev
    return sorted(chosen.items())


def _is_header_row(p: Param) -> bool:
    """A table's header read as a row ("**parameter** `type` | Description")."""
    return p.name.lower() in _HEADER_WORDS and p.type.lower() in ("type", "тип")


def _nest(params: tuple[Param, ...]) -> tuple[Param, ...]:
    """Attach ``a.b`` rows to row ``a`` (the reader does it; this keeps flat tables right)."""
    out: list[Param] = []
    index: dict[str, int] = {}
    for p in params:
        if _is_header_row(p):
            continue
        head, sep, rest = p.name.partition(".")
        head = head.removesuffix("[]")
        if sep and rest and head in index:
            i = index[head]
            parent = out[i]
            child = Param(rest, p.type, p.required, p.description, p.default, p.values, p.children)
            out[i] = Param(
                parent.name,
                parent.type or "object",
                parent.required,
                parent.description,
                parent.default,
                parent.values,
                _nest(parent.children + (child,)),
                parent.line,
            )
            continue
        index.setdefault(p.name, len(out))
        out.append(p)
    return tuple(out)


def _data_param(ev: Event) -> Param | None:
    return next((p for p in _nest(ev.params) if p.name.lower() == "data"), None)


def _auth_params(events: list[tuple[str, Event]]) -> tuple[Param, ...]:
    seen: dict[str, Param] = {}
    for _, ev in events:
        for p in _nest(ev.params):
            if p.name.lower() == "auth":
                for c in p.children:
                    seen.setdefault(c.name, c)
    if "application_token" not in seen:
        for p in DEFAULT_AUTH:
            seen.setdefault(p.name, p)
    return tuple(seen.values())


def _event_doc(ev: Event) -> list[str]:
    parts = [ev.title or ev.name]
    if ev.summary:
        parts.append(ev.summary)
    if ev.deprecated:
        parts.append("Deprecated.")
    parts.append(f"Event {ev.name}; data block of the call. Source: {ev.source}:{ev.line}")
    return parts


def _note(p: Param) -> str:
    text = tx.clean(p.description)
    if p.type:
        text = f"{p.type}: {text}" if text else p.type
    if p.values:
        text += " Values: " + ", ".join(p.values)
    return tx.comment(text[:_NOTE_LIMIT])
