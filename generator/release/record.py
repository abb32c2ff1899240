"""What a release leaves in the output folder for the next one.

``OUT/.b24gen-release.json``: the package version, the provenance of the docs, and every
release's changelog section (``CHANGELOG.md`` is rendered from them, so a hand edit of the
changelog shows as stale in ``check``). ``OUT/.b24gen-release-model.jsonl``: the model of
the last release, compact (no descriptions, titles or line numbers of rows: what the API
diff and the generated signatures need), one method or event per line so that a release
changes only the lines of what changed. Both are generated files like any other: listed in
the manifest, written atomically, checked by ``check``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model import ApiModel

RECORD_NAME = ".b24gen-release.json"
MODEL_NAME = ".b24gen-release-model.jsonl"
RECORD_FORMAT = 1


class ReleaseError(Exception):
    """A release record, model record or version in OUT that cannot be used (exit 2)."""


@dataclass(frozen=True)
class Section:
    version: str
    kind: str  # "first", "major", "minor", "patch", "set" (--set-version)
    date: str  # the docs' commit date (YYYY-MM-DD), "" when unknown: never the clock
    docs: str  # the docs revision of that release ("abc1234def0 of https://…")
    markdown: str  # the section's body, without its "## [version]" heading

    def heading(self) -> str:
        return f"## [{self.version}]" + (f" - {self.date}" if self.date else "")


@dataclass(frozen=True)
class ReleaseRecord:
    version: str
    provenance: dict[str, Any]
    sections: tuple[Section, ...] = field(default=())  # newest first

    def to_text(self) -> str:
        doc = {
            "format": RECORD_FORMAT,
            "version": self.version,
            "provenance": self.provenance,
            "sections": [
                {
                    "version": s.version,
                    "kind": s.kind,
                    "date": s.date,
                    "docs": s.docs,
                    "markdown": s.markdown,
                }
                for s in self.sections
            ],
        }
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _read_text(path: Path) -> str | None:
    """The file's text, ``None`` when it does not exist (no release yet)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReleaseError(f"{path}: unreadable ({exc})") from exc


def read_record(out: Path) -> ReleaseRecord | None:
    """The record in ``out``, ``None`` when there is none (no release yet)."""
    path = Path(out) / RECORD_NAME
    text = _read_text(path)
    if text is None:
        return None
    try:
        doc = json.loads(text)
        if doc.get("format") != RECORD_FORMAT:
            raise ValueError(f"format {doc.get('format')!r}, expected {RECORD_FORMAT}")
        sections = tuple(
            Section(
                str(s["version"]),
                str(s["kind"]),
                str(s.get("date", "")),
                str(s["docs"]),
                str(s["markdown"]),
            )
            for s in doc["sections"]
        )
        return ReleaseRecord(str(doc["version"]), dict(doc["provenance"]), sections)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReleaseError(f"{path}: not a b24gen release record ({exc})") from exc


# -- the compact model -------------------------------------------------------------------


def _compact(value: Any) -> Any:
    """``value`` without its empty members. Nothing the renderer reads is dropped:
    descriptions, lines, examples and errors all shape the generated signatures
    (generator.vocabulary), and the next release diffs against those."""
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items() if v not in ("", [], None, False, {})}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value


def model_record_text(model: ApiModel) -> str:
    """The compact, deterministic text of ``model`` for ``MODEL_NAME``."""
    doc = model.to_dict()
    lines = [json.dumps({"format": RECORD_FORMAT, "kind": "b24gen-release-model"})]
    for m in sorted(doc["methods"], key=lambda m: (m["name"], m["api_version"], m["source"])):
        errors = m["errors"]  # a blank code is a code: kept whole, not compacted
        m = _compact({k: v for k, v in m.items() if k != "errors"})
        if errors:
            m["errors"] = errors
        lines.append(json.dumps({"method": m}, ensure_ascii=False, sort_keys=True))
    for e in sorted(doc["events"], key=lambda e: (e["name"], e["source"])):
        e = _compact(e)
        lines.append(json.dumps({"event": e}, ensure_ascii=False, sort_keys=True))
    return "\n".join(lines) + "\n"


def read_model_record(out: Path) -> ApiModel | None:
    path = Path(out) / MODEL_NAME
    text = _read_text(path)
    if text is None:
        return None
    methods, events = [], []
    for number, line in enumerate(text.splitlines(), 1):
        try:
            item = json.loads(line)
            if number == 1:
                if item.get("kind") != "b24gen-release-model":
                    raise ValueError("not a release model")
                continue
            if "method" in item:
                methods.append(item["method"])
            else:
                events.append(item["event"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ReleaseError(f"{path}:{number}: not a b24gen release model ({exc})") from exc
    try:
        return ApiModel.from_dict({"methods": methods, "events": events})
    except (KeyError, TypeError, ValueError) as exc:
        raise ReleaseError(f"{path}: not a b24gen release model ({exc})") from exc
