"""Find first names in any case, and "X's mum / dad / gran", with few false alarms.

A first name from the shipped lists (data/, see ATTRIBUTION.txt) counts by how likely the
same word is to mean something else:

- a name that is no English word (Sarah, Liam, Karen): always, in any case;
- a name that is also a rarer word (John, Tom, Max): when capitalised, or lower case after a
  cue such as "to", "with" or "my colleague";
- a name that is also an everyday word (Will, May, Hope, Grace, Mark): capitalised in the
  middle of a sentence after a cue ("I asked Will", "my colleague Grace"), or before a surname
  ("Mark Brown");
- a name that is mostly a month, day, place or Scots word (June, Easter, Angus, Paris): only
  after "called" or "named".

Any of them, and any capitalised word, before "'s mum", "'s dad", "'s gran" and the like
counts too ("Liam's mum", "kayden's gran").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:\n]")
_POSSESSIVE = ("'s", "’s")

# A name is what follows these (lower case is fine after them, for names that are words).
_CUES = frozenset(
    [
        "to",
        "with",
        "told",
        "tell",
        "telling",
        "asked",
        "ask",
        "asking",
        "met",
        "meet",
        "meeting",
        "saw",
        "see",
        "seen",
        "visited",
        "phoned",
        "phone",
        "rang",
        "ring",
        "emailed",
        "texted",
        "messaged",
        "manager",
        "colleague",
        "boss",
        "supervisor",
        "worker",
        "teacher",
        "nurse",
        "officer",
        "practitioner",
        "lead",
        "mum",
        "mam",
        "mom",
        "mother",
        "dad",
        "da",
        "father",
        "son",
        "daughter",
        "partner",
        "wife",
        "husband",
        "sister",
        "brother",
        "friend",
        "cousin",
        "aunt",
        "auntie",
        "uncle",
        "gran",
        "granny",
        "grandma",
        "grandad",
        "papa",
        "nana",
        "child",
        "boy",
        "girl",
        "baby",
        "kid",
        "wee",
        "little",
        "young",
    ]
)
_STRONG_CUES = frozenset({"called", "named", "name's"})
_RELATIONS = frozenset(
    [
        "mum",
        "mam",
        "mom",
        "mummy",
        "mother",
        "dad",
        "da",
        "daddy",
        "father",
        "gran",
        "granny",
        "grannie",
        "grandma",
        "grandmother",
        "grandad",
        "granda",
        "grandpa",
        "grandfather",
        "nana",
        "nan",
        "papa",
        "aunt",
        "auntie",
        "aunty",
        "uncle",
        "sister",
        "brother",
        "son",
        "daughter",
        "wife",
        "husband",
        "partner",
        "boyfriend",
        "girlfriend",
        "carer",
        "carers",
        "family",
        "kids",
        "children",
        "child",
        "baby",
        "cousin",
        "stepmum",
        "stepdad",
        "step-mum",
        "step-dad",
        "teacher",
        "worker",
    ]
)
# Words between a possessive and the relation: "Liam's wee brother", "her son's social worker".
_BETWEEN = frozenset(
    [
        "wee",
        "little",
        "big",
        "older",
        "younger",
        "new",
        "old",
        "step",
        "foster",
        "kinship",
        "social",
        "support",
        "key",
    ]
)
# Capitalised possessives that are not names: "Everyone's mum", "Today's children".
_NOT_NAME_POSSESSIVES = frozenset(
    [
        "everyone",
        "everybody",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "nobody",
        "today",
        "yesterday",
        "tomorrow",
        "child",
        "baby",
        "person",
        "family",
        "mother",
        "father",
        "parent",
        "parents",
        "woman",
        "man",
        "boy",
        "girl",
        "other",
        "each",
        "one",
        "a",
        "the",
        "my",
        "your",
        "his",
        "her",
        "their",
        "our",
        "its",
    ]
)


def _read(name: str) -> frozenset[str]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


@dataclass(frozen=True)
class _Lists:
    first: frozenset[str]
    surnames: frozenset[str]
    rare_words: frozenset[str]
    everyday: frozenset[str]
    places_and_dates: frozenset[str]


@cache
def _lists() -> _Lists:
    return _Lists(
        first=_read("first_names.txt") | _read("scotland_first_names.txt"),
        surnames=_read("surnames.txt"),
        rare_words=_read("rare_word_names.txt"),
        everyday=_read("everyday_names.txt"),
        places_and_dates=_read("places_and_dates.txt"),
    )


@dataclass(frozen=True)
class _Token:
    text: str
    base: str  # without a possessive 's
    possessive: bool
    starts_sentence: bool

    @property
    def key(self) -> str:
        return self.base.casefold()

    @property
    def capitalised(self) -> bool:
        return self.base[:1].isupper()


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    last_end = 0
    for match in _WORD.finditer(text):
        word = match.group(0)
        possessive = word.casefold().endswith(_POSSESSIVE)
        gap = text[last_end : match.start()]
        tokens.append(
            _Token(
                text=word,
                base=word[:-2] if possessive else word,
                possessive=possessive,
                starts_sentence=not tokens or bool(_SENTENCE_END.search(gap)),
            )
        )
        last_end = match.end()
    return tokens


def _names_a_relation(tokens: list[_Token], index: int) -> bool:
    """Whether a possessive at ``index`` is followed by a relation: "Liam's (wee) mum"."""
    for following in tokens[index + 1 : index + 4]:
        key = following.key
        if key in _RELATIONS:
            return True
        if key not in _BETWEEN:
            return False
    return False


def _is_name_before_relation(token: _Token, lists: _Lists) -> bool:
    if token.key in _NOT_NAME_POSSESSIVES:
        return False
    return token.key in lists.first or (token.capitalised and not token.base.isupper())


def _kind(key: str, lists: _Lists) -> str:
    """How a known first name reads on its own: a name, or maybe a word."""
    if key in lists.places_and_dates:
        return "place"
    if key in lists.everyday:
        return "everyday"
    if key in lists.rare_words:
        return "rare"
    return "name"


def _is_name(tokens: list[_Token], index: int, lists: _Lists) -> bool:
    token = tokens[index]
    if token.possessive and _names_a_relation(tokens, index):
        return _is_name_before_relation(token, lists)
    key = token.key
    if key not in lists.first or (token.base.isupper() and len(token.base) <= 3):
        return False
    before = tokens[index - 1].key if index else ""
    after = tokens[index + 1] if index + 1 < len(tokens) else None
    if before in _STRONG_CUES or (before == "is" and index > 1 and tokens[index - 2].key == "name"):
        return True
    kind = _kind(key, lists)
    if kind == "name":
        return token.capitalised or len(key) >= 3
    mid_sentence_capital = token.capitalised and not token.starts_sentence
    if kind == "rare":
        return token.capitalised or before in _CUES
    before_surname = (
        after is not None
        and after.capitalised
        and not after.starts_sentence
        and after.key in lists.surnames
    )
    if kind == "everyday":
        return token.capitalised and ((mid_sentence_capital and before in _CUES) or before_surname)
    return False


def has_first_name(text: str) -> bool:
    """Whether the text seems to name someone by a first name."""
    lists = _lists()
    tokens = _tokens(text)
    return any(_is_name(tokens, index, lists) for index in range(len(tokens)))
