"""The quotes analyzer: speakers and cue verbs on either side of a quote, attributions."""

from __future__ import annotations

import pytest

from spinlens.text.quotes import find_attributions, find_quotes


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("“We will rebuild the bridge by May,” said Helen Ambrose.", "Helen Ambrose", "said"),
        ("“We will rebuild the bridge by May,” Helen Ambrose said.", "Helen Ambrose", "said"),
        ("Helen Ambrose said: “We will rebuild the bridge by May.”", "Helen Ambrose", "said"),
        (
            'Later, in the town hall, "the bridge will be rebuilt soon", Ambrose told reporters.',
            "Ambrose",
            "told",
        ),
    ],
)
def test_speaker_and_cue_found_on_either_side(text: str, speaker: str, cue: str) -> None:
    (quote,) = list(find_quotes(text))
    assert quote.speaker == speaker
    assert quote.cue == cue
    assert quote.speaker_start is not None and quote.speaker_end is not None
    assert text[quote.speaker_start : quote.speaker_end] == speaker


def test_quote_without_speaker_has_none() -> None:
    (quote,) = list(find_quotes("The sign read “no entry after dark for anyone”."))
    assert quote.speaker is None


def test_according_to_attribution() -> None:
    text = "The group lost ground, according to BBC journalist Mina Al-Lami."
    (attribution,) = list(find_attributions(text))
    assert attribution.speaker is not None and "Mina Al-Lami" in attribution.speaker
    assert text[attribution.start : attribution.end].startswith("according to")
