"""How often a shown technique span is right: precision per technique on unseen articles.

A span (with its technique) is right when it overlaps a gold span of the same technique; a
reader who sees "Loaded_Language" on a word wants that word to be loaded language, whatever
the exact boundaries. Measured on articles neither the tagger nor the span classifier was
fitted on:

- the 37 PTC train articles the tagger held out (PTC-2020 labels), with the span classifier
  refitted on the other 334 (the shipped one saw all 371);
- the 75 PTC dev articles as re-annotated in SemEval-2023 (their 2023 text and spans; labels
  mapped to PTC-2020), which no model here was fitted on.

The analyzer hides (keeps only in ``data.hidden``) the model spans of techniques measured
below :data:`PRECISION_FLOOR`; ``spinlens eval propaganda --precision`` prints the table and
the model card stores it (``technique_precision``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from spinlens.analyzers.propaganda.detect import Detection, detect
from spinlens.analyzers.propaganda.model import Bundle, LinearModel
from spinlens.analyzers.propaganda.taxonomy import PTC_LABELS, to_taxonomy
from spinlens.eval.propaganda_data import PTC, S2023

PRECISION_FLOOR = 0.4
MIN_PREDICTIONS = 10  # fewer predictions than this: precision not known, technique hidden
Gold = tuple[int, int, str]


@dataclass
class Tally:
    predicted: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 0.0


def count(found: Iterable[Detection], gold: Sequence[Gold], into: dict[str, Tally]) -> None:
    """Add each detection to its ``technique/source`` tally; right when it overlaps a gold
    span of its technique."""
    for d in found:
        tally = into.setdefault(f"{d.technique}/{d.source}", Tally())
        tally.predicted += 1
        tally.right += any(t == d.technique and a < d.end and d.start < b for a, b, t in gold)


def heldout_bundle(bundle: Bundle, ptc: PTC, held: set[str], folder: Path) -> Bundle:
    """``bundle`` with its span classifier refitted without the ``held`` articles (needs the
    train extra)."""
    from spinlens.analyzers.propaganda import features as F
    from spinlens.train import propaganda_linear as small

    texts = {a: t for a, t in ptc.train.items() if a not in held}
    data = small.tc_rows(texts, ptc.train_spans)
    coef, bias = small.fit_multiclass(F.to_csr(data.rows), data.labels, PTC_LABELS, small.TC_C)
    import numpy as np

    path = folder / "span_classifier_heldout.npz"
    np.savez_compressed(path, coef=coef.astype(np.float16), bias=bias, labels=np.array(PTC_LABELS))
    return replace(bundle, span_classifier=LinearModel(path))


def measure(
    bundle: Bundle,
    ptc: PTC,
    s23: S2023 | None,
    work: Path,
    progress: Callable[[Sequence[str]], Iterable[str]] = lambda x: x,
) -> dict[str, dict[str, Tally]]:
    """Tallies by ``technique/source`` on each unseen set (``ptc-heldout``, ``2023-dev``)."""
    from spinlens.train.propaganda import split_ids

    _, held = split_ids(sorted(ptc.train), 0.1, 13)  # the tagger's held-out articles
    sets: dict[str, dict[str, Tally]] = {"ptc-heldout": {}}
    refit = heldout_bundle(bundle, ptc, set(held), work)
    for art in progress(held):
        gold = [(g.start, g.end, g.technique) for g in ptc.train_spans.get(art, []) if g.technique]
        count(detect(refit, ptc.train[art]), gold, sets["ptc-heldout"])
    if s23 is not None:
        sets["2023-dev"] = {}
        ids = [a for a in sorted(ptc.dev) if a in s23.articles and a in s23.spans]
        for art in progress(ids):
            gold = [
                (g.start, g.end, label)
                for g in s23.spans[art]
                if g.technique and (label := to_taxonomy(g.technique, "ptc2020"))
            ]
            count(detect(bundle, s23.articles[art]), gold, sets["2023-dev"])
    return sets


def pooled(sets: dict[str, dict[str, Tally]]) -> dict[str, Tally]:
    out: dict[str, Tally] = {}
    for tallies in sets.values():
        for key, t in tallies.items():
            total = out.setdefault(key, Tally())
            total.predicted += t.predicted
            total.right += t.right
    return out


def card_entry(sets: dict[str, dict[str, Tally]]) -> dict[str, Any]:
    """What the model card stores: pooled and per-set tallies by ``technique/source``."""
    return {
        key: {
            "precision": round(t.precision, 4),
            "predicted": t.predicted,
            "right": t.right,
            "by_set": {
                name: [tallies[key].right, tallies[key].predicted]
                for name, tallies in sets.items()
                if key in tallies
            },
        }
        for key, t in sorted(pooled(sets).items(), key=lambda kv: -kv[1].predicted)
    }


def lines(sets: dict[str, dict[str, Tally]], floor: float = PRECISION_FLOOR) -> list[str]:
    rows = []
    for key, t in sorted(pooled(sets).items(), key=lambda kv: -kv[1].predicted):
        each = "  ".join(
            f"{name} {tallies[key].right}/{tallies[key].predicted}"
            for name, tallies in sets.items()
            if key in tallies
        )
        measured = t.precision >= floor and t.predicted >= MIN_PREDICTIONS
        flag = "shown" if measured or key.endswith("/lexicon") else "hidden"
        rows.append(f"{key:<50} P {t.precision:.3f} ({t.right}/{t.predicted}; {each}) {flag}")
    return rows


def write_card(folder: Path, sets: dict[str, dict[str, Tally]]) -> None:
    """Store the table in ``folder/card.json`` (what the analyzer reads)."""
    import json

    path = folder / "card.json"
    card = json.loads(path.read_text(encoding="utf-8"))
    card["technique_precision"] = card_entry(sets)
    card["precision_floor"] = PRECISION_FLOOR
    card["precision_min_predictions"] = MIN_PREDICTIONS
    card["technique_precision_data"] = (
        "right = overlaps a gold span of the same technique; ptc-heldout: the tagger's 37 "
        "held-out PTC train articles, span classifier refitted on the other 334; 2023-dev: the "
        "75 PTC dev articles as re-annotated in SemEval-2023 (labels mapped to PTC-2020)"
    )
    path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """``python -m spinlens.eval.propaganda_precision --data PTC --semeval2023 S23
    [--write-card DIR]``: print the table (and store it in the card of the model in DIR, e.g.
    a copy of the shipped ``src/spinlens/models/data/propaganda``)."""
    import argparse
    import tempfile

    from spinlens.analyzers.propaganda.model import load_bundle
    from spinlens.eval.propaganda_data import load_ptc, load_semeval2023

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--semeval2023", type=Path, default=None)
    parser.add_argument("--write-card", type=Path, default=None, metavar="DIR")
    args = parser.parse_args(argv)
    ptc = load_ptc(args.data)
    s23 = load_semeval2023(args.semeval2023) if args.semeval2023 else None
    with tempfile.TemporaryDirectory() as tmp:
        bundle = load_bundle(str(args.write_card) if args.write_card else None)
        sets = measure(bundle, ptc, s23, Path(tmp))
    for line in lines(sets):
        print(line)
    if args.write_card is not None:
        write_card(args.write_card, sets)


if __name__ == "__main__":
    main()
