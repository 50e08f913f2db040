"""The HTTP API: ``create_app(ServerSettings(...))``."""

from stopship.api.app import create_app
from stopship.api.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
