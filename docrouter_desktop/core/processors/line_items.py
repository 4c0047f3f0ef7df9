"""An invoice's line items: the table rows under a header of description and amount columns."""

from __future__ import annotations

import re
from itertools import repeat
from operator import attrgetter

from docrouter_desktop.core.processors import languages
from docrouter_desktop.core.processors.base import DocumentView, amounts_in_words, clean_value
from docrouter_desktop.core.processors.languages import alternation
from docrouter_desktop.core.processors.layout import Row

# The column titles of a line-item table (in lower case) and the column each one names.
HEADER_WORDS = languages.column_titles()
# A row that ends the table: a subtotal, a tax line, a row starting with a total.
STOP_ROW = re.compile(rf"{alternation('line_items_end')}|^(?:{alternation('total_marks')})")


def find_line_items(view: DocumentView) -> list[dict]:
    """Table rows under a header, page by page (a header holds on its own page only); a
    page's may have been found where the page was extracted (``PageLayout.line_items``)."""
    items: list[dict] = []
    for page in view.pages:
        layout = page.layout
        if layout is not None and layout.line_items is not None:
            items.extend(layout.line_items)
        else:
            items.extend(line_items_on_page(view.rows_on(page.number)))
        if len(items) >= MAX_LINE_ITEMS:
            break
    return items[:MAX_LINE_ITEMS]


MAX_LINE_ITEMS = 500


_NUMERAL = re.compile(r"[\d.,]+")
_QUANTITY = re.compile(r"\d+(?:[.,]\d+)?")

_TEXT = attrgetter("text")  # a word's text


def line_items_on_page(rows: list[Row]) -> list[dict]:
    """The line items among one page's rows: a pure function of the rows."""
    items: list[dict] = []
    header = None
    for row in rows:
        if header is None:
            # The header words of the row, looked up on the whole row at once; most rows
            # hold fewer than two and are passed over.
            forms = map(str.strip, map(str.lower, map(_TEXT, row.words)), repeat(":."))
            keys = list(map(HEADER_WORDS.get, forms))
            if len(keys) - keys.count(None) < 2:
                continue
            cols = {}
            for w, key in zip(row.words, keys, strict=True):
                if key and key not in cols:
                    cols[key] = (w.x0, w.x1)
            if (
                len(cols) >= 2
                and "description" in cols
                and ("amount" in cols or "unit_price" in cols)
            ):
                header = (row, cols)
            continue
        text = row.text.lower()
        if STOP_ROW.search(text):
            header = None
            continue
        amounts = amounts_in_words(row.words)
        if not amounts:
            continue
        hrow, cols = header
        first_num_x = amounts[0][1][0].x0  # the first amount's first word
        desc_words = [
            w for w in row.words if w.x1 <= first_num_x - 1 and not _NUMERAL.fullmatch(w.text)
        ]
        description = clean_value(" ".join(w.text for w in desc_words))
        if not description:
            continue
        item: dict[str, str | float | None] = {
            "description": description,
            "quantity": None,
            "unit_price": None,
            "amount": None,
        }
        for value, span in amounts:
            cx = (span[0].x0 + span[-1].x1) / 2
            best = min(
                (k for k in cols if k != "description"),
                key=lambda k: abs((cols[k][0] + cols[k][1]) / 2 - cx),
                default=None,
            )
            if best and item.get(best) is None:
                item[best] = value
        if item["amount"] is None:
            item["amount"] = amounts[-1][0]
        qty_words = [
            w
            for w in row.words
            if _QUANTITY.fullmatch(w.text) and w.x0 > first_num_x - 200 and w not in desc_words
        ]
        if item["quantity"] is None and "quantity" in cols:
            qx = (cols["quantity"][0] + cols["quantity"][1]) / 2
            for w in qty_words:
                if abs((w.x0 + w.x1) / 2 - qx) < 40:
                    try:
                        item["quantity"] = float(w.text.replace(",", "."))
                    except ValueError:
                        pass
                    break
        items.append(item)
    return items
