"""What a heading means, in Russian and English.

Pages are recognised by structure first (a table whose first cell is a bold name with a
type link) and by heading words second; the word lists below hold both languages and the
spelling variants counted in CORPUS-GUIDE.md, never one fixed Russian phrase.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Latin letters that look Cyrillic: some headers were typed with a Latin "C" or "o".
_LOOKALIKE = str.maketrans("aceopxkmtbhACEOPXKMTBH", "асеорхкмтвнАСЕОРХКМТВН")

PARAMS = "params"
RESPONSE = "response"
ERRORS = "errors"
PAYLOAD = "payload"  # event pages: what the handler receives
OTHER = "other"

_H2_RULES: list[tuple[str, re.Pattern[str]]] = [
    (
        PAYLOAD,
        re.compile(
            r"что получает обработчик|what the handler receives|handler receives|"
            r"параметры событ|event parameters|данные событ|event data",
            re.I,
        ),
    ),
    (ERRORS, re.compile(r"ошиб|error", re.I)),
    (
        RESPONSE,
        re.compile(
            r"обработка ответа|response handling|handling the response|возвращаем|returned|"
            r"ответ в случае успеха|response on success|successful response|^ответ|^response|"
            r"результат|^result",
            re.I,
        ),
    ),
    (PARAMS, re.compile(r"параметр|parameter|аргумент|argument|поля|fields", re.I)),
]

# Sub-headings that name the object a nested table describes. Group "name" is the object.
_NESTED_PATTERNS = [
    re.compile(
        r"^(?:параметры?|объекты?|тип|поля?|структура|описание|ключи?|элементы?|массивы?|"
        r"значения?|свойства?|настройки|формат)\s+(?:объекта\s+|поля\s+|параметра\s+|массива\s+)?"
        r"(?P<name>\S+)",
        re.I,
    ),
    re.compile(
        r"^(?:parameters?|objects?|types?|fields?|structure|keys?|elements?|arrays?|values?|"
        r"properties|settings|format)\s+(?:of\s+)?(?:the\s+)?(?:object\s+|field\s+|parameter\s+)?"
        r"(?P<name>\S+)",
        re.I,
    ),
    re.compile(
        r"^(?:the\s+)?(?P<name>\S+)\s+(?:parameters?|objects?|fields?|structure|type|"
        r"keys|elements|settings|array|параметр|объект)\b",
        re.I,
    ),
]

_RETURNED_SUB = re.compile(r"возвращаемые данные|returned data|return(?:ed)? values?", re.I)
_ERROR_CODES_SUB = re.compile(r"код|code|ошиб|error", re.I)


_CYRILLIC = re.compile(r"[а-яё]", re.I)
_MIXED_WORD = re.compile(r"\w+")


@lru_cache(maxsize=8192)
def normalise_words(text: str) -> str:
    """Lower case; Latin look-alike letters fixed only inside words that are Cyrillic."""
    low = text.lower()
    if not _CYRILLIC.search(low):
        return low
    return _MIXED_WORD.sub(lambda m: m.group().translate(_LOOKALIKE) if _CYRILLIC.search(m.group()) else m.group(), low)


@lru_cache(maxsize=4096)
def h2_kind(text: str) -> str:
    t = normalise_words(text)
    for kind, rx in _H2_RULES:
        if rx.search(t) or rx.search(text):
            return kind
    return OTHER


@lru_cache(maxsize=4096)
def nested_object_name(text: str) -> str | None:
    """The object a sub-heading describes: "Параметр fields" → "fields"; None if it names none."""
    raw = text.strip().strip("#").strip()
    raw = raw.replace("`", "").replace("*", "")
    if not raw:
        return None
    words = raw.split()
    if len(words) == 1:
        return _clean(words[0])
    # Word order varies ("Parameter fields", "FIELDS Parameter"): the first pattern whose
    # captured word is not itself a generic word wins.
    for rx in _NESTED_PATTERNS:
        m = rx.match(raw)
        if m:
            name = _clean(m.group("name"))
            if name and name.lower() not in _STOP:
                return name
    return None


_STOP = {  # generic words a heading uses around the name; real names like "values" stay out
    "метода", "method", "the", "a", "an", "для", "for", "of", "и", "and", "ответа", "response",
    "запроса", "request", "параметры", "parameters", "parameter", "параметр", "параметра",
    "объект", "object", "объекта", "objects", "события", "event", "данных", "элемента", "type",
    "тип", "field", "поле", "поля", "structure", "структура", "array", "массив",
}


def _clean(name: str) -> str:
    name = name.strip().strip(":;,.\"'«»()")
    if name.endswith("[]"):
        name = name[:-2]
    return name


def is_returned_subheading(text: str) -> bool:
    return bool(_RETURNED_SUB.search(text))


def is_error_codes_subheading(text: str) -> bool:
    return bool(_ERROR_CODES_SUB.search(normalise_words(text)))


def slug(text: str) -> str:
    """The anchor Diplodoc generates for a heading without an explicit {#id}."""
    s = normalise_words(text) if False else text.lower()
    s = re.sub(r"[`*_\[\]()\"'«»:;,.!?/\\]", "", s)
    s = re.sub(r"\s+", "-", s.strip())
    return s
