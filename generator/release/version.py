"""Semantic versions of the generated package, moved by what the API diff found.

The rule (printed in the generated README, section "Versions"):

- a breaking change (as the SDK user sees it, ``generator.drift.classify``) -> major;
- methods, events or parameters added (or deprecated), with nothing breaking -> minor;
- anything else that changes the generated output (a description, a docstring, a new
  b24gen) -> patch;
- nothing changed -> the version stays.

While the major version is 0 the API is not declared stable, and each kind moves one place
to the right: breaking -> 0.(y+1).0, additions and the rest -> 0.y.(z+1) (the convention of
Cargo and npm's caret ranges, so ``~=0.y.z`` pins keep out breaking releases).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)\Z")
KINDS = ("major", "minor", "patch")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        m = _SEMVER.match(text.strip())
        if m is None:
            raise ValueError(f"{text!r} is not a version of the form MAJOR.MINOR.PATCH")
        return cls(*(int(g) for g in m.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, kind: str | None) -> Version:
        if kind is None:
            return self
        if kind not in KINDS:
            raise ValueError(f"unknown bump {kind!r}")
        if self.major == 0:  # 0.x: breaking moves the minor, everything else the patch
            if kind == "major":
                return Version(0, self.minor + 1, 0)
            return Version(0, self.minor, self.patch + 1)
        if kind == "major":
            return Version(self.major + 1, 0, 0)
        if kind == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)


FIRST = Version(0, 1, 0)


def bump_kind(diff, output_changed: bool) -> str | None:
    """major / minor / patch / None for an ``ApiDiff`` and whether other output moved."""
    if diff.breaking:
        return "major"
    added = diff.added or diff.events_added or diff.deprecated or diff.events_deprecated
    added = added or any(
        c.kind in ("param_added", "result_field_added") for i in diff.changed for c in i.changes
    )
    if added:
        return "minor"
    if not diff.empty or output_changed:
        return "patch"
    return None
