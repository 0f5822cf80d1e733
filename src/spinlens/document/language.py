"""Language identification with py3langid (its model ships in the wheel).

py3langid keeps its model LZMA-compressed: unpacking it (65 MB) cost about 1.1 s of CPU in
every process, half of a one-article ``spinlens analyze``. The unpacked arrays are kept in the
user cache folder (``SPINLENS_CACHE``, else the platform's cache directory for spinlens), one
folder per py3langid version and model file, and read back in a few tens of milliseconds; the
identifier built from them is the one py3langid builds (same languages, same probabilities).
Anything unexpected (no cache folder, a read-only disk, another py3langid layout) falls back
to py3langid's own loading.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_LAYOUT = 1


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    path = Path(MODEL_DIR) / MODEL_FILE
    try:
        parts = _cached_model(path)
        ptc, pc, classes, nextmove, row, output = parts
        import numpy as np

        return LanguageIdentifier(
            np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True, tk_row=row
        )
    except Exception:  # a layout or signature this code does not know: py3langid's own way
        return LanguageIdentifier.from_modelpath(path, norm_probs=True)


def cache_folder(model: Path) -> Path:
    """Where the unpacked arrays of ``model`` are kept (one folder per version and file)."""
    import py3langid
    from platformdirs import user_cache_dir

    root = Path(os.environ.get("SPINLENS_CACHE") or user_cache_dir("spinlens", appauthor=False))
    stat = model.stat()
    release = getattr(py3langid, "__version__", "unknown")
    key = f"langid-{release}-{stat.st_size}-{stat.st_mtime_ns}-{CACHE_LAYOUT}"
    return root / key


def _cached_model(model: Path) -> tuple[Any, ...]:
    """py3langid's ``(ptc, pc, classes, nextmove, row, output)``: from the cache, else
    unpacked by py3langid and written to the cache (when the folder can be written)."""
    import numpy as np

    folder = cache_folder(model)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        # mapped, not read: the pages a text needs are read when it is classified
        arrays = {name: np.load(folder / f"{name}.npy", mmap_mode="r") for name in meta["arrays"]}
        return (
            arrays["ptc"],
            arrays["pc"],
            list(meta["classes"]),
            array(meta["nextmove"], arrays["nextmove"].tobytes()),
            array(meta["row"], arrays["row"].tobytes()),
            arrays["output"].tolist(),
        )
    except (OSError, ValueError, KeyError, TypeError):  # absent or damaged: unpack again
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    from py3langid.langid import _load_model_file

    parts = _load_model_file(model)
    with contextlib.suppress(OSError):  # a read-only or full disk: unpacked again next time
        _write(folder, parts)
    return tuple(parts)


def _write(folder: Path, parts: tuple[Any, ...]) -> None:
    """Write to a folder of this process's own, then swap it in (concurrent writers)."""
    import numpy as np

    ptc, pc, classes, nextmove, row, output = parts
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    tmp.mkdir(parents=True)
    try:
        arrays = {
            "ptc": np.asarray(ptc),
            "pc": np.asarray(pc),
            "nextmove": np.frombuffer(nextmove, dtype=f"u{nextmove.itemsize}"),
            "row": np.frombuffer(row, dtype=f"u{row.itemsize}"),
            "output": np.asarray(output),
        }
        for name, value in arrays.items():
            np.save(tmp / f"{name}.npy", value, allow_pickle=False)
        meta = {
            "arrays": list(arrays),
            "classes": list(classes),
            "nextmove": nextmove.typecode,
            "row": row.typecode,
        }
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        tmp.rename(folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / "meta.json").is_file():  # another process swapped its copy in first
            raise


def detect_language(text: str, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure or too short."""
    sample = text[:3000]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= min_confidence else None
