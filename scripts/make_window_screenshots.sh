#!/usr/bin/env bash
# The README's screenshots of the window, light and dark, at the default size: the main window
# with a receipt under review, the review pane on an invoice, and the Summary. LIBRARY is a
# library filled by `docrouter-desktop batch` on the evaluation receipts and invoices.
# Run under a display (xvfb-run -a -s "-screen 0 1400x900x24" scripts/make_window_screenshots.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
LIBRARY=${1:?usage: make_window_screenshots.sh LIBRARY}
out=docs/screenshots
for theme in light dark; do
  suffix=$([ "$theme" = dark ] && echo "-dark" || echo "")
  .venv/bin/docrouter-desktop --library "$LIBRARY" gui --theme "$theme" \
    --screenshot "$out/main-window$suffix.png" --select 14
  .venv/bin/docrouter-desktop --library "$LIBRARY" gui --theme "$theme" \
    --screenshot "$out/review-pane$suffix.png" --select 2
  .venv/bin/python - "$LIBRARY" "$theme" "$out/summary$suffix.png" <<'PY'
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from docrouter_desktop.core.library import Library
from docrouter_desktop.gui import theme
from docrouter_desktop.gui.summary import SummaryView

app = QApplication([])
if sys.argv[2] == "dark":
    app.setPalette(theme.dark_palette())
view = SummaryView(Library(Path(sys.argv[1]), read_only=True))
view.resize(1280, 800)
view.show()
done = []
view.summary_ready.connect(done.append)
view.refresh()
while not done:
    app.processEvents()
for _ in range(20):
    app.processEvents()
print(view.save_png(sys.argv[3]))
PY
done
