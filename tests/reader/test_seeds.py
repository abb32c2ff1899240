"""The five seed pages the product was specified from give exactly what they say."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.extract.page import extract_page


def _seed(seeds_dir: Path, method: str):
    for f in sorted(seeds_dir.iterdir()):
        text = f.read_text(encoding="utf-8")
        if method in text.split("\n", 3)[0] or f"**{method}**" in text[:600]:
            return extract_page(f.name, text)
    pytest.fail(f"no seed page for {method}")


def _params(p):
    return {c.name: (c.type, c.required) for c in p}


def test_badge_add(seeds_dir):
    m = _seed(seeds_dir, "crm.activity.badge.add").method
    assert m.name == "crm.activity.badge.add" and m.scope == "crm"
    assert _params(m.params) == {
        "code": ("string", True),
        "title": ("string|array", True),
        "value": ("string|array", True),
        "type": ("string", True),
    }
    assert {e.code for e in m.errors} == {"ACCESS_DENIED", "REQUIRED_ARG_MISSING"}


def test_badge_get(seeds_dir):
    m = _seed(seeds_dir, "crm.activity.badge.get").method
    assert _params(m.params) == {"code": ("string", True)}


def test_lead_add(seeds_dir):
    m = _seed(seeds_dir, "crm.lead.add").method
    top = {p.name: p for p in m.params}
    assert set(top) == {"fields", "options"}
    assert top["fields"].required and top["fields"].type == "object"
    children = [c.name for c in top["fields"].children]
    assert children[:2] == ["ADDRESS", "ADDRESS_2"] and "WEB" in children
    for name in ("TITLE", "PHONE", "EMAIL", "STATUS_ID", "OPENED", "ASSIGNED_BY_ID"):
        assert name in children
    assert len(children) >= 40
    assert not top["options"].required
    assert [c.name for c in top["options"].children] == ["REGISTER_SONET_EVENT"]
    assert m.returns.type == "integer"


def test_lead_contact_add(seeds_dir):
    m = _seed(seeds_dir, "crm.lead.contact.add").method
    top = {p.name: p for p in m.params}
    assert top["id"].required and top["fields"].required
    assert _params(top["fields"].children) == {
        "CONTACT_ID": ("integer", True),
        "SORT": ("integer", False),
        "IS_PRIMARY": ("string", False),
    }


def test_scraped_seed_is_skipped_with_a_diagnostic(seeds_dir):
    res = _seed(seeds_dir, "crm.activity.binding.add")
    assert res.method is None
    assert res.diagnostics and "scraped" in res.diagnostics[0].message
