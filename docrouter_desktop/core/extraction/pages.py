"""Plain data for extracted pages, cheap to send between processes.

A word is a ``Word``, a named tuple ``(text, x0, top, x1, bottom, confidence, line)``.

Between processes a page's words travel packed (``PackedWords``: their texts in one string
and their numbers in arrays), which pickles about 20 times faster than a list of tuples; the
``Word``s are made when something first reads ``PageContent.words``.
"""

from __future__ import annotations

from array import array
from itertools import repeat
from typing import NamedTuple


class Word(NamedTuple):
    """One word of a page and its box, in the page's own units from its top-left corner (PDF
    points, or pixels for images). A tuple: cheap, picklable, and equal to a plain tuple of
    the same values."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float  # 0..1
    line: int  # equal for the words the extractor read as one line

    @property
    def box(self) -> tuple[float, float, float, float]:
        """``(x0, top, x1, bottom)``."""
        return (self.x0, self.top, self.x1, self.bottom)


SEPARATOR = "\x1f"  # between word texts; a text holding it makes the page keep lengths


class PackedWords:
    """A page's words as one string of their texts plus arrays of boxes and line numbers."""

    __slots__ = ("texts", "boxes", "lines", "lengths")

    def __init__(
        self,
        texts: str = "",
        boxes: array | None = None,
        lines: array | None = None,
        lengths: array | None = None,
    ):
        self.texts = texts  # joined by SEPARATOR, or simply joined when lengths are given
        self.boxes = boxes if boxes is not None else array("d")  # x0, top, x1, bottom, conf
        self.lines = lines if lines is not None else array("i")
        self.lengths = lengths

    @classmethod
    def pack(cls, words: list[Word]) -> PackedWords:
        if not words:
            return cls()
        # Column by column: the words' fields transposed, then the numbers interleaved.
        texts, x0, top, x1, bottom, confidence, line = zip(*words, strict=True)
        boxes = array("d", bytes(8 * 5 * len(words)))
        for i, column in enumerate((x0, top, x1, bottom, confidence)):
            boxes[i::5] = array("d", column)
        lines = array("i", line)
        if any(SEPARATOR in t for t in texts):
            return cls("".join(texts), boxes, lines, array("I", map(len, texts)))
        return cls(SEPARATOR.join(texts), boxes, lines)

    def __len__(self) -> int:
        return len(self.lines)

    def _texts(self) -> list[str]:
        if self.lengths is None:
            return self.texts.split(SEPARATOR) if len(self.lines) else []
        out, pos = [], 0
        for n in self.lengths:
            out.append(self.texts[pos : pos + n])
            pos += n
        return out

    def unpack(self) -> list[Word]:
        b = self.boxes
        columns = (b[0::5], b[1::5], b[2::5], b[3::5], b[4::5], self.lines)
        # tuple.__new__ makes each Word from its zipped tuple without a Python-level call
        # (Word._make or Word(*t) would make one per word: 1.3-1.6x slower on 400 words).
        fields = zip(self._texts(), *columns, strict=True)
        return list(map(tuple.__new__, repeat(Word), fields))

    def __reduce__(self):
        return (PackedWords, (self.texts, self.boxes, self.lines, self.lengths))


class PageContent:
    """One extracted page: its size, where its text came from, its words and its text."""

    __slots__ = (
        "number",
        "width",
        "height",
        "text_source",
        "_words",
        "_packed",
        "text",
        "ocr_confidence",
        "warning",
        "layout",
        "codes",
    )

    def __init__(
        self,
        number: int,  # 1-based
        width: float,
        height: float,
        text_source: str,  # "text" (PDF text layer) or "ocr"
        words: list[Word] | PackedWords | None = None,
        text: str = "",
        ocr_confidence: float | None = None,
        warning: str | None = None,
        layout=None,
        codes: tuple[tuple[str, float, float, float, float], ...] = (),
    ):
        self._words: list[Word] | None
        self._packed: PackedWords | None
        self.number = number
        self.width = width
        self.height = height
        self.text_source = text_source
        self.words = words if words is not None else []
        self.text = text
        self.ocr_confidence = ocr_confidence
        self.warning = warning
        # Its rows as processors read them (``processors.layout.PageLayout``), when they were
        # built where the page was extracted.
        self.layout = layout
        # The QR codes read on the page (``qr_codes.Code``: text and box in the page's units),
        # looked for only where its text shows a payment cue.
        self.codes = codes

    @property
    def words(self) -> list[Word]:
        if self._words is None:
            # The packed form stays: the page pickles again without packing its words anew.
            assert self._packed is not None
            self._words = self._packed.unpack()
        return self._words

    @words.setter
    def words(self, value: list[Word] | PackedWords) -> None:
        if isinstance(value, PackedWords):
            self._words, self._packed = None, value
        else:
            self._words, self._packed = value, None

    @property
    def word_count(self) -> int:
        """How many words the page has, without unpacking them."""
        if self._words is None:
            assert self._packed is not None
            return len(self._packed)
        return len(self._words)

    def __getstate__(self):
        packed = self._packed if self._packed is not None else PackedWords.pack(self.words)
        return (
            self.number,
            self.width,
            self.height,
            self.text_source,
            packed,
            self.text,
            self.ocr_confidence,
            self.warning,
            self.layout,
            self.codes,
        )

    def __setstate__(self, state) -> None:
        PageContent.__init__(self, *state)

    def __eq__(self, other) -> bool:
        if not isinstance(other, PageContent):
            return NotImplemented
        head = (self.number, self.width, self.height, self.text_source)
        other_head = (other.number, other.width, other.height, other.text_source)
        return head == other_head and (
            self.words,
            self.text,
            self.ocr_confidence,
            self.warning,
            self.codes,
        ) == (other.words, other.text, other.ocr_confidence, other.warning, other.codes)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaces

    def __repr__(self) -> str:
        return (
            f"PageContent(number={self.number}, width={self.width}, height={self.height}, "
            f"text_source={self.text_source!r}, words=<{self.word_count}>, "
            f"text={self.text[:40]!r}...)"
        )

    def summary(self) -> dict:
        return {
            "number": self.number,
            "width": round(self.width, 2),
            "height": round(self.height, 2),
            "text_source": self.text_source,
        }
