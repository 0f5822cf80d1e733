"""A small hand-written lexicon of labelling and loaded phrases: a fallback when the model is
missing and a booster for blatant epithets the model (trained on 2017-2018 US news) may miss.

Each entry is a regular expression and a PTC-2020 technique. Patterns are deliberately narrow:
an epithet word in front of a noun naming a person, group, state or outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EPITHET = r"(?:Zionist|globalist|neocon|jihadist|fascist|Nazi|communist|Marxist|leftist|terrorist)"
_TARGET = (
    r"(?:dictator|regime|entity|state|lobby|media|press|newspaper|paper|outlet|propaganda|"
    r"puppets?|stooges?|thugs?|gangs?|elites?|occupiers?|army|forces|government|leaders?|"
    r"rulers?|group|mouthpiece)"
)
_ACTOR = (
    r"(?:US|U\.S\.|American|Israeli|Zionist|Saudi|Iranian|Western|NATO|British|Russian|Chinese)"
)


@dataclass(frozen=True, slots=True)
class Entry:
    pattern: re.Pattern[str]
    technique: str
    why: str


ENTRIES: tuple[Entry, ...] = (
    Entry(
        # "Zionist dictator", "Zionist based ISIS newspaper": epithet, up to 3 words, target noun
        re.compile(rf"\b{_EPITHET}(?:[\s-]+[\w-]+){{0,3}}?[\s-]+{_TARGET}\b", re.I),
        "Name_Calling,Labeling",
        "ideological epithet attached to a person, group or outlet",
    ),
    Entry(
        re.compile(
            rf"\b{_ACTOR}\s+(?:regime|puppets?|stooges?|occupiers?|aggressors?|imperialists?)\b"
        ),
        "Name_Calling,Labeling",
        "a government labelled as a regime, puppet or occupier",
    ),
    Entry(
        re.compile(rf"\b{_ACTOR}[-‐–]backed\b"),
        "Loaded_Language",
        "'-backed' casts a group as someone's proxy",
    ),
)
# An entry for single charged words ("so-called", "evil", "puppet", "barbaric", ...) was
# dropped on 2026-12-04: on 111 news articles no model was fitted on it fired 12 times and
# overlapped an annotated Loaded_Language span once (docs/propaganda.md, "Precision").


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    technique: str
    why: str


def find(text: str) -> list[Hit]:
    """All lexicon matches, leftmost first; the same stretch is reported once per technique."""
    hits: dict[tuple[int, int, str], Hit] = {}
    for entry in ENTRIES:
        for m in entry.pattern.finditer(text):
            key = (m.start(), m.end(), entry.technique)
            hits.setdefault(key, Hit(m.start(), m.end(), entry.technique, entry.why))
    return sorted(hits.values(), key=lambda h: (h.start, h.end))
