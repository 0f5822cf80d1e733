"""Small shared word lists (loaded / emotive wording) and their loader.

The list is hand-curated from the loaded-language examples in the PTC guidelines and common
news-bias lexicons; entries ending in ``*`` match word prefixes, entries starting with ``*`` match
word suffixes (``*-backed`` catches "Israeli-backed", "Iran-backed").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


@dataclass(frozen=True, slots=True)
class Lexicon:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        w = word.lower().replace("’", "'")
        return (
            w in self.words
            or any(w.startswith(p) for p in self.prefixes)
            or any(w.endswith(s) and len(w) > len(s) for s in self.suffixes)
        )

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Every lexicon word in ``text`` as (start, end, word)."""
        return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text) if m.group() in self]


def _parse(raw: str) -> Lexicon:
    words, prefixes, suffixes = set(), [], []
    for line in raw.splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if entry.endswith("*"):
            prefixes.append(entry[:-1])
        elif entry.startswith("*"):
            suffixes.append(entry[1:])
        else:
            words.add(entry)
    return Lexicon(frozenset(words), tuple(prefixes), tuple(suffixes))


@lru_cache(maxsize=4)
def load(name: str = "loaded") -> Lexicon:
    """A shipped lexicon by name (``loaded``: loaded and emotive wording)."""
    raw = resources.files(__package__).joinpath(f"{name}.txt").read_text(encoding="utf-8")
    return _parse(raw)


__all__ = ["Lexicon", "load"]
