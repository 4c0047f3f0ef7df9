"""Processors: from extracted pages to the fields of the API contract (invoice, receipt, text, auto)."""
