"""Training the check-worthiness model: ``python -m claims.extraction train``.

scikit-learn does the fitting (imported here only, never at run time). The features come from
:func:`claims.extraction.model.features`, the same function the run-time scorer uses, and the
fitted model is written as gzipped JSON (sorted keys, rounded weights, no timestamp), so the same
data and library versions give a byte-identical file.

Choices, all made by cross-validation on the training file alone (5 folds grouped by debate, so
one debate's sentences are never on both sides):
- three classes (NFS / UFS / CFS) rather than CFS against the rest: the model learns what makes a
  sentence factual but unimportant, and P(CFS) ranks better;
- word 1-3-grams with numbers by shape ("<year>", "<num>"), plus the count of capitalised words,
  the length and a question mark, in one sublinear, L2-normalised TF-IDF block (character n-grams
  scored 0.007 higher in cross-validation but cost ten times as much at run time);
- L2-regularised multinomial logistic regression with C = 2;
- the decision threshold that maximises the CFS F1 of the out-of-fold predictions.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import CLASSES, MODEL_FORMAT, WORD_NGRAMS, features

C = 2.0
MIN_DF = 2
FOLDS = 5
THRESHOLD_GRID = [round(0.2 + 0.01 * i, 2) for i in range(61)]  # 0.20 .. 0.80
DIGITS = 6  # significant digits kept for each weight


@dataclass(frozen=True)
class Labelled:
    """One ClaimBuster row: ``verdict`` is -1 (NFS), 0 (UFS) or 1 (CFS); ``group`` the debate."""

    text: str
    verdict: int
    group: str


def read_claimbuster(path: Path | str) -> list[Labelled]:
    """Rows of a ClaimBuster CSV (columns Text, Verdict, File_id)."""
    rows: list[Labelled] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                Labelled(text=row["Text"], verdict=int(row["Verdict"]), group=row["File_id"])
            )
    if not rows:
        raise ValueError(f"{path} has no rows")
    return rows


def confusion(truth: Sequence[bool], predicted: Sequence[bool]) -> tuple[int, int, int]:
    """(true positives, false positives, false negatives) of the positive class."""
    tp = sum(1 for t, p in zip(truth, predicted, strict=True) if t and p)
    fp = sum(1 for t, p in zip(truth, predicted, strict=True) if p and not t)
    fn = sum(1 for t, p in zip(truth, predicted, strict=True) if t and not p)
    return tp, fp, fn


def f1_positive(truth: Sequence[bool], predicted: Sequence[bool]) -> float:
    """F1 of the positive class."""
    tp, fp, fn = confusion(truth, predicted)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def _word(sentence: str) -> list[str]:
    return features(sentence)


def _fit(texts: Sequence[str], labels: Sequence[int]) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    word = TfidfVectorizer(analyzer=_word, min_df=MIN_DF, sublinear_tf=True)
    matrix = word.fit_transform(texts)
    model = LogisticRegression(C=C, max_iter=5000)
    model.fit(matrix, list(labels))
    return word, model


def _predict(fitted: tuple[Any, Any], texts: Sequence[str]) -> list[float]:
    word, model = fitted
    matrix = word.transform(texts)
    positive = list(model.classes_).index(1)
    return [float(p) for p in model.predict_proba(matrix)[:, positive]]


def cross_validated_threshold(rows: Sequence[Labelled]) -> tuple[float, float, list[float]]:
    """(threshold, out-of-fold F1 of CFS at it, the out-of-fold P(CFS) of every row), folds
    grouped by debate."""
    from sklearn.model_selection import GroupKFold

    texts = [r.text for r in rows]
    truth = [r.verdict == 1 for r in rows]
    out_of_fold = [0.0] * len(rows)
    folds = GroupKFold(n_splits=FOLDS).split(texts, groups=[r.group for r in rows])
    for train_idx, test_idx in folds:
        fitted = _fit([texts[i] for i in train_idx], [rows[i].verdict for i in train_idx])
        for i, p in zip(test_idx, _predict(fitted, [texts[i] for i in test_idx]), strict=True):
            out_of_fold[i] = p
    best = max(
        THRESHOLD_GRID,
        key=lambda t: (f1_positive(truth, [p >= t for p in out_of_fold]), -abs(t - 0.5)),
    )
    return best, f1_positive(truth, [p >= best for p in out_of_fold]), out_of_fold


def fit_desk_weights(
    rows: Sequence[Labelled], out_of_fold: Sequence[float], threshold: float
) -> dict[str, Any]:
    """Weights of the desk cues: a logistic regression of CFS on the model's out-of-fold logit
    (shifted so its threshold is 0) and one indicator per cue. Its bias is then moved so that
    the F1-best threshold of the combined score sits at 0.5, like the model's own."""
    from sklearn.linear_model import LogisticRegression

    from .scoring import sentence_cues

    def logit(p: float) -> float:
        p = min(max(p, 1e-9), 1 - 1e-9)
        return math.log(p / (1 - p))

    fired = [sentence_cues(r.text) for r in rows]
    names = sorted({name for cues in fired for name in cues})
    column = {name: i + 1 for i, name in enumerate(names)}
    matrix = []
    for p, cues in zip(out_of_fold, fired, strict=True):
        line = [0.0] * (len(names) + 1)
        line[0] = logit(p) - logit(threshold)
        for name in cues:
            line[column[name]] = 1.0
        matrix.append(line)
    truth = [r.verdict == 1 for r in rows]
    stacker = LogisticRegression(C=1.0, max_iter=5000).fit(matrix, truth)
    coef = [float(c) for c in stacker.coef_[0]]
    bias = float(stacker.intercept_[0])
    margins = [bias + sum(c * x for c, x in zip(coef, line, strict=True)) for line in matrix]
    best = max(
        THRESHOLD_GRID,
        key=lambda t: (f1_positive(truth, [m >= logit(t) for m in margins]), -abs(t - 0.5)),
    )
    return {
        "scale": _round(coef[0]),
        "bias": _round(bias - logit(best)),
        "cues": {name: _round(coef[column[name]]) for name in names},
        "threshold": best,
        "f1_cfs_in_sample": round(f1_positive(truth, [m >= logit(best) for m in margins]), 4),
    }


def _round(x: float) -> float:
    return float(f"{x:.{DIGITS}g}")


def build_payload(rows: Sequence[Labelled], *, source: str, data_sha256: str) -> dict[str, Any]:
    """Fit on all ``rows`` and return the JSON-ready model (threshold from cross-validation)."""
    import sklearn

    threshold, cv_f1, out_of_fold = cross_validated_threshold(rows)
    desk = fit_desk_weights(rows, out_of_fold, threshold)
    word, model = _fit([r.text for r in rows], [r.verdict for r in rows])
    order = [list(model.classes_).index(c) for c in CLASSES]
    coef = model.coef_
    vocabulary = sorted(word.vocabulary_.items())
    table = {
        "grams": [gram for gram, _column in vocabulary],
        "idf": [_round(float(word.idf_[column])) for _gram, column in vocabulary],
        "weights": [
            [_round(float(coef[k, column])) for _gram, column in vocabulary] for k in order
        ],
    }
    counts = {str(c): sum(1 for r in rows if r.verdict == c) for c in CLASSES}
    return {
        "format": MODEL_FORMAT,
        "classes": list(CLASSES),
        "intercepts": [_round(float(model.intercept_[k])) for k in order],
        "threshold": threshold,
        "features": table,
        "desk": desk,
        "training": {
            "data": source,
            "data_sha256": data_sha256,
            "rows": len(rows),
            "rows_per_class": counts,
            "cv_folds": FOLDS,
            "cv_f1_cfs": round(cv_f1, 4),
            "C": C,
            "min_df": MIN_DF,
            "word_ngrams": list(WORD_NGRAMS),
            "scikit_learn": sklearn.__version__,
        },
    }


def write_model(payload: dict[str, Any], path: Path | str) -> str:
    """Write ``payload`` as deterministic gzipped JSON; returns the file's sha256."""
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, compresslevel=9) as gz:
        gz.write(raw.encode("utf-8"))
    data = buffer.getvalue()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def train(data: Path | str, out: Path | str) -> dict[str, Any]:
    """Train on the ClaimBuster CSV ``data`` and write the model to ``out``; returns a summary."""
    raw = Path(data).read_bytes()
    rows = read_claimbuster(data)
    payload = build_payload(
        rows, source=Path(data).name, data_sha256=hashlib.sha256(raw).hexdigest()
    )
    digest = write_model(payload, out)
    return {**payload["training"], "threshold": payload["threshold"], "model_sha256": digest}
