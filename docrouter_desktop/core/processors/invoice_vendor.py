"""An invoice's seller and its address: names at the top weighed against names the rest of
the document gives the seller (bank account holder, legal notice, "sold by", web address).
"""

from __future__ import annotations

import re

from docrouter_desktop.core.extraction.pages import Word
from docrouter_desktop.core.processors import currency as cur
from docrouter_desktop.core.processors.base import DocumentView, Found, clean_value
from docrouter_desktop.core.processors.languages import alternation
from docrouter_desktop.core.processors.layout import Row
from docrouter_desktop.core.processors.seller_clues import document_seller_clues

BILL_TO = re.compile(alternation("buyer_headings"))
# How far (points) a block's lines may start from its heading's left edge.
BLOCK_REACH = 40.0
# A segment that opens with a label of the totals is no name.
TOTALS_LABEL = re.compile(
    rf"\W*(?:{alternation('total_labels', 'gross_total_labels', 'not_total_labels', 'subtotal_labels', 'amount_due_labels', 'balance_left_labels')})(?![a-z])",
    re.IGNORECASE,
)
# A seller's heading on its own line ("Seller:", "Verkäufer", "Fournisseur :"): the name is
# on the line under it, and a buyer's block above it ends there.
SELLER_HEADING = re.compile(rf"\W*(?:{alternation('seller_headings')})\s*:?\s*", re.IGNORECASE)
# The legal forms below are the countries', not the languages': they stay here.
COMPANY_SUFFIX = re.compile(
    r"\b(gmbh|ag|kg|ohg|ug|e\.k\.|ltd|limited|llc|l\.l\.c|inc|corp|corporation|co\.|company|plc|"
    r"b\.v\.|bv|n\.v\.|nv|sarl|sas|s\.a\.s|s\.a\.|sa|eurl|pvt|private|sdn\.?\s*bhd|bhd|pte|oy|ab|as|s\.r\.l|srl|"
    r"gbr|mbh)(?!\w)",
    re.IGNORECASE,
)
HEADING_WORDS = re.compile(
    rf"^(?:{alternation('invoice_words', 'credit_note_titles', 'heading_words')})\b",
    re.IGNORECASE,
)


NAME_WITH_FORM = re.compile(
    r"(?:[A-ZÀ-Ý][\w&'’.-]*\s+){1,4}?(?:B\.V\.|N\.V\.|GmbH(?:\s*&\s*Co\.?\s*KG)?|AG|Ltd\.?|"
    r"Limited|Inc\.?|LLC|SARL|SAS|S\.A\.|BV|NV|Pvt\.?\s*Ltd\.?|PLC|plc)(?!\w)"
)
SENDER_LINE = re.compile(r"\s(?:-|–|·|•|\|)\s")
HEADING_AFFIX = re.compile(
    rf"^(?:{alternation('invoice_words', 'invoice_word_variants', 'name_affix_titles')})[\s.:#-]*|"
    rf"[\s.:#-]*(?:{alternation('invoice_words', 'invoice_word_variants')})$",
    re.IGNORECASE,
)
# A line at the top that names one of these is no name; one that names the invoice or a
# date is a label.
NOT_NAME = re.compile(rf"\d{{3,}}|{alternation('not_name_words')}")
LABEL_LIKE = re.compile(rf"{alternation('invoice_words', 'date_words')}|:")
ADDRESS_STOP = re.compile(rf"{alternation('address_stop_words')}|@")


# ASCII characters that are not letters or digits: what _fold drops from an ASCII text.
_ASCII_PUNCTUATION = {c: None for c in range(128) if not chr(c).isalnum()}


def _fold(text: str) -> str:
    if text.isascii():  # the same, at a fraction of the cost on a long document
        return text.lower().translate(_ASCII_PUNCTUATION)
    return re.sub(r"[\W_]+", "", text.casefold())


def _vendor_name(text: str) -> str:
    text = re.sub(r"\S+@\S+|(?:https?://|www\.)\S+", " ", text)
    name = clean_value(HEADING_AFFIX.sub("", clean_value(text)))
    return clean_value(HEADING_AFFIX.sub("", name))


def find_vendor(view: DocumentView) -> tuple[Found | None, Found | None]:
    """The seller: names at the top of the first page (large type, a company suffix, the
    sender line above the window address) weighed against names the rest of the document
    gives the seller (bank account holder, legal notice, "sold by", its web address), and
    away from the bill-to block."""
    first_page = view.rows_on(view.rows[0].page) if view.rows else []
    if not first_page:
        return None, None
    page_h = view.page_sizes.get(first_page[0].page, (0, 1000))[1] or 1000
    # Blocks under a heading, as (first row, last row, left edge): the buyer's ("Bill to",
    # "Rechnungsadresse") and the seller's ("Seller:", "Verkäufer"). A block is the segments
    # that start near the heading's left edge on the next rows; two blocks may share rows.
    seller_heads = [
        (i, seg.x0)
        for i, r in enumerate(first_page[:40])
        for seg in r.segments or []
        if SELLER_HEADING.fullmatch(seg.text.strip())
    ]
    bill_to: list[tuple[int, int, float]] = []
    for hit in view.find_labels(BILL_TO, first_page):
        i = first_page.index(hit.row)
        x = hit.row.words[hit.first_word].x0
        end = i + 4
        for hi, hx in seller_heads:
            if i < hi <= end and abs(hx - x) < BLOCK_REACH:
                end = hi - 1  # the seller's block starts under the buyer's
        bill_to.append((i, end, x))

    def in_block(blocks, i: int, x: float, below_only: bool = False) -> bool:
        return any(
            (first < i if below_only else first <= i) and i <= last and abs(x - bx) < BLOCK_REACH
            for first, last, bx in blocks
        )

    # The seller's name: the first line of its block that is neither a label ("Nummer:",
    # "Name:") nor a number, left-aligned with the heading or to its right.
    seller_named: set[int] = set()
    for hi, hx in seller_heads:
        for r in first_page[hi + 1 : hi + 6]:
            if BILL_TO.search(r.text.lower()) or SELLER_HEADING.fullmatch(r.text.strip()):
                break
            segs = r.segments or []
            seg = next(
                (
                    g
                    for k, g in enumerate(segs)
                    if g.x0 >= hx - BLOCK_REACH
                    and not g.text.rstrip().endswith(":")
                    and not (k + 1 < len(segs) and segs[k + 1].text.lstrip().startswith(":"))
                    and not re.search(r"\d", g.text)
                    and len(re.findall(r"[A-Za-zÀ-ÿ]", g.text)) >= 3
                ),
                None,
            )
            if seg is not None:
                seller_named.add(id(seg))
                break
    folded_doc = _fold(view.text)
    page_clues = document_seller_clues(view)
    stems = {stem for clues in page_clues for stem in clues.domain_stems}
    # name -> (score, row or None, words, rule)
    cands: dict[str, list] = {}

    def add(name: str, score: float, row, words: list[Word], rule: str) -> None:
        key = _fold(name)
        if len(key) < 2 or not re.search(r"[A-Za-zÀ-ÿ]{2}", name):
            return
        c = cands.get(key)
        if c is None or score > c[0]:
            cands[key] = [score, row, words, rule, name]

    for i, row in enumerate(first_page[:40]):
        if row.top > page_h * 0.45:
            break
        for seg in row.segments or []:
            text = clean_value(seg.text)
            name = _vendor_name(text)
            if len(name) < 2:
                continue
            parts = SENDER_LINE.split(text)
            if len(parts) >= 3 and any(re.search(r"\d", p) for p in parts[1:]):
                continue  # a sender line: its first part is the name (below)
            score = 0.0
            if HEADING_WORDS.match(text) and not name:
                continue
            if NOT_NAME.search(name.lower()):
                score -= 1.5
            buyer = in_block(bill_to, i, seg.x0)
            if buyer:
                score -= 2.5
            if TOTALS_LABEL.match(text):
                score -= 2.5  # "Amount due", "Base imponible": a label of the totals
            if LABEL_LIKE.search(name.lower()):
                score -= 1.0
            if re.search(r"\d", name):
                score -= 1.0
            if re.fullmatch(r"[A-Z]{2,3}", name) or name.upper() in cur.CODES:
                score -= 1.5
            if "_" in name or not re.match(r"[\w(\"'@]", name):
                score -= 2.0
            tokens = name.split()
            singles = sum(len(t.strip(".,")) == 1 and t[0].isalpha() for t in tokens)
            if len(tokens) >= 3 and singles * 2 >= len(tokens):
                score -= 2.0  # letters spaced out by OCR ("FACTU U R."), not a name
            if len(row.segments or []) >= 3:  # a table header or a line of labels
                score -= 1.5
            if (
                len(name.split()) == 1
                and name[:1].isupper()
                and name[1:].islower()
                and len(name) > 3
            ):
                score -= 0.5  # a single capitalised word is more often a label than a name
            score += min(row.height / 8.0, 2.5)
            score -= i * 0.08
            if id(seg) in seller_named and not buyer:
                score += 2.5
                add(name, score, row, seg.words, "name under the seller's heading")
                continue
            add(name, score, row, seg.words, "name at the top of the first page")
            # "FACTU U R. Coolblue B.V.": the capitalised words that end in a legal form.
            for m in NAME_WITH_FORM.finditer(text):
                if text[m.end() :].strip(" ,;.-"):
                    continue  # only junk before the name is cut ("Rohstoff AG Salzgitter" stays)
                company = re.split(r"(?<=\b[A-Z]\.)\s+(?=[A-Z][a-z])", m.group(0))[-1]
                if company != name:
                    add(company, score + 0.3, row, seg.words, "company name at the top")
        parts = SENDER_LINE.split(row.text)
        if len(parts) >= 3 and any(re.search(r"\d", p) for p in parts[1:]):
            name = clean_value(parts[0])
            add(name, 2.5, row, row.words, "sender line above the address")
    # Names the pages give the seller, found page by page (mostly where they were extracted).
    for clues in page_clues:
        for name, rule in clues.names:
            add(name, 1.5, None, [], rule)
    if not cands:
        return None, None
    for key, c in cands.items():
        name = c[4]
        if COMPANY_SUFFIX.search(name):
            c[0] += 1.5
        core = _fold(COMPANY_SUFFIX.sub("", name)) or key
        key = core
        repeats = folded_doc.count(core) - 1 if len(core) >= 3 else 0
        if repeats > 0:
            c[0] += min(repeats, 3) * 0.8
            c.append("named again further on")
        if any(stem in key or (len(key) >= 4 and key in stem) for stem in stems):
            c[0] += 2.0
            c.append("matches its web or e-mail address")
        if c[1] is not None and c[2] and in_block(bill_to, first_page.index(c[1]), c[2][0].x0):
            c[0] -= 1.0
    ranked = sorted(cands.values(), key=lambda c: c[0], reverse=True)
    score, row, words, rule, name, *why = ranked[0]
    margin = score - ranked[1][0] if len(ranked) > 1 else score
    corroborated = bool(why) or rule != "name at the top of the first page"
    # A name at the top, with a legal form, that the document repeats further on.
    letterhead = (
        rule == "name at the top of the first page"
        and COMPANY_SUFFIX.search(name)
        and "named again further on" in why
        and margin > 1.0
    )
    if (score > 5.5 and margin > 2.0 and corroborated) or letterhead:
        conf = 0.85
    else:
        conf = 0.7 if score > 2.5 else 0.5
    rule = "; ".join(
        [rule + (" with a company suffix" if COMPANY_SUFFIX.search(name) else "")] + why
    )
    if row is None:
        vendor = Found(name, conf, None, None, view.source(first_page[0].page), rule)
        return vendor, None
    vendor = view.found(name, conf, row, words, rule)
    # Address: the next rows below, left-aligned with the name, until a blank gap.
    addr_rows: list[Row] = []
    i = first_page.index(row)
    for r in first_page[i + 1 : i + 5]:
        if r.top - (addr_rows[-1].bottom if addr_rows else row.bottom) > 2.5 * max(r.height, 1):
            break
        t = r.text.lower()
        if ADDRESS_STOP.search(t):
            break
        addr_rows.append(r)
    address = None
    if addr_rows and any(re.search(r"\d", r.text) for r in addr_rows):
        address = view.rows_found(addr_rows, 0.5, "lines under the vendor name")
    return vendor, address
