"""Pass 1 of reading a page: its blocks grouped into sections by what they document.

A page is a run of H2 sections (parameters, response, errors, event payload, anything else)
with sub-headings inside. Three things make the H2 alone a poor guide, and are settled here
once so that the section readers (pass 2) never look at headings outside their section:

- an error table sits under an H3 "Ошибки"/"Error codes" inside another section: that H3
  opens an errors section up to the next heading;
- the response is documented under an H3 "Обработка ответа" nested in an examples or other
  H2: that H3 opens a response section up to the next H2;
- ``{% note %}`` paragraphs are asides, not the section's prose: they are collected apart
  (a deprecation notice is read from them) and left out of the sections.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.extract import sections as S
from generator.yfm.parser import Block, Directive, Heading, Para

INTRO = "intro"  # before the first H2: metadata lines, summary
NOTES = "notes"  # any other H2 ("Режим работы в форме", "Поля объекта", "Страница PRINT_URL")


@dataclass
class Section:
    kind: str  # INTRO | S.PARAMS | S.PAYLOAD | S.RESPONSE | S.ERRORS | NOTES
    heading: Heading | None  # the H2 (or the H3 that opened a nested section); None for intro
    blocks: list[Block] = field(default_factory=list)  # sub-headings included, in page order
    # an H2 that comes after the page's response or errors: an appendix, never parameters
    after_response: bool = False


@dataclass
class Note:
    directive: Directive
    paras: list[Para]
    closed: bool = True


@dataclass
class Layout:
    sections: list[Section]
    notes: list[Note]  # closed {% note %} blocks with their paragraphs

    def of_kind(self, *kinds: str) -> list[Section]:
        return [s for s in self.sections if s.kind in kinds]


def group_sections(blocks: list[Block]) -> Layout:
    sections: list[Section] = [Section(INTRO, None)]
    notes: list[Note] = []
    open_notes: list[tuple[Directive, list[Para]]] = []
    h2: Section = sections[0]  # the section of the current H2
    seen_response = False

    def start(kind: str, heading: Heading | None, **kw: bool) -> Section:
        sec = Section(kind, heading, **kw)
        sections.append(sec)
        return sec

    for b in blocks:
        cur = sections[-1]
        if isinstance(b, Heading):
            if b.level <= 2:
                kind = S.h2_kind(b.text) if b.level == 2 else S.OTHER
                if b.level == 1:
                    kind = NOTES if h2.kind != INTRO else INTRO
                kind = NOTES if kind == S.OTHER else kind
                h2 = start(kind, b, after_response=seen_response and kind == NOTES)
                seen_response = seen_response or kind in (S.RESPONSE, S.ERRORS)
                continue
            sub_kind = S.h2_kind(b.text)
            if sub_kind == S.RESPONSE and not S.is_response_heading(b.text):
                sub_kind = S.OTHER  # "### Результат" under examples is an example's output
            if h2.kind != S.PARAMS and sub_kind == S.ERRORS:
                start(S.ERRORS, b)
                continue
            # under any other H2, even one named like parameters ("Работа с множественными
            # полями"), an "### Обработка ответа" starts the response
            if h2.kind != S.RESPONSE and sub_kind == S.RESPONSE and cur.kind != S.RESPONSE:
                start(S.RESPONSE, b)
                seen_response = True
                continue
            if cur.kind == S.ERRORS and cur is not h2:
                # the nested errors part ends at the next heading: back to the H2's kind
                cur = start(h2.kind, h2.heading, after_response=h2.after_response)
            cur.blocks.append(b)
            continue
        if isinstance(b, Directive):
            if b.name == "note":
                open_notes.append((b, []))
            elif b.name == "endnote" and open_notes:
                d, paras = open_notes.pop()
                notes.append(Note(d, paras))
            continue
        if isinstance(b, Para) and open_notes:
            open_notes[-1][1].append(b)
            continue
        cur.blocks.append(b)
    # an unclosed note still holds its paragraphs (a REST 3.0 mark is read from them)
    notes.extend(Note(d, paras, closed=False) for d, paras in open_notes)
    return Layout(sections, notes)


def note_paragraphs(layout: Layout) -> list[Para]:
    return [p for n in layout.notes for p in n.paras]
