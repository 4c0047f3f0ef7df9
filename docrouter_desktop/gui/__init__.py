"""The desktop window: the only package that imports PySide6; it shows what the core holds."""
