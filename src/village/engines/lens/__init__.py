"""The language lens: a care-language glossary, a context-aware matcher, and a command line.

Public API::

    find(text, min_severity="info") -> list[Finding]          # the shipped glossary
    config = parse_config({...}) or load_config("partnership.yaml")
    matcher = Matcher(apply_config(config))                   # build once, reuse
    matcher.find(text, min_severity="suggestion") -> list[Finding]
    Finding.as_dict()                                         # the JSON shape of the CLI
    explain("co-regulating") -> Term | None                   # vocabulary: explain, not flag
    default_vocabulary().mentions(text) -> list[Mention]

Data lives in ``data/`` (see :mod:`.glossary` for the schema and :mod:`.patterns` for how
forms are written); inline suppression is described in :mod:`.suppression`; the command line
(``village lens --help``) in :mod:`.cli`.
"""

from village.engines.lens.config import (
    PartnershipConfig,
    apply_config,
    load_config,
    parse_config,
)
from village.engines.lens.glossary import (
    CATEGORIES,
    SEVERITIES,
    Entry,
    Glossary,
    GlossaryError,
    Source,
    default_glossary,
)
from village.engines.lens.matcher import Finding, Matcher, default_matcher, find
from village.engines.lens.vocabulary import Mention, Term, default_vocabulary, explain

__all__ = [
    "CATEGORIES",
    "SEVERITIES",
    "Entry",
    "Finding",
    "Glossary",
    "GlossaryError",
    "Matcher",
    "Mention",
    "PartnershipConfig",
    "Source",
    "Term",
    "apply_config",
    "default_glossary",
    "default_matcher",
    "default_vocabulary",
    "explain",
    "find",
    "load_config",
    "parse_config",
]
