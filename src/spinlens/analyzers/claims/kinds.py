"""Claim typing and the entities a claim involves, by transparent surface rules.

Rules (not a model) because a reader must see why a sentence got its type; the first rule
that fires wins, in the order of :data:`TYPES`.
"""

from __future__ import annotations

import re

TYPES = ("quote", "statistic", "comparison", "causal", "prediction", "event", "other")

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = re.compile(
    rf"\b{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:, \d{{4}})?\b|\b\d{{1,2}} {_MONTH}(?: \d{{4}})?\b|"
    r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\b"
)
_QUANTITY = re.compile(
    r"(?:[$€£]\s?)?\b\d[\d,.]*\s?(?:%|percent|per cent|million|billion|trillion|thousand)?|"
    r"\b(?:hundreds|thousands|millions|billions|dozens|half|twice|double|triple)\b",
    re.I,
)
_QUOTE = re.compile(r"[\"“”]|\b(?:said|says|told|stated|declared|according to|claimed)\b", re.I)
_COMPARISON = re.compile(
    r"\b(?:more|less|fewer|higher|lower|bigger|smaller|larger|better|worse)\s+than\b|"
    r"\b(?:most|least|highest|lowest|largest|biggest|first|only|record)\b|\bcompared (?:to|with)\b",
    re.I,
)
_CAUSAL = re.compile(
    r"\b(?:because|due to|caused?|causing|led to|leads to|result(?:ed|s)? in|as a result|"
    r"blamed?|responsible for|therefore|thanks to)\b",
    re.I,
)
_PREDICTION = re.compile(
    r"\b(?:will|shall|going to|expected to|forecasts?|predicts?|projected|plans? to|would)\b",
    re.I,
)
_EVENT = re.compile(
    r"\b(?:killed|died|launched|attacked|passed|voted|signed|announced|arrested|invaded|"
    r"withdrew|suspended|pulled|imposed|elected|won|lost|fired|struck|bombed|invited|met|"
    r"released|banned|approved|rejected|sanctioned|deployed|controlled|has|have|had)\b|"
    r"\b\w+ed\b",
    re.I,
)
_PROPER = re.compile(
    r"\b(?:[A-Z][\w’'\-]*\.?)(?:\s+(?:of|the|al|bin|de|von|van|for)?\s*[A-Z][\w’'\-]*)*"
)
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "But",
        "However",
        "While",
        "Some",
        "This",
        "That",
        "These",
        "Those",
        "His",
        "Her",
        "Their",
        "Its",
        "As",
        "If",
        "When",
        "After",
        "Before",
        "And",
        "Or",
        "Also",
        "Even",
        "Both",
    ]
)


def _quantities(text: str) -> list[str]:
    masked = _DATE.sub(lambda m: " " * len(m.group()), text)
    return [m.group().strip() for m in _QUANTITY.finditer(masked) if m.group().strip()]


def claim_type(text: str) -> str:
    """One of :data:`TYPES` for a check-worthy sentence."""
    checks = (
        ("quote", _QUOTE.search(text)),
        ("statistic", _quantities(text)),
        ("comparison", _COMPARISON.search(text)),
        ("causal", _CAUSAL.search(text)),
        ("prediction", _PREDICTION.search(text)),
        ("event", _EVENT.search(text) or _DATE.search(text)),
    )
    return next((name for name, hit in checks if hit), "other")


def entities(text: str, limit: int = 12) -> list[str]:
    """Named things (capitalised runs), dates and quantities the claim is about, in order."""
    found: list[tuple[int, str]] = []
    for m in _PROPER.finditer(text):
        words = m.group().split()
        while words and words[0] in _NOT_NAMES:
            words = words[1:]
        name = " ".join(words).strip(" .,’'")
        if name and name not in _NOT_NAMES:
            found.append((m.start(), name))
    found += [(m.start(), m.group()) for m in _DATE.finditer(text)]
    masked = _DATE.sub(lambda m: " " * len(m.group()), text)
    found += [
        (m.start(), m.group().strip()) for m in _QUANTITY.finditer(masked) if m.group().strip()
    ]
    values = list(dict.fromkeys(value for _, value in sorted(found)))
    # "January" is dropped when "January 3" is also there.
    return [v for v in values if not any(v != o and v in o for o in values)][:limit]
