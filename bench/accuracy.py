"""Extraction accuracy against ground truth: per field, by confidence band, routing and speed.

Usage:
    python bench/accuracy.py DIR [--processor auto|invoice|receipt] [--workers N] [--no-embedded]
    python bench/accuracy.py --all [EVAL_ROOT]

DIR holds only documents; its ground truth is ``DIR.truth.json`` beside it:
``{file_name: {"kind": "invoice"|"receipt", "fields": {...}}}``. Every document runs through the
real pipeline (``tasks.extract_task`` then ``tasks.analyze_task``: extraction, OCR, processor)
in a process pool.
``--all`` runs every set under the evaluation root (e-invoices with embedded data on and off)
and prints the combined confident-precision, coverage and routing figures.
``--cache DIR`` keeps extracted pages between runs, keyed by the file and the extraction code,
so changes to processors can be measured without running OCR again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from docrouter_desktop.core import tasks  # noqa: E402
from docrouter_desktop.core.extraction import extract as extract_mod  # noqa: E402
from docrouter_desktop.core.extraction.extract import ExtractOptions  # noqa: E402
from docrouter_desktop.core.filetypes import sniff  # noqa: E402
from docrouter_desktop.core.processors.base import ProcessorOptions  # noqa: E402
from docrouter_desktop.core.processors.run import run_processor  # noqa: E402

CONFIDENT = 0.8
AMOUNT_FIELDS = {"total", "subtotal", "tax"}
TEXT_FIELDS = {"vendor", "vendor_address"}
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "eval"
EXTRACTION_SOURCES = ["extract.py", "tesseract.py", "ocr_prep.py", "pdf_text.py"]


# --- matching -------------------------------------------------------------------------------


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", str(text).casefold())


def matches(name: str, got, want) -> bool:
    """Whether an extracted value equals the labelled one under the benchmark's rules."""
    if got is None:
        return False
    if name in AMOUNT_FIELDS:
        try:
            return abs(float(got) - float(want)) <= 0.005
        except (TypeError, ValueError):
            return False
    if name in ("date", "due_date"):
        return str(got)[:10] == str(want)[:10]
    if name == "currency":
        return str(got).upper() == str(want).upper()
    if name == "invoice_number":
        return _fold(got) == _fold(want)
    if name in TEXT_FIELDS:
        a, b = _fold(got), _fold(want)
        if not a or not b:
            return False
        if a == b:
            return True
        short, long = sorted((a, b), key=len)
        return short in long and len(short) >= 0.6 * len(long)
    return got == want


# --- running --------------------------------------------------------------------------------


def _content_type(path: Path) -> str:
    with open(path, "rb") as fh:
        return sniff(fh.read(4096))


def _extraction_key(path: Path, options: ExtractOptions) -> str:
    h = hashlib.sha256(path.read_bytes())
    h.update(repr(options).encode())
    src = Path(extract_mod.__file__).parent
    for name in EXTRACTION_SOURCES:
        p = src / name
        if p.exists():
            h.update(p.read_bytes())
    return h.hexdigest()[:24]


def pages_for(path: Path, extract_options, cache_dir: str):
    """The extracted pages of one document, from the cache or extracted (and cached) now;
    None when the document cannot be read."""
    ctype = _content_type(path)
    info = tasks.inspect_task(str(path), ctype)
    if isinstance(info, tasks.TaskError):
        return None
    cached = Path(cache_dir) / f"{_extraction_key(path, extract_options)}.pickle"
    if cached.exists():
        pages = pickle.loads(cached.read_bytes())
    else:
        pages = tasks.extract_task(str(path), ctype, list(range(1, info + 1)), extract_options)
        if isinstance(pages, tasks.TaskError):
            return None
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(pages))
    for page in pages:  # what was built from the words is built again by this code
        page.layout = None
    return pages


def _run_one(path: str, processor: str, extract_options, options, cache_dir: str | None):
    """Worker: the Result of one document (extraction cached when asked), and its seconds."""
    start = time.perf_counter()
    p = Path(path)
    ctype = _content_type(p)
    info = tasks.inspect_task(path, ctype)
    if isinstance(info, tasks.TaskError):
        return {"error": info.message}, time.perf_counter() - start
    numbers = list(range(1, info + 1))
    cached = None
    if cache_dir:
        cached = Path(cache_dir) / f"{_extraction_key(p, extract_options)}.pickle"
        if cached.exists():
            pages = pickle.loads(cached.read_bytes())
            for page in pages:  # what was built from the words is built again by this code
                page.layout = None
            pdf = path if ctype == "application/pdf" else None
            result = run_processor(processor, pages, options, pdf)
            return result, time.perf_counter() - start
    pages = tasks.extract_task(path, ctype, numbers, extract_options)
    if isinstance(pages, tasks.TaskError):
        return {"error": pages.message}, time.perf_counter() - start
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(pickle.dumps(pages))
    result = tasks.analyze_task(processor, pages, options, path, ctype)
    if isinstance(result, tasks.TaskError):
        return {"error": result.message}, time.perf_counter() - start
    return result, time.perf_counter() - start


@dataclass
class SetScore:
    name: str
    per_field: dict[str, list[int]] = field(default_factory=dict)  # name -> [matched, total]
    confident_right: int = 0
    confident_wrong: int = 0
    unsure_right: int = 0
    unsure_wrong: int = 0
    routed_right: int = 0
    routed: int = 0
    documents: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)
    bands: dict[str, list[int]] = field(default_factory=dict)  # name -> [cr, cw, ur, uw]
    points: list[tuple[float, bool]] = field(default_factory=list)  # (confidence, right)

    @property
    def matched(self) -> int:
        return sum(m for m, _t in self.per_field.values())

    @property
    def total(self) -> int:
        return sum(t for _m, t in self.per_field.values())


def evaluate(
    folder: Path,
    processor: str = "auto",
    workers: int = 2,
    embedded: bool = True,
    cache_dir: str | None = None,
    name: str | None = None,
    languages: str = "eng",
    calibrated: bool = True,
) -> SetScore:
    truth_path = folder.parent / f"{folder.name}.truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.name in truth)
    extract_options = ExtractOptions(ocr_languages=languages)
    options = ProcessorOptions(embedded_data=embedded, calibrated=calibrated)
    score = SetScore(name or folder.name)
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers, initializer=tasks.worker_init) as pool:
        futures = [
            pool.submit(_run_one, str(f), processor, extract_options, options, cache_dir)
            for f in files
        ]
        results = [fut.result() for fut in futures]
    score.seconds = time.perf_counter() - start
    for f, (result, _secs) in zip(files, results, strict=True):
        want = truth[f.name]
        score.documents += 1
        if processor == "auto":
            score.routed += 1
            if result.get("processor_type") == want["kind"]:
                score.routed_right += 1
            else:
                score.misses.append(
                    f"{f.name}: routed {result.get('processor_type')} ({result.get('routing')})"
                )
        fields = result.get("fields") or {}
        details = result.get("field_details") or {}
        for fname, wanted in want["fields"].items():
            pair = score.per_field.setdefault(fname, [0, 0])
            pair[1] += 1
            got = fields.get(fname)
            ok = matches(fname, got, wanted)
            pair[0] += ok
            conf = (details.get(fname) or {}).get("confidence", 0.0)
            if got is not None:
                score.points.append((conf, ok))
                band = score.bands.setdefault(fname, [0, 0, 0, 0])
                band[(0 if conf >= CONFIDENT else 2) + (0 if ok else 1)] += 1
                if conf >= CONFIDENT:
                    score.confident_right += ok
                    score.confident_wrong += not ok
                else:
                    score.unsure_right += ok
                    score.unsure_wrong += not ok
            if not ok:
                tag = "CONFIDENT " if got is not None and conf >= CONFIDENT else ""
                score.misses.append(
                    f"{f.name}: {tag}{fname} got {got!r} ({conf:.2f}) want {wanted!r}"
                    + (f" [{result['error']}]" if "error" in result else "")
                )
    return score


# --- reporting ------------------------------------------------------------------------------


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "   n/a"


def print_score(s: SetScore, show_misses: bool = False) -> None:
    print(f"== {s.name}: {s.documents} documents")
    for fname, (m, t) in sorted(s.per_field.items()):
        cr, cw, ur, uw = s.bands.get(fname, [0, 0, 0, 0])
        print(
            f"  {fname:<15} {m:3d}/{t:<3d} {_pct(m, t)}"
            f"   confident {cr}/{cr + cw} right, unsure {ur}/{ur + uw} right"
        )
    print(f"  {'overall':<15} {s.matched:3d}/{s.total:<3d} {_pct(s.matched, s.total)}")
    conf = s.confident_right + s.confident_wrong
    unsure = s.unsure_right + s.unsure_wrong
    correct = s.confident_right + s.unsure_right
    print(
        f"  confident (>= {CONFIDENT}): {s.confident_right}/{conf} right {_pct(s.confident_right, conf)}"
    )
    print(
        f"  below {CONFIDENT}:        {s.unsure_right}/{unsure} right {_pct(s.unsure_right, unsure)}"
    )
    print(
        f"  coverage: {s.confident_right}/{correct} correct fields confident {_pct(s.confident_right, correct)}"
    )
    if s.routed:
        print(f"  routing: {s.routed_right}/{s.routed} {_pct(s.routed_right, s.routed)}")
    rate = s.documents / s.seconds if s.seconds else 0.0
    print(f"  speed: {rate:.2f} documents/s ({s.seconds:.1f} s)")
    if show_misses:
        for line in s.misses:
            print(f"    - {line}")


RELIABILITY_BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.98, 1.0001)


def print_reliability(points: list[tuple[float, bool]]) -> None:
    """Confidence bins against how often the fields in them were right (a bin of 30 or more
    fields more than 5 points off the diagonal is flagged)."""
    print("  reliability: bin, fields, mean confidence, share right, gap")
    for lo, hi in zip(RELIABILITY_BINS, RELIABILITY_BINS[1:], strict=False):
        inside = [(c, ok) for c, ok in points if lo <= c < hi]
        if not inside:
            continue
        mean = sum(c for c, _ in inside) / len(inside)
        share = sum(ok for _, ok in inside) / len(inside)
        gap = 100 * (share - mean)
        flag = "  <- more than 5 points off" if len(inside) >= 30 and abs(gap) > 5 else ""
        print(
            f"    {lo:.2f}-{min(hi, 1.0):.2f} {len(inside):5d}   {mean:.3f}   {share:.3f}"
            f"   {gap:+5.1f}{flag}"
        )


def print_combined(scores: list[SetScore]) -> None:
    cr = sum(s.confident_right for s in scores)
    cw = sum(s.confident_wrong for s in scores)
    ur = sum(s.unsure_right for s in scores)
    rr = sum(s.routed_right for s in scores)
    rt = sum(s.routed for s in scores)
    m = sum(s.matched for s in scores)
    t = sum(s.total for s in scores)
    print("== all sets")
    print(f"  fields right: {m}/{t} {_pct(m, t)}")
    print(f"  confident precision: {cr}/{cr + cw} {_pct(cr, cr + cw)}")
    print(f"  coverage: {cr}/{cr + ur} {_pct(cr, cr + ur)}")
    print(f"  routing: {rr}/{rt} {_pct(rr, rt)}")
    print_reliability([pt for s in scores for pt in s.points])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", nargs="?", help="folder of documents (or the root with --all)")
    parser.add_argument("--processor", default="auto", choices=["auto", "invoice", "receipt"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-embedded", action="store_true", help="ignore e-invoice XML")
    parser.add_argument("--all", action="store_true", help="every set under the root")
    parser.add_argument("--cache", help="folder to keep extracted pages in between runs")
    parser.add_argument("--misses", action="store_true", help="list every wrong field")
    parser.add_argument("--languages", default="eng", help="OCR languages (the setting)")
    parser.add_argument(
        "--no-calibration", action="store_true", help="the rules' own scores, not the model's"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if args.all:
        root = Path(args.dir) if args.dir else DEFAULT_ROOT
        scores = []
        for truth in sorted(root.glob("*.truth.json")):
            folder = root / truth.name[: -len(".truth.json")]
            if not folder.is_dir():
                continue
            runs = [(True, folder.name)]
            if (
                any(f.suffix.lower() == ".pdf" for f in folder.iterdir())
                and "einvoice" in folder.name
            ):
                runs = [
                    (True, f"{folder.name} (embedded on)"),
                    (False, f"{folder.name} (embedded off)"),
                ]
            for embedded, name in runs:
                s = evaluate(
                    folder,
                    args.processor,
                    args.workers,
                    embedded,
                    args.cache,
                    name,
                    args.languages,
                    not args.no_calibration,
                )
                print_score(s, args.misses)
                scores.append(s)
        print_combined(scores)
        return 0
    if not args.dir:
        parser.error("DIR is required without --all")
    folder = Path(args.dir).resolve()
    s = evaluate(
        folder,
        args.processor,
        args.workers,
        not args.no_embedded,
        args.cache,
        None,
        args.languages,
        not args.no_calibration,
    )
    print_score(s, args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
