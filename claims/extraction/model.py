"""The trained check-worthiness model at run time: standard library only.

The model is a multinomial logistic regression over sublinear TF-IDF of word 1-3-grams (numbers by
shape) and a few sentence-shape features, trained by :mod:`claims.extraction.training` on the
ClaimBuster crowdsourced sentences (classes NFS / UFS / CFS). It ships as gzipped JSON next to this
module, so loading it runs no pickle and needs no network. :func:`features` is the one analyser:
training hands it to scikit-learn, so both sides see exactly the same features.

A sentence's check-worthiness is P(CFS), moved in logit space so that the decision threshold chosen
by cross-validation on the training data maps to 0.5.
"""

from __future__ import annotations

import gzip
import itertools
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("data") / "checkworthiness.json.gz"
MODEL_FORMAT = "checkworthiness-linear/1"
CLASSES: tuple[int, ...] = (-1, 0, 1)  # NFS, UFS, CFS as in the ClaimBuster files
WORD_NGRAMS = (1, 3)  # unigrams, bigrams and trigrams

_WORD = re.compile(r"\w+|[%$\u20ac\u00a3]")


class ModelError(Exception):
    """The model file is missing or does not have the expected shape."""


def _shape(token: str) -> str:
    """Numbers become their shape, so "1960" and "1988" count as one feature."""
    if token.isdigit():
        return "<year>" if len(token) == 4 and token[0] in "12" else "<num>"
    return token


def word_features(sentence: str) -> list[str]:
    """Lower-cased word 1..3-grams (tokens: runs of word characters, and % $ € £; numbers by
    shape), plus three sentence-shape features: how many words after the first are capitalised
    (names), the length in tokens (in fives), and whether it is a question."""
    tokens = [_shape(t) for t in _WORD.findall(sentence.lower())]
    grams = list(tokens)
    grams.extend(map(" ".join, itertools.pairwise(tokens)))
    grams.extend(map(" ".join, zip(tokens, tokens[1:], tokens[2:], strict=False)))
    capitalised = sum(1 for word in sentence.split()[1:] if word[:1].isupper())
    grams.append(f"<caps{min(capitalised, 4)}>")
    grams.append(f"<len{min(len(tokens) // 5, 8)}>")
    if sentence.rstrip().endswith("?"):
        grams.append("<question>")
    return grams


def features(sentence: str) -> list[str]:
    """The model's features for ``sentence`` (training and run time share this function)."""
    return word_features(sentence)


class CheckworthinessModel:
    """A loaded model; :meth:`probability` gives P(check-worthy) for one sentence.

    At load time each feature's idf is folded into its weights, and the weights are kept as the
    differences from the CFS class, so that scoring a sentence is three sums over its known
    features (C-level ``map``), with a slower exact path only when a feature repeats.
    """

    def __init__(self, payload: Mapping[str, Any]) -> None:
        if payload.get("format") != MODEL_FORMAT:
            raise ModelError(f"unknown model format {payload.get('format')!r}")
        try:
            classes = tuple(int(c) for c in payload["classes"])
            intercepts = [float(b) for b in payload["intercepts"]]
            self.threshold = float(payload["threshold"])
            table = payload["features"]
            grams = [str(g) for g in table["grams"]]
            idf = [float(x) for x in table["idf"]]
            weights = [[float(x) for x in row] for row in table["weights"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed model: {exc}") from None
        if classes != CLASSES or len(intercepts) != len(CLASSES) or len(weights) != len(CLASSES):
            raise ModelError(f"model classes {classes} are not {CLASSES}")
        if not all(len(column) == len(grams) for column in (idf, *weights)):
            raise ModelError("model feature columns have different lengths")
        if not 0.0 < self.threshold < 1.0:
            raise ModelError(f"model threshold {self.threshold} is not inside 0..1")
        positive = CLASSES.index(1)
        others = [k for k in range(len(CLASSES)) if k != positive]
        # One row per feature: (idf squared, then idf * (w_k - w_CFS) for each other class k), so
        # that P(CFS) = 1 / (1 + sum_k exp(z_k - z_CFS)) needs one dict lookup per feature.
        self._rows: dict[str, tuple[float, ...]] = {
            g: (v * v, *(v * (weights[k][i] - weights[positive][i]) for k in others))
            for i, (g, v) in enumerate(zip(grams, idf, strict=True))
        }
        self._bias = [intercepts[k] - intercepts[positive] for k in others]
        self.size = len(grams)
        desk = payload.get("desk") or {}
        try:
            self.cue_scale = float(desk.get("scale", 1.0))
            self.cue_bias = float(desk.get("bias", 0.0))
            self.cue_weights = {str(k): float(v) for k, v in (desk.get("cues") or {}).items()}
        except (AttributeError, TypeError, ValueError) as exc:
            raise ModelError(f"malformed desk cue weights: {exc}") from None
        # The most the desk cues can add: every cue with a positive weight fires.
        self.cue_gain = sum(w for w in self.cue_weights.values() if w > 0)
        self.metadata = {k: v for k, v in payload.items() if k != "features"}

    def _margins(self, sentence: str) -> list[float]:
        """z_k - z_CFS for each other class k."""
        grams = word_features(sentence)
        rows = list(filter(None, map(self._rows.get, grams)))
        if not rows:
            return list(self._bias)
        # Sum per occurrence (C-level), then correct the few features that repeat: sublinear tf
        # weighs a feature seen c times by 1 + ln(c), not c.
        norm2, *sums = (sum(column) for column in zip(*rows, strict=True))
        if len(set(grams)) != len(grams):
            for gram, count in Counter(grams).items():
                row = self._rows.get(gram) if count > 1 else None
                if row is not None:
                    tf = 1.0 + math.log(count)
                    norm2 += row[0] * (tf * tf - count)
                    for k in range(len(sums)):
                        sums[k] += row[k + 1] * (tf - count)
        scale = 1.0 / math.sqrt(norm2)
        return [b + total * scale for b, total in zip(self._bias, sums, strict=True)]

    def probability(self, sentence: str) -> float:
        """P(CFS) under the model, 0..1."""
        total = 1.0
        for margin in self._margins(sentence):
            total += math.exp(min(margin, 700.0))
        return 1.0 / total

    def calibrated_logit(self, sentence: str) -> float:
        """logit(P(CFS)) - logit(threshold): positive means check-worthy by the model alone."""
        p = min(max(self.probability(sentence), 1e-12), 1.0 - 1e-12)
        t = self.threshold
        return math.log(p / (1.0 - p)) - math.log(t / (1.0 - t))


def load_model(path: Path | str) -> CheckworthinessModel:
    """Load a model written by :func:`claims.extraction.training.train` (gzipped JSON)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            payload = json.load(handle)
    except FileNotFoundError:
        raise ModelError(
            f"model file {path} is missing; run `python -m claims.extraction train`"
        ) from None
    except (OSError, EOFError, zlib.error, ValueError) as exc:  # truncated or corrupt gzip too
        raise ModelError(f"cannot read model file {path}: {exc}") from None
    if not isinstance(payload, dict):
        raise ModelError(f"model file {path} does not hold a JSON object")
    return CheckworthinessModel(payload)


@lru_cache(maxsize=1)
def shipped_model() -> CheckworthinessModel:
    """The model shipped with the package, loaded once per process."""
    return load_model(MODEL_PATH)


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
