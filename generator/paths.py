"""Where the generator finds its templates, in a checkout and when installed."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    here = Path(__file__).resolve().parent
    checkout = here.parent / "templates"
    if checkout.is_dir():
        return checkout
    import b24gen_templates  # installed form: templates/ shipped as a package

    return Path(b24gen_templates.__file__).resolve().parent
