"""Fit the weights that rank a field's candidates (``core/processors/ranking_model.json``).

Usage:
    python bench/fit_ranking.py [EVAL_ROOT] --cache DIR [--write] [--folds 5] [--seed 20261202]

Every document of the receipt sets runs through the real extraction (cached in ``--cache``, as
``bench/accuracy.py`` caches it) and the processors with the candidates recorded
(``ProcessorOptions(record_candidates=True)``), the rules' own weights in use. Each candidate
of a ranked field is labelled right or wrong against the ground truth (the accuracy bench's
matching rules), and a conditional logit over the candidates' named evidence is fitted per
field (the right candidate's share of its document's candidates as large as it can be).

It prints, per field, how often the best-scored candidate is the right value: with the rules'
weights, with fitted weights out of fold (k folds of documents, seeded), and with fitted
weights out of source (fitted without the source it is scored on); and how often the right
value is among the candidates at all (the ceiling). ``--write`` saves the weights fitted on
everything, with what they were fitted on. Needs scipy (``pip install .[fit]``; fitting only).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from accuracy import DEFAULT_ROOT, matches, pages_for  # noqa: E402

from docrouter_desktop.core import tasks  # noqa: E402
from docrouter_desktop.core.extraction.extract import ExtractOptions  # noqa: E402
from docrouter_desktop.core.processors import ranking  # noqa: E402
from docrouter_desktop.core.processors.base import DocumentView, ProcessorOptions  # noqa: E402
from docrouter_desktop.core.processors.run import PROCESSORS  # noqa: E402

SETS = [
    ("receipts", "sroie"),
    ("receipts-more", "sroie-more"),
    ("receipts-pdf", "sroie-pdf"),
]
PROCESSOR = "receipt"


def _candidates_of(path: str, truth: dict, cache: str) -> list[dict]:
    pages = pages_for(Path(path), ExtractOptions(), cache)
    if pages is None:
        return []
    options = ProcessorOptions(calibrated=False, record_candidates=True)
    view = DocumentView(pages, options)
    PROCESSORS[PROCESSOR]().run(view)
    out = []
    for key, value, counts in view.candidate_log:
        name = key.split("/", 1)[1]
        if name not in truth["fields"]:
            continue
        out.append(
            {
                "key": key,
                "value": value,
                "evidence": counts,
                "right": bool(matches(name, value, truth["fields"][name])),
            }
        )
    return out


def collect(root: Path, cache: str, workers: int) -> list[dict]:
    jobs = []
    for folder, source in SETS:
        truth_path = root / f"{folder}.truth.json"
        if not truth_path.exists():
            continue
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        for name in sorted(truth):
            if (root / folder / name).is_file():
                jobs.append((source, f"{folder}/{name}", str(root / folder / name), truth[name]))
    rows = []
    with ProcessPoolExecutor(max_workers=workers, initializer=tasks.worker_init) as pool:
        futures = [(s, d, pool.submit(_candidates_of, p, t, cache)) for s, d, p, t in jobs]
        for source, doc, fut in futures:
            for row in fut.result():
                row["source"], row["doc"] = source, doc
                rows.append(row)
    return rows


def fit(rows: list[dict], seed: int, c: float) -> dict[str, dict[str, float]]:
    """Per field, the weights of a conditional logit: for each document, the softmax of its
    candidates' scores puts as much as it can on the right one(s); an L2 pull of strength 1/c
    toward the rule's own weights."""
    import numpy as np
    from scipy.optimize import minimize

    out: dict[str, dict[str, float]] = {}
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_key[r["key"]].append(r)
    for key, group in sorted(by_key.items()):
        names = sorted({k for r in group for k in r["evidence"]} - {ranking.BIAS})
        index = {n: i for i, n in enumerate(names)}
        docs: dict[str, list[dict]] = defaultdict(list)
        for r in group:
            docs[r["doc"]].append(r)
        sets = []  # (features of each candidate, which are right), documents with a right one
        for cands in docs.values():
            right = np.array([r["right"] for r in cands], dtype=bool)
            if not right.any():
                continue
            x = np.zeros((len(cands), len(names)))
            for i, r in enumerate(cands):
                for k, v in r["evidence"].items():
                    if k in index:
                        x[i, index[k]] = v
            sets.append((x, right))
        if not sets or not names:
            continue
        lam = 1.0 / (c * len(sets))

        # The prior is the rule's own weights: evidence the documents rarely show keeps about
        # the weight the rule gives it, instead of being pulled to nothing.
        prior = np.array([ranking.DEFAULTS.get(key, {}).get(n, 0.0) for n in names])

        def loss(w: np.ndarray, sets=sets, lam=lam, prior=prior) -> tuple[float, np.ndarray]:
            total, grad = 0.0, np.zeros_like(w)
            for x, right in sets:
                s = x @ w
                s -= s.max()
                e = np.exp(s)
                p_all = e / e.sum()
                p_right = p_all[right].sum()
                total -= np.log(p_right)
                # d/dw -log(sum_right e / sum_all e)
                grad -= (x[right].T @ (e[right] / e[right].sum())) - x.T @ p_all
            total /= len(sets)
            grad /= len(sets)
            d = w - prior
            return total + lam * float(d @ d), grad + 2 * lam * d

        result = minimize(loss, prior.copy(), jac=True, method="L-BFGS-B")
        out[key] = {n: round(float(w), 5) for n, w in zip(names, result.x, strict=True)}
        out[key][ranking.BIAS] = 0.0
    return out


def _pick(cands: list[dict], weights: dict[str, float] | None) -> dict | None:
    if not cands:
        return None

    def score(r: dict) -> tuple[float, float]:
        ev = r["evidence"]
        s = sum((weights or {}).get(k, 0.0) * v for k, v in ev.items()) if weights else r["hand"]
        return (s, r["value"] if isinstance(r["value"], int | float) else 0.0)

    return max(cands, key=score)


def picks_right(rows: list[dict], weights_for) -> dict[str, list[int]]:
    """Per field: [documents whose best candidate is right, documents with candidates]."""
    by_doc: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        by_doc[(r["doc"], r["key"])].append(r)
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (doc, key), cands in by_doc.items():
        best = _pick(cands, weights_for(doc, key))
        out[key][1] += 1
        out[key][0] += bool(best and best["right"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=str(DEFAULT_ROOT))
    ap.add_argument("--cache", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--c", type=float, default=1.0, help="inverse L2 strength")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    root = Path(args.root)
    rows = collect(root, args.cache, args.workers)
    defaults = {k: dict(v) for k, v in ranking.DEFAULTS.items()}
    for r in rows:
        w = defaults.get(r["key"], {})
        r["hand"] = sum(w.get(k, 0.0) * v for k, v in r["evidence"].items())
    docs_with_truth: dict[str, int] = defaultdict(int)
    for folder, _source in SETS:
        p = root / f"{folder}.truth.json"
        if p.exists():
            for t in json.loads(p.read_text(encoding="utf-8")).values():
                for name in t["fields"]:
                    docs_with_truth[f"{PROCESSOR}/{name}"] += 1
    ceiling: dict[str, set] = defaultdict(set)
    for r in rows:
        if r["right"]:
            ceiling[r["key"]].add(r["doc"])

    hand = picks_right(rows, lambda d, k: None)
    docs = sorted({r["doc"] for r in rows})
    random.Random(args.seed).shuffle(docs)
    fold_of = {d: i % args.folds for i, d in enumerate(docs)}
    fold_models = [
        fit([r for r in rows if fold_of[r["doc"]] != k], args.seed, args.c)
        for k in range(args.folds)
    ]
    folds = picks_right(rows, lambda d, k: fold_models[fold_of[d]].get(k))
    source_of = {r["doc"]: r["source"] for r in rows}
    source_models = {
        s: fit([r for r in rows if r["source"] != s], args.seed, args.c)
        for s in sorted(set(source_of.values()))
    }
    sources = picks_right(rows, lambda d, k: source_models[source_of[d]].get(k))
    print("field            docs  ceiling  rules' weights  fitted, out of fold  out of source")
    for key in sorted(hand):
        n = docs_with_truth.get(key, hand[key][1])
        print(
            f"{key:<16} {n:4d}  {100 * len(ceiling[key]) / n:6.1f}%  "
            f"{100 * hand[key][0] / n:13.1f}%  {100 * folds[key][0] / n:18.1f}%  "
            f"{100 * sources[key][0] / n:12.1f}%"
        )
    if args.write:
        import scipy

        weights = fit(rows, args.seed, args.c)
        meta = {
            "fitted_by": "bench/fit_ranking.py",
            "seed": args.seed,
            "c": args.c,
            "sets": [f for f, _s in SETS],
            "candidates": len(rows),
            "fitter": f"conditional logit, L2, scipy {scipy.__version__} L-BFGS-B",
        }
        target = Path(ranking.__file__).with_name(ranking.MODEL_FILE)
        target.write_text(
            json.dumps({"meta": meta, "weights": weights}, indent=1, sort_keys=True) + "\n"
        )
        print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
