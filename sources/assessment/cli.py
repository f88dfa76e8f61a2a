"""``python -m sources.assessment evaluate [--eval-dir DIR] [--json]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .evaluation import evaluate, render

DEFAULT_EVAL_DIR = Path(os.environ.get("WORKBENCH_EVAL_DIR", "../shared/eval"))
EXIT_NO_DATA = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m sources.assessment",
        description="Passage ranking, stance and the machine suggestion.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ev = sub.add_parser("evaluate", help="Check-COVID dev figures (retrieval, evidence, verdict)")
    ev.add_argument(
        "--eval-dir",
        type=Path,
        default=DEFAULT_EVAL_DIR,
        help="evaluation data folder (default: $WORKBENCH_EVAL_DIR or ../shared/eval)",
    )
    ev.add_argument("--json", action="store_true", help="print the figures as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        figures = evaluate(args.eval_dir)
    except FileNotFoundError as exc:
        print(f"error: {exc} (set --eval-dir or WORKBENCH_EVAL_DIR)", file=sys.stderr)
        return EXIT_NO_DATA
    print(json.dumps(figures, indent=2) if args.json else render(figures))
    return 0
