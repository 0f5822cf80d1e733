"""What the endpoints share: the loaded pipeline, the runner, and turning input into a Document."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

from spinlens.config import Settings
from spinlens.document import Document
from spinlens.document.loaders import document_from_record
from spinlens.document.loaders.guard import fetch_document
from spinlens.errors import ConfigError
from spinlens.pipeline import Pipeline
from spinlens.report.schema import Report
from spinlens.serve.config import ServeConfig
from spinlens.serve.models import AnalyzeOptions, ArticleIn
from spinlens.serve.runner import Runner


@dataclass
class Service:
    """Built once at start-up; every request reuses its loaded models."""

    loaded: list[str]
    runner: Runner[Pipeline]
    config: ServeConfig
    settings: Settings
    # Embedded in the page's form and required back: another site cannot read it, so it
    # cannot make a visitor's browser post to this server (CSRF).
    form_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def document(self, article: ArticleIn) -> Document:
        """The Document for a request body; blocking (may fetch), so call it on a worker."""
        limit = self.settings.limits.max_bytes
        if article.text is not None or article.html is not None:
            # The core reader's record checks: size (E104), NUL/control text (E102), ...
            fields = article.model_dump(include={"id", "title", "url", "text", "html"})
            doc = document_from_record(fields, name="article", max_bytes=limit)
            doc = replace(doc, source_format="text") if doc.source_format == "record" else doc
        else:
            assert article.url is not None
            doc = fetch_document(
                article.url,
                timeout=self.settings.limits.url_timeout,
                max_bytes=limit,
                allow_private=self.config.allow_private_urls,
            )
        return replace(doc, title=article.title or doc.title, id=article.id or doc.id)

    def pipeline_for(self, options: AnalyzeOptions, pipeline: Pipeline) -> Pipeline:
        """The worker's pipeline, or a view of it running fewer analyzers (nothing reloads)."""
        if options.only is None and not options.skip:
            return pipeline
        for name in [*(options.only or []), *options.skip]:
            if name not in self.loaded:
                raise ConfigError(
                    f"analyzer '{name}' is not loaded in this server "
                    f"(loaded: {', '.join(self.loaded)})"
                )
        return pipeline.select(n for n in options.only or self.loaded if n not in options.skip)

    def analyze(self, article: ArticleIn, options: AnalyzeOptions, pipeline: Pipeline) -> Report:
        """Runs on a worker thread, with that thread's pipeline.

        The server's filesystem paths are its own business: they are dropped from the report.
        """
        report = self.pipeline_for(options, pipeline).run(self.document(article))
        public = {key: value for key, value in report.config.items() if key != "paths"}
        return report.model_copy(update={"config": public})
