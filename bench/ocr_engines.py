"""A second OCR engine (RapidOCR: PP-OCR models run by onnxruntime) against Tesseract on the
receipt scans: fields right and CPU seconds per page.

Usage:
    python bench/ocr_engines.py --cache /work/cache/acc [--more 100] [--more-start 0]
        [--readings DIR] [--low 0.6] [--split-date-time] [--misses] [--json FILE]

Runs in an environment that has the app and ``rapidocr-onnxruntime`` installed. Every engine
runs in this one process, single-threaded (``OMP_THREAD_LIMIT=1`` for Tesseract, one
onnxruntime thread), so each CPU figure is seconds of one core.

For receipts/ and ``--more`` files of receipts-more/ (sorted; the first ones, or from
``--more-start``), four readings of each scan go through the receipt processor
(``--processor``, rule scores, no calibration) and are scored with ``bench/accuracy.py``'s
``matches``:

- ``tesseract``: the app's pages, from the extraction cache of ``bench/accuracy.py``;
- ``rapid-page``: RapidOCR on the whole image; each detected text line is one ``line``, its
  words split on spaces with x positions in proportion to character offsets, each word with
  the line's recognition score as confidence, in the same page units as the app's OCR pages;
- ``hybrid-crop``: Tesseract's page, where each line whose mean word confidence is below
  ``--low`` is read again by RapidOCR on a crop of that line, and its reading replaces the
  line's when its mean score is higher than that mean confidence;
- ``hybrid-overlap``: Tesseract's page, where RapidOCR's whole-page lines that overlap words
  of such a low-confidence line replace the words they cover (when their score is higher).

It prints, per set and for both sets together, the fields right per field and overall for each
reading, the CPU seconds per page each needs (Tesseract: the app's own extraction path, timed
on ``--timing-sample`` scans spread over both sets; RapidOCR: timed on every scan), the fields
gained and lost against Tesseract and the fields gained per extra CPU second; then the size of
the models on disk, what the engine adds to an installation, and whether it reached for the
network (it runs with Python sockets refused). ``--misses`` lists each field a reading gets right
or wrong where Tesseract does the opposite. A hybrid's CPU is Tesseract's plus the second
engine's (its line crops, or its whole page).

``--split-date-time`` puts back the space the second engine's recogniser often drops between a
date and a time ("22/12/201714:03"), in every reading of that engine. ``--readings DIR`` keeps
the whole-page readings (with the CPU seconds each took) so a second run scores them again
without reading the scans; the line crops and Tesseract's timing are run anew each time.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import resource
import socket
import statistics
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"  # before anything starts Tesseract

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import accuracy  # noqa: E402

from docrouter_desktop.core.extraction import extract, ocr_prep, tesseract  # noqa: E402
from docrouter_desktop.core.extraction.extract import ExtractOptions  # noqa: E402
from docrouter_desktop.core.extraction.pages import PageContent, Word  # noqa: E402
from docrouter_desktop.core.processors.base import ProcessorOptions  # noqa: E402
from docrouter_desktop.core.processors.run import run_processor  # noqa: E402

FIELDS = ["vendor", "vendor_address", "date", "total"]
READINGS = ["tesseract", "rapid-page", "hybrid-crop", "hybrid-overlap"]
LOW_LINE = 0.6  # a Tesseract line whose mean word confidence is below this is re-read
# PP-OCR's recogniser often drops the space between a date and the time after it
# ("22/12/201714:03"), which the app's date patterns then do not see as a date.
_GLUED_DATE_TIME = re.compile(r"(\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2}))(?=\d{1,2}:\d{2})")


def split_date_time(lines):
    """Lines with a space put back between a date and a time read as one token."""
    return [(box, _GLUED_DATE_TIME.sub(r"\1 ", text), score) for box, text, score in lines]


# --- the second engine ------------------------------------------------------------------------


class Rapid:
    """RapidOCR with one onnxruntime thread: one engine for pages, one for line crops.

    The crop engine scales its input down only (``det_limit_type="max"``): the page engine's
    default scales the short side up to 736 px, which would blow a 40 px line crop up to a
    huge image."""

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        start = time.process_time()
        threads = {"intra_op_num_threads": 1, "inter_op_num_threads": 1}
        self.page = RapidOCR(**threads)
        self.crop = RapidOCR(**threads, det_limit_type="max", det_limit_side_len=960)
        self.load_cpu = time.process_time() - start

    def read(self, engine, bgr) -> tuple[list[tuple], float]:
        """Lines ``((x0, top, x1, bottom), text, score)`` in the image's pixels, top to bottom,
        and the CPU seconds the reading took."""
        start = time.process_time()
        result, _elapsed = engine(bgr)
        cpu = time.process_time() - start
        lines = []
        for quad, text, score in result or []:
            xs = [p[0] for p in quad]
            ys = [p[1] for p in quad]
            text = unicodedata.normalize("NFKC", text).strip()
            if text:
                lines.append(((min(xs), min(ys), max(xs), max(ys)), text, float(score)))
        return lines, cpu


def split_words(box, text: str, score: float, line: int, factor: float) -> list[Word]:
    """One detected line as the app's words: split on spaces, x in proportion to character
    offsets, the line's score as each word's confidence, pixels times ``factor`` as units."""
    x0, top, x1, bottom = box
    n = max(1, len(text))
    out: list[Word] = []
    pos = 0
    for token in text.split(" "):
        if token:
            left = x0 + (x1 - x0) * pos / n
            right = x0 + (x1 - x0) * (pos + len(token)) / n
            out.append(
                Word(
                    token,
                    round(left * factor, 2),
                    round(top * factor, 2),
                    round(right * factor, 2),
                    round(bottom * factor, 2),
                    round(score, 3),
                    line,
                )
            )
        pos += len(token) + 1
    return out


def page_content(number: int, width: float, height: float, words: list[Word]) -> PageContent:
    """A page built as ``extract._ocr_page_content`` builds one."""
    text = extract._text_from_words(words)
    conf = sum(w.confidence for w in words) / len(words) if words else None
    return PageContent(number, float(width), float(height), "ocr", words, text, conf)


def rapid_page(lines, width: float, height: float, factor: float) -> PageContent:
    words: list[Word] = []
    for i, (box, text, score) in enumerate(lines):
        words.extend(split_words(box, text, score, i, factor))
    return page_content(1, width, height, words)


# --- hybrids ----------------------------------------------------------------------------------


def _lines_of(words: list[Word]) -> dict[int, list[Word]]:
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return lines


def low_lines(page: PageContent, low: float) -> dict[int, list[Word]]:
    return {
        k: ws
        for k, ws in _lines_of(page.words).items()
        if sum(w.confidence for w in ws) / len(ws) < low
    }


def _overlaps(a, b) -> bool:
    """Boxes ``(x0, top, x1, bottom)`` on the same text line that share some width."""
    dy = min(a[3], b[3]) - max(a[1], b[1])
    dx = min(a[2], b[2]) - max(a[0], b[0])
    return dx > 0 and dy > 0.5 * min(a[3] - a[1], b[3] - b[1])


def merge(page: PageContent, replacements: dict[int, list[tuple]], factor: float) -> PageContent:
    """Tesseract's page with second-engine lines put in: ``replacements`` maps a Tesseract line
    to the lines ``(box in pixels, text, score)`` that replace it. The Tesseract words of that
    line, and any other whose centre a new line's box covers, are dropped; the new lines take
    the replaced line's place in reading order, each with a line number of its own."""
    if not replacements:
        return page
    boxes = [tuple(v * factor for v in box) for rep in replacements.values() for box, _t, _s in rep]

    def covered(w: Word) -> bool:
        cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
        return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in boxes)

    next_line = max((w.line for w in page.words), default=0) + 1
    out: list[Word] = []
    for line, ws in _lines_of(page.words).items():
        for box, text, score in replacements.get(line, []):
            out.extend(split_words(box, text, score, next_line, factor))
            next_line += 1
        if line not in replacements:
            out.extend(w for w in ws if not covered(w))
    return page_content(page.number, page.width, page.height, out)


def crop_replacements(page: PageContent, image_bgr, rapid: Rapid, low: float, factor: float):
    """Each low-confidence Tesseract line read again on its own crop: the replacements for
    ``merge`` and the CPU seconds of those readings."""
    h_img, w_img = image_bgr.shape[:2]
    out: dict[int, list[tuple]] = {}
    cpu = 0.0
    for line, ws in low_lines(page, low).items():
        x0 = min(w.x0 for w in ws) / factor
        x1 = max(w.x1 for w in ws) / factor
        top = min(w.top for w in ws) / factor
        bottom = max(w.bottom for w in ws) / factor
        h = max(1.0, bottom - top)
        cx0, cx1 = max(0, int(x0 - 0.5 * h)), min(w_img, int(x1 + 0.5 * h) + 1)
        cy0, cy1 = max(0, int(top - 0.3 * h)), min(h_img, int(bottom + 0.3 * h) + 1)
        if cx1 - cx0 < 4 or cy1 - cy0 < 4:
            continue
        crop = image_bgr[cy0:cy1, cx0:cx1].copy()
        lines, spent = rapid.read(rapid.crop, crop)
        cpu += spent
        placed = []
        for (bx0, bt, bx1, bb), text, score in lines:
            box = (bx0 + cx0, bt + cy0, bx1 + cx0, bb + cy0)
            if top <= (box[1] + box[3]) / 2 <= bottom:  # this line, not a neighbour's edge
                placed.append((box, text, score))
        if not placed:
            continue
        mean = sum(w.confidence for w in ws) / len(ws)
        if sum(s for _b, _t, s in placed) / len(placed) > mean:
            out[line] = placed
    return out, cpu


def overlap_replacements(page: PageContent, lines, low: float, factor: float):
    """The whole-page lines of the second engine that overlap words of a low-confidence
    Tesseract line and read it with a higher score, keyed by the first such line."""
    low_words = low_lines(page, low)
    out: dict[int, list[tuple]] = {}
    for box, text, score in lines:
        pbox = tuple(v * factor for v in box)
        for line, ws in low_words.items():
            hit = [w for w in ws if _overlaps(pbox, w.box)]
            if hit and score > sum(w.confidence for w in ws) / len(ws):
                out.setdefault(line, []).append((box, text, score))
                break
    return out


# --- images and Tesseract's cost --------------------------------------------------------------


def load_image(path: Path):
    """The scan upright as the app reads it (EXIF turn applied): PIL image and BGR array."""
    import numpy as np
    from PIL import ImageOps

    image = extract.open_image(str(path))
    image.load()
    if extract._has_rotation(image):
        image = ImageOps.exif_transpose(image)
    rgb = image.convert("RGB")
    return rgb, np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])


def engine_costs(files: list[Path], rapid: Rapid) -> dict:
    """CPU seconds per page of the app's OCR path (``extract.extract_pages``: preparation, all
    Tesseract passes it decides on), of one first Tesseract pass alone, and of the second engine
    on the whole page, scan by scan one after the other so that all three share the machine's
    conditions."""
    full, first, second = [], [], []
    program = tesseract.find_tesseract("")
    for path in files:
        ctype = accuracy._content_type(path)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        own = time.process_time()
        extract.extract_pages(str(path), ctype, [1], ExtractOptions())
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        full.append(
            time.process_time()
            - own
            + (after.ru_utime - before.ru_utime)
            + (after.ru_stime - before.ru_stime)
        )
        rgb, bgr = load_image(path)
        prepared = ocr_prep.prepare(rgb)
        pgm = Path("/tmp") / f"ocr-engines-{os.getpid()}.pgm"
        prepared.image.save(pgm)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        tesseract.run_tsv(program, str(pgm), "eng", psm=prepared.psm)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        pgm.unlink()
        first.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        second.append(rapid.read(rapid.page, bgr)[1])
    return {"app": full, "first_pass": first, "rapid_page": second}


# --- sizes and network ------------------------------------------------------------------------


def _dist_size(dist) -> int:
    total = 0
    for f in dist.files or []:
        p = Path(dist.locate_file(f))
        if p.is_file():
            total += p.stat().st_size
    return total


def _closure(name: str) -> set[str]:
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [name]
    while todo:
        n = todo.pop().lower().replace("_", "-")
        if n in seen:
            continue
        try:
            dist = metadata.distribution(n)
        except metadata.PackageNotFoundError:
            continue
        seen.add(n)
        for r in dist.requires or []:
            req = Requirement(r)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def install_sizes() -> dict:
    """Models on disk, and the packages the engine adds to the app's own."""
    from importlib import metadata

    import rapidocr_onnxruntime

    models = sorted(Path(rapidocr_onnxruntime.__file__).parent.rglob("*.onnx"))
    added = sorted(_closure("rapidocr-onnxruntime") - _closure("docrouter-desktop"))
    sizes = {n: _dist_size(metadata.distribution(n)) for n in added}
    return {
        "models": {m.name: m.stat().st_size for m in models},
        "added": sizes,
        "versions": {n: metadata.version(n) for n in added},
    }


class NoNetwork:
    """Refuse every socket while the engine runs, and count the attempts."""

    def __init__(self) -> None:
        self.attempts = 0

    def __enter__(self):
        self._socket = socket.socket
        bench = self

        class Refused(socket.socket):
            def __init__(self, *a, **k):
                bench.attempts += 1
                raise OSError("network refused by the bench")

        socket.socket = Refused  # type: ignore[misc]
        return self

    def __exit__(self, *exc):
        socket.socket = self._socket  # type: ignore[misc]
        return False


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class Tally:
    right: dict[str, dict[str, int]] = field(default_factory=dict)  # reading -> field -> n
    labelled: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, list[float]] = field(default_factory=dict)  # reading -> per page
    pages: int = 0
    turned: int = 0  # pages Tesseract read turned, left out of the hybrids
    low_lines: int = 0
    replaced: dict[str, int] = field(default_factory=dict)
    outcomes: list[tuple[str, str, dict[str, bool]]] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for r, per in other.right.items():
            for f, n in per.items():
                self.right.setdefault(r, {}).setdefault(f, 0)
                self.right[r][f] += n
        for f, n in other.labelled.items():
            self.labelled[f] = self.labelled.get(f, 0) + n
        for r, xs in other.cpu.items():
            self.cpu.setdefault(r, []).extend(xs)
        self.pages += other.pages
        self.turned += other.turned
        self.low_lines += other.low_lines
        for r, n in other.replaced.items():
            self.replaced[r] = self.replaced.get(r, 0) + n
        self.outcomes.extend(other.outcomes)


def score(result: dict, want: dict) -> dict[str, bool]:
    fields = result.get("fields") or {}
    return {f: accuracy.matches(f, fields.get(f), w) for f, w in want.items() if f in FIELDS}


def _options() -> ProcessorOptions:
    try:
        return ProcessorOptions(calibrated=False)
    except TypeError:  # a version of the app without calibration
        return ProcessorOptions()


def _reading_key(path: Path) -> str:
    import rapidocr_onnxruntime

    h = hashlib.sha256(path.read_bytes())
    h.update(Path(rapidocr_onnxruntime.__file__).parent.joinpath("config.yaml").read_bytes())
    h.update(b"page-v1")
    return h.hexdigest()[:24]


def run_set(name: str, files: list[Path], truth: dict, args, rapid: Rapid, net: NoNetwork) -> Tally:
    t = Tally()
    options = _options()
    readings_dir = Path(args.readings) if args.readings else None
    for path in files:
        want = truth[path.name]["fields"]
        pages = accuracy.pages_for(path, ExtractOptions(), args.cache)
        if pages is None or len(pages) != 1:
            print(f"  skipped {path.name}: {'unreadable' if pages is None else 'several pages'}")
            continue
        tess = pages[0]
        rgb, bgr = load_image(path)
        factor = 1.0  # image pages are in the image's own pixels (extract._extract_image)
        turned = (round(tess.width), round(tess.height)) != rgb.size

        stored = None
        if readings_dir:
            stored_path = readings_dir / f"{_reading_key(path)}.pickle"
            if stored_path.exists():
                stored = pickle.loads(stored_path.read_bytes())
        if stored is None:
            with net:
                lines, cpu = rapid.read(rapid.page, bgr)
            stored = {"lines": lines, "cpu": cpu}
            if readings_dir:
                readings_dir.mkdir(parents=True, exist_ok=True)
                stored_path.write_bytes(pickle.dumps(stored))
        lines, page_cpu = stored["lines"], stored["cpu"]
        if args.split_date_time:
            lines = split_date_time(lines)

        full = rapid_page(lines, rgb.width, rgb.height, factor)
        if turned:  # Tesseract read it turned: its words are not in the scan's pixels
            crop_rep, crop_cpu, over_rep = {}, 0.0, {}
            t.turned += 1
        else:
            with net:
                crop_rep, crop_cpu = crop_replacements(tess, bgr, rapid, args.low, factor)
            if args.split_date_time:
                crop_rep = {k: split_date_time(v) for k, v in crop_rep.items()}
            over_rep = overlap_replacements(tess, lines, args.low, factor)
        t.low_lines += 0 if turned else len(low_lines(tess, args.low))
        t.replaced["hybrid-crop"] = t.replaced.get("hybrid-crop", 0) + len(crop_rep)
        t.replaced["hybrid-overlap"] = t.replaced.get("hybrid-overlap", 0) + len(over_rep)
        readings = {
            "tesseract": tess,
            "rapid-page": full,
            "hybrid-crop": merge(tess, crop_rep, factor),
            "hybrid-overlap": merge(tess, over_rep, factor),
        }
        t.cpu.setdefault("rapid-page", []).append(page_cpu)
        t.cpu.setdefault("rapid-crops", []).append(crop_cpu)
        t.pages += 1
        for f in want:
            if f in FIELDS:
                t.labelled[f] = t.labelled.get(f, 0) + 1
        for reading, page in readings.items():
            page.layout = None
            result = run_processor(args.processor, [page], options, None)
            ok = score(result, want)
            per = t.right.setdefault(reading, {})
            for f, good in ok.items():
                per[f] = per.get(f, 0) + good
            got = {f: (result.get("fields") or {}).get(f) for f in ok}
            t.outcomes.append((f"{name}/{path.name}", reading, {"ok": ok, "got": got}))
    return t


# --- printing ---------------------------------------------------------------------------------


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs) if xs else 0.0


def print_tally(title: str, t: Tally, cpu: dict[str, float], low: float) -> None:
    total = sum(t.labelled.values())
    print(f"\n== {title}: {t.pages} pages, {total} labelled fields")
    head = "".join(f"{f:>16}" for f in FIELDS)
    print(f"  {'reading':<16}{head}{'overall':>16}{'CPU s/page':>12}")
    for reading in READINGS:
        per = t.right.get(reading, {})
        cells = "".join(_cell(per.get(f, 0), t.labelled.get(f, 0)) for f in FIELDS)
        right = sum(per.values())
        print(f"  {reading:<16}{cells}{_cell(right, total)}{cpu[reading]:>12.2f}")
    base = sum(t.right.get("tesseract", {}).values())
    print(
        f"  low-confidence Tesseract lines (< {low:.2f}): {t.low_lines} "
        f"({t.low_lines / max(1, t.pages):.1f} a page); replaced by hybrid-crop "
        f"{t.replaced.get('hybrid-crop', 0)}, by hybrid-overlap "
        f"{t.replaced.get('hybrid-overlap', 0)}; pages read turned (hybrids = Tesseract): "
        f"{t.turned}"
    )
    for reading in READINGS[1:]:
        gained = lost = 0
        by_file: dict[str, dict] = {}
        for key, r, data in t.outcomes:
            by_file.setdefault(key, {})[r] = data["ok"]
        for per_reading in by_file.values():
            for f, good in per_reading[reading].items():
                was = per_reading["tesseract"][f]
                gained += good and not was
                lost += was and not good
        right = sum(t.right.get(reading, {}).values())
        extra = (cpu[reading] - cpu["tesseract"]) * t.pages
        rate = (right - base) / extra if extra > 0 else float("nan")
        per_cpu = right / (cpu[reading] * t.pages) if cpu[reading] else float("nan")
        print(
            f"  {reading:<16} vs tesseract: +{gained} -{lost} = {right - base:+d} fields; "
            f"{rate:+.3f} fields per extra CPU s; {per_cpu:.2f} right fields per CPU s "
            f"(tesseract {base / (cpu['tesseract'] * t.pages):.2f})"
        )


def _cell(a: int, b: int) -> str:
    return f"{a:>5}/{b:<4}{_p(a, b)}"


def _p(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "  n/a "


def print_misses(t: Tally) -> None:
    by_file: dict[str, dict] = {}
    for key, r, data in t.outcomes:
        by_file.setdefault(key, {})[r] = data
    print("\n== fields where a reading differs from Tesseract")
    for key, per in by_file.items():
        for reading in READINGS[1:]:
            for f, good in per[reading]["ok"].items():
                if good != per["tesseract"]["ok"][f]:
                    sign = "+" if good else "-"
                    print(
                        f"  {sign} {reading:<15} {key}: {f} {per[reading]['got'][f]!r} "
                        f"(tesseract {per['tesseract']['got'][f]!r})"
                    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", required=True, help="bench/accuracy.py's extraction cache")
    parser.add_argument("--eval", default=str(accuracy.DEFAULT_ROOT), help="evaluation root")
    parser.add_argument("--more", type=int, default=100, help="files of receipts-more/ to use")
    parser.add_argument(
        "--more-start", type=int, default=0, help="first file of receipts-more/ to use (sorted)"
    )
    parser.add_argument("--processor", default="receipt", choices=["receipt", "auto"])
    parser.add_argument("--low", type=float, default=LOW_LINE, help="low line confidence")
    parser.add_argument("--timing-sample", type=int, default=20, help="scans to time Tesseract on")
    parser.add_argument("--readings", help="folder to keep whole-page RapidOCR readings in")
    parser.add_argument("--misses", action="store_true", help="list fields that differ")
    parser.add_argument(
        "--split-date-time",
        action="store_true",
        help="put a space back between a date and a time the second engine read as one token",
    )
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args(argv)

    root = Path(args.eval)
    sets = []
    for name, start, limit in (
        ("receipts", 0, None),
        ("receipts-more", args.more_start, args.more),
    ):
        truth = json.loads((root / f"{name}.truth.json").read_text(encoding="utf-8"))
        files = sorted(f for f in (root / name).iterdir() if f.is_file() and f.name in truth)
        sets.append((name, files[start : start + limit] if limit else files[start:], truth))

    net = NoNetwork()
    with net:
        rapid = Rapid()
    tallies = {}
    for name, files, truth in sets:
        print(f"reading {name} ({len(files)} files)...", file=sys.stderr, flush=True)
        tallies[name] = run_set(name, files, truth, args, rapid, net)

    every = [f for _n, files, _t in sets for f in files]
    step = max(1, len(every) // max(1, args.timing_sample))
    sample = every[::step][: args.timing_sample]
    print(f"timing the engines on {len(sample)} scans...", file=sys.stderr, flush=True)
    tcost = engine_costs(sample, rapid)
    tess_cpu = _mean(tcost["app"])

    both = Tally()
    for t in tallies.values():
        both.add(t)
    print("Second OCR engine against Tesseract: receipt fields right and CPU seconds per page")
    print(
        f"(one core each; processor '{args.processor}', rule scores; hybrids re-read lines "
        f"whose mean word confidence is below {args.low})"
    )
    figures = {}
    for title, t in [*tallies.items(), ("both sets", both)]:
        rp = _mean(t.cpu["rapid-page"])
        rc = _mean(t.cpu["rapid-crops"])
        cpu = {
            "tesseract": tess_cpu,
            "rapid-page": rp,
            "hybrid-crop": tess_cpu + rc,
            "hybrid-overlap": tess_cpu + rp,
        }
        print_tally(title, t, cpu, args.low)
        figures[title] = {"right": t.right, "labelled": t.labelled, "cpu": cpu, "pages": t.pages}

    print("\n== CPU seconds per page (process CPU time, one core)")
    print(
        f"  tesseract, the app's path, {len(sample)} scans: mean {tess_cpu:.2f}, median "
        f"{statistics.median(tcost['app']):.2f}, max {max(tcost['app']):.2f}"
    )
    print(f"  tesseract, first pass alone: mean {_mean(tcost['first_pass']):.2f}")
    print(
        f"  rapidocr whole page, the same {len(sample)} scans right after: mean "
        f"{_mean(tcost['rapid_page']):.2f}, median {statistics.median(tcost['rapid_page']):.2f}"
    )
    rp_all = both.cpu["rapid-page"]
    print(
        f"  rapidocr whole page, {len(rp_all)} scans: mean {_mean(rp_all):.2f}, median "
        f"{statistics.median(rp_all):.2f}, max {max(rp_all):.2f}"
    )
    rc_all = both.cpu["rapid-crops"]
    print(
        f"  rapidocr low-confidence line crops: mean {_mean(rc_all):.2f} a page "
        f"({both.low_lines / max(1, both.pages):.1f} lines a page)"
    )
    print(f"  rapidocr model loading, once per process: {rapid.load_cpu:.2f}")
    print(
        f"  peak resident memory of this process: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )

    sizes = install_sizes()
    mb = 1024 * 1024
    print("\n== size on disk")
    for m, n in sizes["models"].items():
        print(f"  model {m}: {n / mb:.1f} MB")
    print(f"  models together: {sum(sizes['models'].values()) / mb:.1f} MB")
    for d, n in sorted(sizes["added"].items(), key=lambda kv: -kv[1]):
        print(f"  package {d} {sizes['versions'][d]}: {n / mb:.1f} MB")
    print(f"  added to the app's installation: {sum(sizes['added'].values()) / mb:.1f} MB")
    print(
        f"\n== network: {net.attempts} attempt(s) to open a socket while the engine loaded and "
        "read (Python sockets refused throughout)"
    )
    if args.misses:
        print_misses(both)
    if args.json:
        figures["cpu_samples"] = {"tesseract": tcost, "rapid-page": rp_all, "rapid-crops": rc_all}
        figures["sizes"] = sizes
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
