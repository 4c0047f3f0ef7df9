"""Plain data for extracted pages, cheap to send between processes.

A word is a tuple ``(text, x0, top, x1, bottom, confidence, line)``: coordinates in the page's
own units from its top-left corner (PDF points, or pixels for images), confidence 0..1, and
``line`` an integer that is equal for words the extractor read as one line.

Between processes a page's words travel packed (``PackedWords``: their texts in one string
and their numbers in arrays), which pickles about 20 times faster than a list of tuples; the
tuples are made when something first reads ``PageContent.words``.
"""

from __future__ import annotations

from array import array

Word = tuple[str, float, float, float, float, float, int]


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
        texts = [w[0] for w in words]
        boxes = array("d")
        for w in words:
            boxes.extend(w[1:6])
        lines = array("i", [w[6] for w in words])
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
        return list(zip(self._texts(), *columns, strict=True))

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
    ):
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

    @property
    def words(self) -> list[Word]:
        if self._words is None:
            # The packed form stays: the page pickles again without packing its words anew.
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
        return len(self._packed) if self._words is None else len(self._words)

    def __getstate__(self):
        packed = self._packed if self._packed is not None else PackedWords.pack(self._words)
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
        )

    def __setstate__(self, state) -> None:
        self.__init__(*state)

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
        ) == (other.words, other.text, other.ocr_confidence, other.warning)

    __hash__ = None  # mutable, like the dataclass it replaces

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
