"""Command-line interface: ``python -m claims.extraction {extract,score,train,evaluate}``.

Bad input ends with a one-line message on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path
from typing import BinaryIO

from .errors import ExtractionError, InputDecodeError
from .model import MODEL_PATH
from .pipeline import extract_article
from .scoring import score_sentence

EXIT_BAD_INPUT = 2
# Evaluation data lives outside the product (../shared/eval during development and CI).
DEFAULT_EVAL_DIR = Path(os.environ.get("WORKBENCH_EVAL_DIR", "../shared/eval"))
_BOM = b"\xef\xbb\xbf"


def decode_input(data: bytes, *, source: str = "input") -> str:
    """Decode ``data`` as strict UTF-8, dropping a leading BOM.

    Raises :class:`InputDecodeError` naming the byte offset of the first NUL byte (binary data) or
    the first invalid UTF-8 sequence.
    """
    nul = data.find(b"\x00")
    if nul != -1:
        raise InputDecodeError(f"{source} looks like binary data (NUL byte at byte offset {nul})")
    skip = len(_BOM) if data.startswith(_BOM) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputDecodeError(
            f"{source} is not valid UTF-8 (invalid byte 0x{data[skip + exc.start]:02x} "
            f"at byte offset {skip + exc.start})"
        ) from None


def _date(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {raw!r}") from None


def _threshold(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {raw}")
    return value


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ExtractionError(f"cannot read {path}: {exc.strerror or exc}") from None


def _write(out: BinaryIO, text: str) -> None:
    out.write(text.encode("utf-8"))
    out.flush()


def _cmd_extract(args: argparse.Namespace) -> int:
    source = "standard input" if args.file == "-" else args.file
    text = decode_input(_read(args.file), source=source)
    extraction = extract_article(text, threshold=args.threshold, article_date=args.date)
    payload = extraction.to_dict()
    _write(sys.stdout.buffer, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    return 0


def _cmd_train(args: argparse.Namespace) -> int:
    from .training import train  # scikit-learn is needed here only

    try:
        summary = train(args.data, args.out)
    except OSError as exc:  # a missing or unreadable training file is bad input, not a crash
        raise ExtractionError(f"cannot train: {exc}") from None
    _write(sys.stdout.buffer, json.dumps(summary, indent=2, sort_keys=True) + "\n")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from .evaluation import evaluate, render

    try:
        figures = evaluate(Path(args.eval_dir))
    except OSError as exc:  # no evaluation data there: a one-line message, not a traceback
        raise ExtractionError(str(exc)) from None
    text = json.dumps(figures, indent=2) if args.json else render(figures)
    _write(sys.stdout.buffer, text + "\n")
    return 0


def _cmd_score(args: argparse.Namespace) -> int:
    text = decode_input(sys.stdin.buffer.read(), source="standard input")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the newline that ends the last line does not start another
    out: list[str] = []
    for line in lines:
        result = score_sentence(line.rstrip("\r"))
        out.append(f"{result.label}\t{result.score:.4f}\n")
    _write(sys.stdout.buffer, "".join(out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m claims.extraction",
        description="Extract check-worthy claims from news text.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    extract = sub.add_parser("extract", help="print the claims in FILE as JSON")
    extract.add_argument("file", metavar="FILE", help="UTF-8 text file, or - for standard input")
    extract.add_argument(
        "--threshold",
        type=_threshold,
        default=0.5,
        help="minimum check-worthiness (0..1) for a sentence to become a claim (default 0.5)",
    )
    extract.add_argument(
        "--date",
        type=_date,
        default=None,
        help="the article's publication date (YYYY-MM-DD): places months without a year",
    )
    extract.set_defaults(handler=_cmd_extract)
    score = sub.add_parser(
        "score", help="read one sentence per line on stdin; print LABEL<TAB>SCORE per line"
    )
    score.set_defaults(handler=_cmd_score)
    train = sub.add_parser(
        "train", help="train the check-worthiness model on ClaimBuster's crowdsourced.csv"
    )
    train.add_argument(
        "--data",
        default=str(DEFAULT_EVAL_DIR / "claimbuster" / "crowdsourced.csv"),
        help="training CSV (default: %(default)s)",
    )
    train.add_argument(
        "--out", default=str(MODEL_PATH), help="where to write the model (default: %(default)s)"
    )
    train.set_defaults(handler=_cmd_train)
    evaluate = sub.add_parser(
        "evaluate", help="print every quality figure measured on the evaluation data"
    )
    evaluate.add_argument(
        "--eval-dir",
        default=str(DEFAULT_EVAL_DIR),
        help="the evaluation data folder (default: %(default)s)",
    )
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.set_defaults(handler=_cmd_evaluate)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except ExtractionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        return 0
