"""The language identifier is built from unpacked arrays kept in the cache folder (py3langid's
LZMA model cost about a second of CPU to unpack in every process): same languages and the
same probabilities as py3langid's own loading, and a broken or unwritable cache only costs
the unpacking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from spinlens.document import language

TEXTS = [
    "The minister said the plan works, according to officials in the capital.",
    "El ministro dijo que el plan funciona, según fuentes oficiales de la capital.",
    "Der Minister sagte, der Plan funktioniere, so Beamte in der Hauptstadt.",
    "Le ministre a déclaré que le plan fonctionne, selon des responsables.",
    "Министр заявил, что план работает, по словам чиновников в столице.",
    "short",
]


def _own() -> object:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE, norm_probs=True)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SPINLENS_CACHE", str(tmp_path / "cache"))
    language._identifier.cache_clear()
    yield tmp_path / "cache"
    language._identifier.cache_clear()


def test_cached_identifier_matches_py3langid_and_reads_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import py3langid.langid

    own = _own()
    first = language._identifier()  # unpacks and writes the cache
    folder = language.cache_folder(Path(py3langid.langid.MODEL_DIR) / py3langid.langid.MODEL_FILE)
    assert (folder / "meta.json").is_file() and folder.parent == cache
    language._identifier.cache_clear()

    def no_unpacking(path: Path) -> object:
        raise AssertionError("unpacked again although the cache holds the model")

    monkeypatch.setattr(py3langid.langid, "_load_model_file", no_unpacking)
    second = language._identifier()
    for text in TEXTS:
        want = own.classify(text)  # type: ignore[attr-defined]
        assert first.classify(text) == want
        assert second.classify(text) == want


def test_a_cache_that_cannot_be_written_or_read_falls_back(cache: Path) -> None:
    cache.write_text("not a folder", encoding="utf-8")  # the cache root is a file
    assert language.detect_language(TEXTS[0]) == "en"
    assert language.detect_language(TEXTS[1]) == "es"


def test_a_damaged_cache_is_unpacked_again_and_rewritten(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import py3langid.langid

    language._identifier()
    language._identifier.cache_clear()
    folder = language.cache_folder(Path(py3langid.langid.MODEL_DIR) / py3langid.langid.MODEL_FILE)
    (folder / "ptc.npy").write_bytes(b"damaged")
    assert language.detect_language(TEXTS[2]) == "de"
    language._identifier.cache_clear()

    def no_unpacking(path: Path) -> object:
        raise AssertionError("the damaged cache was not rewritten")

    monkeypatch.setattr(py3langid.langid, "_load_model_file", no_unpacking)
    assert language.detect_language(TEXTS[3]) == "fr"
