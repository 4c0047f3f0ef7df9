"""Ranking a field's candidates by named evidence: the weights' arithmetic, the shipped fitted
weights, and the receipt total ranked with them (unlabelled amounts included)."""

from __future__ import annotations

import math

import pytest

from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.processors import ranking
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions
from docrouter_desktop.core.processors.ranking import BIAS, Evidence, Weights
from docrouter_desktop.core.processors.receipt import ReceiptProcessor
from docrouter_desktop.core.processors.receipt_total import WEIGHTS


def _view(lines: list[str], **options) -> DocumentView:
    words = []
    for i, line in enumerate(lines):
        x = 0.0
        for token in line.split():
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, 0.95, i))
            x += 6.0 * (len(token) + 1)
    page = PageContent(1, 300.0, 842.0, "ocr", words, "\n".join(lines), 0.95)
    return DocumentView([page], ProcessorOptions(**options))


def test_evidence_is_counted_by_name_and_weighed():
    ev = Evidence()
    ev.add("label_plain")
    ev.add("printed_again", 2)
    assert ev.counts == {BIAS: 1.0, "label_plain": 1.0, "printed_again": 2.0}
    w = Weights("test/field", {"label_plain": 2.0, "printed_again": 0.5})
    assert not w.fitted and w.score(ev) == 3.0
    other = Evidence()
    share = w.share(ev, [ev, other])
    assert math.isclose(share, math.exp(3.0) / (math.exp(3.0) + 1.0))


def test_fitted_weights_replace_the_rules_and_must_name_its_evidence():
    defaults = {"label_plain": 2.0, "printed_again": 0.5}
    fitted = Weights("test/fitted", defaults, fitted={"bias": 0.0, "label_plain": 0.7})
    ev = Evidence()
    ev.add("label_plain")
    ev.add("printed_again")
    assert fitted.fitted and fitted.score(ev) == 0.7  # what the fit left out weighs nothing
    with pytest.raises(ValueError, match="colour"):
        Weights("test/unknown", defaults, fitted={"colour": 1.0})


def test_the_receipt_total_ranks_with_the_rules_weights_unless_a_fit_ships():
    shipped = ranking.shipped_weights()
    assert WEIGHTS.fitted == ("receipt/total" in shipped)
    if not WEIGHTS.fitted:
        assert WEIGHTS.weights == WEIGHTS.defaults


def test_an_unlabelled_amount_is_a_candidate_when_subtotal_and_tax_vouch_for_it():
    # The total's label was lost (OCR dropped it): the rule alone found no total at all.
    lines = [
        "KEDAI RUNCIT MAJU SDN BHD",
        "Date: 12/03/2019 10:02",
        "BREAD 2 x 2.20 4.40",
        "MILK 1 x 2.39 2.39",
        "SUB TOTAL 6.79",
        "GST 6% 0.41",
        "7.20",
    ]
    out = ReceiptProcessor().run(_view(lines, calibrated=False))
    assert out.fields["total"] == 7.2
    assert 0.0 < out.field_details["total"]["confidence"] <= 1.0


def test_candidates_are_recorded_with_their_evidence_when_asked():
    lines = ["SHOP SDN BHD", "TOTAL 7.20", "CASH 10.00", "CHANGE 2.80"]
    view = _view(lines, calibrated=False, record_candidates=True)
    ReceiptProcessor().run(view)
    log = {value: ev for key, value, ev in view.candidate_log if key == "receipt/total"}
    assert log[7.2]["label_plain"] == 1.0 and log[7.2]["cash_minus_change_agrees"] == 1.0
    assert log[10.0]["unlabelled"] == 1.0 and log[10.0]["row_paid"] == 1.0
    quiet = _view(lines, calibrated=False)
    ReceiptProcessor().run(quiet)
    assert quiet.candidate_log == []
