"""Entry point of the frozen (PyInstaller) app: the same command line as the installed one."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # worker processes start through this same binary
    from docrouter_desktop.cli import main

    sys.exit(main())
