"""The 2020 -> 2023 mapping is what the re-annotated corpus says: each PTC class maps to the
SemEval-2023 label most of its spans received, and each 2023 label back to the PTC class its
spans came from (docs/propaganda.md, "Taxonomies")."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS, PTC_TO_2023, S2023_TO_PTC
from spinlens.eval.propaganda_data import load_ptc, load_semeval2023
from tests.conftest import shared_dataset


@pytest.fixture(scope="module")
def overlaps() -> tuple[dict[str, Counter[str]], dict[str, Counter[str]]]:
    ptc = load_ptc(shared_dataset("ptc-semeval2020-task11"))
    s23 = load_semeval2023(shared_dataset("semeval2023-task3-en"))
    forward: dict[str, Counter[str]] = defaultdict(Counter)  # 2020 class -> 2023 labels
    backward: dict[str, Counter[str]] = defaultdict(Counter)  # 2023 label -> 2020 classes
    for art, spans in ptc.train_spans.items():
        for g in spans:
            for h in s23.spans.get(art, []):
                inter = min(g.end, h.end) - max(g.start, h.start)
                if inter <= 0 or not g.technique or not h.technique:
                    continue
                if inter >= 0.5 * (g.end - g.start):
                    forward[g.technique][h.technique] += 1
                if inter >= 0.5 * (h.end - h.start):
                    backward[h.technique][g.technique] += 1
    return forward, backward


def test_each_ptc_class_maps_to_its_most_frequent_2023_label(
    overlaps: tuple[dict[str, Counter[str]], dict[str, Counter[str]]],
) -> None:
    forward, _ = overlaps
    for label in PTC_LABELS:
        assert PTC_TO_2023[label] == forward[label].most_common(1)[0][0], forward[label]


def test_each_2023_label_with_spans_maps_back_to_its_source_class(
    overlaps: tuple[dict[str, Counter[str]], dict[str, Counter[str]]],
) -> None:
    _, backward = overlaps
    for label, target in S2023_TO_PTC.items():
        counts = backward.get(label)
        if counts and counts.most_common(1)[0][1] >= 10:  # too few spans say nothing
            assert target == counts.most_common(1)[0][0], (label, counts)
