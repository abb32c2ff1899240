"""Regeneration as a release: provenance, a version from the API diff, a changelog.

``plan(out, docs, ...)`` decides the release state of the output (carried, first, or new
with ``bump=True``); ``finish(files, state, package)`` adds it to a render. See
``apply.py`` for the flow, ``version.py`` for the versioning rule, ``record.py`` for what
is kept in ``OUT`` for the next release, ``changelog.py`` for the CHANGELOG.md sections.
"""

from generator.release.apply import Outcome, ReleaseState, finish, plan
from generator.release.record import ReleaseError

__all__ = ["Outcome", "ReleaseError", "ReleaseState", "finish", "plan"]
