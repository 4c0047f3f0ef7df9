"""The Summary view of a workspace: counts at the top (documents, needing review, failed),
then bar charts of the totals by month and the top vendors (one pair of charts per
currency: amounts in different currencies do not add up), the documents needing review and
the failures by reason. The summary is read in the background (``core.summary``); the whole
view saves as a PNG.

The charts are drawn with QPainter (``BarChart``), in the palette's colours, so they read
on light and dark themes alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from docrouter_desktop.core.summary import UNKNOWN, WorkspaceSummary, workspace_summary
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.workers import TaskRunner

EMPTY_TOTALS = "No totals yet: process some invoices or receipts"
EMPTY_REVIEW = "No document needs review"
EMPTY_FAILURES = "No document failed"
EMPTY_STATUS = "No documents in this workspace yet"
FILL_MONTHS = 24  # months without documents are shown (as 0) when the span is this short
PAD = 10
_ELIDE = Qt.TextElideMode.ElideRight
MONTH_NAMES = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


# -- numbers as the charts show them


def money(value: float) -> str:
    return f"{value:,.2f}"


def count(value: float) -> str:
    return f"{int(value):,}"


def compact(value: float) -> str:
    """A short form for axes: 950, 1.2k, 34k, 1.5M, 2B."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            short = f"{value / size:.1f}".removesuffix(".0")
            return short + suffix
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{int(value)}"


def nice_ticks(maximum: float, steps: int = 4, whole: bool = False) -> list[float]:
    """Round axis values from 0 to at least ``maximum`` (1, 2, 2.5 or 5 times a power of 10;
    whole numbers only when ``whole``)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = max(maximum / steps, 1.0 if whole else 0.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    steps_of = (1, 2, 5, 10) if whole and magnitude < 10 else (1, 2, 2.5, 5, 10)
    step = next(m * magnitude for m in steps_of if m * magnitude >= raw)
    n = math.ceil(maximum / step - 1e-9)
    return [i * step for i in range(n + 1)]


# -- the chart


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as shown
    muted: bool = False  # drawn in a quieter colour ("Other", no date)
    tooltip: str = ""
    axis_label: str = ""  # a narrower form under a vertical bar (two lines), when needed


@dataclass(frozen=True)
class ChartColors:
    background: QColor
    border: QColor
    text: QColor
    muted_text: QColor
    bar: QColor
    muted_bar: QColor
    grid: QColor


def chart_colors(palette: QPalette) -> ChartColors:
    """The chart's colours from the palette: text on Base, bars in Highlight (the link colour
    where Highlight hardly shows on Base), lines in Mid."""
    role = QPalette.ColorRole
    background = palette.color(role.Base)
    own = theme.colors(palette)
    bar = palette.color(role.Highlight)
    if theme.contrast(bar, background) < 2.5:
        bar = own.link_text
    muted = own.muted_text
    muted_bar = QColor(
        (muted.red() + background.red()) // 2,
        (muted.green() + background.green()) // 2,
        (muted.blue() + background.blue()) // 2,
    )
    grid = QColor(palette.color(role.Mid))
    grid.setAlpha(120)
    return ChartColors(
        background=background,
        border=palette.color(role.Mid),
        text=palette.color(role.Text),
        muted_text=own.muted_text,
        bar=bar,
        muted_bar=muted_bar,
        grid=grid,
    )


class BarChart(QWidget):
    """Bars with their labels and values, a title, axis titles and a value axis; horizontal
    (one row a bar, for long labels) or vertical (months along the bottom). With no bars it
    says ``empty_text``."""

    def __init__(
        self,
        title: str,
        *,
        vertical: bool = False,
        value_axis: str = "",
        category_axis: str = "",
        empty_text: str = EMPTY_TOTALS,
        label_share: float = 0.4,
        whole: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self._title, self.vertical = title, vertical
        self.value_axis, self.category_axis = value_axis, category_axis
        self.empty_text, self.label_share = empty_text, label_share
        self.whole = whole  # the values are counts: whole numbers on the axis
        self._bars: tuple[Bar, ...] = ()
        self._hits: list[tuple[QRect, Bar]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMouseTracking(True)

    # -- data

    def set_bars(self, bars: Sequence[Bar]) -> None:
        self._bars = tuple(bars)
        self.setMinimumHeight(self.sizeHint().height())
        self.updateGeometry()
        self.update()

    def bars(self) -> tuple[Bar, ...]:
        return self._bars

    def labels(self) -> list[str]:
        return [b.label for b in self._bars]

    def values(self) -> list[float]:
        return [b.value for b in self._bars]

    def title(self) -> str:
        return self._title

    def is_empty(self) -> bool:
        return not self._bars

    def colors(self) -> ChartColors:
        return chart_colors(self.palette())

    # -- size

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1 if font.pointSizeF() > 0 else 10)
        return font

    def _row_height(self) -> int:
        return self.fontMetrics().height() + 8

    def _title_height(self) -> int:
        return QFontMetrics(self._title_font()).height()

    def sizeHint(self) -> QSize:
        h = self.fontMetrics().height()
        top = PAD + self._title_height() + 8
        if self.vertical or not self._bars:
            return QSize(440, top + 200 + PAD)
        rows = len(self._bars) * self._row_height()
        return QSize(440, top + h + 4 + rows + 6 + h + 4 + h + PAD)

    def minimumSizeHint(self) -> QSize:
        return QSize(280, self.sizeHint().height())

    # -- drawing

    def paintEvent(self, _event) -> None:
        c = self.colors()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(c.border, 1))
        p.setBrush(c.background)
        p.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        p.setPen(c.text)
        p.setFont(self._title_font())
        th = self._title_height()
        p.drawText(
            QRect(PAD, PAD, self.width() - 2 * PAD, th),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            p.fontMetrics().elidedText(self._title, Qt.TextElideMode.ElideRight, self.width()),
        )
        p.setFont(self.font())
        self._hits = []
        area = QRect(PAD, PAD + th + 8, self.width() - 2 * PAD, self.height() - 2 * PAD - th - 8)
        if not self._bars:
            p.setPen(c.muted_text)
            p.drawText(
                area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text
            )
        elif self.vertical:
            self._paint_vertical(p, c, area)
        else:
            self._paint_horizontal(p, c, area)
        p.end()

    def _paint_horizontal(self, p: QPainter, c: ChartColors, area: QRect) -> None:
        fm = p.fontMetrics()
        h, row = fm.height(), self._row_height()
        ticks = nice_ticks(max(b.value for b in self._bars), whole=self.whole)
        label_w = min(
            max(fm.horizontalAdvance(t) for t in [self.category_axis, *self.labels()]),
            int(area.width() * self.label_share),
        )
        value_w = max(fm.horizontalAdvance(b.text) for b in self._bars)
        x0 = area.left() + label_w + 10
        x1 = max(x0 + 20, area.right() - value_w - 6)
        scale = (x1 - x0) / ticks[-1]
        top = area.top() + h + 4
        bottom = top + row * len(self._bars)
        p.setPen(c.muted_text)
        p.drawText(
            QRect(area.left(), area.top(), label_w, h),
            Qt.AlignmentFlag.AlignLeft,
            self.category_axis,
        )
        for t in ticks:  # value axis: grid lines, their values, the axis title
            x = round(x0 + t * scale)
            p.setPen(QPen(c.grid, 1))
            p.drawLine(x, top, x, bottom)
            p.setPen(c.muted_text)
            text = compact(t)
            tw = fm.horizontalAdvance(text)
            p.drawText(
                QRect(x - tw // 2 - 2, bottom + 4, tw + 4, h), Qt.AlignmentFlag.AlignCenter, text
            )
        p.drawText(
            QRect(x0, bottom + 6 + h, x1 - x0, h), Qt.AlignmentFlag.AlignCenter, self.value_axis
        )
        for i, bar in enumerate(self._bars):
            y = top + i * row
            p.setPen(c.muted_text if bar.muted else c.text)
            label = fm.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w)
            p.drawText(
                QRect(area.left(), y, label_w, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            length = max(2 if bar.value > 0 else 0, round(bar.value * scale))
            rect = QRect(x0, y + 4, length, row - 8)
            p.fillRect(rect, c.muted_bar if bar.muted else c.bar)
            p.setPen(c.text)
            p.drawText(
                QRect(x0 + length + 4, y, value_w + 4, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                bar.text,
            )
            self._hits.append((QRect(area.left(), y, area.width(), row), bar))
        p.setPen(QPen(c.border, 1))
        p.drawLine(x0, top, x0, bottom)

    def _paint_vertical(self, p: QPainter, c: ChartColors, area: QRect) -> None:
        fm = p.fontMetrics()
        h, n = fm.height(), len(self._bars)
        ticks = nice_ticks(max(b.value for b in self._bars), whole=self.whole)
        tick_w = max(fm.horizontalAdvance(compact(t)) for t in ticks)
        left = area.left() + h + 6 + tick_w + 6
        plot_w = max(20, area.right() - left)
        slot = plot_w / n
        short = [compact(b.value) for b in self._bars]
        widest = max(fm.horizontalAdvance(s) for s in short)
        upright = widest + 4 <= slot  # the values fit across their bars; else turned up
        headroom = h + 2 if upright else (widest + 6 if slot >= h else 0)
        narrow = all(b.axis_label for b in self._bars) and (
            max(fm.horizontalAdvance(b.label) for b in self._bars) + 8 > slot
        )
        labels = [b.axis_label if narrow else b.label for b in self._bars]
        lines = max(label.count("\n") + 1 for label in labels)
        bottom = area.bottom() - (lines + 1) * h - 8
        top = area.top() + headroom
        scale = (bottom - top) / ticks[-1]
        for t in ticks:  # value axis: grid lines and their values
            y = round(bottom - t * scale)
            p.setPen(QPen(c.grid, 1))
            p.drawLine(left, y, area.right(), y)
            p.setPen(c.muted_text)
            p.drawText(
                QRect(left - tick_w - 6, y - h // 2, tick_w, h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                compact(t),
            )
        p.save()  # the value axis title, turned up along the axis
        p.translate(area.left(), (top + bottom) / 2)
        p.rotate(-90)
        p.drawText(
            QRect(-(bottom - top) // 2, 0, bottom - top, h),
            Qt.AlignmentFlag.AlignCenter,
            self.value_axis,
        )
        p.restore()
        label_w = max(fm.horizontalAdvance(part) for t in labels for part in t.split("\n")) + 8
        every = max(1, math.ceil(label_w / slot))  # a label for every so many bars
        bar_w = max(2, min(48, round(slot * 0.7)))
        last_muted = self._bars[-1].muted  # "no date": labelled, whatever the thinning

        def shown(i: int) -> bool:
            if last_muted and every > 1:
                return i == n - 1 or (i % every == 0 and i + every <= n - 1)
            return i % every == 0

        for i, bar in enumerate(self._bars):
            cx = left + slot * (i + 0.5)
            height = round(bar.value * scale)
            if bar.value > 0:
                height = max(2, height)
            rect = QRect(round(cx - bar_w / 2), bottom - height, bar_w, height)
            p.fillRect(rect, c.muted_bar if bar.muted else c.bar)
            p.setPen(c.text)
            if upright and bar.value:
                p.drawText(
                    QRect(round(cx - slot / 2), rect.top() - h - 2, round(slot), h),
                    Qt.AlignmentFlag.AlignCenter,
                    short[i],
                )
            elif headroom and bar.value:
                p.save()
                p.translate(cx + h / 2 - 2, rect.top() - 4)
                p.rotate(-90)
                p.drawText(QPoint(0, 0), short[i])
                p.restore()
            if shown(i):
                p.setPen(c.muted_text if bar.muted else c.text)
                width = round(slot * every)
                text = labels[i] if lines > 1 else fm.elidedText(labels[i], _ELIDE, width)
                box = QRect(round(cx - width / 2), bottom + 4, width, lines * h)
                p.drawText(box, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
            self._hits.append(
                (QRect(round(cx - slot / 2), area.top(), round(slot) + 1, area.height()), bar)
            )
        p.setPen(QPen(c.border, 1))
        p.drawLine(left, bottom, area.right(), bottom)
        p.setPen(c.muted_text)
        p.drawText(
            QRect(left, bottom + lines * h + 8, plot_w, h),
            Qt.AlignmentFlag.AlignCenter,
            self.category_axis,
        )

    def event(self, e) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            pos = e.pos()
            bar = next((b for rect, b in self._hits if rect.contains(pos)), None)
            if bar is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(e.globalPos(), bar.tooltip or f"{bar.label}: {bar.text}", self)
            return True
        return super().event(e)


# -- the view


def _currency_name(currency: str) -> str:
    return "no currency" if currency == UNKNOWN else currency


def month_bars(summary: WorkspaceSummary, currency: str) -> list[Bar]:
    """The months of one currency in order (the months between, too, over a short span),
    then the documents without a date."""
    found = {m.month: m for m in summary.months if m.currency == currency}
    dated = sorted(m for m in found if m != UNKNOWN)
    months = dated
    if dated:
        (y0, m0), (y1, m1) = (map(int, dated[0].split("-")), map(int, dated[-1].split("-")))
        span = (y1 - y0) * 12 + m1 - m0 + 1
        if span <= FILL_MONTHS:
            months = [f"{y0 + (m0 - 1 + k) // 12}-{(m0 - 1 + k) % 12 + 1:02d}" for k in range(span)]
    bars = []
    for month in [*months, *([UNKNOWN] if UNKNOWN in found else [])]:
        m = found.get(month)
        total, docs = (m.total, m.documents) if m else (0.0, 0)
        label = "no date" if month == UNKNOWN else month
        narrow = (
            "no\ndate" if month == UNKNOWN else f"{MONTH_NAMES[int(month[5:7]) - 1]}\n{month[:4]}"
        )
        tip = f"{label}: {money(total)} {_currency_name(currency)} in {docs} document(s)"
        bars.append(Bar(label, total, money(total), month == UNKNOWN, tip, narrow))
    return bars


def vendor_bars(summary: WorkspaceSummary, currency: str) -> list[Bar]:
    bars = []
    for v in summary.vendors:
        if v.currency != currency:
            continue
        label = "Other vendors" if v.other else ("no vendor" if v.vendor == UNKNOWN else v.vendor)
        tip = f"{label}: {money(v.total)} {_currency_name(currency)} in {v.documents} document(s)"
        bars.append(Bar(label, v.total, money(v.total), v.other or v.vendor == UNKNOWN, tip))
    return bars


class SummaryView(QWidget):
    """A workspace's summary; ``refresh`` reads it again in the background."""

    summary_ready = Signal(object)  # the WorkspaceSummary now shown
    failed = Signal(str)

    def __init__(self, library, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
        self._org_id: str | None = None
        self._summary: WorkspaceSummary | None = None
        self._generation = 0
        self._charts: dict[str, BarChart] = {}
        self._tasks = TaskRunner(self)
        self._tasks.done.connect(self._on_done)
        self._tasks.failed.connect(self._on_failed)

        self._tiles = {
            key: (QLabel("–"), QLabel(caption))
            for key, caption in (
                ("documents", "documents"),
                ("review", "need review"),
                ("failed", "failed"),
            )
        }
        header = QHBoxLayout()
        for number, caption in self._tiles.values():
            tile = QVBoxLayout()
            tile.setSpacing(0)
            font = QFont(number.font())
            font.setBold(True)
            font.setPointSizeF(max(font.pointSizeF(), 9) * 1.7)
            number.setFont(font)
            tile.addWidget(number)
            tile.addWidget(caption)
            header.addLayout(tile)
            header.addSpacing(28)
        header.addStretch(1)
        self.state_label = QLabel("")
        header.addWidget(self.state_label)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(lambda: self.refresh())
        self.save_button = QPushButton("Save as PNG…")
        self.save_button.clicked.connect(self._save_dialog)
        header.addWidget(self.refresh_button)
        header.addWidget(self.save_button)
        self.details_label = QLabel("")
        self.details_label.setWordWrap(True)

        self._body = QWidget()
        self._grid = QGridLayout(self._body)
        self._grid.setContentsMargins(0, 0, 4, 0)
        self._grid.setSpacing(12)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(self._body)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.details_label)
        layout.addWidget(self.scroll, 1)
        self._restyle()

    # -- reading

    def refresh(self, org_id: str | None = None) -> None:
        """Read the summary of ``org_id`` (None: the workspace shown, at first the default
        one) in the background; ``summary_ready`` says when it is shown."""
        if org_id is not None:
            self._org_id = org_id
        self._generation += 1
        library, org = self.library, self._org_id
        self.state_label.setText("Updating…")
        self._tasks.submit(lambda: workspace_summary(library, org), self._generation)

    def _on_done(self, token, summary: WorkspaceSummary) -> None:
        if token != self._generation:
            return  # an older reading, overtaken
        self.state_label.setText("")
        self._org_id = summary.org_id
        self._show(summary)
        self.summary_ready.emit(summary)

    def _on_failed(self, token, message: str) -> None:
        if token == self._generation:
            self.state_label.setText(f"Could not read the summary: {message}")
            self.state_label.setStyleSheet(theme.text_style(self.palette(), "error"))
            self.failed.emit(message)

    def summary(self) -> WorkspaceSummary | None:
        return self._summary

    def charts(self) -> dict[str, BarChart]:
        """The charts shown, by title."""
        return dict(self._charts)

    # -- showing

    def _show(self, s: WorkspaceSummary) -> None:
        self._summary = s
        self._tiles["documents"][0].setText(f"{s.documents:,}")
        self._tiles["review"][0].setText(f"{s.needing_review:,}")
        self._tiles["failed"][0].setText(f"{s.failed:,}")
        statuses = " · ".join(f"{n:,} {status}" for status, n in s.by_status)
        totals = " · ".join(
            f"{_currency_name(c)} {money(s.currency_total(c))}" for c in s.currencies
        )
        self.details_label.setText(
            (statuses or "No documents in this workspace yet")
            + (f"\nTotals: {totals}" if totals else "")
        )
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self._charts = {}
        row = 0
        for currency in s.currencies or (None,):
            name = _currency_name(currency) if currency else ""
            suffix = f" · {name}" if name else ""
            months = self._add(
                BarChart(
                    f"Totals by month{suffix}",
                    vertical=True,
                    value_axis=f"Total ({name})" if name else "Total",
                    category_axis="Month",
                ),
                row,
                0,
            )
            vendors = self._add(
                BarChart(
                    f"Top vendors{suffix}",
                    value_axis=f"Total ({name})" if name else "Total",
                    category_axis="Vendor",
                ),
                row,
                1,
            )
            if currency is not None:
                months.set_bars(month_bars(s, currency))
                vendors.set_bars(vendor_bars(s, currency))
            row += 1
        review = self._add(self._count_chart(
            f"Documents needing review · fields below {s.threshold:.0%}", "Processor", EMPTY_REVIEW
        ), row, 0)  # fmt: skip
        review.set_bars(
            [Bar(p, n, count(n), tooltip=f"{n:,} {p} document(s) to review")
             for p, n in s.review_by_processor]
        )  # fmt: skip
        statuses = self._add(
            self._count_chart("Documents by status", "Status", EMPTY_STATUS), row, 1
        )
        statuses.set_bars([Bar(st, n, count(n)) for st, n in s.by_status])
        failures = self._add(
            self._count_chart("Failures by reason", "Reason", EMPTY_FAILURES, 0.6), row + 1, 0, 2
        )
        failures.set_bars(
            [Bar(f.reason, f.documents, count(f.documents), f.other,
                 f"{f.reason}: {f.documents:,} document(s)\ne.g. {f.example}")
             for f in s.failures]
        )  # fmt: skip
        self._grid.setRowStretch(row + 2, 1)
        self._restyle()

    @staticmethod
    def _count_chart(title: str, category: str, empty: str, share: float = 0.4) -> BarChart:
        return BarChart(
            title, value_axis="Documents", category_axis=category, empty_text=empty,
            label_share=share, whole=True,
        )  # fmt: skip

    def _add(self, chart: BarChart, row: int, column: int, span: int = 1) -> BarChart:
        self._grid.addWidget(chart, row, column, 1, span)
        chart.show()  # now, not when the event loop next runs (a PNG saved at once has it)
        self._charts[chart.title()] = chart
        return chart

    def _restyle(self) -> None:
        """Colours of the counts from the palette (again when the theme changes)."""
        s = self._summary
        kinds = {
            "review": "caution" if s and s.needing_review else "muted",
            "failed": "error" if s and s.failed else "muted",
        }
        for key, (number, caption) in self._tiles.items():
            number.setStyleSheet(
                theme.text_style(self.palette(), kinds[key]) if key in kinds else ""
            )
            caption.setStyleSheet(theme.text_style(self.palette(), "muted"))
        self.details_label.setStyleSheet(theme.text_style(self.palette(), "muted"))
        self.state_label.setStyleSheet(theme.text_style(self.palette(), "muted"))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "_tiles"):
            self._restyle()

    # -- saving

    def save_png(self, path) -> Path:
        """The whole view, as it is on screen, as a PNG file."""
        path = Path(path)
        for _ in range(2):  # the layouts of charts just shown, and the scroll area's after them
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        if not self.grab().save(str(path), "PNG"):
            raise OSError(f"Could not write the image {path}.")
        return path

    def _save_dialog(self) -> None:
        name = str(Path.home() / f"summary-{date.today().isoformat()}.png")
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the summary as PNG", name, "PNG images (*.png)"
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        try:
            self.save_png(path)
        except OSError as exc:
            QMessageBox.warning(self, "Save as PNG", str(exc))
