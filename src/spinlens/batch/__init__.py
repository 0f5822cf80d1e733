"""Batch analysis: many articles in, one report per line out, on a local pool or on Spark."""

from spinlens.batch.engine import Job, Progress, Summary
from spinlens.batch.local import run_local
from spinlens.batch.work import Plan

__all__ = ["Job", "Plan", "Progress", "Summary", "run_local"]
