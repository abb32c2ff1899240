"""The figures `b24gen coverage` prints, computed from a model's counters."""

from __future__ import annotations

from generator.model import ApiModel, walk_params


def base_type(t: str) -> str:
    """``sale_order.id[]`` → ``sale_order``: the name a data-types page would define."""
    t = t.strip().lower()
    while t.endswith("[]"):
        t = t[:-2]
    return t.split(".", 1)[0]


def undefined_types(model: ApiModel) -> list[tuple[str, int]]:
    """Base types used by parameters but defined on no data-types.md page, with use counts."""
    defined = {base_type(t.name) for t in model.types}
    used: dict[str, int] = {}
    for m in model.methods:
        for _, p in walk_params(m.params):
            for part in p.type.split("|"):
                if part:
                    b = base_type(part)
                    used[b] = used.get(b, 0) + 1
    return sorted(((t, n) for t, n in used.items() if t not in defined), key=lambda x: (-x[1], x[0]))


def _pct(n: int, d: int) -> str:
    return f"{100.0 * n / d:.1f}%" if d else "n/a"


def summary_lines(model: ApiModel) -> list[str]:
    s = model.stat
    pages = s("method_pages")
    methods = len(model.methods)
    rows, complete = s("param_rows"), s("param_rows_complete")
    sub, attached = s("subtable_rows"), s("subtable_rows_attached")
    return [
        f"pages read:            {s('pages')}",
        f"method pages:          {pages}",
        f"methods:               {methods} ({_pct(methods, pages)} of method pages)",
        f"  parsed fully:        {s('parsed_fully')} ({_pct(s('parsed_fully'), methods)})",
        f"  with parameters:     {sum(1 for m in model.methods if m.params)}",
        f"  with error codes:    {sum(1 for m in model.methods if m.errors)}",
        f"  deprecated:          {sum(1 for m in model.methods if m.deprecated)}",
        f"  REST 3.0:            {sum(1 for m in model.methods if m.api_version == 3)}",
        f"events:                {len(model.events)}",
        f"parameter rows:        {complete}/{rows} read with name, required flag and the type the "
        f"docs give ({_pct(complete, rows)})",
        f"  with a type:         {s('param_rows_typed')}/{rows} ({_pct(s('param_rows_typed'), rows)}); "
        f"{s('param_rows_untyped_in_docs')} rows have no type in the docs",
        f"sub-table rows:        {attached}/{sub} attached to their parameter ({_pct(attached, sub)})",
        f"system errors:         {len(model.system_errors)}",
        f"types defined:         {len(model.types)}; used but defined nowhere: "
        + (", ".join(f"{t} ({n})" for t, n in undefined_types(model)[:12]) or "none"),
        f"skipped: overview {s('overview')}, JS-only {s('js_only')}, placements {s('placements')}, "
        f"other {s('other_pages')}",
        f"diagnostics:           {len(model.diagnostics)}",
    ]
