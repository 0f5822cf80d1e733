"""The Spark engine: the same per-task work as the local engine, run by pyspark.

Input files become one DataFrame of raw items (JSONL lines, CSV rows as JSON, whole files
via ``binaryFile``); a first ``mapInPandas`` turns them into keyed tasks exactly as the
local engine does, ids already in OUT are removed with an anti-join, and a second
``mapInPandas`` analyses them. Each Python worker builds its pipeline once (models load
once per executor process, reused across tasks since Spark reuses Python workers).
OUT is a folder of part files (JSONL or Parquet), appended to on a rerun.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spinlens.batch.engine import Job, Summary
from spinlens.batch.output import LineWriter
from spinlens.batch.tasks import BadRecord, Task, task_from_line
from spinlens.batch.work import Outcome, Plan, preflight, process
from spinlens.document.loaders import Unit, reader_for
from spinlens.errors import (
    ConfigError,
    EmptyInputError,
    InputError,
    MissingDependencyError,
    require,
)

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

RAW_SCHEMA = "origin string, kind string, line string, content binary"
TASK_SCHEMA = (
    "key string, origin string, kind string, line string, content binary, code string, error string"
)
OUT_SCHEMA = (
    "id string, origin string, report string, code string, error string, "
    "timings map<string, double>"
)
TASK_COLUMNS = ["key", "origin", "kind", "line", "content", "code", "error"]
OUT_COLUMNS = ["id", "origin", "report", "code", "error", "timings"]
FORMATS = ("jsonl", "parquet")


def java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and Path(home, "bin", "java").exists()))


def spark_session(master: str, app_name: str = "spinlens") -> SparkSession:
    """A session whose Python workers run this interpreter, with small Arrow batches."""
    require("pyspark", "spark")
    if not java_available():
        raise MissingDependencyError(
            "the Spark engine needs Java 17 (e.g. openjdk-17-jre-headless)"
        )
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "32")
        .config("spark.python.worker.reuse", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "true")
        .config("spark.sql.shuffle.partitions", "8")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    return session


def _input_files(sources: tuple[str, ...]) -> dict[str, list[str]]:
    """Input paths grouped by how Spark reads them; directories are walked here."""
    groups: dict[str, list[str]] = {"jsonl": [], "csv": [], "tsv": [], "file": [], "empty": []}
    for source in sources:
        path = Path(source)
        if source == "-":
            raise InputError("the Spark engine reads files, not stdin")
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        for file in _walk(path):
            reader = reader_for(file)
            if reader is not None and reader.name == "jsonl":
                groups["jsonl"].append(str(file.resolve()))
            elif reader is not None and reader.name == "csv":
                groups[file.suffix.lower().lstrip(".")].append(str(file.resolve()))
            elif reader is not None and reader.name == "json":
                raise InputError(f"{file}: the Spark engine reads JSONL, not JSON arrays")
            elif reader is not None:
                raise InputError(
                    f"{file}: the Spark engine reads JSONL, CSV/TSV and article files, "
                    f"not {reader.name}; use the local engine"
                )
            elif file.stat().st_size == 0:  # binaryFile skips these silently; report them
                groups["empty"].append(str(file.resolve()))
            else:
                groups["file"].append(str(file.resolve()))
    return groups


def _walk(path: Path) -> list[Path]:
    """A file, or a folder's files sorted by name, leaving out hidden ones (as locally)."""
    if not path.is_dir():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


def read_raw(spark: SparkSession, groups: dict[str, list[str]]) -> DataFrame:
    """One row per JSONL line, CSV row (as a JSON object) or whole file."""
    from pyspark.sql import functions as F

    frames: list[DataFrame] = []
    empty_content = F.lit(None).cast("binary")
    if groups["jsonl"]:
        lines = spark.read.text(groups["jsonl"]).where(F.trim("value") != "")
        frames.append(
            lines.select(
                F.input_file_name().alias("origin"),
                F.lit("line").alias("kind"),
                F.col("value").alias("line"),
                empty_content.alias("content"),
            )
        )
    for kind, sep in (("csv", ","), ("tsv", "\t")):
        if groups[kind]:
            table = spark.read.csv(groups[kind], header=True, multiLine=True, escape='"', sep=sep)
            frames.append(
                table.select(
                    F.input_file_name().alias("origin"),
                    F.lit("line").alias("kind"),
                    F.to_json(F.struct(*table.columns)).alias("line"),
                    empty_content.alias("content"),
                )
            )
    if groups["file"]:
        files = spark.read.format("binaryFile").load(groups["file"])
        frames.append(
            files.select(
                F.col("path").alias("origin"),
                F.lit("file").alias("kind"),
                F.lit(None).cast("string").alias("line"),
                F.col("content"),
            )
        )
    if groups["empty"]:
        rows = [(f"file:{path}", "empty", None, None) for path in groups["empty"]]
        frames.append(spark.createDataFrame(rows, RAW_SCHEMA))
    if not frames:
        raise InputError("no input files found")
    raw = frames[0]
    for frame in frames[1:]:
        raw = raw.unionByName(frame)
    return raw


def tasks_of(max_bytes: int) -> Any:
    """mapInPandas function: raw rows to keyed tasks (or bad records), as read locally."""

    def to_tasks(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        for batch in batches:
            yield _task_frame(batch, max_bytes)

    return to_tasks


def _task_frame(batch: pd.DataFrame, max_bytes: int) -> pd.DataFrame:
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for origin, kind, line, content in batch.itertuples(index=False):
        key = Unit(origin, "file", path=origin).key
        if kind == "file":
            rows.append(_task_row(key, origin, kind, None, content))
            continue
        if kind == "empty":  # as the local engine reports an empty article file
            row = _task_row(key, origin, kind, None, None)
            error = EmptyInputError(f"{origin}: input is empty")
            rows.append({**row, "code": error.code, "error": str(error)})
            continue
        item = task_from_line(line, origin, max_bytes)
        if isinstance(item, BadRecord):
            # Spark gives no line numbers; the line's start lets a reader find it.
            message = f"{item.error} (the line begins {line[:80]!r})"
            row = _task_row(item.key, origin, kind, line, None)
            rows.append({**row, "code": item.error.code, "error": message})
        else:
            rows.append(_task_row(item.key, origin, kind, line, None))
    return pd.DataFrame(rows, columns=TASK_COLUMNS)


def _task_row(
    key: str | None, origin: str, kind: str, line: str | None, content: bytes | None
) -> dict[str, Any]:
    return {
        "key": key,
        "origin": origin,
        "kind": kind,
        "line": line,
        "content": content,
        "code": None,
        "error": None,
    }


def analyzer(plan: Plan) -> Any:
    """mapInPandas function analysing tasks with this worker's (cached) pipeline."""

    def analyze(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import pandas as pd

        os.environ.setdefault("SPINLENS_THREADS", "1")
        for batch in batches:
            rows = []
            for key, origin, kind, line, content in batch[
                ["key", "origin", "kind", "line", "content"]
            ].itertuples(index=False):
                item = _task(key, origin, kind, line, content, plan)
                outcome = (
                    process(item, plan)
                    if isinstance(item, Task)
                    else Outcome(key, origin, error=str(item.error), code=item.error.code)
                )
                rows.append(
                    {
                        "id": key,
                        "origin": origin,
                        "report": outcome.report,
                        "code": outcome.code,
                        "error": outcome.error,
                        "timings": dict(outcome.timings),
                    }
                )
            yield pd.DataFrame(rows, columns=OUT_COLUMNS)

    return analyze


def _task(
    key: str, origin: str, kind: str, line: str | None, content: bytes | None, plan: Plan
) -> Task | BadRecord:
    """The task a row stands for: lines were checked by ``tasks_of`` and are read again."""
    if kind == "file":
        return Task(key, Unit(origin, "file", path=origin, data=bytes(content or b"")))
    max_bytes = int(plan.settings.get("limits", {}).get("max_bytes", 5_000_000))
    item = task_from_line(line or "", origin, max_bytes)
    return Task(key, item.unit) if isinstance(item, Task) else item


def done_ids_frame(spark: SparkSession, out: Path, out_format: str) -> DataFrame | None:
    """Ids already written to OUT (a folder of part files), or None on a first run."""
    from pyspark.sql import functions as F

    if not out.exists() or not any(out.glob("part-*")):
        return None
    if out_format == "parquet":
        return spark.read.parquet(str(out)).select(F.col("id").alias("key"))
    reports = spark.read.text(str(out))
    return reports.select(F.get_json_object("value", "$.document.id").alias("key"))


def run_spark(
    job: Job,
    *,
    master: str = "local[*]",
    out_format: str = "jsonl",
    spark: SparkSession | None = None,
) -> Summary:
    """Analyse ``job`` on Spark; OUT becomes (or grows) a folder of part files."""
    if out_format not in FORMATS:
        raise ConfigError(f"unknown output format '{out_format}' (choose jsonl or parquet)")
    if job.out.exists() and not job.out.is_dir():
        raise ConfigError(f"{job.out} is a file; the Spark engine writes a folder of part files")
    groups = _input_files(job.sources)  # bad inputs fail before models load and Spark starts
    preflight(job.plan, keep=False)
    own = spark is None
    session = spark or spark_session(master)
    try:
        return _run(session, job, out_format, groups)
    finally:
        if own:
            session.stop()


def _run(spark: SparkSession, job: Job, out_format: str, groups: dict[str, list[str]]) -> Summary:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    began = time.perf_counter()
    summary = Summary()
    tasks = read_raw(spark, groups).mapInPandas(tasks_of(job.max_bytes), TASK_SCHEMA)
    tasks = tasks.persist(StorageLevel.MEMORY_AND_DISK)
    good = tasks.where(F.col("error").isNull())
    fresh_count = good.count()
    done = done_ids_frame(spark, job.out, out_format)
    repeated_done = 0
    if done is not None:
        # "already in OUT" counts distinct ids, as the local engine does: an id repeated in
        # the input is a duplicate on every run, so the count matches the reports in OUT
        seen = good.join(done.distinct(), on="key", how="left_semi").groupBy("key").count()
        rows, summary.already_done = seen.agg(F.sum("count"), F.count("key")).first() or (0, 0)
        repeated_done = int(rows or 0) - summary.already_done
        good = good.join(done, on="key", how="left_anti")
        fresh_count = good.count()
    width = max(8, spark.sparkContext.defaultParallelism * 2)
    unique = good.dropDuplicates(["key"]).repartition(width)
    results = unique.mapInPandas(analyzer(job.plan), OUT_SCHEMA)
    results = results.persist(StorageLevel.MEMORY_AND_DISK)
    written = results.where(F.col("report").isNotNull())
    if out_format == "parquet":
        written.select("id", "report").write.mode("append").parquet(str(job.out))
    else:
        written.select("report").write.mode("append").text(str(job.out))
    ok: dict[bool, int] = dict(results.groupBy(F.col("report").isNotNull()).count().collect())
    summary.written = ok.get(True, 0)
    summary.bad = _write_errors(job, tasks, results)
    summary.duplicates = fresh_count - summary.written - ok.get(False, 0) + repeated_done
    for name, seconds in (
        written.select(F.explode("timings")).groupBy("key").agg(F.sum("value")).collect()
    ):
        summary.analyzer_seconds[name] = float(seconds)
    tasks.unpersist()
    results.unpersist()
    summary.seconds = time.perf_counter() - began
    return summary


def _write_errors(job: Job, tasks: DataFrame, results: DataFrame) -> int:
    """Bad input and failed analyses to the side file, streamed through the driver."""
    from pyspark.sql import functions as F

    bad_input = tasks.where(F.col("error").isNotNull()).select(
        F.col("origin"), F.col("key").alias("id"), "code", "error"
    )
    failed = results.where(F.col("report").isNull()).select("origin", "id", "code", "error")
    count = 0
    with LineWriter(job.errors, truncate=True) as errors:
        for row in bad_input.unionByName(failed).coalesce(1).toLocalIterator():
            errors.write_json(row.asDict())
            count += 1
    return count
