"""DocRouter Desktop: documents in, structured data out, on your own machine."""

__version__ = "0.1.0"
