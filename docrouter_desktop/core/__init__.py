"""The headless engine: library storage, ingest, extraction, processors, jobs and export.

Nothing in this package imports Qt; the window and the API server are built on top of it.
"""
