"""The shipped propaganda models: inside the package, each under 60 MB, with a card naming the
data, and loadable without the training extra."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import spinlens
from spinlens.analyzers.propaganda.model import MODEL_NAME, load_bundle
from spinlens.analyzers.propaganda.taxonomy import S2023_LABELS
from spinlens.models.runtime import model_dir

FILES = ("model.onnx", "tokenizer.json", "span_classifier.npz", "paragraphs.npz", "card.json")


def test_model_files_ship_inside_the_package_under_60_mb() -> None:
    folder = model_dir(MODEL_NAME)
    assert folder.resolve().is_relative_to(Path(spinlens.__file__).resolve().parent)
    for name in FILES:
        assert (folder / name).stat().st_size < 60e6, name


def test_cards_name_the_data_and_the_decoding() -> None:
    folder = model_dir(MODEL_NAME)
    card_md = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "ptc-semeval2020-task11" in card_md and "semeval2023-task3-en" in card_md
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    assert 0 < card["threshold"] < 1
    assert card["decode"]["max_gap"] >= 0 and card["decode"]["min_chars"] >= 1


def test_every_part_loads_and_paragraphs_use_the_2023_labels() -> None:
    bundle = load_bundle()
    assert bundle.tagger is not None and bundle.span_classifier is not None
    assert bundle.paragraph_classifier is not None
    assert sorted(bundle.paragraph_classifier.labels) == sorted(S2023_LABELS)


def test_runtime_does_not_import_torch_or_transformers() -> None:
    code = (
        "import sys\n"
        "from spinlens.analyzers.propaganda import PropagandaAnalyzer\n"
        "from spinlens.document import Document\n"
        "a = PropagandaAnalyzer(taxonomy='semeval2023')\n"
        "r = a.analyze(Document.from_text('The corrupt US regime lied again.\\n'), {})\n"
        "assert r.spans and r.data['paragraphs']\n"
        "print(sorted(m for m in ('torch', 'transformers', 'sklearn') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
