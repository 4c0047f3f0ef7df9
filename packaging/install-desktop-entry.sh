#!/usr/bin/env bash
# Installs the desktop entry, icons and AppStream metadata for the current user (or, with
# PREFIX=/usr/local as root, for everyone), so DocRouter Desktop appears in the applications
# menu and in "Open with" for PDFs and images.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
prefix="${PREFIX:-$HOME/.local}"
share="$prefix/share"
install -Dm644 "$here/resources/linux/io.github.docrouter.DocRouterDesktop.desktop" \
  "$share/applications/io.github.docrouter.DocRouterDesktop.desktop"
install -Dm644 "$here/resources/linux/io.github.docrouter.DocRouterDesktop.metainfo.xml" \
  "$share/metainfo/io.github.docrouter.DocRouterDesktop.metainfo.xml"
for dir in "$here"/resources/icons/hicolor/*/apps; do
  size="$(basename "$(dirname "$dir")")"
  install -Dm644 "$dir/docrouter-desktop.png" "$share/icons/hicolor/$size/apps/docrouter-desktop.png"
done
install -Dm644 "$here/resources/icons/docrouter-desktop.svg" \
  "$share/icons/hicolor/scalable/apps/docrouter-desktop.svg"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
echo "Installed the desktop entry under $share"
