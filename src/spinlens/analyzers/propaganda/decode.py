"""Turn per-token probabilities into character spans."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

APOSTROPHES = "'’"


def _joined(text: str, i: int) -> bool:
    """Whether ``text[i - 1]`` and ``text[i]`` belong to one word (letters, digits and an
    apostrophe between two of them, as in "doesn't")."""
    if i <= 0 or i >= len(text):
        return False
    a, b = text[i - 1], text[i]
    if a.isalnum() and b.isalnum():
        return True
    if a.isalnum() and b in APOSTROPHES:
        return i + 1 < len(text) and text[i + 1].isalnum()
    if a in APOSTROPHES and b.isalnum():
        return i >= 2 and text[i - 2].isalnum()
    return False


MAX_WIDEN = 40  # characters: text without spaces (CJK, base64) is not one long word


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to whole words: the tagger works on word pieces, so a run can
    begin or end inside a word ("tor|turing"). An edge whose word goes on for more than
    ``MAX_WIDEN`` characters stays where it is."""
    a = start
    while _joined(text, a) and start - a < MAX_WIDEN:
        a -= 1
    b = end
    while _joined(text, b) and b - end < MAX_WIDEN:
        b += 1
    return (start if _joined(text, a) else a), (end if _joined(text, b) else b)


def spans_from_probs(
    offsets: npt.NDArray[np.int64],
    probs: npt.NDArray[np.float32],
    threshold: float,
    max_gap: int = 1,
    text: str | None = None,
) -> list[tuple[int, int, float]]:
    """Runs of tokens with ``probs >= threshold`` as ``(start, end, mean prob)``.

    Runs separated by at most ``max_gap`` low tokens are joined: the model often dips on a
    single function word inside a phrase. With ``text`` (the text ``offsets`` index) each run
    is widened to whole words.
    """
    on = np.flatnonzero(probs >= threshold)
    if not len(on):
        return []
    runs: list[list[int]] = [[int(on[0]), int(on[0])]]
    for i in on[1:]:
        if i - runs[-1][1] <= max_gap + 1:
            runs[-1][1] = int(i)
        else:
            runs.append([int(i), int(i)])
    out = []
    for a, b in runs:
        start, end = int(offsets[a, 0]), int(offsets[b, 1])
        if text is not None:
            start, end = snap_to_words(text, start, end)
        if end > start:
            out.append((start, end, float(probs[a : b + 1].mean())))
    return out
