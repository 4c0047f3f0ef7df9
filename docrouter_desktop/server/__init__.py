"""The local DocRouter REST API (v0): the library served over HTTP with bearer tokens."""

from docrouter_desktop.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
