"""Ranking a field's candidates by named evidence, with weights that are data.

A rule that weighs several readings of a field (the receipt total: labels, cash minus change,
subtotal plus tax, repeats...) records each piece of evidence by name on the candidate
(``Evidence.add("cash_minus_change")``) instead of adding an unnamed number to a score. The
candidate's score is then the evidence weighed by ``Weights``: the weights the rule was
written with (its ``defaults``), or, where ``ranking_model.json`` beside this module has them,
weights fitted on the evaluation documents by ``bench/fit_ranking.py`` (a conditional logit:
the right candidate's share of each document's candidates made as large as it can be; fixed
seed, the sets it used named in the file). Either way the best candidate is the one with the
highest score, and with fitted weights its share of the candidates' softmax is the chance it is
the right one.

When a view is asked to (``ProcessorOptions.record_candidates``), every ranked candidate is
kept on it with its evidence, so that the fitting script can learn from them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

MODEL_FILE = "ranking_model.json"
BIAS = "bias"  # every candidate has it once: the fitted intercept (0 in a rule's own weights)
# Every ranked field's own weights, by ``processor/field`` (filled as the rules are imported).
DEFAULTS: dict[str, dict[str, float]] = {}


class Evidence:
    """What speaks for (or against) one candidate, by name: how many times each was seen."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, float] = {BIAS: 1.0}

    def add(self, name: str, times: float = 1.0) -> None:
        self.counts[name] = self.counts.get(name, 0.0) + times

    def set(self, name: str, value: float) -> None:
        self.counts[name] = value

    def __contains__(self, name: str) -> bool:
        return name in self.counts


class Weights:
    """The weights of one field's evidence: fitted ones when the model file has this field,
    else the rule's own."""

    def __init__(
        self,
        key: str,
        defaults: Mapping[str, float],
        fitted: Mapping[str, float] | None = None,
    ) -> None:
        self.key = key
        self.defaults = {BIAS: 0.0, **defaults}
        DEFAULTS.setdefault(key, self.defaults)
        if fitted is None:
            fitted = shipped_weights().get(key)
        self.fitted = fitted is not None
        self.weights = dict(fitted) if fitted is not None else dict(self.defaults)
        unknown = set(self.weights) - set(self.defaults)
        if unknown:
            raise ValueError(f"{key}: fitted weights for evidence the rule has not: {unknown}")

    def score(self, evidence: Evidence) -> float:
        return sum(self.weights.get(k, 0.0) * v for k, v in evidence.counts.items())

    def share(self, chosen: Evidence, every: Iterable[Evidence]) -> float:
        """The chosen candidate's share of the chance among all of them (a softmax of the
        scores): with fitted weights, the chance it is the right one of these."""
        scores = [self.score(e) for e in every]
        top = max(scores)
        total = sum(math.exp(x - top) for x in scores)
        return math.exp(self.score(chosen) - top) / total


@cache
def shipped_weights() -> dict[str, dict[str, float]]:
    """``processor/field`` -> fitted weights, from the file that ships with the app."""
    try:
        text = (resources.files(__package__) / MODEL_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    return {k: dict(v) for k, v in json.loads(text).get("weights", {}).items()}


def record(view: Any, key: str, candidates: Mapping[Any, Evidence]) -> None:
    """Keep the candidates of one field on the view, when its options ask for it."""
    if view.options.record_candidates:
        for value, evidence in candidates.items():
            view.candidate_log.append((key, value, dict(evidence.counts)))
