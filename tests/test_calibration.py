"""Confidence as a probability: the features of a found field, the model's arithmetic, the
shipped model file, and the processors' output going through it."""

from __future__ import annotations

import json
import math

from docrouter_desktop.core.extraction.pages import PageContent, Word
from docrouter_desktop.core.processors import calibration
from docrouter_desktop.core.processors.base import ProcessorOptions
from docrouter_desktop.core.processors.calibration import (
    ConfidenceModel,
    calibrate,
    features,
    rule_family,
)
from docrouter_desktop.core.processors.run import run_processor

LINES = [
    "KEDAI RUNCIT MAJU SDN BHD",
    "NO. 7, JALAN MAWAR 3, 81750 MASAI, JOHOR",
    "Date: 12/03/2019 10:02",
    "BREAD 2 x 2.40 4.80",
    "TOTAL 4.80",
]


def _page(source: str = "ocr", unsure: str = "") -> PageContent:
    words = []
    for i, line in enumerate(LINES):
        x = 0.0
        for token in line.split():
            conf = 0.3 if token == unsure else 0.95
            words.append(Word(token, x, i * 12.0, x + 6.0 * len(token), i * 12.0 + 10, conf, i))
            x += 6.0 * (len(token) + 1)
    return PageContent(1, 300.0, 842.0, source, words, "\n".join(LINES), 0.9)


def test_rule_family_drops_what_varies_per_document():
    assert rule_family("label 'TOTAL' on the row; rounded to 5 sen") == "label on the row"
    assert rule_family("first date on the receipt (12/03/2019)") == "first date on the receipt"
    assert rule_family("") == "none"


def test_features_read_the_words_inside_the_box():
    detail = {
        "confidence": 0.9,
        "page": 1,
        "bbox": [0, 48, 60, 58],
        "rule": "a; b",
        "source": "ocr",
    }
    sure = features("total", 4.8, detail, [_page()])
    unsure = features("total", 4.8, detail, [_page(unsure="4.80")])
    assert sure["ocr"] == 1.0 and sure["modifiers"] == 1.0
    assert sure["raw"] == math.log(0.9 / 0.1)
    assert sure["word_conf_min"] == 0.95 and unsure["word_conf_min"] == 0.3
    assert sure["page_conf"] == 0.9
    text = features("total", 4.8, detail, [_page("pdf")])
    assert text["ocr"] == 0.0 and "word_conf_min" not in text


def test_the_model_is_a_logistic_function_of_its_features():
    model = ConfidenceModel({"receipt/total": {"bias": -1.0, "raw": 2.0}}, {})
    assert model.probability("receipt", "total", {"bias": 1.0, "raw": 0.5}) == 0.5
    high = model.probability("receipt", "total", {"bias": 1.0, "raw": 3.0})
    assert high is not None and high > 0.99
    assert model.probability("receipt", "vendor", {"bias": 1.0}) is None  # no model: unchanged
    again = ConfidenceModel.from_json(model.to_json())
    assert again.models == model.models


def test_calibrate_keeps_the_rule_score_and_skips_embedded_fields():
    model = ConfidenceModel({"invoice/total": {"bias": 0.0, "raw": 1.0}}, {})
    details = {
        "total": {"confidence": 0.8, "page": 1, "bbox": None, "rule": "x", "source": "text"},
        "vendor": {"confidence": 1.0, "page": 1, "bbox": None, "rule": "", "source": "embedded"},
    }
    calibrate("invoice", {"total": 4.8, "vendor": "Acme"}, details, [_page("pdf")], model)
    assert details["total"]["score"] == 0.8
    assert details["total"]["confidence"] == round(1 / (1 + math.exp(-math.log(4))), 3)
    assert details["vendor"] == {
        "confidence": 1.0,
        "page": 1,
        "bbox": None,
        "rule": "",
        "source": "embedded",
    }


def test_the_shipped_model_names_what_it_was_fitted_on_and_is_used():
    model = calibration.shipped_model()
    assert model is not None, "confidence_model.json is missing from the package"
    meta = model.meta
    assert meta["fitted_by"] == "bench/fit_confidence.py" and isinstance(meta["seed"], int)
    assert "receipts-more" in meta["sets"]
    assert {"receipt/total", "receipt/date", "invoice/total"} <= set(model.models)
    on = run_processor("receipt", [_page()], ProcessorOptions(), None)
    off = run_processor("receipt", [_page()], ProcessorOptions(calibrated=False), None)
    assert on["fields"] == off["fields"]
    total_on, total_off = on["field_details"]["total"], off["field_details"]["total"]
    assert total_on["score"] == total_off["confidence"] and "score" not in total_off
    assert 0.0 <= total_on["confidence"] <= 1.0
    json.dumps(on)  # still plain JSON for the store
