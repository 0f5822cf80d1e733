"""What every batch engine shares: the job description, the summary and the progress hook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from spinlens.batch.work import Plan


@dataclass(frozen=True, slots=True)
class Job:
    """One batch run: inputs, where reports and bad records go, and what to run."""

    sources: tuple[str, ...]
    out: Path
    errors: Path
    plan: Plan
    workers: int = 1
    max_bytes: int = 5_000_000


@dataclass(slots=True)
class Summary:
    """Counts a batch run reports at the end."""

    written: int = 0
    bad: int = 0
    already_done: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    interrupted: bool = False  # stopped by Ctrl-C or SIGTERM; rerun to resume
    analyzer_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.written / self.seconds if self.seconds > 0 else 0.0


class Progress:
    """Hook the CLI fills with a progress bar; the default does nothing."""

    def start(self, total: int | None) -> None:
        """Called once, with the number of items when it is known."""

    def advance(self, n: int = 1) -> None:
        """Called after each item is written, skipped or reported bad."""


ProgressFactory = Callable[[], Progress]
