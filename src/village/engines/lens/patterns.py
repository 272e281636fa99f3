"""Turning glossary forms into one fast regular expression.

Forms are written the way people write the words, with two small conventions:

- ``{a,b,c}`` expands to alternatives, so ``abscond{,s,ed,ing}`` is the inflection rule for
  abscond, absconds, absconded and absconding (several groups multiply out);
- a space between words matches any run of spaces, line breaks or hyphens, and a hyphen
  also matches nothing at all, so ``attention-seeking`` matches "attention-seeking",
  "attention seeking", "attention\\nseeking" and "attentionseeking". An apostrophe matches
  straight and curly apostrophes.

All the forms of a glossary are merged into a character trie and emitted as a single
regular expression, so a text is scanned once however many entries there are, and the
regex engine rejects most positions on their first character.

Patterns read a text through :func:`fold`: lower case, every space, line break or hyphen a
plain space and every apostrophe a straight one, at the same offsets. So the expression is
made of plain characters only, which Python compiles several times faster than the same
expression with a character class at every space and a case-insensitive flag: compiling is
most of the time a `village lens` run takes.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import cache

APOSTROPHES = "'\u2019\u02bc\u2018"
SEPARATORS = "\\s\\-\u00ad\u2010\u2011"
# Every character Python counts as white space (str.isspace, and \\s in a pattern), but the
# plain space: fold() makes each of them, and each hyphen, a plain space.
OTHER_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_TO_SPACE = OTHER_WHITESPACE + "-\u00ad\u2010\u2011"

# A form's atoms are its characters, with these two marks for the places where words meet.
# They are private-use characters, which no form contains.
_SPACE, _HYPHEN = "\ue000", "\ue001"
_FORM_MARKS = str.maketrans(
    {" ": _SPACE, "-": _HYPHEN, "\u2010": _HYPHEN, "\u2011": _HYPHEN}
    | dict.fromkeys(APOSTROPHES[1:], "'")
)
_MARK_REGEX = {_SPACE: " +", _HYPHEN: " *"}
_END = ""

_BRACES = re.compile(r"\{([^{}]*)\}")
_NOT_KEY = re.compile(f"[{SEPARATORS}]+")
_APOS_CHARS = re.compile(f"[{APOSTROPHES}]")
WORD = re.compile(f"\\w+(?:[{APOSTROPHES}]\\w+)*")


class FormError(ValueError):
    """A form that cannot be turned into a pattern (unbalanced braces, empty)."""


def expand(form: str) -> list[str]:
    """Expand ``{a,b}`` groups into every spelled-out form, in order."""
    parts: list[list[str]] = []
    last = 0
    for match in _BRACES.finditer(form):
        parts.append([form[last : match.start()]])
        parts.append(match.group(1).split(","))
        last = match.end()
    parts.append([form[last:]])
    forms = ["".join(combo) for combo in itertools.product(*parts)]
    for spelled in forms:
        if "{" in spelled or "}" in spelled:
            raise FormError(f"unbalanced braces in {form!r}")
        if not spelled.strip():
            raise FormError(f"{form!r} expands to an empty form")
    return [" ".join(spelled.split()) for spelled in forms]


def key(text: str) -> str:
    """A spelling-insensitive key: lower case, one apostrophe, no spaces or hyphens."""
    return _NOT_KEY.sub("", _APOS_CHARS.sub("'", text)).lower()


def exact_key(text: str) -> str:
    """Like :func:`key` but keeping case, for forms that only match in their own case."""
    return _NOT_KEY.sub("", _APOS_CHARS.sub("'", text))


def tokens(text: str) -> list[str]:
    """Lower-case words, apostrophes normalised; hyphenated words split into their parts."""
    return WORD.findall(_APOS_CHARS.sub("'", text).lower())


def fold(text: str) -> str:
    """The text as the patterns read it, at the same offsets: lower case, every space, line
    break and hyphen a plain space, every apostrophe a straight one. The few characters that
    grow when lower-cased (such as a dotted capital I) are kept as they are."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
    # One fast scan per character that may need replacing: most texts hold only a few of them.
    for char in _TO_SPACE:
        if char in lowered:
            lowered = lowered.replace(char, " ")
    for char in APOSTROPHES[1:]:
        if char in lowered:
            lowered = lowered.replace(char, "'")
    return lowered


def _atoms(form: str) -> str:
    return " ".join(form.lower().split()).translate(_FORM_MARKS)


@cache
def _atom_regex(atom: str) -> str:
    return _MARK_REGEX.get(atom) or re.escape(atom)


Trie = dict[str, "Trie"]


def _emit(node: Trie) -> str:
    branches = [_atom_regex(atom) + _emit(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        # Children first, then the empty branch: the longest form wins.
        return f"(?:{body})?"
    return body


def compile_forms(forms: Iterable[str]) -> re.Pattern[str]:
    """One pattern matching any of the (already expanded) forms as whole words, in a text
    read through :func:`fold`."""
    trie: Trie = {}
    for form in forms:
        node = trie
        for atom in _atoms(form):
            node = node.setdefault(atom, {})
        node[_END] = {}
    if not trie:
        return re.compile(r"(?!x)x")
    return re.compile(f"(?<!\\w)(?:{_emit(trie)})(?!\\w)")
