"""Confidence that is a probability: a found field's rule score, with what the page says about
how well its words were read, through a small logistic model per processor and field.

The weights are data (``confidence_model.json`` beside this module), fitted on the evaluation
documents by ``bench/fit_confidence.py`` (fixed seed; the file names the sets and counts it was
fitted on and the cross-validated reliability it reached). Reading it needs nothing but the
standard library; scoring a field is a dot product over a dozen features. Without the file (or
for a field it has no model for) a field keeps its rule's own score.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

from docrouter_desktop.core.extraction.pages import PageContent

MODEL_FILE = "confidence_model.json"
EPS = 1e-4
# What a rule says after its first clause is a modifier ("; month-first, in a document ...").
_FAMILY_CUT = re.compile(r"[;(]")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|\d+([.,]\d+)?")
_WORD = re.compile(r"[a-z][a-z-]{2,}")
_STOP = frozenset({"the", "and", "for", "with", "that", "this", "its", "from", "one", "not"})
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def rule_family(rule: str) -> str:
    """The rule's first clause, without quoted words or figures (which vary per document)."""
    head = _FAMILY_CUT.split(rule or "", maxsplit=1)[0]
    head = _QUOTED.sub("", head.lower())
    return re.sub(r"\s+", " ", head).strip(" :,-") or "none"


def _logit(p: float) -> float:
    p = min(1.0 - EPS, max(EPS, float(p)))
    return math.log(p / (1.0 - p))


def _word_confidences(page: PageContent | None, bbox: Sequence[float] | None) -> list[float]:
    """The reading confidence (0..1) of each word of the page inside the field's box."""
    if page is None or not bbox or page.text_source != "ocr":
        return []
    x0, top, x1, bottom = bbox[:4]
    found = []
    for w in page.words:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        if x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1:
            found.append(w.confidence)
    return found


def features(
    name: str,
    value: Any,
    detail: Mapping[str, Any],
    pages: Sequence[PageContent],
    text: str | None = None,
) -> dict[str, float]:
    """The named features of one found field (what the model weighs); ``text`` is the pages'
    text joined, when the caller has it already."""
    rule = str(detail.get("rule") or "")
    number = detail.get("page")
    page = next((p for p in pages if p.number == number), None)
    ocr = page is not None and page.text_source == "ocr"
    confs = _word_confidences(page, detail.get("bbox"))
    out = {
        "bias": 1.0,
        "raw": _logit(detail.get("confidence", 0.5)),
        f"rule={rule_family(rule)}": 1.0,
        "modifiers": float(rule.count(";")),
        "ocr": 1.0 if ocr else 0.0,
        "embedded": 1.0 if detail.get("source") == "embedded" else 0.0,
        "no_box": 0.0 if detail.get("bbox") else 1.0,
    }
    if ocr:
        out["word_conf_mean"] = sum(confs) / len(confs) if confs else 0.0
        out["word_conf_min"] = min(confs) if confs else 0.0
        out["no_words_in_box"] = 0.0 if confs else 1.0
        out["page_conf"] = float(page.ocr_confidence or 0.0) if page is not None else 0.0
    # The rule's words, modifiers included ("agrees", "month-first", "rounded"...).
    for word in set(_WORD.findall(_QUOTED.sub(" ", rule.lower()))):
        if word not in _STOP:
            out[f"says={word}"] = 1.0
    bbox = detail.get("bbox")
    if page is not None and bbox and page.height:
        out["top"] = float(bbox[1]) / float(page.height)
    if text is None:
        text = "\n".join(p.text for p in pages)
    shown = _shown(value)
    if shown:
        out["recurs"] = float(min(text.count(shown), 4))
    if isinstance(value, str):
        letters = [c for c in value if c.isalpha()]
        out["length"] = min(len(value), 80) / 40.0
        out["words"] = min(len(value.split()), 12) / 6.0
        out["digits_share"] = sum(c.isdigit() for c in value) / max(1, len(value))
        out["upper_share"] = sum(c.isupper() for c in letters) / max(1, len(letters))
        iso = _ISO_DATE.fullmatch(value)
        if iso:
            day, month = int(iso.group(3)), int(iso.group(2))
            out["date_ambiguous"] = 1.0 if day <= 12 and day != month else 0.0
    return out


def _shown(value: Any) -> str | None:
    """How the value would be printed, to count how often the document prints it."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return f"{value:.2f}"
    if isinstance(value, str) and 3 <= len(value) <= 40 and not _ISO_DATE.fullmatch(value):
        return value
    return None


class ConfidenceModel:
    """Per ``processor/field``: weights of the named features, and the intercept in ``bias``."""

    def __init__(self, models: Mapping[str, Mapping[str, float]], meta: Mapping[str, Any]):
        self.models = {k: dict(v) for k, v in models.items()}
        self.meta = dict(meta)

    @classmethod
    def from_json(cls, text: str) -> ConfidenceModel:
        data = json.loads(text)
        return cls(data.get("models", {}), data.get("meta", {}))

    def to_json(self) -> str:
        return json.dumps({"meta": self.meta, "models": self.models}, indent=1, sort_keys=True)

    def probability(self, processor: str, name: str, feats: Mapping[str, float]) -> float | None:
        weights = self.models.get(f"{processor}/{name}")
        if weights is None:
            return None
        z = sum(weights.get(k, 0.0) * v for k, v in feats.items())
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)


@cache
def shipped_model() -> ConfidenceModel | None:
    """The model that ships with the app (None when the file is missing)."""
    try:
        text = (resources.files(__package__) / MODEL_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return None
    return ConfidenceModel.from_json(text)


def calibrate(
    processor: str,
    fields: Mapping[str, Any],
    details: dict[str, dict],
    pages: Sequence[PageContent],
    model: ConfidenceModel | None = None,
) -> None:
    """Each field's ``confidence`` becomes the model's probability that it is right; the rule's
    own score stays as ``score``. Fields read from embedded data keep their confidence."""
    model = model if model is not None else shipped_model()
    if model is None:
        return
    text = "\n".join(p.text for p in pages)
    for name, detail in details.items():
        if detail.get("source") == "embedded" or "score" in detail:
            continue
        feats = features(name, fields.get(name), detail, pages, text)
        p = model.probability(processor, name, feats)
        if p is None:
            continue
        detail["score"] = detail.get("confidence")
        detail["confidence"] = round(p, 3)
