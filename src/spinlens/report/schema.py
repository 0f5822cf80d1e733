"""The report: one versioned pydantic model; ``spinlens schema`` publishes its JSON Schema.

Reports are plain data: every renderer formats the same model, so a stored report can be
re-rendered later. Bump ``SCHEMA_VERSION`` on any change a validator of the previous schema
would reject (every model forbids unknown fields).

History: 1.0 first release; 1.1 adds ``Reason.ratings`` (the list ratings a reason about the
publishing site rests on); 1.2 types what analyzers hand the renderers: ``data.quotes``,
``data.provenance``, ``data.sources`` and a claim's ``attrs`` (with its fact-check matches) are
described by the models below in the JSON Schema (the JSON is the same as 1.1's; these
sections accept added fields, so an analyzer may add one without breaking older readers).
Read them typed through :meth:`Report.claims`, :meth:`Report.quotes`,
:meth:`Report.provenance` and :meth:`Report.sources`, which validate the section they return
(a hand-edited section that does not fit raises pydantic's ``ValidationError``); building a
Report does not check them, so renderer tests may hand it partial data. 1.2 also adds
``Report.not_checked`` (checks not made because a store is missing, empty or unreadable),
``FactCheckMatch.probability`` (the same-claim probability that decides a match) and
``ProvenanceData.aligned`` (the unchanged runs the redline lines up on; an undeclared field
before).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.2"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Open(BaseModel):
    """A section an analyzer writes: declared fields are checked, added ones are kept."""

    model_config = ConfigDict(extra="allow")


class FactCheckMatch(_Open):
    """A published fact-check of a claim like the article's (``claims`` finding ``attrs``)."""

    claim_id: str
    claim: str
    rating: str = Field(description="normalised: false, mostly_false, mixed, true, unknown, ...")
    score: float = Field(description="the matcher's score of the pair")
    verdict: str | None = Field(None, description="the fact-checker's own wording")
    url: str | None = None
    publisher: str | None = None
    probability: float | None = Field(
        None, description="same-claim probability; a match is reported only above the threshold"
    )


class ClaimAttrs(_Open):
    """``attrs`` of a ``claims`` finding labelled ``claim``."""

    type: str
    entities: list[str] = Field(default_factory=list)
    matches: list[FactCheckMatch] = Field(default_factory=list)


class QuoteRecord(_Open):
    """A direct quote (``data.quotes.quotes``): its words, offsets, speaker and cue verb."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    speaker: str | None = None
    cue: str | None = None


class QuotesData(_Open):
    quotes: list[QuoteRecord] = Field(default_factory=list)


class ProvenanceSource(_Open):
    id: str
    url: str | None = None
    title: str | None = None
    date: str | None = None
    score: float
    containment: float = Field(description="share of the article found in the source")


class Mutation(_Open):
    """One typed change between the best source and the article."""

    op: str = Field(description="inserted, deleted or substituted")
    type: str
    tags: list[str] = Field(default_factory=list)
    level: str = "word"
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source_id: str
    source_start: int = Field(ge=0)
    source_end: int = Field(ge=0)
    text: str = ""
    source_text: str = ""
    explanation: str = ""


class QuoteCheck(_Open):
    """A quote of the article looked up in the provenance index."""

    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    speaker: str | None = None
    detail: str = ""
    source_id: str | None = None
    similarity: float | None = None


class AlignedBlock(_Open):
    """An unchanged run shared by the article and the best source, offsets in both texts;
    the redline lines the two texts up on these."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    source_start: int = Field(ge=0)
    source_end: int = Field(ge=0)


class ProvenanceData(_Open):
    sources: list[ProvenanceSource] = Field(default_factory=list)
    best_source: str | None = None
    mutations: list[Mutation] = Field(default_factory=list)
    aligned: list[AlignedBlock] = Field(default_factory=list)
    source_text: str = ""
    summary: dict[str, int] = Field(default_factory=dict)
    quotes: list[QuoteCheck] = Field(default_factory=list)


class SourceRating(_Open):
    list: str
    domain: str = Field(description="the key of the list that matched (site, section or page)")
    score: float | None = None
    label: str = ""
    detail: str = ""


class SourcesData(_Open):
    domain: str | None = None
    ratings: list[SourceRating] = Field(default_factory=list)
    score: float | None = None


# The typed sections of ``Report.data``, by analyzer name.
DATA_SECTIONS: dict[str, type[_Open]] = {
    "quotes": QuotesData,
    "provenance": ProvenanceData,
    "sources": SourcesData,
}


class Finding(_Model):
    """One span found by one analyzer; ``text == document.text[start:end]`` always."""

    analyzer: str
    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    score: float = Field(ge=0.0, le=1.0)
    explanation: str = ""
    attrs: dict[str, Any] = Field(default_factory=dict)


class Segment(_Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class DocumentInfo(_Model):
    id: str | None = None
    title: str | None = None
    url: str | None = None
    domain: str | None = None
    date: str | None = None
    language: str | None = None
    source_format: str = "text"
    text: str
    paragraphs: list[Segment] = Field(default_factory=list)
    sentences: list[Segment] = Field(default_factory=list)


class AnalyzerRun(_Model):
    name: str
    version: str
    status: Literal["ok", "skipped", "error"]
    seconds: float = Field(ge=0.0)
    findings: int = 0
    model: str | None = None
    reason: str | None = None


class SpanRef(_Model):
    analyzer: str
    label: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class RatingRef(_Model):
    """One list's rating of the article's site: the evidence of a reason about the source."""

    list: str
    domain: str = Field(description="the key of the list that matched (site, section or page)")
    score: float | None = None
    label: str = ""


class Reason(_Model):
    """One piece of the verdict; it rests on ``spans`` of the text, or, for a reason about the
    publishing site (which is not in the text), on the list ``ratings`` of that site."""

    text: str
    weight: float
    spans: list[SpanRef] = Field(default_factory=list)
    ratings: list[RatingRef] = Field(default_factory=list)


class Verdict(_Model):
    score: float = Field(ge=0.0, le=1.0, description="0 = trustworthy, 1 = manipulative")
    label: Literal["reliable", "mixed", "unreliable", "insufficient evidence"]
    reasons: list[Reason] = Field(default_factory=list)
    explanation: str = ""


class NotChecked(_Model):
    """A check that was not made: the store it needs is missing, empty or unreadable. Shown as
    "not checked" for that analyzer, never as "nothing found"."""

    analyzer: str
    store: str = Field(description="fact-check database, provenance index or source lists")
    path: str
    problem: Literal["missing", "empty", "unreadable"]
    detail: str = ""
    command: str = Field(description="the command that fills the store")


class Tool(_Model):
    name: str = "spinlens"
    version: str


class Report(_Model):
    """Everything spinlens says about one document."""

    schema_version: Literal["1.2"] = "1.2"
    tool: Tool
    created: str
    document: DocumentInfo
    findings: list[Finding] = Field(default_factory=list)
    analyzers: list[AnalyzerRun] = Field(default_factory=list)
    data: dict[str, Any] = Field(
        default_factory=dict, description="structured output of each analyzer, by analyzer name"
    )
    verdict: Verdict | None = None
    warnings: list[str] = Field(default_factory=list)
    not_checked: list[NotChecked] = Field(default_factory=list)
    config: dict[str, Any] = Field(default_factory=dict)

    def claims(self) -> list[tuple[Finding, ClaimAttrs]]:
        """Each claim finding with its typed attrs (kind, names, fact-check matches)."""
        return [
            (f, ClaimAttrs.model_validate(f.attrs))
            for f in self.findings
            if f.analyzer == "claims" and f.label == "claim"
        ]

    def quotes(self) -> list[QuoteRecord]:
        """The direct quotes the quotes analyzer found (empty when it did not run)."""
        section = self.data.get("quotes")
        return QuotesData.model_validate(section).quotes if section is not None else []

    def provenance(self) -> ProvenanceData | None:
        """The best source, mutations and quote checks; None when provenance did not run."""
        section = self.data.get("provenance")
        return ProvenanceData.model_validate(section) if section is not None else None

    def sources(self) -> SourcesData | None:
        """The site's ratings by the chosen lists; None when sources did not run."""
        section = self.data.get("sources")
        return SourcesData.model_validate(section) if section is not None else None


def json_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://spinlens.dev/schema/report-{SCHEMA_VERSION}.json"
    defs = schema.setdefault("$defs", {})
    sections = {}
    typed: list[tuple[str, type[BaseModel]]] = [*DATA_SECTIONS.items(), ("claims", ClaimAttrs)]
    for name, model in typed:
        part = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(part.pop("$defs", {}))
        defs[model.__name__] = part
        sections[name] = {"$ref": f"#/$defs/{model.__name__}"}
    schema["properties"]["data"]["properties"] = {
        name: ref for name, ref in sections.items() if name in DATA_SECTIONS
    }
    # A claims finding labelled "claim" carries ClaimAttrs.
    schema["$defs"]["Finding"]["if"] = {
        "properties": {"analyzer": {"const": "claims"}, "label": {"const": "claim"}},
        "required": ["analyzer", "label"],
    }
    schema["$defs"]["Finding"]["then"] = {"properties": {"attrs": sections["claims"]}}
    return schema
