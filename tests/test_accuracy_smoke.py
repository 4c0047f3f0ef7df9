"""The accuracy benchmark over a few real evaluation documents (skipped when they are absent)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED_EVAL

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

SAMPLES = {
    "invoices": ["coolblue1.pdf", "NetpresseInvoice.pdf"],
    "einvoices": ["zugferd_2p0_BASIC_Einfach.pdf"],
    "receipts": ["X51006414392.jpg"],
}

pytestmark = pytest.mark.skipif(
    not all((SHARED_EVAL / s).is_dir() for s in SAMPLES), reason="evaluation sets not present"
)


@pytest.fixture
def sample_set(tmp_path) -> Path:
    """A small evaluation set: a few documents of each kind and their ground truth."""
    folder = tmp_path / "sample"
    folder.mkdir()
    truth = {}
    for name, files in SAMPLES.items():
        labels = json.loads((SHARED_EVAL / f"{name}.truth.json").read_text(encoding="utf-8"))
        for f in files:
            shutil.copy(SHARED_EVAL / name / f, folder / f)
            truth[f] = labels[f]
    (tmp_path / "sample.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    return folder


def test_matching_rules():
    import accuracy

    assert accuracy.matches("total", 12.504, 12.5)
    assert not accuracy.matches("total", 12.51, 12.5)
    assert accuracy.matches("invoice_number", "INV / 2023-08", "inv2023 08")
    assert accuracy.matches("vendor", "Amazon Web Services", "Amazon Web Services, Inc.")
    assert not accuracy.matches("vendor", "Free SAS", "Free")  # under 60% of the longer
    assert accuracy.matches("date", "2024-01-31", "2024-01-31")


def test_benchmark_on_real_documents(sample_set):
    import accuracy

    score = accuracy.evaluate(sample_set, workers=1)
    assert score.documents == 4
    assert score.routed_right == 4
    for name in ("invoice_number", "date", "currency", "total"):
        matched, total = score.per_field[name]
        assert matched == total, (name, score.misses)
    # Confident answers are right; and most right answers are confident.
    assert score.confident_wrong == 0, score.misses
    assert score.confident_right >= 0.7 * (score.confident_right + score.unsure_right)
