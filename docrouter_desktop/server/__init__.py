"""The local DocRouter REST API (v0), in the seed dialect and DocRouter's own, over the library."""

from docrouter_desktop.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app"]
