"""What a reader sees first: the verdict in words, and which claims deserve a highlight.

The claims analyzer rates most sentences of a news story check-worthy (15 of 17 in the seed), so
tinting all of them hides everything else. Renderers show the few that matter (the top-ranked,
those a fact-check matched or the verdict cites, and those the copy inserted into its source)
and leave the rest to be shown on demand.
"""

from __future__ import annotations

from collections.abc import Sequence

from spinlens.report.schema import Finding, Report, Verdict

TOP_CLAIMS = 3
# Provenance findings that mean the sentence was added or changed by the copy.
INSERTIONS = frozenset(
    {
        "new_claim",
        "quote_added",
        "quote_altered",
        "number_changed",
        "attribution_changed",
        "entity_changed",
        "inserted_text",
        "substituted_text",
    }
)
HEADLINES = {
    "unreliable": "Unreliable: strong signs of manipulation",
    "mixed": "Mixed: some signs of manipulation, read with care",
    "reliable": "Reliable: few signs of manipulation",
    "insufficient evidence": "Not enough evidence to judge",
}


def headline(verdict: Verdict) -> str:
    """The verdict as a sentence a reader takes in at a glance."""
    return HEADLINES.get(verdict.label, verdict.label.capitalize())


def strength(weight: float) -> str:
    """A reason's share of the score in words; the number stays in the formula fold."""
    size = abs(weight)
    word = "strong" if size >= 1.0 else "moderate" if size >= 0.4 else "weak"
    return word if weight >= 0 else f"{word}, against"


def other_warnings(report: Report) -> list[str]:
    """The report's warnings less those that repeat a check not made (shown on their own)."""
    if not report.not_checked:
        return list(report.warnings)
    return [w for w in report.warnings if not w.startswith("not checked:")]


def is_claim(finding: Finding) -> bool:
    return finding.analyzer == "claims" and finding.label == "claim"


def prominent_claims(
    findings: Sequence[Finding], verdict: Verdict | None = None, top: int = TOP_CLAIMS
) -> set[int]:
    """Indices (into ``findings``) of the claims to highlight by default."""
    claims = [i for i, f in enumerate(findings) if is_claim(f)]
    ranked = sorted(claims, key=lambda i: findings[i].score, reverse=True)
    chosen = set(ranked[:top])
    inserted = [
        (f.start, f.end)
        for f in findings
        if f.analyzer == "provenance" and f.label in INSERTIONS and f.end > f.start
    ]
    cited = {
        (ref.start, ref.end)
        for reason in (verdict.reasons if verdict else [])
        for ref in reason.spans
        if ref.analyzer == "claims"
    }
    for i in claims:
        f = findings[i]
        if (
            f.attrs.get("matches")
            or (f.start, f.end) in cited
            or any(s < f.end and f.start < e for s, e in inserted)
        ):
            chosen.add(i)
    return chosen
