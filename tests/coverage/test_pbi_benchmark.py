"""The PBI change benchmark script works (tiny size here; the full run is documented in
docs/kinerja.md and run by hand: ``benchmarks/pbi_changes.py``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def _script():
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "pbi_changes.py"
    spec = importlib.util.spec_from_file_location("bench_pbi_changes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_script_tiny(settings):
    settings.COVERAGE_PBI_QUOTA = None
    bench = _script()
    counts = bench.populate(people=1200, households=480)
    assert counts["cards"] > 0
    result = bench.measure()
    assert result["status"] == "done", result["message"]
    summary = result["summary"]
    assert result["proposals"] > 0
    assert summary["by_reason"].get("moved_out", 0) > 0
    assert summary["by_reason"].get("decile_rose", 0) > 0
    assert summary["in_care"] >= 0
