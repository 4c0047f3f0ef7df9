"""Entry point for ``python -m docrouter_desktop``."""

import sys

from docrouter_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
