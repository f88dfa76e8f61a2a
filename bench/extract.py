"""Benchmark the claim extractor: throughput, per-article latency, CLI start-up and memory.

Run from the repository root::

    .venv/bin/python bench/extract.py            # a readable table
    .venv/bin/python bench/extract.py --json     # one JSON object

Every figure is measured in this run (``time.perf_counter``, warm-up first, medians over
repetitions) and printed next to its target. The script reports; it does not assert: it exits 0
whatever the figures, and a measurement that fails is reported as an error instead of a number.
KB means 1,000 bytes of UTF-8 input. Django is never imported.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SEED_PATH = REPO_ROOT / "workbench/demo/seed-china-cuba.txt"
MEGABYTE = 1_000_000

TARGET_MB_KBPS = 500.0  # >= 500 KB/s through extract_claims on ~1 MB of news text
TARGET_SEED_MS = 10.0  # < 10 ms per extraction of the seed article
TARGET_CLI_S = 1.5  # < 1.5 s for `python -m claims.extraction score` on one sentence


def _kb(text: str) -> float:
    return len(text.encode("utf-8")) / 1000.0


def _median_seconds(
    func: Callable[[], object], repeat: int, warmup: int = 1
) -> tuple[float, object]:
    """Median wall time of ``func()`` over ``repeat`` runs, after ``warmup`` untimed runs; and
    what the last run returned."""
    for _ in range(warmup):
        func()
    times: list[float] = []
    result: object = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _median_seconds_budget(
    func: Callable[[], object], *, min_repeat: int, max_repeat: int, budget_s: float
) -> tuple[float, int]:
    """Median wall time of ``func()`` over at least ``min_repeat`` runs, more while the time
    budget lasts (at most ``max_repeat``); one warm-up run first. Returns (median, runs)."""
    func()
    times: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(times) < max_repeat and (len(times) < min_repeat or time.perf_counter() < deadline):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), len(times)


def _count_claims(result: object) -> int:
    """Claims in what ``extract_claims`` returned: a list of claims or an object with them."""
    claims = getattr(result, "claims", result)
    try:
        return len(claims)  # type: ignore[arg-type]
    except TypeError:
        return -1


def _news_megabyte(seed: str) -> str:
    """About 1 MB of news text: the seed article repeated, paragraphs between blank lines."""
    paragraphs = [line for line in seed.splitlines() if line.strip()]
    block = "\n\n".join(paragraphs)
    copies = MEGABYTE // len(block.encode("utf-8")) + 1
    return "\n\n".join([block] * copies)


def _throughput(
    text: str, repeat: int, split: Callable[[str], object], extract: Callable[[str], object]
) -> dict[str, Any]:
    kb = _kb(text)
    split_s, _ = _median_seconds(lambda: split(text), repeat=max(3, repeat), warmup=1)
    # The extractor was warmed up on the seed article already; one 1 MB run costs seconds.
    extract_s, result = _median_seconds(lambda: extract(text), repeat=repeat, warmup=0)
    return {
        "kb": round(kb, 1),
        "runs": repeat,
        "extract_s": round(extract_s, 4),
        "extract_kb_per_s": round(kb / extract_s, 1),
        "split_s": round(split_s, 4),
        "split_kb_per_s": round(kb / split_s, 1),
        "ratio_to_split": round(extract_s / split_s, 1),
        "claims": _count_claims(result),
        "target_kb_per_s": TARGET_MB_KBPS,
        "meets_target": kb / extract_s >= TARGET_MB_KBPS,
    }


def _seed_latency(
    seed: str, split: Callable[[str], object], extract: Callable[[str], object]
) -> dict[str, Any]:
    kb = _kb(seed)
    extract_s, runs = _median_seconds_budget(
        lambda: extract(seed), min_repeat=20, max_repeat=500, budget_s=3.0
    )
    split_s, _ = _median_seconds_budget(
        lambda: split(seed), min_repeat=50, max_repeat=2000, budget_s=1.0
    )
    return {
        "kb": round(kb, 2),
        "runs": runs,
        "extract_ms": round(extract_s * 1000, 3),
        "extract_kb_per_s": round(kb / extract_s, 1),
        "split_ms": round(split_s * 1000, 3),
        "ratio_to_split": round(extract_s / split_s, 1),
        "claims": _count_claims(extract(seed)),
        "target_ms": TARGET_SEED_MS,
        "meets_target": extract_s * 1000 < TARGET_SEED_MS,
    }


def _run_process(args: list[str], stdin: bytes = b"") -> float:
    """Wall time of one subprocess run fed ``stdin``; raises on failure."""
    start = time.perf_counter()
    done = subprocess.run(  # our own interpreter, fixed arguments
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        cwd=REPO_ROOT,
        timeout=60,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: {message[-1:]}")
    return elapsed


def _cli_startup(runs: int) -> dict[str, Any]:
    cli = ["-m", "claims.extraction", "score"]
    baseline = ["-c", "pass"]
    # One sentence, so the run includes loading the trained model, as any real use does.
    line = b"Cuba established diplomatic relations with China in 1960.\n"
    _run_process(cli, line)  # warm-up: the OS file cache and any .pyc files
    _run_process(baseline)
    cli_s = statistics.median(_run_process(cli, line) for _ in range(runs))
    base_s = statistics.median(_run_process(baseline) for _ in range(runs))
    return {
        "runs": runs,
        "cli_s": round(cli_s, 4),
        "python_s": round(base_s, 4),
        "ratio_to_python": round(cli_s / base_s, 1),
        "target_s": TARGET_CLI_S,
        "meets_target": cli_s < TARGET_CLI_S,
    }


def _memory(text: str, extract: Callable[[str], object]) -> dict[str, Any]:
    tracemalloc.start()
    try:
        extract(text)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"tracemalloc_peak_mb": round(peak / 1e6, 1)}


def _max_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return round((rss if sys.platform == "darwin" else rss * 1024) / 1e6, 1)


def _measure(name: str, func: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    try:
        return func()
    except Exception as exc:  # report any failure, measure the rest
        return {"error": f"{name}: {type(exc).__name__}: {exc}"}


def run(repeat: int, cli_runs: int) -> dict[str, Any]:
    """Every measurement, as a JSON-serialisable dict."""
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
    }
    try:
        import claims.extraction as extraction
        from claims.extraction import extract_claims, split_sentences
    except Exception as exc:  # the package may be mid-rewrite
        report["error"] = f"cannot import claims.extraction: {type(exc).__name__}: {exc}"
        return report
    report["extractor_version"] = getattr(extraction, "EXTRACTOR_VERSION", None)
    seed = SEED_PATH.read_text(encoding="utf-8")
    megabyte = _news_megabyte(seed)

    def extract(text: str) -> object:
        return extract_claims(text)

    # Warm-up: first-call costs (lazy model loading, regex caches) stay out of the figures.
    _measure("warm-up", lambda: {"claims": _count_claims(extract(seed))})
    report["megabyte"] = _measure(
        "1 MB", lambda: _throughput(megabyte, repeat, split_sentences, extract)
    )
    report["seed"] = _measure("seed", lambda: _seed_latency(seed, split_sentences, extract))
    report["cli_startup"] = _measure("CLI start-up", lambda: _cli_startup(cli_runs))
    memory = _measure("memory", lambda: _memory(megabyte, extract))
    memory["max_rss_mb"] = _max_rss_mb()
    report["memory"] = memory
    report["django_imported"] = "django" in sys.modules
    return report


def _verdict(section: dict[str, Any]) -> str:
    return "ok" if section.get("meets_target") else "MISSED"


def format_table(report: dict[str, Any]) -> str:
    """The report as a readable table."""
    lines = [
        f"claim extractor benchmark (version {report.get('extractor_version')}, "
        f"Python {report['python']}, {report['platform']})",
    ]
    if "error" in report:
        return "\n".join([*lines, f"  error: {report['error']}"])
    row = "  {:<34} {:>16}   {:<22} {}"
    lines.append(row.format("measure", "value", "target", ""))
    mb, seed, cli, mem = report["megabyte"], report["seed"], report["cli_startup"], report["memory"]
    if "error" in mb:
        lines.append(f"  1 MB throughput: {mb['error']}")
    else:
        lines += [
            row.format(
                f"1 MB news text ({mb['kb']:.0f} KB, {mb['runs']} runs)",
                f"{mb['extract_kb_per_s']:.0f} KB/s",
                f">= {TARGET_MB_KBPS:.0f} KB/s",
                _verdict(mb),
            ),
            row.format("  median time per extraction", f"{mb['extract_s']:.3f} s", "", ""),
            row.format(
                "  split_sentences alone", f"{mb['split_kb_per_s']:.0f} KB/s", "(baseline)", ""
            ),
            row.format("  extract / split", f"{mb['ratio_to_split']:.1f}x", "", ""),
            row.format("  claims found", f"{mb['claims']}", "", ""),
        ]
    if "error" in seed:
        lines.append(f"  seed article: {seed['error']}")
    else:
        lines += [
            row.format(
                f"seed article ({seed['kb']:.1f} KB, {seed['runs']} runs)",
                f"{seed['extract_ms']:.2f} ms",
                f"< {TARGET_SEED_MS:.0f} ms",
                _verdict(seed),
            ),
            row.format("  throughput", f"{seed['extract_kb_per_s']:.0f} KB/s", "", ""),
            row.format("  split_sentences alone", f"{seed['split_ms']:.3f} ms", "(baseline)", ""),
            row.format("  extract / split", f"{seed['ratio_to_split']:.1f}x", "", ""),
            row.format("  claims found", f"{seed['claims']}", "", ""),
        ]
    if "error" in cli:
        lines.append(f"  CLI start-up: {cli['error']}")
    else:
        lines += [
            row.format(
                f"CLI start-up, score ({cli['runs']} runs)",
                f"{cli['cli_s']:.3f} s",
                f"< {TARGET_CLI_S:.1f} s",
                _verdict(cli),
            ),
            row.format("  python -c pass", f"{cli['python_s']:.3f} s", "(baseline)", ""),
            row.format("  CLI / python", f"{cli['ratio_to_python']:.1f}x", "", ""),
        ]
    if "error" in mem:
        lines.append(f"  tracemalloc: {mem['error']}")
    else:
        peak = f"{mem['tracemalloc_peak_mb']} MB"
        lines.append(row.format("peak traced memory, 1 MB", peak, "", ""))
    lines.append(row.format("max RSS of this process", f"{mem['max_rss_mb']} MB", "", ""))
    django = "yes" if report["django_imported"] else "no"
    lines.append(row.format("Django imported", django, "", ""))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs over the 1 MB text (default 3)"
    )
    parser.add_argument("--cli-runs", type=int, default=5, help="timed CLI start-ups (default 5)")
    args = parser.parse_args(argv)
    report = run(max(1, args.repeat), max(1, args.cli_runs))
    print(json.dumps(report, indent=2) if args.json else format_table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
