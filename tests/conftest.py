"""Shared fixtures: paths to the example corpus and to ../shared (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
EXAMPLE_JSONL = REPO / "src" / "dyadscope" / "data" / "examples" / "seeds.jsonl"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR} (../shared is absent)")
    return SEEDS_DIR


@pytest.fixture(scope="session")
def kb():
    from dyadscope.actors import load_kb

    return load_kb()
