"""``spinlens propaganda predict`` as a library call: prediction lines in the scorers' formats.

``ptc``: ``ID<TAB>technique<TAB>start<TAB>end`` per span (PTC-2020 techniques, offsets in
characters of the file as read); ``semeval2023-paragraphs``: ``ID<TAB>line<TAB>labels`` per
non-empty line (SemEval-2023 techniques). The CLI only parses options, prints and counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from spinlens.analyzers.propaganda import NO_SPAN_CLASSIFIER
from spinlens.analyzers.propaganda.detect import detect
from spinlens.analyzers.propaganda.model import Bundle, load_bundle
from spinlens.analyzers.propaganda.paragraphs import paragraph_labels
from spinlens.errors import InputError, MissingDependencyError
from spinlens.eval.propaganda_data import article_paths, read_article

PTC_FORMAT = "ptc"
PARAGRAPH_FORMAT = "semeval2023-paragraphs"


@dataclass(frozen=True)
class Predictor:
    """The loaded model and how to print what it finds."""

    bundle: Bundle
    fmt: str
    threshold: float | None = None
    lexicon: bool = True

    def lines(self, art: str, text: str) -> Iterator[str]:
        """The output lines for one article."""
        if self.fmt == PTC_FORMAT:
            for d in detect(self.bundle, text, self.threshold, use_lexicon=self.lexicon):
                yield f"{art}\t{d.technique}\t{d.start}\t{d.end}\n"
            return
        model = self.bundle.paragraph_model
        assert model is not None
        for number, _, _, labels in paragraph_labels(model, text):
            yield f"{art}\t{number}\t{','.join(labels)}\n"


def load_predictor(
    fmt: str, threshold: float | None = None, lexicon: bool = True
) -> tuple[Predictor, list[str]]:
    """The predictor and any warnings about missing model parts; raises when the format
    cannot be produced at all."""
    bundle = load_bundle()
    warnings: list[str] = []
    if fmt == PTC_FORMAT and bundle.tagger is None:
        if not lexicon:
            raise MissingDependencyError("the propaganda model is not installed")
        warnings.append("the propaganda model is not installed: only the lexicon runs")
    if fmt == PTC_FORMAT and bundle.tagger is not None and bundle.span_classifier is None:
        warnings.append(NO_SPAN_CLASSIFIER)
    if fmt == PARAGRAPH_FORMAT and bundle.paragraph_model is None:
        raise MissingDependencyError("the SemEval-2023 paragraph model is not installed")
    return Predictor(bundle, fmt, threshold, lexicon), warnings


def articles(folder: Path) -> list[tuple[str, Path]]:
    """``(id, path)`` of every ``article<ID>.txt`` in ``folder``; an error when there is none."""
    paths = article_paths(folder)
    if not paths:
        raise InputError(f"no article<ID>.txt files in {folder}")
    return paths


def predict_articles(
    predictor: Predictor, paths: Iterable[tuple[str, Path]], max_bytes: int
) -> Iterator[tuple[list[str], InputError | None]]:
    """Per article, its output lines, or the error that made it skipped."""
    for art, path in paths:
        try:
            text = read_article(path, max_bytes)
        except InputError as exc:
            yield [], exc
            continue
        yield list(predictor.lines(art, text)), None
