"""Librarium: a self-hosted book collection server."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("librarium")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
