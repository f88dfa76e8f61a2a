from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SEED_PATH = PROJECT_ROOT / "workbench/demo/seed-china-cuba.txt"


@pytest.fixture(scope="session")
def seed_source() -> str:
    return SEED_PATH.read_text(encoding="utf-8")
