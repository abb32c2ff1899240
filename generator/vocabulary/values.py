"""Whether the values a parameter's row lists are the only ones allowed, or examples.

A ``Literal`` is a promise that nothing else is accepted, so it is made only from a closed
list (``render/annotations.literal_ann``). A list is *not* closed when:

- the row presents it as examples, a template, a format or prefixes (``EXAMPLE_PHRASES``:
  "например", "for example", "в формате", "prefix", a file name's "extensions"...);
- its values are placeholders of a format (``chatXXX``, ``CO_``, ``{id}``: ``PLACEHOLDER``);
- the field is free text by nature, whatever one row says: UTM tags (``UTM_MEDIUM``,
  ``utmSource``) carry what the advertiser's link says. crm.deal.add lists "Возможные
  значения: CPC, CPM" for ``UTM_MEDIUM``; crm.quote.fields describes the same field as
  "Например, CPC для объявлений или CPM для баннеров" (en: "For example, CPC for ads or CPM
  for banners"), in a fields table the model does not read as parameters, so the fact is
  stated here once (``FREE_TEXT_FIELDS``).

A list read partially is no closed list either: the extractor reads every ``- `value```
item of the cell (``extract/params._VALUE_ITEM``).
"""

from __future__ import annotations

import re

EXAMPLE_PHRASES = re.compile(
    r"например|напр\.|к примеру|шаблон|в формате|формат[ае]?\b|префикс|"
    r"for example|e\.g\.|such as|template|in the format|format:|prefix|"
    # "Возможные расширения: wav, mp3" of a file name: parts of the value, not values
    r"расширени[яей]|extensions?\b",
    re.IGNORECASE,
)
# placeholders of a format ("chatXXX", "CO_", "{id}", "field_n"), not values
PLACEHOLDER = re.compile(r"XXX|xxx|_\Z|\A_|[{}<>]|\.\.\.|…|\bN\b|_n\Z|_N\Z")
FREE_TEXT_FIELDS = re.compile(r"UTM_[A-Z]+|utm[A-Z][A-Za-z]*")


def closed_list(name: str, description: str, values: tuple[str, ...]) -> bool:
    """Whether ``values`` are all the values the field ``name`` takes."""
    if not values or FREE_TEXT_FIELDS.fullmatch(name):
        return False
    if EXAMPLE_PHRASES.search(description):
        return False
    return not any(PLACEHOLDER.search(v) for v in values)
