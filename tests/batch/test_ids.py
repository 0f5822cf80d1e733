"""The compact id set behind resume and de-duplication."""

from __future__ import annotations

import pytest

from spinlens.batch import ids as ids_module
from spinlens.batch.ids import IdSet


def test_membership_survives_merges_into_the_compact_array(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ids_module, "MERGE_EVERY", 7)
    keys = [f"article-{n}" for n in range(100)]
    seen = IdSet(keys[:50])
    for key in keys[50:90]:
        seen.add(key)
    assert all(key in seen for key in keys[:90])
    assert not any(key in seen for key in keys[90:])
    assert len(seen) == 90
    seen.add("article-3")
    assert len(seen) == 90, "adding a known id does not grow the set"
    assert "" not in seen and 3 not in seen
    assert "naïve ✓ \udcff" not in seen, "odd ids (lone surrogates from bad bytes) still work"
