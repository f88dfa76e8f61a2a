from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SEED_PATH = PROJECT_ROOT / "workbench/demo/seed-china-cuba.txt"
# The evaluation data lives outside the product: $WORKBENCH_EVAL_DIR, by default ../shared/eval
# next to the repository (a relative value is taken from the repository root, where the CLI runs).
EVAL_DIR = (PROJECT_ROOT / os.environ.get("WORKBENCH_EVAL_DIR", "../shared/eval")).resolve()


@pytest.fixture(scope="session")
def seed_source() -> str:
    return SEED_PATH.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The evaluation data folder; the test is skipped when it does not exist."""
    if not EVAL_DIR.is_dir():
        pytest.skip(f"no evaluation data: {EVAL_DIR} does not exist (set WORKBENCH_EVAL_DIR)")
    return EVAL_DIR
