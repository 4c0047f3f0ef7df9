"""What a page says of its seller besides its letterhead: the names given after "sold by", for
the bank account's holder or in a legal notice, and the stems of its web and e-mail addresses.

They are looked for page by page, where a long document's pages are extracted (in parallel;
``PageLayout.seller_clues``), and the invoice processor only joins the pages' clues. Page by
page finds what one pass over the document's text finds: the pages are joined by line breaks,
and a seller phrase, a legal notice and an address each lie within one line.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

from docrouter_desktop.core.processors.base import clean_value
from docrouter_desktop.core.processors.languages import alternation, words

# Phrases that name the seller anywhere on the page: the account holder of the bank details,
# "sold by", a copyright line, a seller's heading with a colon.
SELLER_PHRASES = re.compile(
    rf"(?:{alternation('seller_phrases')}|©|\(c\)\s*\d{{4}}|(?:{alternation('seller_headings')})\s*:)"
    r"\s*:?\s*(?P<name>[A-Za-zÀ-ÿ0-9&.,' -]{2,60}?)\s*(?=$|[,;–|(]|\s-\s|\s{2}|\s(?:paid|iban|bic)\b)",
    re.IGNORECASE,
)


def _cues(phrases, then: tuple[str, ...] = ()) -> tuple[tuple[str, ...], ...]:
    """The words each phrase needs in a line, in lower case without accents (as an ASCII line
    holds them), and ``then`` after them."""
    folded = (unicodedata.normalize("NFKD", p).encode("ascii", "ignore").decode() for p in phrases)
    return tuple(tuple(w for w in f.split() if w != "-") + then for f in folded)


# What each of the SELLER_PHRASES needs in a line (lower case): an ASCII line that has none of
# these holds no seller phrase, and the slow search is skipped (for ASCII text, IGNORECASE is
# the same as comparing in lower case).
SELLER_CUES = (
    *_cues(words("seller_phrases")),
    ("(c)",),
    *_cues(words("seller_headings"), (":",)),
)


def may_match(line: str, cues) -> bool:
    """False only for an ASCII line that holds none of the cues (each a tuple of words the
    line must all hold, in lower case): a pattern needing one of them cannot match it."""
    if not line.isascii():
        return True
    low = line.lower()
    return any(all(w in low for w in cue) for cue in cues)


# "Free SAS au capital de ...", "QualityHosting AG Vorstand: ...": a legal notice in a footer.
# The legal forms are the countries', not the languages': they stay here.
LEGAL_NOTICE = re.compile(
    r"^(?P<name>[A-Za-zÀ-ÿ0-9&.' -]{2,40}?\s(?:SAS|SARL|SA|SASU|EURL|GmbH|AG|KG|B\.V\.|BV|N\.V\.|"
    rf"Ltd\.?|Limited|Inc\.?|LLC|Pvt\.?\s*Ltd\.?))\s+(?:{alternation('legal_notice_words')})",
    re.IGNORECASE,
)
LEGAL_NOTICE_CUES = _cues(words("legal_notice_words"))


WEBMAIL = {
    "gmail",
    "googlemail",
    "yahoo",
    "hotmail",
    "outlook",
    "live",
    "gmx",
    "web",
    "icloud",
    "example",
    "fake",
    "aol",
    "mail",
    "protonmail",
    "orange",
    "wanadoo",
    "t-online",
}


# Line breaks that str.splitlines knows besides "\n".
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")


def lines_with_cues(text: str, lower: str, cue_sets) -> list[str]:
    """The lines of ``text`` for which ``may_match`` holds with any of ``cue_sets``, in order.
    In an ASCII text the lines are found from where each cue's words occur, rather than by
    trying every line."""
    if not text.isascii() or any(b in text for b in _OTHER_BREAKS):
        return [line for line in text.splitlines() if any(may_match(line, c) for c in cue_sets)]
    starts = set()
    for cues in cue_sets:
        for cue in cues:
            # Each line is reached from where the cue's rarest word occurs in it.
            rarest = min(cue, key=lower.count) if len(cue) > 1 else cue[0]
            pos = 0
            while (i := lower.find(rarest, pos)) >= 0:
                a = lower.rfind("\n", 0, i) + 1
                b = lower.find("\n", i)
                b = len(lower) if b < 0 else b
                line = lower[a:b]
                if all(w in line for w in cue):
                    starts.add(a)
                pos = b + 1
    lines = []
    for a in sorted(starts):
        b = text.find("\n", a)
        lines.append(text[a : b if b >= 0 else len(text)])
    return lines


# A seller phrase's and a legal notice's rule, as the vendor's choice reports it.
NAMED_AS_SELLER = "named as the seller"
LEGAL_NOTICE_RULE = "the company's legal notice"

DOMAIN = re.compile(r"(?:@|www\.|https?://)([a-z0-9.-]+)\.[a-z]{2,6}\b")


class SellerClues(NamedTuple):
    names: tuple[tuple[str, str], ...]  # (name, rule) in the order of the page's lines
    domain_stems: tuple[str, ...]  # of its web and e-mail addresses, webmail left out


# What most pages say: one object, which a chunk's pages pickle as one.
NO_CLUES = SellerClues((), ())


def pages_seller_clues(texts: list[str]) -> list[SellerClues]:
    """The clues of each page's text (its rows joined by line breaks).

    Only a cue whose words all occur on a page lets its lines through ``may_match``; the
    words are looked for in all the pages at once first (no cue word spans a line break), so
    a cue none of the pages holds costs one search rather than one per page."""
    lowers = [text.lower() for text in texts]
    everywhere = "\n".join(lowers)
    seller_cues = [cue for cue in SELLER_CUES if all(w in everywhere for w in cue)]
    legal_cues = [cue for cue in LEGAL_NOTICE_CUES if all(w in everywhere for w in cue)]
    return [
        _page_seller_clues(text, lower, seller_cues, legal_cues)
        for text, lower in zip(texts, lowers, strict=True)
    ]


def _page_seller_clues(text: str, lower: str, seller_cues, legal_cues) -> SellerClues:
    if seller_cues or legal_cues or not text.isascii():
        seller_cues = [cue for cue in seller_cues if all(w in lower for w in cue)]
        legal_cues = [cue for cue in legal_cues if all(w in lower for w in cue)]
        lines = lines_with_cues(text, lower, (seller_cues, legal_cues))
    else:
        lines = []  # an ASCII page none of the cues can let a line of through
    names = []
    for line in lines:
        if may_match(line, seller_cues):
            for m in SELLER_PHRASES.finditer(line):
                names.append((clean_value(m.group("name")), NAMED_AS_SELLER))
        notice = LEGAL_NOTICE.match(line.strip()) if may_match(line, legal_cues) else None
        if notice:
            names.append((clean_value(notice.group("name")), LEGAL_NOTICE_RULE))
    stems = domain_stems(lower)
    return SellerClues(tuple(names), stems) if names or stems else NO_CLUES


def domain_stems(lower: str) -> tuple[str, ...]:
    """The last label before the top-level domain of each web or e-mail address in a text in
    lower case (``shop.acme-tools.com`` gives ``acmetools``), webmail left out."""
    if "@" not in lower and "www." not in lower and "http" not in lower:
        return ()  # what every address starts with
    stems: dict[str, None] = {}
    for m in DOMAIN.finditer(lower):
        labels = [x for x in m.group(1).split(".") if x and x != "www"]
        if labels:
            stem = labels[-1].replace("-", "")
            if len(stem) >= 3 and stem not in WEBMAIL:
                stems[stem] = None
    return tuple(stems)


def document_seller_clues(view) -> list[SellerClues]:
    """The clues of each of a view's pages with rows, in page order: from the page's layout
    when they were found where the page was extracted, else from its text."""
    with_rows = [(p, t) for p, t in zip(view.pages, view.page_texts, strict=True) if t]
    known = [p.layout.seller_clues if p.layout is not None else None for p, _t in with_rows]
    missing = [t for (_p, t), k in zip(with_rows, known, strict=True) if k is None]
    found = iter(pages_seller_clues(missing) if missing else [])
    return [k if k is not None else next(found) for k in known]
