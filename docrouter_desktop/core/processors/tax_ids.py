"""The seller's and the buyer's VAT identification numbers, found on the page and checked offline.

A candidate is a number with a country prefix (``DE 123 456 789``, ``CHE-123.456.789 MWST``,
``ATU12345678``, ``NL123456789B01``; the EU's member states, EL for Greece and XI for Northern
Ireland, GB, CHE and NO), or one without a prefix right after a VAT label of the language tables
(``vat_id_labels``: "USt-IdNr.", "P.IVA", "BTW-nummer"), whose country the label's languages
and the number's shape tell. Every candidate's check digits are computed with python-stdnum: an
unlabelled one that fails is dropped (a reference, an IBAN, a phone number); a labelled one that
fails is still reported, at a low confidence and with a warning, for a person to check.

The value is written in one compact form: the country prefix and the number without spaces or
punctuation, as ``stdnum.eu.vat.compact`` gives it for the EU (``DE123456789``, ``ATU12345678``,
``NL123456789B01``, ``EL...``; a Greek number printed with GR is written with EL), ``GB`` or
``XI`` and 9 or 12 digits, ``CHE`` and the 9 digits of the Swiss UID (no MWST/TVA/IVA suffix),
and ``NO``, the 9 digits and ``MVA`` for Norway.

Whose it is: an ID labelled as the buyer's ("Ihre USt-IdNr.", "Customer VAT No") or under the
buyer's heading ("Bill to", "Kunde") is the buyer's; one under the seller's heading, beside the
vendor's name, in the letterhead or in the footer is the seller's. With two IDs and nothing
saying buyer, one printed apart from the seller's, in the upper part of the first page, is
taken as the buyer's (the address block of a letter), at a lower confidence. A single ID that
nothing says is the buyer's is the seller's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from stdnum import iban as std_iban
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.gb import vat as gb_vat
from stdnum.no import mva as no_mva

from docrouter_desktop.core.extraction.pages import Word
from docrouter_desktop.core.processors import languages
from docrouter_desktop.core.processors.base import DocumentView, Found
from docrouter_desktop.core.processors.languages import alternation, phrases_alternation, words
from docrouter_desktop.core.processors.layout import Row

# What follows each prefix in compact form (the countries' formats, not the languages').
_GB_SHAPE = r"\d{9}|\d{12}|GD\d{3}|HA\d{3}"
SHAPES: dict[str, re.Pattern] = {
    cc: re.compile(shape)
    for cc, shape in {
        "AT": r"U\d{8}",
        "BE": r"[01]\d{9}|\d{9}",
        "BG": r"\d{9,10}",
        "CY": r"\d{8}[A-Z]",
        "CZ": r"\d{8,10}",
        "DE": r"\d{9}",
        "DK": r"\d{8}",
        "EE": r"\d{9}",
        "EL": r"\d{9}",
        "ES": r"[0-9A-Z]\d{7}[0-9A-Z]",
        "FI": r"\d{8}",
        "FR": r"[0-9A-HJ-NP-Z]{2}\d{9}",
        "HR": r"\d{11}",
        "HU": r"\d{8}",
        "IE": r"\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W]",
        "IT": r"\d{11}",
        "LT": r"\d{9}|\d{12}",
        "LU": r"\d{8}",
        "LV": r"\d{11}",
        "MT": r"\d{8}",
        "NL": r"\d{9}B\d{2}",
        "PL": r"\d{10}",
        "PT": r"\d{9}",
        "RO": r"\d{2,10}",
        "SE": r"\d{10}01",
        "SI": r"\d{8}",
        "SK": r"\d{10}",
        "XI": _GB_SHAPE,
        "GB": _GB_SHAPE,
        "CHE": r"\d{9}",
        "NO": r"\d{9}",
    }.items()
}
# Prefixes printed for another one: Greece's ISO code for its VAT prefix, the Swiss "CH".
_ALIASES = {"GR": "EL", "CH": "CHE"}
# Words printed after the number that belong to it: the Swiss VAT's and Norway's suffixes.
_SUFFIXES = {"MWST": "CHE", "TVA": "CHE", "IVA": "CHE", "TPV": "CHE", "MVA": "NO"}
_PREFIX = re.compile(
    r"(?<![A-Za-z0-9/_#\-])("
    + "|".join(sorted([*SHAPES, *_ALIASES], key=len, reverse=True))
    + r")(?=(?: ?[.\-] ?| )?[0-9A-Z])"
)
# One group of the number: digits and capitals, then neither a small letter nor a digit.
_CHUNK = re.compile(r"( ?[.\-] ?| )?([0-9A-Z+*]+)(?![a-zà-ÿ0-9])")
_MAX_BODY = 16
# The countries whose numbers a language's documents print without their prefix, most usual
# first.
LANGUAGE_COUNTRIES: dict[str, tuple[str, ...]] = {
    "de": ("DE", "AT", "CHE"),
    "fr": ("FR", "BE", "LU", "CHE"),
    "nl": ("NL", "BE"),
    "it": ("IT", "CHE"),
    "es": ("ES",),
    "en": ("GB", "IE", "NO"),
    "ms": (),
}
# OCR's letters for digits, read back only when the number then passes its check.
_OCR_DIGITS = str.maketrans({"O": "0", "I": "1"})

_LABEL = re.compile(rf"(?<![a-zà-ÿ])(?:{alternation('vat_id_labels')})(?![a-zà-ÿ])")
_BUYER_BEFORE = re.compile(rf"(?<![a-zà-ÿ])(?:{alternation('vat_id_buyer_words')})[\s\-.:'’]*$")
_BUYER_WORD = re.compile(rf"(?<![a-zà-ÿ])(?:{alternation('vat_id_buyer_words')})(?![a-zà-ÿ])")
# A label whose value is something else: an invoice number, an IBAN, a phone number.
_OTHER_PHRASES = [p for p in words("number_labels", "not_name_words") if not _LABEL.fullmatch(p)]
_OTHER = re.compile(rf"(?<![a-zà-ÿ])(?:{phrases_alternation(_OTHER_PHRASES)})(?![a-zà-ÿ])")
# A label that is the tax's name alone, and a number grouped like an amount after it.
_TAX_NAME = re.compile(alternation("tax_label_names", "tax_acronyms"))
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .]\d{3})+")
# Between a label and its number: punctuation and the words for "number".
_FILLER = re.compile(
    rf"(?:[\s:.#°º/\-]+|(?:{alternation('number_words', 'number_abbreviations')})(?![a-zà-ÿ]))*"
)
# How far (characters) a label reaches for its number on its row.
_LABEL_REACH = 45
# How far (points) a block's lines may start from its heading's left edge.
_BLOCK_REACH = 40.0
_BUYER_HEADING = re.compile(
    rf"^\W*(?:{alternation('buyer_headings')})(?![a-zà-ÿ])"
    r"(?!\s*[-.]?\s*(?:n[or°º]|nr|number|nummer|num[ée]ro|id)(?![a-z]))"
)
_SELLER_HEADING = re.compile(rf"^\W*(?:{alternation('seller_headings')})(?![a-zà-ÿ])")
_GST_LABEL = re.compile(rf"(?<![a-z])(?:{alternation('till_tax_id_labels')})(?![a-z])")
_GST_NUMBER = re.compile(
    r"(?:[\s:.#\-()]|(?:no|reg|id|number)(?![a-z])\.?)*((?:\d[\s\-]?){11}\d)(?![\d.,])"
)


# --- checking one number --------------------------------------------------------------------


def is_valid(country: str, body: str) -> bool:
    """Whether ``body`` (compact, without prefix or suffix) passes the check of ``country``'s
    VAT numbers."""
    try:
        if country == "CHE":
            return bool(ch_uid.is_valid("CHE" + body))
        if country == "NO":
            return bool(no_mva.is_valid(body + "MVA"))
        if country == "GB":
            return bool(gb_vat.is_valid("GB" + body))
        return bool(eu_vat.is_valid(country + body))
    except Exception:  # a checker's own error is a number it cannot read
        return False


def normalise(country: str, body: str) -> str:
    """The compact form reported (see the module's docstring)."""
    if country == "CHE":
        return "CHE" + body
    if country == "NO":
        return f"NO{body}MVA"
    if country == "GB":
        return "GB" + body
    try:
        return str(eu_vat.compact(country + body))
    except Exception:
        return country + body


@dataclass
class Candidate:
    """A VAT number in one line of text, at ``start:end`` of it."""

    value: str
    country: str
    valid: bool
    start: int
    end: int
    prefixed: bool = True
    label: str = ""  # the VAT label that names it, "" when none does
    label_start: int = -1  # where that label starts in the line (-1: on the line above)
    buyer: bool = False  # the label says it is the buyer's
    suffix: bool = False  # printed with its suffix (MWST, MVA)


def _chunks(text: str, pos: int) -> list[tuple[str, int]]:
    """The groups of a number from ``pos`` on: (group, end offset), at most _MAX_BODY
    characters together."""
    out: list[tuple[str, int]] = []
    size = 0
    while True:
        m = _CHUNK.match(text, pos)
        if m is None or (out and m.group(1) is None):
            break
        size += len(m.group(2))
        if size > _MAX_BODY + 4:
            break
        out.append((m.group(2), m.end()))
        pos = m.end()
    return out


def _resolve(
    countries: Sequence[str], chunks: list[tuple[str, int]], ocr: bool
) -> tuple[str, str, bool, int, bool] | None:
    """The longest run of the first groups that is a number of one of ``countries``: (country,
    body, valid, end, suffix). A run that passes its check is taken over a longer one that only
    has the shape; the first country in order wins among equals."""
    shaped: tuple[str, str, bool, int, bool] | None = None
    for k in range(len(chunks), 0, -1):
        groups = [c for c, _e in chunks[:k]]
        suffix = None
        last = groups[-1]
        if len(groups) > 1 and last in _SUFFIXES:
            suffix = groups.pop()
        else:
            for tail in _SUFFIXES:
                if last.endswith(tail) and last[: -len(tail)][-1:].isdigit():
                    groups[-1], suffix = last[: -len(tail)], tail
                    break
        body = "".join(groups)
        if len(body) > _MAX_BODY:
            continue
        for cc in countries:
            if suffix and _SUFFIXES[suffix] != cc:
                continue
            shape = SHAPES[cc]
            forms = [body]
            if ocr and body.translate(_OCR_DIGITS) != body:
                forms.append(body.translate(_OCR_DIGITS))
            for form in forms:
                if not shape.fullmatch(form):
                    continue
                if is_valid(cc, form):
                    return cc, form, True, chunks[k - 1][1], bool(suffix)
                if shaped is None and form is body:
                    shaped = (cc, form, False, chunks[k - 1][1], bool(suffix))
    return shaped


def _is_iban(chunks: list[tuple[str, int]], prefix: str) -> bool:
    joined = prefix
    for group, _end in chunks:
        joined += group
        if len(joined) >= 15 and std_iban.is_valid(joined):
            return True
    return False


# Each language's own VAT labels, to tell which languages a label found is written in.
_LANGUAGE_LABELS = {
    t.code: re.compile(phrases_alternation(t.vat_id_labels)) for t in languages.LANGUAGES
}


@lru_cache(maxsize=256)
def _label_countries(label: str, language: str) -> tuple[str, ...]:
    """The countries a label's languages print numbers of, the document's language first."""
    out: list[str] = list(LANGUAGE_COUNTRIES.get(language, ()))
    for code, pattern in _LANGUAGE_LABELS.items():
        if pattern.fullmatch(label):
            out.extend(LANGUAGE_COUNTRIES.get(code, ()))
    return tuple(dict.fromkeys(out))


def find_candidates(
    text: str, ocr: bool = False, language: str = "en", label_above: str = ""
) -> list[Candidate]:
    """The VAT numbers in one line of text, in order. ``label_above``: a VAT label on the line
    above that the line's start answers (a label and its value on two lines)."""
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose small form is longer: offsets kept as read
        lower = "".join(c.lower()[:1] or c for c in text)
    cands: list[Candidate] = []
    taken_until = -1
    for m in _PREFIX.finditer(text):
        if m.start() < taken_until:
            continue
        cc = _ALIASES.get(m.group(1), m.group(1))
        chunks = _chunks(text, m.end())
        if not chunks or _is_iban(chunks, m.group(1)):
            continue
        got = _resolve([cc], chunks, ocr)
        if got is None:
            continue
        country, body, valid, end, suffix = got
        cands.append(Candidate(normalise(country, body), country, valid, m.start(), end, True))
        cands[-1].suffix = suffix
        taken_until = end
    labels = [(m.start(), m.end(), m.group(0)) for m in _LABEL.finditer(lower)]
    if label_above:
        labels.insert(0, (0, 0, label_above))
    others = [(m.start(), m.end()) for m in _OTHER.finditer(lower)]
    out: list[Candidate] = []
    for ls, le, label in labels:
        # A label reaches for the first number after it, up to the next label.
        nearer = [s for s, _e, _l in labels if le <= s] + [s for s, _e in others if le <= s]
        stop = min([le + _LABEL_REACH, *nearer])
        target = next((c for c in cands if le <= c.start <= stop), None)
        if target is None:
            bare = bool(_TAX_NAME.fullmatch(label))
            target = _unprefixed(text, le, _label_countries(label, language), ocr, bare)
            if target is None or target.start > stop:
                continue
            cands.append(target)
        if target.label:
            continue
        target.label = label
        target.label_start = ls if not (label_above and ls == le == 0) else -1
        between = lower[le : target.start]
        target.buyer = bool(
            _BUYER_BEFORE.search(lower[max(0, ls - 30) : ls]) or _BUYER_WORD.search(between)
        )
    for c in sorted(cands, key=lambda c: c.start):
        if not c.label and c.suffix:
            c.label = "suffix"  # "MWST", "MVA" after the number say what it is
        if not c.label:
            if not c.valid:
                continue
            if c.country == "NO" and not c.suffix:
                continue  # "NO." is also the abbreviation of "number"
            before = [e for _s, e in others if e <= c.start and c.start - e <= 30]
            if before:
                continue  # the value of another label: an invoice number, a phone number
        out.append(c)
    return out


def _unprefixed(
    text: str, pos: int, countries: Sequence[str], ocr: bool, bare: bool = False
) -> Candidate | None:
    """A number without prefix right after a label ending at ``pos``; after a ``bare`` label
    (the tax's name alone: "TVA", "VAT") not one grouped in thousands like an amount."""
    if not countries:
        return None
    m = _FILLER.match(text.lower(), pos)
    start = m.end() if m else pos
    if start < len(text) and not (text[start].isdigit() or text[start].isupper()):
        return None
    chunks = _chunks(text, start)
    if not chunks:
        return None
    got = _resolve(countries, chunks, ocr)
    if got is None:
        return None
    country, body, valid, end, suffix = got
    if sum(ch.isdigit() for ch in body) < 6:
        return None
    if re.match(r"[.,]\d{1,2}(?!\d)", text[end:]) or re.search(r"[.,]\d{2}$", text[start:end]):
        return None  # an amount: "1.234.567,89"
    if end < len(text) and text[end] in "%/":
        return None
    if bare and not suffix and _THOUSANDS.fullmatch(text[start:end]):
        return None  # "Total TVA 12 345 678": an amount after the tax's name
    return Candidate(normalise(country, body), country, valid, start, end, False, suffix=suffix)


# --- on the page ----------------------------------------------------------------------------


@dataclass
class _Hit:
    cand: Candidate
    row: Row
    words: list[Word]
    x: float  # left edge of the segment its label (or the number) starts
    side: str = ""  # "buyer", "seller", or "" when nothing says
    strength: int = 0
    where: str = "on the page"
    reasons: list[str] = field(default_factory=list)


def _span_words(words_: list[Word], start: int, end: int) -> list[Word]:
    out = []
    pos = 0
    for w in words_:
        a, b = pos, pos + len(w.text)
        if a < end and b > start:
            out.append(w)
        pos = b + 1
    return out


def _segment_x(row: Row, word: Word) -> float:
    for seg in row.segments or []:
        if any(w is word for w in seg.words):
            return seg.x0
    return word.x0


def _blocks(view: DocumentView, page: int, heading: re.Pattern) -> list[tuple[int, int, float]]:
    """Blocks under a heading on a page, as (first row, last row, left edge): the heading's row
    and those below it, up to a wide gap, another heading or eight rows."""
    rows = view.rows_on(page)
    out = []
    for i, row in enumerate(rows[:80]):
        for seg in row.segments or []:
            if not heading.match(seg.text.lower()):
                continue
            last = i
            for j in range(i + 1, min(len(rows), i + 9)):
                r = rows[j]
                if r.top - rows[j - 1].bottom > 3.0 * max(r.height, 1.0):
                    break
                if any(
                    abs(g.x0 - seg.x0) < _BLOCK_REACH
                    and (
                        _BUYER_HEADING.match(g.text.lower())
                        or _SELLER_HEADING.match(g.text.lower())
                    )
                    for g in r.segments or []
                ):
                    break
                last = j
            out.append((i, last, seg.x0))
    return out


def _in_blocks(blocks, index: int, x: float) -> bool:
    return any(a <= index <= b and abs(x - bx) < _BLOCK_REACH for a, b, bx in blocks)


def _page_hits(view: DocumentView) -> list[_Hit]:
    hits: list[_Hit] = []
    rows = view.label_rows
    for k, row in enumerate(rows):
        ocr = view.sources.get(row.page) == "ocr"
        text = row.text
        lower = view.lower_text(row)
        found_here = (
            find_candidates(text, ocr, view.language) if any(map(str.isdigit, text)) else []
        )
        if found_here:
            for c in found_here:
                ws = _span_words(row.words, c.start, c.end)
                if not ws:
                    continue
                lead = _span_words(row.words, c.start, c.start + 1)[:1] or ws[:1]
                if c.label_start >= 0:
                    lead = _span_words(row.words, c.label_start, c.label_start + 1)[:1] or lead
                hits.append(_Hit(c, row, ws, _segment_x(row, lead[0])))
        # A label ending its segment with its value on the row below.
        for m in _LABEL.finditer(lower):
            if any(0 <= c.start - m.end() <= _LABEL_REACH for c in found_here):
                continue  # answered on its own row
            ws = _span_words(row.words, m.start(), m.end())
            if not ws or k + 1 >= len(rows) or rows[k + 1].page != row.page:
                continue
            seg = next((g for g in row.segments or [] if any(w is ws[-1] for w in g.words)), None)
            if seg is None or seg.words[-1] is not ws[-1]:
                continue
            below = rows[k + 1]
            if below.top - row.bottom > 2.0 * max(below.height, 1.0):
                continue
            x = seg.x0
            for g in below.segments or []:
                if abs(g.x0 - x) >= _BLOCK_REACH and abs(g.x0 - ws[0].x0) >= _BLOCK_REACH:
                    continue
                seg_text = g.text
                for c in find_candidates(seg_text, ocr, view.language, label_above=m.group(0)):
                    if c.label and c.start <= 3:
                        got = _span_words(g.words, c.start, c.end)
                        if got:
                            c.buyer = c.buyer or bool(
                                _BUYER_BEFORE.search(lower[max(0, m.start() - 30) : m.start()])
                            )
                            hits.append(_Hit(c, below, got, x))
                break
    return hits


def _place(view: DocumentView, hits: list[_Hit], vendor: Found | None) -> None:
    """Each hit's side and how strongly its place says so."""
    buyer_blocks: dict[int, list] = {}
    seller_blocks: dict[int, list] = {}
    first_page = view.rows[0].page if view.rows else 1
    for h in hits:
        page = h.row.page
        if page not in buyer_blocks:
            buyer_blocks[page] = _blocks(view, page, _BUYER_HEADING)
            seller_blocks[page] = _blocks(view, page, _SELLER_HEADING)
        page_h = view.page_sizes.get(page, (0, 842))[1] or 842
        if h.cand.buyer:
            h.side, h.strength, h.where = "buyer", 3, "labelled as the buyer's"
            continue
        if _in_blocks(buyer_blocks[page], h.row.index, h.x) and not _in_blocks(
            seller_blocks[page], h.row.index, h.x
        ):
            h.side, h.strength, h.where = "buyer", 2, "in the buyer's block"
            continue
        if _in_blocks(seller_blocks[page], h.row.index, h.x):
            h.side, h.strength, h.where = "seller", 3, "in the seller's block"
            continue
        if vendor is not None and vendor.page == page and vendor.bbox:
            vx0, vtop, _vx1, vbottom = vendor.bbox
            height = max(h.row.height, 1.0)
            if h.row.top < vbottom and h.row.bottom > vtop:
                h.side, h.strength, h.where = "seller", 3, "on the vendor's line"
                continue
            if 0 <= h.row.top - vbottom < 7 * height and abs(h.x - vx0) < 60:
                h.side, h.strength, h.where = "seller", 3, "under the vendor's name"
                continue
        if page == first_page and h.row.top < 0.15 * page_h:
            h.side, h.strength, h.where = "seller", 2, "in the letterhead"
        elif h.row.top > 0.8 * page_h:
            h.side, h.strength, h.where = "seller", 2, "in the footer"


def _describe(h: _Hit) -> str:
    if h.cand.label == "suffix":
        what = "VAT ID with its VAT suffix"
    else:
        what = "labelled VAT ID" if h.cand.label else "VAT ID with its country prefix"
    if not h.cand.prefixed:
        what += " (country from its label and shape)"
    return f"{what} {h.where}"


def find_tax_ids(
    view: DocumentView, vendor: Found | None, with_buyer: bool = True
) -> tuple[Found | None, Found | None, list[str]]:
    """The seller's and the buyer's VAT IDs, and warnings about those whose check digits fail.
    Without ``with_buyer`` (a receipt) the buyer's is not looked for: (seller, None, warnings)."""
    warnings: list[str] = []
    hits = _page_hits(view)
    _place(view, hits, vendor)
    # The same number printed twice counts once, on its strongest side.
    by_value: dict[str, list[_Hit]] = {}
    for h in hits:
        by_value.setdefault(h.cand.value, []).append(h)
    sides: dict[str, str] = {}
    best: dict[str, _Hit] = {}
    for value, group in by_value.items():
        buyer = max((h.strength for h in group if h.side == "buyer"), default=-1)
        seller = max((h.strength for h in group if h.side != "buyer"), default=-1)
        sides[value] = "buyer" if buyer >= seller and buyer >= 0 else "seller"
        pool = [h for h in group if (h.side == "buyer") == (sides[value] == "buyer")]
        best[value] = max(pool, key=lambda h: (h.cand.valid, bool(h.cand.label), h.strength))

    def rank(h: _Hit):
        return (h.cand.valid, h.strength, bool(h.cand.label), -view.pos(h.row))

    sellers = sorted((best[v] for v in best if sides[v] == "seller"), key=rank, reverse=True)
    buyers = sorted((best[v] for v in best if sides[v] == "buyer"), key=rank, reverse=True)
    inferred_buyer = False
    first_page = view.rows[0].page if view.rows else 1
    if not buyers and len(sellers) >= 2 and sellers[0].strength > 0:
        page_h = view.page_sizes.get(first_page, (0, 842))[1] or 842
        apart = [
            h
            for h in sellers[1:]
            if h.strength == 0 and h.row.page == first_page and h.row.top < 0.6 * page_h
        ]
        if apart:
            apart[0].where = "apart from the seller's, by an address"
            buyers = [apart[0]]
            sellers.remove(apart[0])
            inferred_buyer = True
    seller_found = None
    if sellers:
        h = sellers[0]
        if h.cand.valid:
            conf = 0.9 if h.cand.label else 0.82
            if h.strength >= 2:
                conf += 0.05
            if h.strength >= 3 and h.cand.label:
                conf += 0.02
            if not h.cand.prefixed:
                conf -= 0.03
            rivals = [
                o for o in sellers[1:] if o.cand.valid and o.strength >= h.strength and o.cand.label
            ]
            rule = _describe(h)
            if rivals:
                conf = min(conf, 0.75)
                rule += "; another VAT ID is printed as the seller's too"
            seller_found = view.found(h.cand.value, conf, h.row, h.words, rule)
        else:
            seller_found = view.found(
                h.cand.value, 0.25, h.row, h.words, _describe(h) + "; its check digits fail"
            )
            warnings.append(
                f"The seller's VAT ID {h.cand.value} fails its check digits: check it against "
                "the document."
            )
    else:
        seller_found = _gst_number(view)
    buyer_found = None
    if with_buyer and buyers:
        h = buyers[0]
        if h.cand.valid:
            if inferred_buyer:
                conf = 0.7
            elif h.strength >= 3:
                conf = 0.95
            else:
                conf = 0.92 if h.cand.label else 0.88
            if not h.cand.prefixed:
                conf -= 0.03
            buyer_found = view.found(h.cand.value, conf, h.row, h.words, _describe(h))
        else:
            buyer_found = view.found(
                h.cand.value, 0.25, h.row, h.words, _describe(h) + "; its check digits fail"
            )
            warnings.append(
                f"The buyer's VAT ID {h.cand.value} fails its check digits: check it against "
                "the document."
            )
    return seller_found, buyer_found, warnings


def _gst_number(view: DocumentView) -> Found | None:
    """A till's GST registration number (twelve digits, no check digits) under its label."""
    for row in view.label_rows:
        lower = view.lower_text(row)
        if "gst" not in lower and "sst" not in lower:
            continue
        for m in _GST_LABEL.finditer(lower):
            got = _GST_NUMBER.match(lower, m.end())
            if got is None:
                continue
            value = re.sub(r"\D", "", got.group(1))
            ws = _span_words(row.words, got.start(1), got.end(1))
            if ws:
                return view.found(
                    value, 0.6, row, ws, "GST registration number under its label (no check digits)"
                )
    return None
