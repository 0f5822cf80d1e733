"""Small shared word lists (loaded / emotive wording) and their loader.

The list is hand-curated from the loaded-language examples in the PTC guidelines and common
news-bias lexicons; entries ending in ``*`` match word prefixes, entries starting with ``*`` match
word suffixes (``*-backed`` catches "Israeli-backed", "Iran-backed").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")


@dataclass(frozen=True, slots=True)
class Lexicon:
    words: frozenset[str]
    prefixes: tuple[str, ...]
    suffixes: tuple[str, ...]
    # the prefixes and suffixes by length: a word is looked up once per distinct length, not
    # compared with every entry (long texts look up hundreds of thousands of words)
    _prefix_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _prefix_lengths: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _suffix_set: frozenset[str] = field(init=False, repr=False, compare=False)
    _suffix_lengths: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_prefix_set", frozenset(self.prefixes))
        object.__setattr__(self, "_prefix_lengths", tuple(sorted({len(p) for p in self.prefixes})))
        object.__setattr__(self, "_suffix_set", frozenset(self.suffixes))
        object.__setattr__(self, "_suffix_lengths", tuple(sorted({len(s) for s in self.suffixes})))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        w = word.lower().replace("’", "'")
        return (
            w in self.words
            or any(w[:k] in self._prefix_set for k in self._prefix_lengths if len(w) >= k)
            or any(w[-k:] in self._suffix_set for k in self._suffix_lengths if len(w) > k)
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
