from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest

from claims.extraction import extract_claims
from claims.extraction.pipeline import extract_article

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SEED_PATH = PROJECT_ROOT / "workbench/demo/seed-china-cuba.txt"


def run(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "claims.extraction", *args],
        input=stdin,
        capture_output=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=False,
    )


def assert_clean_error(result: subprocess.CompletedProcess[bytes], *fragments: str) -> str:
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode("utf-8")
    assert "Traceback" not in message
    assert len(message.strip().splitlines()) == 1
    for fragment in fragments:
        assert fragment in message
    return message


# --- extract ----------------------------------------------------------------------------------


def test_extract_seed_file_matches_library(seed_source: str) -> None:
    result = run("extract", str(SEED_PATH))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.decode("utf-8"))
    assert set(payload) == {"claims", "findings"}
    assert payload == extract_article(seed_source).to_dict()
    assert payload["claims"] == [c.to_dict() for c in extract_claims(seed_source)]
    for claim in payload["claims"]:
        assert seed_source[claim["start"] : claim["end"]] == claim["sentence"]
    # Without a publication date the anniversary only places the events; nothing conflicts.
    assert [f["kind"] for f in payload["findings"]] == ["anniversary_year"]
    assert payload["findings"][0]["value"]["year"] == 2025


def test_extract_date_option_reports_the_anniversary_conflict(seed_source: str) -> None:
    result = run("extract", "--date", "2019-01-01", str(SEED_PATH))
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.decode("utf-8"))
    expected = extract_article(seed_source, article_date=datetime.date(2019, 1, 1))
    assert payload == expected.to_dict()
    conflicts = [f for f in payload["findings"] if f["kind"] == "anniversary_conflict"]
    assert len(conflicts) == 1
    conflict = conflicts[0]
    assert conflict["severity"] == "conflict"
    assert conflict["value"]["year"] == 2025
    assert conflict["value"]["article_year"] == 2019
    assert "2019-01-01" in conflict["message"]
    named = " ".join(payload["claims"][i]["text"] for i in conflict["claims"])
    assert "65th anniversary" in named
    assert "1960" in named


@pytest.mark.parametrize("date", ["nonsense", "2019-13-01", "01/02/2019"])
def test_extract_rejects_bad_date(date: str) -> None:
    result = run("extract", "--date", date, str(SEED_PATH))
    assert result.returncode == 2
    assert result.stdout == b""
    message = result.stderr.decode("utf-8")
    assert "Traceback" not in message
    assert "--date" in message
    assert "YYYY-MM-DD" in message
    assert repr(date) in message


def test_extract_output_keeps_non_ascii_characters() -> None:
    result = run("extract", str(SEED_PATH))
    assert "China\u2019s".encode() in result.stdout
    assert b"\\u2019" not in result.stdout


def test_extract_reads_stdin_and_drops_bom() -> None:
    text = "Cuba and China established diplomatic relations in 1960."
    result = run("extract", "-", stdin=b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert result.returncode == 0, result.stderr
    claims = json.loads(result.stdout)["claims"]
    assert len(claims) == 1
    assert text[claims[0]["start"] : claims[0]["end"]] == claims[0]["sentence"]
    assert claims[0]["start"] == 0


def test_extract_threshold_option() -> None:
    all_claims = json.loads(run("extract", "--threshold", "0", str(SEED_PATH)).stdout)["claims"]
    default = json.loads(run("extract", str(SEED_PATH)).stdout)["claims"]
    assert len(all_claims) > len(default)


@pytest.mark.parametrize("threshold", ["1.5", "-0.1", "abc"])
def test_extract_rejects_bad_threshold(threshold: str) -> None:
    result = run("extract", "--threshold", threshold, str(SEED_PATH))
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr
    assert b"threshold" in result.stderr


def test_extract_invalid_utf8_names_byte_offset() -> None:
    data = "Caf\u00e9 ok. ".encode() + b"\xff\xfe rest"
    message = assert_clean_error(run("extract", "-", stdin=data), "UTF-8")
    assert str(len("Caf\u00e9 ok. ".encode())) in message


def test_extract_binary_input_names_nul_offset() -> None:
    message = assert_clean_error(run("extract", "-", stdin=b"abc\x00def"), "binary")
    assert "3" in message


def test_extract_empty_input() -> None:
    assert_clean_error(run("extract", "-", stdin=b"  \n\n"), "empty")


def test_extract_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    assert_clean_error(run("extract", str(missing)), str(missing))


def test_extract_too_large_input() -> None:
    assert_clean_error(run("extract", "-", stdin=b"a" * 2_000_001), "limit")


def test_missing_command_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 2
    assert b"Traceback" not in result.stderr


# --- score ------------------------------------------------------------------------------------


def test_score_prints_label_and_score_per_line() -> None:
    lines = [
        "China and Cuba established diplomatic relations in 1960.",
        "",
        "The partnership could be far-reaching and may reshape the region.",
        "   ",
    ]
    result = run("score", stdin=("\n".join(lines) + "\n").encode())
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode().splitlines()
    assert len(out) == len(lines)
    parsed = [line.split("\t") for line in out]
    assert [label for label, _ in parsed] == ["Yes", "No", "No", "No"]
    assert out[1] == "No\t0.0000"
    assert out[3] == "No\t0.0000"
    for _label, score in parsed:
        assert len(score.split(".")[1]) == 4
        assert 0.0 <= float(score) <= 1.0


def test_score_handles_crlf_and_missing_final_newline() -> None:
    result = run("score", stdin=b"Cuba met China in 1960 in Havana, officials said.\r\nNo")
    out = result.stdout.decode().splitlines()
    assert len(out) == 2
    assert out[0].startswith("Yes\t")
    assert out[1].startswith("No\t")


def test_score_rejects_invalid_utf8() -> None:
    assert_clean_error(run("score", stdin=b"ok\n\xc3\x28\n"), "UTF-8", "3")


# --- evaluate -----------------------------------------------------------------------------------


def test_evaluate_without_data_is_a_clean_error(tmp_path: Path) -> None:
    message = assert_clean_error(
        run("evaluate", "--eval-dir", str(tmp_path)), "no evaluation data", str(tmp_path)
    )
    assert "WORKBENCH_EVAL_DIR" in message


def test_evaluate_json_meets_the_quality_bars(eval_dir: Path) -> None:
    # The regression test for the bars the extractor was built to (about ten seconds).
    result = run("evaluate", "--eval-dir", str(eval_dir), "--json")
    assert result.returncode == 0, result.stderr.decode()
    figures = json.loads(result.stdout)
    seed = figures["seed"]
    assert seed["key_found"] == seed["key_claims"], seed["missed"]
    assert seed["gold_found_share"] >= 0.85, seed["missed"]
    assert seed["from_not_checkable_or_headings_share"] <= 0.10, seed["false_positive_claims"]
    assert seed["spans_inside_text"] is True
    assert seed["consistency_year_found"] is True
    claimbuster = figures["claimbuster"]
    assert claimbuster["score_cli"]["f1"] >= 0.88, claimbuster
