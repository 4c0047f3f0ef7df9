"""A receipt's shop: its name at the top, OCR slips in trade words read back, and its address."""

from __future__ import annotations

import re

from docrouter_desktop.core.extraction.pages import Word
from docrouter_desktop.core.processors.base import DocumentView, Found, clean_value
from docrouter_desktop.core.processors.languages import alternation, whole_words, words
from docrouter_desktop.core.processors.layout import Row

ADDRESS_STOP = re.compile(
    rf"(?<![a-z])(?:{alternation('shop_header_stops')}|@|c[o0]\.\s*n[o0])(?![a-z])", re.IGNORECASE
)
# What a receipt prints at its top or its foot that is not the shop: a title, a greeting, the
# thanks, and a payment word alone on its line ("CASH").
NOT_SHOP_NAME = re.compile(alternation("shop_name_skip", "cue_thanks"))
PAYMENT_WORD_ALONE = re.compile(rf"\W*(?:{alternation('cue_cash')})\W*")

# The legal forms are the countries', not the languages': they stay here.
SHOP_SUFFIX = re.compile(
    rf"(?<![a-z])(?:{alternation('shop_words')}|sdn\.?\s*bh[a-z]?d?|bhd|s/b|ltd|limited|gmbh|inc|"
    r"llc|b\.v\.|s\.a\.r\.l|sarl|plc|pte|co\.)(?![a-z])",
    re.IGNORECASE,
)
LEGAL_FORM = re.compile(
    r"(?<![a-z])(sdn\.?\s*bh[a-z]?d?|bhd|s/b|ltd|limited|gmbh|inc|llc|b\.v\.|sarl|plc|pte)(?![a-z])",
    re.IGNORECASE,
)
# A company's registration number on its own line ("(002107265-V)", "Company No: 1174703-K",
# with OCR's "Conpany" and "No;").
# The start of a line that goes on with a name begun on the line above.
NAME_CONTINUES = re.compile(r"(?:co\.|&|\(m\)|and\s)", re.IGNORECASE)
# A company's registration number on its own line ("(002107265-V)", "Company No: 1174703-K",
# "SA0099552-P", with OCR's "Conpany", "No;" and letters for digits).
REG_NUMBER = re.compile(
    r"[\(\[]?\s*(?:c[o0](?:[mn]pany)?\.?\s*)?(?:reg(?:istration)?\.?\s*)?(?:n[o0]\.?)?[:;.\s]*"
    r"[a-z]{0,3}\d[\dOoSsIl\s]{4,}\s*-?\s*[a-z]{0,2}\s*[\)\]]?\W*$",
    re.IGNORECASE,
)
CENTS = re.compile(r"\d[.,]\s?\d{2}(?!\d)")
# After the postcode's line, a line of place names alone ends the address: the town, the state
# or the country ("KLANG SELANGOR D.E, MALAYSIA").
ENDS_WITH_COUNTRY = re.compile(rf"(?<![a-z])(?:{alternation('country_names')})\W*$")
PLACE_LINE = re.compile(r"[A-Za-z][A-Za-z .,'-]{2,44}")


ADDRESS_WORDS = re.compile(
    rf"^(no\.?\s*\d|lot\s|\d+\s*,)|{whole_words('street_words')}|"
    rf"(?<!\d)\d{{5}}(?!\d)|^(?:{alternation('country_names')})\W*$"
)


# Five digits end an address as its postcode, but not the lot or house number that starts one
# ("LOT 26151 BANDAR SG LONG", "LOT P.T. 33198, BATU 4").
POSTCODE = re.compile(r"(?<![\d-])(?<!\d )\d{5}(?![\d-])")
LOT_NUMBER = re.compile(
    r"(?:^|\b)(?:lot|no|unit|plot)\b[\s.:#]*(?:[a-z]{1,2}\.\s*){0,2}\d{5}\b", re.I
)


def _has_postcode(text: str) -> bool:
    """Whether a line holds a postcode: five digits other than a lot or house number."""
    return bool(POSTCODE.search(LOT_NUMBER.sub("", text)))


def _readable(row) -> bool:
    """Whether OCR read a row as words rather than as a logo or smudge."""
    tokens = [w.text for w in row.words]
    wordlike = [t for t in tokens if re.fullmatch(r"[\W]*[A-Za-z][A-Za-z'.&/-]+[\W]*", t)]
    long = [t for t in wordlike if sum(c.isalpha() for c in t) >= 3]
    if not long or (len(wordlike) < 0.6 * len(tokens) and len(long) < 2):
        return False
    conf = sum(w.confidence for w in row.words) / len(row.words)
    return conf >= 0.55 or view_is_text(row)


def view_is_text(row) -> bool:
    return all(w.confidence >= 0.999 for w in row.words)


# OCR slips in legal forms, read back to the form: "SDN BH0", "SON BHD", "SDN BEITD".
_LEGAL_FORM_SLIPS = [
    (re.compile(r"\bS[DO0][NM]\.?\s*B[A-Z]{1,3}[DO0]?\b"), "SDN BHD"),
    (re.compile(r"(?<=\s)[5S]/[B8]\b"), "S/B"),
    (re.compile(r"(?<=[A-Z.])¥|¥(?=[A-Z.])"), "Y"),
]


# Words that name a kind of business, as shops print them. A vendor word one OCR slip away from
# one of them is read back to it: "KEDAT" -> "KEDAI".
BUSINESS_WORDS = frozenset(words("business_words"))
# Letters OCR takes for one another in print (upper case, as receipts print their names).
_OCR_CONFUSABLE = [
    set(g)
    for g in ("IT1L|J!", "O0DQUC", "UV", "A4", "S5$", "B8ER", "G6C", "Z2", "MHNW", "EF", "PF")
]


def _confusable(a: str, b: str) -> bool:
    return any(a in g and b in g for g in _OCR_CONFUSABLE)


def repair_business_words(name: str) -> str:
    """A shop name whose trade words OCR misread by one confusable letter, read back:
    ``KEDAT RUNCIT`` -> ``KEDAI RUNCIT``. Other words and the case stay as they are."""

    def fix(m: re.Match) -> str:
        word = m.group(0)
        if len(word) < 5 or word.lower() in BUSINESS_WORDS:
            return word
        upper = word.upper()
        for known in BUSINESS_WORDS:
            if len(known) != len(word):
                continue
            diff = [(a, b) for a, b in zip(upper, known.upper(), strict=True) if a != b]
            if len(diff) == 1 and _confusable(*diff[0]):
                return known.upper() if word.isupper() else known.capitalize()
        return word

    return re.sub(r"[^\W_][\w$|!]*", fix, name)


def _without_trailing_fragments(name: str, words: list[Word]) -> str:
    """A shop name printed in capitals without the lower-case words OCR was unsure of at its
    end: what a smudged or oversized last word is read as (``RESTORAN WAN sce``)."""
    kept = name
    for w in reversed(words):
        text = w.text
        if not (
            w.confidence < 0.5 and text.isalpha() and text.islower() and kept.endswith(" " + text)
        ):
            break
        if SHOP_SUFFIX.fullmatch(text):
            break  # "sdn bhd", "trading": part of the name whatever its case
        kept = kept[: -len(text)].rstrip()
    letters = [c for c in kept if c.isalpha()]
    if len(letters) < 3 or sum(c.isupper() for c in letters) < 0.9 * len(letters):
        return name
    return clean_value(kept)


def _shop_name(text: str) -> str:
    name = clean_value(text)
    for pattern, form in _LEGAL_FORM_SLIPS:
        name = pattern.sub(form, name)
    cut = re.sub(
        r"\s*[\(\[]?\s*(?:co\.?\s*)?(?:reg\.?\s*)?(?:no\.?\s*)?:?\s*\d{5,}[\s-]*[A-Za-z]?\s*[\)\]]?\W*$",
        "",
        name,
    )
    return clean_value(cut) or name


# Words that end a shop's name, the line they start going on with the one above it.
NAME_ENDING = re.compile(
    r"\W*(?:enterprises?|trading|holdings|co\.|sdn\.?\s*bh[a-z]?d?|bhd|s/b|ltd|limited)(?![a-z])",
    re.IGNORECASE,
)


def _in_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _name_line(view: DocumentView, row: Row) -> bool:
    """Whether a row can carry on a shop's name: read as words, not an address, a phone or
    tax line, a date or a registration number."""
    t = row.text.strip()
    return (
        _readable(row)
        and not ADDRESS_STOP.search(t)
        and not ADDRESS_WORDS.search(t.lower())
        and not REG_NUMBER.fullmatch(t)
        and not view.dates_in_words(row.words)
    )


def find_shop(view: DocumentView) -> tuple[Found | None, Found | None]:
    """The shop: a readable line at the top, preferring one that names a business (Sdn Bhd,
    Enterprise, Restaurant, Ltd...), and the address lines printed under it."""
    first_page = view.rows[0].page if view.rows else 1
    rows = [r for r in view.rows if r.page == first_page][:15]
    candidates: list[tuple[int, Row, str]] = []
    for i, row in enumerate(rows):
        text = clean_value(row.text)
        low = text.lower()
        if ADDRESS_STOP.search(text) or view.dates_in_words(row.words):
            if candidates:
                break
            continue
        if not _readable(row) or NOT_SHOP_NAME.search(low) or PAYMENT_WORD_ALONE.fullmatch(low):
            continue
        if view.amounts_in_words(row.words):
            continue  # an item or a total line: the header above it was not read
        if ADDRESS_WORDS.search(low) and not SHOP_SUFFIX.search(text):
            continue
        candidates.append((i, row, text))
        if len(candidates) >= 4:
            break
    if not candidates:
        return None, None
    named = [c for c in candidates if SHOP_SUFFIX.search(c[2])]
    # The legal entity ("... SDN BHD") over a trading name above it ("KIKU RESTAURANT").
    legal = [c for c in named if LEGAL_FORM.search(c[2])]
    i, row, text = (legal or named or candidates)[0]
    first = i  # the name's first row; ``i`` is its last
    words = list(row.words)
    # A name carried over from the line above ("POPULAR BOOK" / "CO. (M) SDN BHD", "THE COFFEE
    # BEAN &" / "TEA LEAF (M) SDN BHD"): the line above is part of it.
    if i > 0 and LEGAL_FORM.search(text):
        above = rows[i - 1]
        above_text = clean_value(above.text)
        if (
            (NAME_CONTINUES.match(text) or above_text.endswith(("&", " AND", " and", "-")))
            and _readable(above)
            and not ADDRESS_STOP.search(above_text)
            and not ADDRESS_WORDS.search(above_text.lower())
            and not view.dates_in_words(above.words)
        ):
            text = above_text + " " + text
            words = list(above.words) + words
            first = i - 1
    # A name carried on two lines ("... HARDWARE &" / "ELECTRICAL", "... SDN" / "BHD")
    if i + 1 < len(rows) and row.text.rstrip().endswith(("&", " -", " AND", " and")):
        text = text + " " + clean_value(rows[i + 1].text)
        words += rows[i + 1].words
        i += 1
    elif (
        i + 1 < len(rows)
        and re.fullmatch(
            r"\(?[\w\s.&()-]*(sdn\.?\s*bhd|bhd|ltd|gmbh|inc)\.?\)?",
            rows[i + 1].text.strip(),
            re.IGNORECASE,
        )
        and not SHOP_SUFFIX.search(text)
    ):
        text = text + " " + clean_value(rows[i + 1].text)
        words += rows[i + 1].words
        i += 1
    # A name over three lines ("AIK HUAT HARDWARE" / "ENTERPRISE (SETIA" / "ALAM) SDN BHD"): a
    # bracket left open goes on to the next line, one closed that was not opened comes from
    # the line above, and a line starting with a word that ends names follows the one above.
    for _ in range(2):
        above = rows[first - 1] if first > 0 else None
        below = rows[i + 1] if i + 1 < len(rows) else None
        if text.count("(") > text.count(")") and below and _name_line(view, below):
            text, words, i = text + " " + clean_value(below.text), words + below.words, i + 1
        elif text.count(")") > text.count("(") and above and _name_line(view, above):
            text, words = clean_value(above.text) + " " + text, list(above.words) + words
            first -= 1
        elif (
            above
            and NAME_ENDING.match(text)
            and _name_line(view, above)
            and _in_capitals(above.text)
            and not LEGAL_FORM.search(above.text)
        ):
            text, words = clean_value(above.text) + " " + text, list(above.words) + words
            first -= 1
        elif (
            below
            and NAME_ENDING.match(below.text.strip())
            and _name_line(view, below)
            and not LEGAL_FORM.search(text)
        ):
            text, words, i = text + " " + clean_value(below.text), words + below.words, i + 1
        else:
            break
    ocr = view.sources.get(row.page) == "ocr"
    conf = 0.82 if named else 0.6
    if ocr:
        conf = min(conf, 0.75)
    rule = (
        "business name at the top of the receipt" if named else "first readable line of the receipt"
    )
    name = _shop_name(text)
    if ocr:
        fixed = repair_business_words(name)
        if fixed != name:
            name, rule = fixed, rule + "; a misread letter in a trade word read back"
        kept = _without_trailing_fragments(name, words)
        if kept != name:
            name, rule = kept, rule + "; an unsure lower-case fragment after the name left out"
    vendor = view.found(name, conf, row, words, rule)
    addr_rows: list[Row] = []
    for r in rows[i + 1 :]:
        t = r.text.strip()
        if not addr_rows and (REG_NUMBER.fullmatch(t) or re.fullmatch(r"[\W\d]*", t)):
            continue
        if (
            not ADDRESS_WORDS.search(t.lower())
            and not _has_postcode(t)
            and CENTS.search(t)
            and view.amounts_in_words(r.words)
        ):
            # The items or the totals: the address, if printed, was above them.
            if not any(ADDRESS_WORDS.search(a.text.lower()) for a in addr_rows):
                addr_rows = []
            break
        if ADDRESS_STOP.search(t) or view.dates_in_words(r.words):
            if addr_rows and any(ADDRESS_WORDS.search(a.text.lower()) for a in addr_rows):
                break
            addr_rows = []  # a branch name or a slogan, not the address: look further down
            continue
        if not any(ADDRESS_WORDS.search(a.text.lower()) for a in addr_rows) and (
            LEGAL_FORM.search(t) or REG_NUMBER.fullmatch(t)
        ):
            addr_rows = []  # a company's name or number (the operator's, a former name)
            continue
        if not addr_rows and not _readable(r) and not re.search(r"\d", t):
            continue
        addr_rows.append(r)
        if len(addr_rows) >= 5:
            break
        if _has_postcode(t):
            # The postcode line ends an address, unless a state or country follows on its own.
            nxt = rows[rows.index(r) + 1] if rows.index(r) + 1 < len(rows) else None
            if (
                nxt is not None
                and not ENDS_WITH_COUNTRY.search(t.lower())
                and PLACE_LINE.fullmatch(nxt.text.strip())
                and not ADDRESS_STOP.search(nxt.text)
                and not LEGAL_FORM.search(nxt.text)
            ):
                addr_rows.append(nxt)
            break
    address = None
    if addr_rows:
        address = view.rows_found(addr_rows, 0.5, "lines under the shop name")
    return vendor, address
