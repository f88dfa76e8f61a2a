"""The run-time check-worthiness model: features, loading, and the scoring formula."""

from __future__ import annotations

import copy
import gzip
import json
import math
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claims.extraction import training
from claims.extraction.model import (
    CLASSES,
    MODEL_FORMAT,
    MODEL_PATH,
    CheckworthinessModel,
    ModelError,
    features,
    load_model,
    shipped_model,
    sigmoid,
)

PROJECT_ROOT = Path(__file__).resolve().parents[3]

SENTENCES = [
    "China and Cuba established diplomatic relations in 1960.",
    "Unemployment in Havana rose to 12 percent last year, the ministry said.",
    "I think this reflects a deeper shift in priorities.",
    "Will the two nations seek to deepen ties?",
    "Over the past two decades, China has invested $3 billion in the region.",
    "It was good.",
]

# A tiny model whose every number is known, so the expected probability can be worked out by
# hand from the formula: sublinear tf (1 + ln c) times idf, L2-normalised, then a softmax over the
# three classes' linear scores.
TINY: dict[str, Any] = {
    "format": MODEL_FORMAT,
    "classes": [-1, 0, 1],
    "intercepts": [0.3, -0.5, 0.1],
    "threshold": 0.4,
    "features": {
        "grams": ["<caps2>", "<year>", "china", "cuba", "cuba cuba", "met", "unused"],
        "idf": [1.3, 1.7, 1.1, 1.5, 2.0, 1.2, 3.0],
        "weights": [
            [0.2, -1.0, 0.1, 0.4, -0.3, -0.6, 5.0],  # NFS
            [-0.1, 0.2, 0.0, -0.2, 0.5, 0.1, -5.0],  # UFS
            [0.3, 1.4, 0.2, 0.7, 0.9, 0.8, 1.0],  # CFS
        ],
    },
    "desk": {"scale": 1.1, "bias": -0.2, "cues": {"question": -0.9}},
}


def tiny_model(**changes: Any) -> CheckworthinessModel:
    return CheckworthinessModel({**copy.deepcopy(TINY), **changes})


def softmax_cfs(scores: list[float]) -> float:
    top = max(scores)
    exps = [math.exp(z - top) for z in scores]
    return exps[CLASSES.index(1)] / sum(exps)


def slow_probability(payload: dict[str, Any], counts: Counter[str]) -> float:
    """P(CFS) computed the long way from the payload and the feature counts of a sentence."""
    table = payload["features"]
    column = {gram: i for i, gram in enumerate(table["grams"])}
    x = {g: (1.0 + math.log(c)) * table["idf"][column[g]] for g, c in counts.items() if g in column}
    norm = math.sqrt(sum(v * v for v in x.values()))
    scores = []
    for bias, row in zip(payload["intercepts"], table["weights"], strict=True):
        dot = sum(row[column[g]] * v for g, v in x.items())
        scores.append(bias + (dot / norm if norm else 0.0))
    return softmax_cfs(scores)


# --- features -------------------------------------------------------------------------------------


def test_features_of_a_sentence() -> None:
    grams = features("Cuba cuba CUBA met China in 1960 and 65 times?")
    counts = Counter(grams)
    assert counts["cuba"] == 3
    assert counts["cuba cuba"] == 2
    assert counts["cuba cuba cuba"] == 1
    assert counts["in <year>"] == 1  # numbers by shape: a year ...
    assert counts["and <num> times"] == 1  # ... or another number
    assert "1960" not in counts and "65" not in counts
    assert counts["<caps2>"] == 1  # "CUBA" and "China" after the first word
    assert counts["<len2>"] == 1  # ten tokens, in fives
    assert counts["<question>"] == 1


@pytest.mark.parametrize(
    "sentence", [*SENTENCES, "", "\u200f\u0645\u0631\u062d\u0628\u0627 \U0001f600"]
)
def test_features_are_deterministic_and_shared_with_training(sentence: str) -> None:
    first = features(sentence)
    assert features(sentence) == first
    # Training hands scikit-learn this same analyser; nothing else produces features.
    assert vars(training)["features"] is features
    assert training._word(sentence) == first


def test_features_and_probabilities_do_not_depend_on_the_hash_seed() -> None:
    probe = (
        "import json, sys\n"
        "from claims.extraction.model import features, shipped_model\n"
        "s = sys.argv[1]\n"
        "print(json.dumps([features(s), shipped_model().probability(s).hex()]))\n"
    )
    sentence = "Cuba, Cuba and China met in 1960, 1960 and 1988 in Havana, Havana."
    outputs = set()
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", probe, sentence],
            capture_output=True,
            cwd=PROJECT_ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            timeout=60,
            check=True,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1
    grams, probability = json.loads(outputs.pop())
    assert grams == features(sentence)
    assert float.fromhex(probability) == shipped_model().probability(sentence)


# --- loading --------------------------------------------------------------------------------------


def write_gz(path: Path, data: bytes) -> Path:
    path.write_bytes(gzip.compress(data, mtime=0))
    return path


def write_payload(path: Path, payload: object) -> Path:
    return write_gz(path, json.dumps(payload).encode("utf-8"))


def test_shipped_model_loads(tmp_path: Path) -> None:
    model = load_model(MODEL_PATH)
    assert model.size > 1000
    assert 0.0 < model.threshold < 1.0
    assert model.metadata["format"] == MODEL_FORMAT
    assert "features" not in model.metadata
    # The tiny payload round-trips through a file as well.
    assert load_model(write_payload(tmp_path / "tiny.json.gz", TINY)).size == 7


def _set(path: tuple[str, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def change(payload: dict[str, Any]) -> None:
        target = payload
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda payload: payload.pop(key)


MALFORMED: dict[str, Callable[[dict[str, Any]], None]] = {
    "wrong format": _set(("format",), "checkworthiness-linear/999"),
    "no format": _drop("format"),
    "no features": _drop("features"),
    "no threshold": _drop("threshold"),
    "features not an object": _set(("features",), [1, 2, 3]),
    "classes reordered": _set(("classes",), [1, 0, -1]),
    "two classes": _set(("classes",), [0, 1]),
    "classes not a list": _set(("classes",), None),
    "intercepts missing one": _set(("intercepts",), [0.1, 0.2]),
    "intercept not a number": _set(("intercepts",), [0.1, "x", 0.2]),
    "weights missing a class": _set(("features", "weights"), [[0.0] * 7, [0.0] * 7]),
    "weights row too short": _set(("features", "weights"), [[0.0] * 7, [0.0] * 6, [0.0] * 7]),
    "idf too long": _set(("features", "idf"), [1.0] * 8),
    "idf not numbers": _set(("features", "idf"), ["a"] * 7),
    "threshold above one": _set(("threshold",), 1.5),
    "threshold zero": _set(("threshold",), 0.0),
    "threshold not a number": _set(("threshold",), "nan"),
    "desk not an object": _set(("desk",), "heavy"),
    "desk cues a list": _set(("desk", "cues"), [1, 2]),
    "desk scale text": _set(("desk", "scale"), "big"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_payload_is_refused(tmp_path: Path, name: str) -> None:
    payload = copy.deepcopy(TINY)
    MALFORMED[name](payload)
    with pytest.raises(ModelError):
        load_model(write_payload(tmp_path / "model.json.gz", payload))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("json array", gzip.compress(b"[1, 2, 3]")),
        ("json string", gzip.compress(b'"model"')),
        ("invalid json", gzip.compress(b'{"format": ')),
        ("invalid utf-8", gzip.compress(b'{"format": "\xff"}')),
        ("empty gzip", gzip.compress(b"")),
        ("not gzip", json.dumps(TINY).encode("utf-8")),
        ("empty file", b""),
        ("truncated gzip", gzip.compress(json.dumps(TINY).encode("utf-8"))[:40]),
    ],
)
def test_unreadable_file_is_refused(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / "model.json.gz"
    path.write_bytes(content)
    with pytest.raises(ModelError, match="model"):
        load_model(path)


def test_corrupt_gzip_is_refused(tmp_path: Path) -> None:
    data = bytearray(MODEL_PATH.read_bytes())
    for i in range(20, 2000, 7):
        data[i] ^= 0xFF
    path = tmp_path / "model.json.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(ModelError):
        load_model(path)


def test_missing_file_is_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="train") as info:
        load_model(tmp_path / "nowhere.json.gz")
    assert "nowhere.json.gz" in str(info.value)
    with pytest.raises(ModelError):
        load_model(tmp_path)  # a folder, not a file


# --- probabilities --------------------------------------------------------------------------------

ODD_INPUT = {
    "empty": "",
    "spaces": "   \n\t",
    "5,000 words": " ".join(["China", "met", "Cuba", "in", "1960", "and", "said"] * 715),
    "one word 5,000 times": "cuba " * 5000,
    "emoji": "\U0001f1e8\U0001f1fa \U0001f91d \U0001f1e8\U0001f1f3 \U0001f600\U0001f600",
    "rtl": "\u0627\u0644\u0635\u064a\u0646 \u0648\u0643\u0648\u0628\u0627 "
    "\u0623\u0642\u0627\u0645\u062a\u0627 \u0639\u0644\u0627\u0642\u0627\u062a \u0641\u064a 1960.",
    "rtl marks": "\u200f\u202eCuba\u202c met China in 1960.\u200e",
    "punctuation": "?!.,;:" * 100,
    "digits": "1" * 5000,
}


@pytest.mark.parametrize("name", sorted(ODD_INPUT))
def test_probability_is_in_the_unit_interval_for_odd_input(name: str) -> None:
    text = ODD_INPUT[name]
    for model in (shipped_model(), tiny_model()):
        p = model.probability(text)
        assert 0.0 <= p <= 1.0
        assert math.isfinite(model.calibrated_logit(text))


@pytest.mark.parametrize("sentence", [*SENTENCES, *ODD_INPUT.values()])
def test_calibrated_logit_is_positive_exactly_above_the_threshold(sentence: str) -> None:
    for model in (shipped_model(), tiny_model(), tiny_model(threshold=0.2)):
        p = model.probability(sentence)
        logit = model.calibrated_logit(sentence)
        assert (logit > 0) == (p >= model.threshold), (p, model.threshold)
        # and it is the threshold-shifted logit of the probability
        t = model.threshold
        assert sigmoid(logit + math.log(t / (1 - t))) == pytest.approx(p, abs=1e-9)


def test_calibrated_logit_sign_against_a_grid_of_thresholds() -> None:
    sentence = "Cuba met China."
    p = tiny_model().probability(sentence)
    for t in (p - 0.1, p - 1e-6, p + 1e-6, p + 0.1):
        logit = tiny_model(threshold=t).calibrated_logit(sentence)
        assert (logit > 0) == (p >= t), t


# --- the fast summing path against the formula ----------------------------------------------------


def test_tiny_model_by_hand() -> None:
    # "Cuba cuba CUBA met China." -> cuba x3, "cuba cuba" x2, met, china, <caps2>, and grams the
    # tiny model does not know. Worked out here without the model's analyser.
    counts: dict[str, int] = {"cuba": 3, "cuba cuba": 2, "met": 1, "china": 1, "<caps2>": 1}
    idf = dict(zip(TINY["features"]["grams"], TINY["features"]["idf"], strict=True))
    x = {g: (1.0 + math.log(c)) * idf[g] for g, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in x.values()))
    scores = []
    for bias, row in zip(TINY["intercepts"], TINY["features"]["weights"], strict=True):
        weight = dict(zip(TINY["features"]["grams"], row, strict=True))
        scores.append(bias + sum(weight[g] * v for g, v in x.items()) / norm)
    expected = softmax_cfs(scores)
    sentence = "Cuba cuba CUBA met China."
    known = {g: c for g, c in Counter(features(sentence)).items() if g in idf}
    assert known == counts
    assert tiny_model().probability(sentence) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "sentence",
    [
        "Cuba cuba CUBA met China.",
        "Cuba met China.",  # nothing repeats: the pure summing path
        "cuba " * 40 + "met china china china in 1960 1960 1988.",
        "Nothing the tiny model knows.",
        "",
    ],
)
def test_tiny_model_fast_path_equals_the_formula(sentence: str) -> None:
    expected = slow_probability(TINY, Counter(features(sentence)))
    assert tiny_model().probability(sentence) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_no_known_feature_gives_the_intercepts_alone() -> None:
    model = tiny_model(features={"grams": ["absent"], "idf": [1.0], "weights": [[1.0]] * 3})
    assert model.probability("Cuba met China.") == pytest.approx(
        softmax_cfs(TINY["intercepts"]), rel=1e-12
    )


@pytest.fixture(scope="module")
def shipped_payload() -> dict[str, Any]:
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        payload: dict[str, Any] = json.load(handle)
    return payload


REPEATING = [
    "The talks, the visit and the deal: the minister said the the deal was the first.",
    "China, China, China and Cuba, Cuba met in 1960, 1961 and 1962 in Havana and Havana.",
    "In 1960 \u00c1lvarez met Chen, and in 1960 Chen met \u00c1lvarez, and so on and so on.",
    "said said said said said said said said said said said said said said said said",
    "It is what it is, and it was what it was.",
    "cuba " * 2500,
]


@pytest.mark.parametrize("sentence", REPEATING + SENTENCES)
def test_shipped_model_fast_path_equals_the_formula(
    shipped_payload: dict[str, Any], sentence: str
) -> None:
    counts = Counter(features(sentence))
    expected = slow_probability(shipped_payload, counts)
    assert shipped_model().probability(sentence) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_repeated_sentences_do_repeat_features() -> None:
    for sentence in REPEATING:
        assert max(Counter(features(sentence)).values()) > 1, sentence
