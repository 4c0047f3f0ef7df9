"""Small widgets: a progress bar that repaints with the next frame instead of at once."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStyle, QStyleOptionProgressBar, QStylePainter, QWidget


class ProgressStrip(QWidget):
    """Looks like QProgressBar, but ``set_progress`` only schedules a repaint: QProgressBar's
    ``setValue`` repaints synchronously, a pause the event loop feels while a batch runs."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._value = 0
        self._maximum = 1

    def set_progress(self, value: int, maximum: int) -> None:
        value, maximum = max(0, value), max(1, maximum)
        if (value, maximum) != (self._value, self._maximum):
            self._value, self._maximum = value, maximum
            self.update()

    def value(self) -> int:
        return self._value

    def maximum(self) -> int:
        return self._maximum

    def text(self) -> str:
        return f"{self._value} / {self._maximum}"

    def sizeHint(self) -> QSize:
        return QSize(260, 20)

    def paintEvent(self, _event) -> None:
        opt = QStyleOptionProgressBar()
        opt.initFrom(self)
        opt.minimum, opt.maximum, opt.progress = 0, self._maximum, self._value
        opt.text = self.text()
        opt.textVisible = True
        opt.state |= QStyle.StateFlag.State_Horizontal
        painter = QStylePainter(self)
        painter.drawControl(QStyle.ControlElement.CE_ProgressBar, opt)
