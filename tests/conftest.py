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


def seed_store(tmp_path_factory) -> Path:
    """The bundled corpus ingested once per test session into a store tests only read."""
    from click.testing import CliRunner

    from dyadscope.cli import main

    db = tmp_path_factory.getbasetemp() / "web-seed" / "seed.duckdb"
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        tmp = db.with_name("building.duckdb")
        result = CliRunner().invoke(main, ["ingest", str(EXAMPLE_JSONL), "--db", str(tmp), "-q"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        tmp.rename(db)
    return db
