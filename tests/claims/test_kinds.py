"""Claim types and entities follow the documented surface rules."""

from __future__ import annotations

import pytest

from spinlens.analyzers.claims.kinds import claim_type, entities


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ('"We will win," the minister said.', "quote"),
        ("Unemployment fell to 3.5 percent last year.", "statistic"),
        ("Crime is higher than ever before in this city.", "comparison"),
        ("The blackout was caused by a cyber attack.", "causal"),
        ("The economy will shrink next year.", "prediction"),
        ("Iraqi lawmakers passed a non-binding resolution on January 5.", "event"),
        ("This is nice.", "other"),
    ],
)
def test_claim_types(text: str, kind: str) -> None:
    assert claim_type(text) == kind


def test_dates_are_not_statistics() -> None:
    assert claim_type("General Soleimani was killed on January 3, 2020.") == "event"


def test_entities_keep_names_dates_and_quantities() -> None:
    found = entities("However, US President Donald Trump said 5,000 troops left Iraq on January 3.")
    assert "US President Donald Trump" in found
    assert "Iraq" in found
    assert "January 3" in found
    assert "5,000" in found
    assert "However" not in found and "January" not in found
