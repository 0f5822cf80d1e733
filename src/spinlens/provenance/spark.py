"""The Spark engine for corpus reuse: the local engine's steps as RDD stages.

Runs in local mode (``local[2]``) or against a cluster URL; the per-document and per-pair
functions are the local engine's own, so both engines give the same pairs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from operator import add
from typing import Any

from spinlens.errors import require
from spinlens.provenance.reuse import (
    ReuseConfig,
    ReusePair,
    features,
    pairs_in_group,
    sort_pairs,
    verify,
)


def find_reuse_spark(
    docs: Sequence[tuple[str, str]],
    config: ReuseConfig | None = None,
    *,
    master: str = "local[2]",
    partitions: int | None = None,
) -> list[ReusePair]:
    require("pyspark", "spark")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    cfg = config or ReuseConfig()
    slices = partitions or max(2, min(64, len(docs) // 500 + 1))
    spark = (
        SparkSession.builder.master(master)
        .appName("spinlens-reuse")
        .config("spark.ui.enabled", "false")
        .config("spark.default.parallelism", str(slices))
        .config("spark.sql.shuffle.partitions", str(slices))
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    try:
        sc = spark.sparkContext
        sc.setLogLevel("ERROR")
        feats = sc.parallelize(list(docs), slices).map(lambda d: features(d, cfg)).cache()
        shingles = feats.map(lambda f: (f[0], f[1]))
        candidates = (
            feats.flatMap(lambda f: [(h, f[0]) for h in f[2]])
            .groupByKey()
            .flatMap(lambda kv: pairs_in_group(kv[1], cfg))
            .map(lambda pair: (pair, 1))
            .reduceByKey(add)
            .filter(lambda kv: kv[1] >= cfg.min_shared_prints)
            .keys()
        )
        with_a: Any = candidates.join(shingles).map(lambda kv: (kv[1][0], (kv[0], kv[1][1])))
        verified = (
            with_a.join(shingles)
            .map(lambda kv: verify(kv[1][0][0], kv[0], kv[1][0][1], kv[1][1], cfg))
            .filter(lambda p: p is not None)
            .collect()
        )
    finally:
        spark.stop()
    return sort_pairs(verified)
