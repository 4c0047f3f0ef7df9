#!/usr/bin/env bash
# Builds the one-folder desktop app in dist/DocRouterDesktop/ from a clean checkout:
# a private build environment, the app installed from source (not editable), PyInstaller.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
venv="$root/build/pyinstaller-venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q "$root" "pyinstaller>=6.10,<7"
cd packaging
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build/pyinstaller" docrouter-desktop.spec
# Qt translations and plugins the app never loads.
app="$root/dist/DocRouterDesktop"
rm -rf "$app"/_internal/PySide6/Qt/translations
for plugin in "$app"/_internal/PySide6/Qt/plugins/*; do
  case "$(basename "$plugin")" in
    platforms|imageformats|xcbglintegrations|platformthemes|iconengines|styles|wayland-*|egldeviceintegrations|platforminputcontexts) ;;
    *) rm -rf "$plugin" ;;
  esac
done
du -sh "$app"
"$app/docrouter-desktop" --version
