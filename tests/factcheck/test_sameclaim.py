"""The same-claim decision: a fact-check is reported only when it states the sentence's claim
(same names, numbers, predicate), not when it is merely about the same topic; and
``factcheck match --only-matches`` prints exactly what the analyzer would report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from spinlens.factcheck.importers import read_checkthat2020
from spinlens.factcheck.match import Matcher
from spinlens.factcheck.sameclaim import FEATURES, describe, shipped_sameclaim, text_features
from spinlens.factcheck.store import FactCheck, FactCheckStore
from tests.core.cli_runner import run_cli

DATA = Path(__file__).parent / "data"
DESK = [
    FactCheck(
        "us-bases",
        "The US military has bases in Pakistan and Turkmenistan, all around Iran",
        "False",
        "false",
        "Desk",
        "https://desk.example.org/us-bases",
    ),
    FactCheck(
        "peace-talks",
        "Soleimani was on his way to peace talks he was invited to by US officials when he "
        "was killed",
        "False",
        "false",
        "Desk",
        "https://desk.example.org/peace-talks",
    ),
    FactCheck(
        "unemployment",
        "Unemployment in Ohio fell to 3 percent in 2019",
        "False",
        "false",
        "Desk",
        "https://desk.example.org/ohio",
    ),
]
SAME = "However, the US military has bases all around Iran in Pakistan, Turkmenistan and Oman."
TOPIC_ONLY = (
    "Iraqi lawmakers passed a resolution demanding US withdrawal after Soleimani's killing."
)


def _features(query: str, claim: str) -> dict[str, float]:
    q, c = describe([query, claim])
    names = FEATURES[FEATURES.index("numbers_missing") :]
    return dict(zip(names, text_features(query, claim, q, c), strict=True))


def test_a_different_number_or_year_is_a_different_claim() -> None:
    claim = "Unemployment in Ohio fell to 3 percent in 2019"
    same = _features("Ohio's unemployment fell to 3 percent in 2019, officials said.", claim)
    other = _features("Ohio's unemployment fell to 7 percent in 2016, officials said.", claim)
    assert same["numbers_missing"] == 0 and same["covered"] == 1
    assert other["numbers_conflict"] == 1 and other["years_conflict"] == 1
    assert other["covered"] == 0


def test_a_missing_name_or_a_negation_breaks_coverage() -> None:
    claim = "Soleimani was invited to peace talks by US officials"
    assert _features("Soleimani was invited to peace talks by US officials.", claim)["covered"]
    moved = _features("Nasrallah was invited to peace talks by US officials.", claim)
    assert moved["names_missing"] > 0 and not moved["covered"]
    denied = _features("Soleimani was not invited to peace talks by US officials.", claim)
    assert denied["negation_mismatch"] == 1 and not denied["covered"]


@pytest.fixture(scope="module")
def desk_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The desk's fact-checks among the test's CheckThat! sample (a database of three claims
    alone makes every top candidate look far ahead of the next)."""
    path = tmp_path_factory.mktemp("desk") / "fc.sqlite"
    with FactCheckStore(path) as store:
        store.upsert(read_checkthat2020(DATA / "verified_claims.docs.tsv"))
        store.upsert(DESK)
    return path


def test_same_claim_is_matched_and_same_topic_is_not(desk_db: Path) -> None:
    threshold = shipped_sameclaim().threshold
    with FactCheckStore(desk_db, create=False) as store:
        same, topic = Matcher(store).match([SAME, TOPIC_ONLY], top=3, same_claim=threshold)
    assert [m.record.id for m in same] == ["us-bases"]
    assert same[0].probability >= threshold and same[0].rank == 1
    assert topic == []


def _queries(tmp_path: Path) -> Path:
    path = tmp_path / "q.tsv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerows([("s1", SAME), ("s2", TOPIC_ONLY)])
    return path


def test_only_matches_prints_the_pairs_the_analyzer_reports(desk_db: Path, tmp_path: Path) -> None:
    queries = _queries(tmp_path)
    args = ("factcheck", "match", str(queries), "--db", str(desk_db), "--top", "3")
    everything = run_cli(*args, "--format", "json")
    assert {json.loads(line)["qid"] for line in everything.stdout.splitlines()} == {"s1", "s2"}
    trec = run_cli(*args, "--only-matches")
    assert trec.exit_code == 0, trec.stderr
    assert [line.split("\t")[:4] for line in trec.stdout.splitlines()] == [
        ["s1", "Q0", "us-bases", "1"]
    ]
    rows = [
        json.loads(line)
        for line in run_cli(*args, "--only-matches", "-f", "json").stdout.splitlines()
    ]
    assert [(r["qid"], r["claim_id"]) for r in rows] == [("s1", "us-bases")]
    assert rows[0]["probability"] >= shipped_sameclaim().threshold


def _counting_cross_encoder(path: Path) -> None:
    """A stand-in cross-encoder: its logit is the pair's number of word pieces."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    nodes = [
        helper.make_node("Cast", ["attention_mask"], ["m"], to=TensorProto.FLOAT),
        helper.make_node("ReduceSum", ["m", "axes"], ["logits"], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes,
        "count",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "t"]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["b"])],
        [helper.make_tensor("axes", TensorProto.INT64, [1], [1])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


def _stacked(folder: Path, cross_weight: float, cross_file: str = "sameclaim.onnx") -> Path:
    """A ``sameclaim.json`` that stacks the cross-encoder: only its logit counts."""
    from spinlens.factcheck.sameclaim import CROSS_FEATURE, MODEL_FILE

    n = len(FEATURES) + 1
    payload = {
        "features": [*FEATURES, CROSS_FEATURE],
        "cross_encoder": cross_file,
        "mean": [0.0] * n,
        "scale": [1.0] * n,
        "weights": [0.0] * (n - 1) + [cross_weight],
        "bias": -28.0,
        "threshold": 0.5,
    }
    path = folder / MODEL_FILE
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


def test_a_stacked_model_reads_its_cross_encoder_once_per_candidate(tmp_path: Path) -> None:
    import shutil

    from spinlens.factcheck.sameclaim import SameClaimModel
    from spinlens.models.runtime import model_dir

    shutil.copy(model_dir("claim-reranker") / "tokenizer.json", tmp_path / "tokenizer.json")
    _counting_cross_encoder(tmp_path / "sameclaim.onnx")
    model = SameClaimModel.load(_stacked(tmp_path, 1.0))
    assert model.cross == tmp_path / "sameclaim.onnx"
    claims = ["Short claim.", "A much longer claim about the US bases in Pakistan and Oman."]
    x = model.features(SAME, claims, [(0.5,) * 10, (0.4,) * 10], [0.9, 0.2])
    assert x.shape == (2, len(FEATURES) + 1)
    # [CLS] query [SEP] claim [SEP]: 23 and 33 word pieces with the claim-reranker tokenizer
    assert x[:, -1].tolist() == [23.0, 33.0]
    p = model.probability(x)
    assert p[0] < 0.5 < p[1]  # bias -28: only pairs over 28 word pieces pass
    assert model.features(SAME, [], [], []).shape[0] == 0


def test_a_stacked_model_without_its_cross_encoder_is_refused(tmp_path: Path) -> None:
    from spinlens.factcheck.sameclaim import SameClaimModel

    with pytest.raises(ValueError, match="needs the cross-encoder"):
        SameClaimModel.load(_stacked(tmp_path, 1.0, "missing.onnx"))
