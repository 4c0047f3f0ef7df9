"""The one place Tesseract is run: finding the program, its languages, and reading TSV words.

Tesseract runs as a subprocess with ``OMP_THREAD_LIMIT=1`` (its OpenMP threads fight other
workers on a small machine and run several times slower) and is given a file, never an
image it would have to re-encode.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from docrouter_desktop.core.errors import DocumentError

USUAL_LOCATIONS = {
    "win32": [
        r"C:\Program Files\Tesseract-OCR\tesseract.exe",
        r"C:\Program Files (x86)\Tesseract-OCR\tesseract.exe",
    ],
    "darwin": [
        "/opt/homebrew/bin/tesseract",
        "/usr/local/bin/tesseract",
        "/opt/local/bin/tesseract",
    ],
    "linux": ["/usr/bin/tesseract", "/usr/local/bin/tesseract"],
}

INSTALL_HINT = {
    "win32": "Install Tesseract OCR (the UB Mannheim installer) and restart, or set its path "
    "with: docrouter-desktop config set tesseract_path C:\\...\\tesseract.exe",
    "darwin": "Install it with: brew install tesseract tesseract-lang",
    "linux": "Install it with: sudo apt-get install tesseract-ocr tesseract-ocr-eng "
    "(Fedora: sudo dnf install tesseract)",
}


class TesseractMissingError(DocumentError):
    pass


def _platform() -> str:
    return "linux" if sys.platform.startswith("linux") else sys.platform


def find_tesseract(configured: str = "") -> str:
    """The Tesseract program to run, or TesseractMissingError saying what to install."""
    if configured:
        if Path(configured).is_file() and os.access(configured, os.X_OK):
            return configured
        raise TesseractMissingError(
            f"Tesseract OCR was not found at '{configured}' (the tesseract_path setting), so "
            f"scans and photos cannot be read. {INSTALL_HINT.get(_platform(), '')}, or clear "
            "the setting with: docrouter-desktop config set tesseract_path ''"
        )
    found = shutil.which("tesseract")
    if found:
        return found
    for candidate in USUAL_LOCATIONS.get(_platform(), []):
        if Path(candidate).is_file():
            return candidate
    raise TesseractMissingError(
        "Tesseract OCR is not installed, so scans and photos cannot be read (text PDFs still "
        f"work). {INSTALL_HINT.get(_platform(), '')}"
    )


@functools.lru_cache(maxsize=8)
def available_languages(program: str) -> frozenset[str]:
    out = subprocess.run(
        [program, "--list-langs"], capture_output=True, text=True, timeout=30, env=_env()
    )
    langs = [line.strip() for line in out.stdout.splitlines()[1:] if line.strip()]
    return frozenset(langs)


def check_languages(program: str, languages: str) -> str:
    """The languages to ask for; a missing one is an error that names the package to install."""
    have = available_languages(program)
    wanted = [lang for lang in languages.split("+") if lang]
    missing = [lang for lang in wanted if lang not in have]
    if missing:
        pkgs = " ".join(f"tesseract-ocr-{m.replace('_', '-')}" for m in missing)
        raise DocumentError(
            f"Tesseract has no data for the OCR language(s) {', '.join(missing)} "
            f"(installed: {', '.join(sorted(have)) or 'none'}). Install {pkgs}, or change the "
            "ocr_languages setting."
        )
    return "+".join(wanted)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"
    return env


@dataclass
class OcrWord:
    page: int  # 1-based page of a multi-page input (TIFF)
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float  # 0..1
    line: int


def run_tsv(
    program: str, image_path: str, languages: str, psm: int = 3, timeout: float = 600
) -> list[OcrWord]:
    """Run Tesseract on an image file and return its words with boxes and confidences."""
    cmd = [program, image_path, "stdout", "-l", languages, "--psm", str(psm), "tsv"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env())
    except subprocess.TimeoutExpired:
        raise DocumentError(
            f"OCR took longer than {int(timeout)} s on one page and was stopped."
        ) from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit code {proc.returncode}"
        raise DocumentError(f"Tesseract could not read the image: {detail}")
    return parse_tsv(proc.stdout.decode("utf-8", "replace"))


def parse_tsv(tsv: str) -> list[OcrWord]:
    words: list[OcrWord] = []
    line_ids: dict[tuple[int, int, int, int], int] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].strip()
        if not text:
            continue
        page = int(cols[1])
        key = (page, int(cols[2]), int(cols[3]), int(cols[4]))
        line = line_ids.setdefault(key, len(line_ids))
        conf = max(0.0, float(cols[10])) / 100.0
        words.append(
            OcrWord(page, text, int(cols[6]), int(cols[7]), int(cols[8]), int(cols[9]), conf, line)
        )
    return words


def detect_rotation(program: str, image_path: str, timeout: float = 120) -> int:
    """Clockwise degrees (0, 90, 180, 270) that turn the page upright, from Tesseract's
    orientation detection (OSD); 0 when it is unsure or cannot tell."""
    cmd = [program, image_path, "stdout", "--psm", "0"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=_env())
    except subprocess.TimeoutExpired:
        return 0
    out = proc.stdout.decode("utf-8", "replace")
    rotate = re.search(r"Rotate:\s*(\d+)", out)
    confidence = re.search(r"Orientation confidence:\s*([\d.]+)", out)
    if proc.returncode != 0 or not rotate or not confidence:
        return 0
    if float(confidence.group(1)) < MIN_OSD_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360


MIN_OSD_CONFIDENCE = 2.0
