"""Normalise a publisher's verdict ("Pants on Fire!", "Mostly true", 2/5) to one of four ratings."""

from __future__ import annotations

import re
from typing import Literal

Rating = Literal["false", "mixed", "true", "unknown"]

# Order matters: the first pattern that matches wins ("mostly false" before "false").
_PATTERNS: tuple[tuple[str, Rating], ...] = (
    (
        r"\b(unproven|unverified|unsupported|unknown|no evidence|not rated|satire|research in)",
        "unknown",
    ),
    (
        r"\b(half[- ]true|mixture|mixed|partly|partially|half|missing context|"
        r"misleading|exaggerat|cherry|out of context|needs context|distort|spin)",
        "mixed",
    ),
    (
        r"\b(mostly false|pants on fire|false|fake|hoax|incorrect|inaccurate|wrong|"
        r"fabricat|baseless|debunked|scam|bogus|not true|untrue|four pinocchios|miscaptioned)",
        "false",
    ),
    (r"\b(mostly true|true|correct|accurate|verified|legit|confirmed|real)\b", "true"),
)
_RULES = tuple((re.compile(p, re.I), r) for p, r in _PATTERNS)


def normalise_verdict(text: str | None) -> Rating:
    """Map verdict text to false / mixed / true / unknown."""
    if not text:
        return "unknown"
    for pattern, rating in _RULES:
        if pattern.search(text):
            return rating
    return "unknown"


def rating_from_value(value: float, best: float = 5.0, worst: float = 1.0) -> Rating:
    """ClaimReview numeric ratings: the bottom third is false, the top third true."""
    if best == worst:
        return "unknown"
    scaled = (value - worst) / (best - worst)
    return "false" if scaled <= 1 / 3 else "true" if scaled >= 2 / 3 else "mixed"
