"""generator/render/runtime_contract.py declares what the generator needs of the runtime:
each name is checked here against the runtime's actual classes (templates/runtime)."""

from __future__ import annotations

from b24gen_templates.runtime import client as rt_client
from b24gen_templates.runtime import errors as rt_errors

from generator.render import runtime_contract as contract
from generator.render.runtime_facts import RuntimeFacts, reserved_root


def _public(cls: type) -> set[str]:
    return {n for n in dir(cls) if not n.startswith("_")}


def test_client_attributes_are_the_runtime_clients_public_names() -> None:
    actual = _public(rt_client.SyncTransportClient) | _public(rt_client.AsyncTransportClient)
    assert set(contract.CLIENT_ATTRIBUTES) == actual
    assert not set(contract.GENERATED_ROOT_ATTRIBUTES) & actual


def test_error_classes_are_the_runtime_registry() -> None:
    registry = {code: cls.__name__ for code, cls in rt_errors.Bitrix24Error._registry.items()}
    assert dict(contract.ERROR_CLASSES) == registry
    for code, name in contract.ERROR_CLASSES:
        assert rt_errors.Bitrix24Error.for_code(code).__name__ == name


def test_errors_all_is_the_runtime_modules() -> None:
    assert tuple(contract.ERRORS_ALL) == tuple(rt_errors.__all__)
    assert all(hasattr(rt_errors, n) for n in contract.ERRORS_ALL)


def test_facts_come_from_the_contract_without_importing_anything() -> None:
    facts = RuntimeFacts.load()
    assert facts.error_classes == contract.ERROR_CLASSES
    assert "call" in facts.reserved and "v3" in facts.reserved
    assert facts.reserved == reserved_root() == tuple(sorted(facts.reserved))
