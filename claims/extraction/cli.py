"""Command-line interface: ``python -m claims.extraction {extract,score}``.

Bad input ends with a one-line message on standard error and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import BinaryIO

from .errors import ExtractionError, InputDecodeError
from .pipeline import extract_claims
from .scoring import score_sentence

EXIT_BAD_INPUT = 2
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
    claims = extract_claims(text, threshold=args.threshold)
    payload = {"claims": [claim.to_dict() for claim in claims]}
    _write(sys.stdout.buffer, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
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
    extract.set_defaults(handler=_cmd_extract)
    score = sub.add_parser(
        "score", help="read one sentence per line on stdin; print LABEL<TAB>SCORE per line"
    )
    score.set_defaults(handler=_cmd_score)
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
