"""A fixed 200-page text PDF of about 2,500 characters a page, the same bytes on every run."""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from fpdf import FPDF

PAGES = 200
LINES_PER_PAGE = 40
LINE_CHARS = 58  # 40 lines x ~63 characters: about 2,500 characters a page
SEED = 20241128
VOCABULARY = (
    "invoice delivery service consulting hours quantity unit price amount total subtotal "
    "payment terms due date order reference customer supplier account transfer shipping "
    "handling discount tax rate net gross period contract licence support maintenance "
    "hardware software project phase milestone report review office travel expenses"
).split()


def _line(rng: random.Random) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < LINE_CHARS:
        r = rng.random()
        if r < 0.12:
            words.append(f"{rng.randint(1, 9999)},{rng.randint(0, 99):02d}")
        elif r < 0.18:
            words.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024")
        else:
            words.append(rng.choice(VOCABULARY))
    return " ".join(words)


def make_text_pdf(path: Path, pages: int = PAGES) -> Path:
    """Write the benchmark PDF to ``path``; the same arguments give the same bytes."""
    rng = random.Random(SEED)
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    pdf.set_auto_page_break(False)
    pdf.set_margins(15, 15)
    for number in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 7, f"Invoice No: BENCH-{number:04d}   Page {number} of {pages}")
        pdf.ln(9)
        pdf.set_font("Helvetica", size=9.5)
        for _ in range(LINES_PER_PAGE - 1):
            pdf.cell(0, 6.4, _line(rng))
            pdf.ln(6.4)
    path.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(path))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, nargs="?", default=Path("bench-text-200.pdf"))
    parser.add_argument("--pages", type=int, default=PAGES)
    args = parser.parse_args()
    print(make_text_pdf(args.out, args.pages))


if __name__ == "__main__":
    main()
