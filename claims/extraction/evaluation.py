"""``python -m claims.extraction evaluate``: every quality figure, measured on ``../shared/eval``.

- The seed article against its gold file: key claims found, share of gold claims found, share of
  extracted claims that come from sentences marked not checkable or headings, spans inside the
  text, and the consistency finding.
- ClaimBuster: F1 of the check-worthy class on the expert set (``groundtruth.csv``) through the
  ``score`` command, next to a TF-IDF + logistic regression baseline trained on the same training
  file in the same run (scikit-learn defaults), and the trained model without the desk cues.
- Factcheck-Bench: sentence check-worthiness F1 (subtask 1), and our atomic statements against the
  gold claims of each sentence (counts and a token-overlap match rate).
- The unlabelled news articles: how many claims, findings and ambiguous claims each gives.

Nothing here tunes anything: the figures are measured, printed and left alone.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .atomic import split_statements
from .entities import find_entities
from .pipeline import extract_article
from .scoring import score_sentence
from .text import split_sentences
from .training import confusion

MATCH_OVERLAP = 0.5  # token F1 at which one of our statements matches a gold claim
_TOKEN = re.compile(r"\w+")


def fold(text: str) -> str:
    """Case and accents folded, curly quotes straightened, for gold key matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("\u2019", "'").replace("\u2018", "'").casefold()


def f1_scores(truth: Sequence[bool], predicted: Sequence[bool]) -> dict[str, float]:
    """Precision, recall and F1 of the positive class, to four decimals."""
    tp, fp, fn = confusion(truth, predicted)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


# --- the seed article -----------------------------------------------------------------------


def evaluate_seed(eval_dir: Path) -> dict[str, Any]:
    text = (eval_dir / "seed-china-cuba.txt").read_text(encoding="utf-8")
    gold = json.loads((eval_dir / "seed-china-cuba.gold.json").read_text(encoding="utf-8"))
    extraction = extract_article(text)
    claims = extraction.claims
    folded = [fold(c.text) for c in claims]
    found: dict[str, bool] = {}
    for item in gold["claims"]:
        keys = [fold(k) for k in item["keys"]]
        found[item["id"]] = any(all(k in f for k in keys) for f in folded)
    key_ids = [item["id"] for item in gold["claims"] if item.get("key")]
    # Sentences that must yield no claim: the sentence each listed opening starts.
    sentences = split_sentences(text)
    banned: list[tuple[int, int, str]] = []
    for kind in ("not_checkable", "headings"):
        for opening in gold[kind]:
            at = text.find(opening)
            if at < 0:
                continue
            end = next((e for s, e in sentences if s <= at < e), at + len(opening))
            banned.append((at, end, kind))
    false_positive = [
        c.text
        for c in claims
        if any(lo <= start < hi for lo, hi, _k in banned for start, _e in c.spans)
    ]
    spans_inside = all(
        0 <= s < e <= len(text) for c in claims for s, e in (c.spans or ((c.start, c.end),))
    )
    expected_year = gold.get("consistency", {}).get("expect_year")
    years = [
        f.value.get("year")
        for f in extraction.findings
        if isinstance(f.value, dict) and f.kind.startswith("anniversary")
    ]
    return {
        "claims": len(claims),
        "gold_claims": len(gold["claims"]),
        "gold_found": sum(found.values()),
        "gold_found_share": round(sum(found.values()) / len(gold["claims"]), 4),
        "key_claims": len(key_ids),
        "key_found": sum(found[i] for i in key_ids),
        "missed": sorted(i for i, ok in found.items() if not ok),
        "from_not_checkable_or_headings": len(false_positive),
        "from_not_checkable_or_headings_share": round(len(false_positive) / len(claims), 4)
        if claims
        else 0.0,
        "false_positive_claims": false_positive,
        "spans_inside_text": spans_inside,
        "ambiguous": sum(1 for c in claims if c.ambiguous),
        "findings": [f.to_dict() for f in extraction.findings],
        "consistency_expected_year": expected_year,
        "consistency_year_found": expected_year in years,
    }


# --- ClaimBuster ----------------------------------------------------------------------------


def _read_claimbuster(path: Path) -> tuple[list[str], list[bool]]:
    texts: list[str] = []
    labels: list[bool] = []
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["Text"])
            labels.append(row["Verdict"] == "1")
    return texts, labels


def score_through_cli(sentences: Sequence[str]) -> list[tuple[str, float]]:
    """Run ``python -m claims.extraction score`` on ``sentences`` (one per line)."""
    lines = "".join(" ".join(s.split()) + "\n" for s in sentences)
    done = subprocess.run(
        [sys.executable, "-m", "claims.extraction", "score"],
        input=lines.encode("utf-8"),
        capture_output=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    out = []
    for line in done.stdout.decode("utf-8").splitlines():
        label, score = line.split("\t")
        out.append((label, float(score)))
    if len(out) != len(sentences):
        raise RuntimeError(f"score printed {len(out)} lines for {len(sentences)} sentences")
    return out


def _baseline_f1(train: tuple[list[str], list[bool]], test: tuple[list[str], list[bool]]) -> float:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer()
    model = LogisticRegression(max_iter=1000)
    model.fit(vectorizer.fit_transform(train[0]), train[1])
    predicted = [bool(p) for p in model.predict(vectorizer.transform(test[0]))]
    return f1_scores(test[1], predicted)["f1"]


def evaluate_claimbuster(eval_dir: Path) -> dict[str, Any]:
    train = _read_claimbuster(eval_dir / "claimbuster" / "crowdsourced.csv")
    texts, labels = _read_claimbuster(eval_dir / "claimbuster" / "groundtruth.csv")
    scored = score_through_cli(texts)
    ours = f1_scores(labels, [label == "Yes" for label, _s in scored])
    model_only = f1_scores(labels, [score_sentence(t, cues=False).label == "Yes" for t in texts])
    baseline = _baseline_f1(train, (texts, labels))
    return {
        "sentences": len(texts),
        "check_worthy": sum(labels),
        "score_cli": ours,
        "model_without_desk_cues": model_only,
        "baseline_tfidf_logreg_f1": round(baseline, 4),
        "gain_over_baseline": round(ours["f1"] - baseline, 4),
    }


# --- Factcheck-Bench ------------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def token_f1(a: str, b: str) -> float:
    """Token-overlap F1 between two statements (bags of lower-cased word tokens)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    pool: dict[str, int] = {}
    for t in tb:
        pool[t] = pool.get(t, 0) + 1
    common = 0
    for t in ta:
        if pool.get(t, 0) > 0:
            common += 1
            pool[t] -= 1
    if not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def evaluate_factcheck_bench(eval_dir: Path) -> dict[str, Any]:
    folder = eval_dir / "factcheck-bench"
    truth: list[bool] = []
    predicted: list[bool] = []
    with open(
        folder / "subtasks" / "subtask1_sentence_checkworthiness.jsonl", encoding="utf-8"
    ) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                truth.append(row["checkworthy"] == "yes")
                predicted.append(score_sentence(row["sentence"]).label == "Yes")
    sentence_f1 = f1_scores(truth, predicted)

    gold_count = ours_count = same_count = sentences = 0
    gold_matched = ours_matched = 0
    with open(folder / "factcheck-GPT-benchmark.jsonl", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            doc = json.loads(line)
            for sentence in doc.get("sentences", {}).values():
                gold = [c for c in sentence.get("claims", []) if isinstance(c, str) and c.strip()]
                text = sentence.get("text") or ""
                if not gold or not text.strip():
                    continue
                entities = find_entities(text, 0)
                ours = [s.text for s in split_statements(text, 0, len(text), entities)]
                sentences += 1
                gold_count += len(gold)
                ours_count += len(ours)
                same_count += len(ours) == len(gold)
                gold_matched += sum(
                    1
                    for g in gold
                    if max((token_f1(g, o) for o in ours), default=0) >= MATCH_OVERLAP
                )
                ours_matched += sum(
                    1
                    for o in ours
                    if max((token_f1(o, g) for g in gold), default=0) >= MATCH_OVERLAP
                )
    return {
        "subtask1_sentences": len(truth),
        "subtask1": sentence_f1,
        "atomic": {
            "sentences": sentences,
            "gold_claims": gold_count,
            "our_statements": ours_count,
            "gold_per_sentence": round(gold_count / sentences, 3) if sentences else 0.0,
            "ours_per_sentence": round(ours_count / sentences, 3) if sentences else 0.0,
            "same_count_share": round(same_count / sentences, 4) if sentences else 0.0,
            "gold_matched_share": round(gold_matched / gold_count, 4) if gold_count else 0.0,
            "ours_matched_share": round(ours_matched / ours_count, 4) if ours_count else 0.0,
            "match_rule": f"token F1 >= {MATCH_OVERLAP}",
        },
    }


# --- news -------------------------------------------------------------------------------------


def evaluate_news(eval_dir: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted((eval_dir / "news").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        extraction = extract_article(text)
        out.append(
            {
                "article": path.name,
                "characters": len(text),
                "sentences": len(split_sentences(text)),
                "claims": len(extraction.claims),
                "ambiguous": sum(1 for c in extraction.claims if c.ambiguous),
                "findings": len(extraction.findings),
            }
        )
    return out


def evaluate(eval_dir: Path) -> dict[str, Any]:
    """All figures, as one JSON-ready dictionary."""
    if not (eval_dir / "seed-china-cuba.gold.json").is_file():
        raise FileNotFoundError(
            f"no evaluation data in {eval_dir}; pass --eval-dir or set WORKBENCH_EVAL_DIR"
        )
    return {
        "seed": evaluate_seed(eval_dir),
        "claimbuster": evaluate_claimbuster(eval_dir),
        "factcheck_bench": evaluate_factcheck_bench(eval_dir),
        "news": evaluate_news(eval_dir),
    }


def render(figures: dict[str, Any]) -> str:
    """The figures as a readable report."""
    seed = figures["seed"]
    cb = figures["claimbuster"]
    fb = figures["factcheck_bench"]
    atomic = fb["atomic"]
    lines = [
        "Seed article (seed-china-cuba.gold.json)",
        f"  claims extracted                     {seed['claims']}",
        f"  key claims found                     {seed['key_found']}/{seed['key_claims']}",
        f"  gold claims found                    {seed['gold_found']}/{seed['gold_claims']}"
        f" ({seed['gold_found_share']:.0%}; bar 85%)",
        f"  missed                               {', '.join(seed['missed']) or '-'}",
        f"  from not-checkable/heading sentences {seed['from_not_checkable_or_headings']}"
        f" ({seed['from_not_checkable_or_headings_share']:.0%}; bar 10%)",
        f"  every span inside the text           {seed['spans_inside_text']}",
        f"  consistency: year {seed['consistency_expected_year']} found"
        f"         {seed['consistency_year_found']}",
        f"  ambiguous claims                     {seed['ambiguous']}",
        "",
        f"ClaimBuster expert set ({cb['sentences']} sentences, {cb['check_worthy']} check-worthy)",
        f"  F1 through `score`                   {cb['score_cli']['f1']:.4f}"
        f" (P {cb['score_cli']['precision']:.4f}, R {cb['score_cli']['recall']:.4f}; bar 0.88)",
        f"  trained model without desk cues      {cb['model_without_desk_cues']['f1']:.4f}",
        f"  TF-IDF + logistic regression         {cb['baseline_tfidf_logreg_f1']:.4f}"
        f" (same run, same training file)",
        f"  gain over the baseline               {cb['gain_over_baseline']:+.4f}",
        "",
        "Factcheck-Bench",
        f"  subtask 1 sentence F1                {fb['subtask1']['f1']:.4f}"
        f" (P {fb['subtask1']['precision']:.4f}, R {fb['subtask1']['recall']:.4f};"
        f" {fb['subtask1_sentences']} sentences)",
        f"  atomic: sentences with gold claims   {atomic['sentences']}",
        f"  gold claims / ours per sentence      {atomic['gold_per_sentence']} / "
        f"{atomic['ours_per_sentence']}",
        f"  same number of claims                {atomic['same_count_share']:.0%}",
        f"  gold claims matched ({atomic['match_rule']}) {atomic['gold_matched_share']:.0%}",
        f"  our statements matching a gold claim {atomic['ours_matched_share']:.0%}",
        "",
        "News articles (no labels)",
    ]
    for item in figures["news"]:
        lines.append(
            f"  {item['article'][:44]:<44} {item['sentences']:>3} sentences, {item['claims']:>3}"
            f" claims, {item['ambiguous']} ambiguous, {item['findings']} findings"
        )
    return "\n".join(lines)
