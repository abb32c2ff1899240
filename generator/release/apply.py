"""A release on top of a render: version, provenance, changelog and the recorded model.

``plan`` decides what the release state of the output is (carried from ``OUT``, a first
release, or a new release when bumping); ``finish`` adds it to the rendered files. Both
``generate`` and ``check`` go through them, so a released package is in sync exactly as
long as the docs and b24gen did not change: without ``--bump`` the version, changelog and
recorded model are carried as they are, and only the docs provenance is read again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from generator.model import ApiModel
from generator.release.provenance import Provenance, docs_provenance
from generator.release.record import (
    MODEL_NAME,
    RECORD_NAME,
    ReleaseError,
    ReleaseRecord,
    Section,
    model_record_text,
    read_model_record,
    read_record,
)
from generator.release.version import FIRST, Version, bump_kind

CHANGELOG = "CHANGELOG.md"
_VERSION_LINE = re.compile(r'^version = "([^"\n]*)"$', re.M)


@dataclass(frozen=True)
class ReleaseState:
    """What ``finish`` adds to a render: everything here is carried or decided by ``plan``."""

    record: ReleaseRecord
    model_text: str

    def salt(self) -> str:
        """Part of the render cache key: a different release state is a different output."""
        h = hashlib.sha256(self.record.to_text().encode())
        h.update(b"\0" + self.model_text.encode())
        return h.hexdigest()


@dataclass(frozen=True)
class Outcome:
    state: ReleaseState
    previous: str | None  # the version before (None: first release)
    kind: str | None  # "first", "major", "minor", "patch", "set"; None: nothing released
    diff: object | None = None  # the ApiDiff of this release, when one was computed

    @property
    def version(self) -> str:
        return self.state.record.version

    def notes(self) -> str:
        """This release's changelog section (heading and body), "" when nothing was released."""
        if self.kind is None:
            return ""
        s = self.state.record.sections[0]
        return f"{s.heading()}\n\nDocs: {s.docs}.\n\n{s.markdown}\n"

    def summary(self) -> str:
        if self.kind is None:
            return f"version {self.version} unchanged: no change since the last release"
        if self.kind == "first":
            return f"first release {self.version} recorded"
        return f"released {self.version} ({self.kind}; was {self.previous})"


def docs_note(p: Provenance) -> str:
    where = f" of {p.repository}" if p.repository else ""
    where += f" ({p.path}/)" if p.path else ""
    return f"{p.note}{where}"


def pyproject_version(out: Path) -> tuple[str, int] | None:
    """The version in ``OUT/pyproject.toml`` and its line, when there is one."""
    try:
        text = (Path(out) / "pyproject.toml").read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{Path(out) / 'pyproject.toml'}: unreadable ({exc})") from exc
    m = _VERSION_LINE.search(text)
    if m is None:
        return None
    return m.group(1), text.count("\n", 0, m.start()) + 1


def plan(
    out: Path,
    docs: Path,
    *,
    load_model: Callable[[], ApiModel],
    bump: bool = False,
    set_version: str | None = None,
    docs_revision: str | None = None,
    rendered: Mapping[str, str] | None = None,
    package: str = "b24client",
) -> Outcome:
    """The release state of ``OUT`` for this run.

    ``load_model`` is called only when the model is needed (a first release, a bump);
    ``rendered`` (the plain render, before ``finish``) only when bumping, to tell a patch
    (the output changed without an API change) from nothing. Raises ``ReleaseError``.
    """
    out = Path(out)
    p = docs_provenance(docs, docs_revision, out=out)
    prov = p.to_dict()
    record = read_record(out)
    wanted = Version.parse(set_version) if set_version is not None else None
    on_disk = pyproject_version(out)
    if record is not None and on_disk is not None and on_disk[0] != record.version:
        if wanted is None:
            raise ReleaseError(
                f"{out / 'pyproject.toml'}:{on_disk[1]}: version {on_disk[0]} was edited by "
                f"hand (the last release is {record.version}); to release it as that "
                f"version run `b24gen generate --bump --set-version {on_disk[0]}`"
            )
    if wanted is not None and not bump:
        raise ReleaseError("--set-version sets the version of a release: add --bump")
    model_text = _read_text(out / MODEL_NAME) if record is not None else None
    if record is None or model_text is None:
        # No release recorded (a new OUT, or one written before b24gen recorded releases):
        # this run is the first release, at the version the output already has, if any.
        version = wanted or _parse_or_first(on_disk[0] if on_disk else None)
        from generator.release.changelog import first_body

        model = load_model()
        section = Section(str(version), "first", p.date[:10], docs_note(p), first_body(model))
        earlier = record.sections if record is not None else ()
        state = ReleaseState(
            ReleaseRecord(str(version), prov, (section, *earlier)), model_record_text(model)
        )
        return Outcome(state, record.version if record else None, "first")
    carried = ReleaseState(replace(record, provenance=prov), model_text)
    if not bump:
        return Outcome(carried, record.version, None)
    from generator.drift.diff import diff_models
    from generator.release.changelog import section_body

    old_model = read_model_record(out)  # parsed only to diff: check never needs it
    assert old_model is not None  # read just above
    new_model = load_model()
    diff = diff_models(old_model, new_model)
    changed = _output_changed(out, rendered or {}, package)
    kind = bump_kind(diff, changed)
    previous = Version.parse(record.version)
    if wanted is not None:
        version, kind = wanted, "set"
    elif kind is None:
        return Outcome(carried, record.version, None, diff)
    else:
        version = previous.bump(kind)
    body = section_body(diff, old_model, new_model, output_changed=changed)
    section = Section(str(version), kind, p.date[:10], docs_note(p), body)
    state = ReleaseState(
        ReleaseRecord(str(version), prov, (section, *record.sections)),
        model_record_text(new_model),
    )
    return Outcome(state, record.version, kind, diff)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{path}: unreadable ({exc})") from exc


def _parse_or_first(text: str | None) -> Version:
    try:
        return Version.parse(text) if text else FIRST
    except ValueError:
        return FIRST


def _release_owned(package: str) -> set[str]:
    return {
        "pyproject.toml",
        f"{package}/__init__.py",
        f"{package}/_provenance.py",
        CHANGELOG,
        RECORD_NAME,
        MODEL_NAME,
    }


def _output_changed(out: Path, rendered: Mapping[str, str], package: str) -> bool:
    """Does the plain render differ from what OUT holds (release files aside)?"""
    from generator.render.files import content_hash, read_manifest

    try:
        before = read_manifest(out)
    except ValueError as exc:
        raise ReleaseError(str(exc)) from exc
    skip = _release_owned(package)
    now = {p: content_hash(t.encode("utf-8")) for p, t in rendered.items() if p not in skip}
    return now != {p: h for p, h in before.items() if p not in skip}


# -- adding the release to the rendered files ---------------------------------------------

_PROVENANCE_MODULE = '''"""Where this package came from: the docs revision and the generator.

Generated by b24gen; do not edit.
"""

__version__ = {version}
__docs_repository__ = {repository}
__docs_revision__ = {revision}
__docs_date__ = {date}
__docs_path__ = {path}
__docs_dirty__ = {dirty}
__generator_version__ = {generator}
'''

# "x as x": an explicit re-export, so `mypy --strict` users may read b24client.__version__
_INIT_IMPORT = "".join(
    f"from ._provenance import {name} as {name}\n"
    for name in (
        "__docs_date__",
        "__docs_repository__",
        "__docs_revision__",
        "__generator_version__",
        "__version__",
    )
)


def finish(files: Mapping[str, str], state: ReleaseState, package: str) -> dict[str, str]:
    """``files`` (a plain render) with the release added."""
    record = state.record
    prov = record.provenance
    done = dict(files)
    pyproject = done["pyproject.toml"]
    pyproject, n = _VERSION_LINE.subn(f'version = "{record.version}"', pyproject, count=1)
    if n != 1:
        raise ReleaseError("the rendered pyproject.toml has no version line")
    table = ["", "[tool.b24gen]", "# where this package came from (written by b24gen)"]
    table += [f"docs-{key} = {json.dumps(prov.get(key, ''))}" for key in _PROV_KEYS[:-1]]
    table.append(f"generator-version = {json.dumps(prov.get('generator', ''))}")
    done["pyproject.toml"] = pyproject.rstrip("\n") + "\n" + "\n".join(table) + "\n"
    done[f"{package}/_provenance.py"] = _PROVENANCE_MODULE.format(
        version=_py(record.version), **{k: _py(prov.get(k, "")) for k in _PROV_KEYS}
    )
    init = done[f"{package}/__init__.py"]
    if _INIT_IMPORT not in init:
        if "\n__all__ = " in init:  # beside the other imports
            init = init.replace("\n__all__ = ", "\n" + _INIT_IMPORT + "\n__all__ = ", 1)
        else:
            init = init.rstrip("\n") + "\n\n" + _INIT_IMPORT
        done[f"{package}/__init__.py"] = init
    from generator.release.changelog import changelog_text

    done[CHANGELOG] = changelog_text(record.sections)
    done[RECORD_NAME] = record.to_text()
    done[MODEL_NAME] = state.model_text
    return dict(sorted(done.items()))


_PROV_KEYS = ("repository", "revision", "date", "path", "dirty", "generator")


def _py(value: object) -> str:
    """A Python literal as the formatter writes it (double quotes)."""
    return repr(value) if isinstance(value, bool) else json.dumps(str(value))
