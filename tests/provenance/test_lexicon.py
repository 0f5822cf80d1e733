"""The shared loaded-wording lexicon: words, prefixes and suffixes match; plain words do not."""

from __future__ import annotations

from spinlens.lexicons import load


def test_loaded_lexicon_matches_words_prefixes_and_suffixes() -> None:
    lexicon = load("loaded")
    assert "regime" in lexicon and "Zionist" in lexicon
    assert "Israeli-backed" in lexicon  # *-backed
    assert "slaughtered" in lexicon  # slaughter*
    assert "-backed" not in lexicon  # a bare suffix is not a word
    assert "bridge" not in lexicon and "said" not in lexicon
    found = [w for _, _, w in lexicon.find("The Iran-backed regime said the bridge would open.")]
    assert found == ["Iran-backed", "regime"]
