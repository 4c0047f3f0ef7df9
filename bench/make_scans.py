"""Twenty scanned-looking pages: text rendered at 300 dpi with slight noise, saved as JPEG."""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PAGES = 20
DPI = 300
SIZE = (2480, 3508)  # A4 at 300 dpi
SEED = 20241129
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
ITEMS = (
    "Consulting services", "Software licence", "Support contract", "Travel expenses",
    "Hardware delivery", "Maintenance", "Project review", "Office supplies",
)  # fmt: skip


def _font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default(size)


def _page(number: int, rng: random.Random) -> Image.Image:
    image = Image.new("L", SIZE, 255)
    draw = ImageDraw.Draw(image)
    big, body = _font(64), _font(40)
    x, y = 200, 220
    draw.text((x, y), f"Scan Supplies Ltd  -  Invoice SC-{number:03d}", font=big, fill=0)
    y += 140
    for line in (
        "12 Harbour Road, Portsmouth PO1 2AB",
        f"Invoice Date: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2024",
        "Bill to: Example Customer GmbH, Hauptstrasse 5, Berlin",
    ):
        draw.text((x, y), line, font=body, fill=0)
        y += 70
    y += 60
    subtotal = 0.0
    for _ in range(18):
        item = rng.choice(ITEMS)
        qty = rng.randint(1, 20)
        price = rng.randint(500, 50000) / 100
        subtotal += qty * price
        draw.text((x, y), f"{item}", font=body, fill=0)
        draw.text((1300, y), f"{qty} x {price:.2f}", font=body, fill=0)
        draw.text((1900, y), f"{qty * price:.2f}", font=body, fill=0)
        y += 66
    y += 60
    tax = round(subtotal * 0.2, 2)
    for label, value in (("Subtotal", subtotal), ("VAT 20%", tax), ("Total EUR", subtotal + tax)):
        draw.text((1300, y), label, font=body, fill=0)
        draw.text((1900, y), f"{value:.2f}", font=body, fill=0)
        y += 70
    y += 80
    draw.text((x, y), "Payment terms: 30 days net. Thank you for your business.", font=body, fill=0)
    # A scanner's look: a little blur, a grey background and sparse speckles.
    image = image.filter(ImageFilter.GaussianBlur(0.8))
    noise = Image.effect_noise(SIZE, 12).point(lambda v: 0 if v < 40 else 255)
    image = Image.composite(image, noise, noise.point(lambda v: 255 if v else 0))
    return image.point(lambda v: min(v, 242))


def make_scans(folder: Path, pages: int = PAGES) -> list[Path]:
    """Write ``pages`` JPEG scans into ``folder``; the same arguments give the same images."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    out = []
    for number in range(1, pages + 1):
        path = folder / f"scan-{number:02d}.jpg"
        _page(number, rng).save(path, "JPEG", quality=85, dpi=(DPI, DPI))
        out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, nargs="?", default=Path("bench-scans"))
    parser.add_argument("--pages", type=int, default=PAGES)
    args = parser.parse_args()
    for path in make_scans(args.folder, args.pages):
        print(path)


if __name__ == "__main__":
    main()
