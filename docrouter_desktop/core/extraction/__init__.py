"""Turning pages into words with boxes: the PDF text layer, or Tesseract for scans and photos."""
