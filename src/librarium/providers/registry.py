"""The six metadata providers in upstream's registration order (also the default priority), and the live
view of them: each with the configuration stored in the database right now."""

from __future__ import annotations

from dataclasses import dataclass

from librarium.config import Settings
from librarium.providers.base import Config, Provider
from librarium.providers.fixed import TestProvider
from librarium.providers.google_books import GoogleBooks
from librarium.providers.hardcover import Hardcover
from librarium.providers.isbndb import Isbndb
from librarium.providers.mangadex import MangaDex
from librarium.providers.open_library import OpenLibrary

PROVIDERS: tuple[Provider, ...] = (TestProvider(), OpenLibrary(), GoogleBooks(), Isbndb(), Hardcover(), MangaDex())
BY_NAME = {p.name: p for p in PROVIDERS}
NAMES = tuple(BY_NAME)


def env_url(settings: Settings, name: str) -> str:
    """LIBRARIUM_<PROVIDER>_URL (e.g. LIBRARIUM_OPEN_LIBRARY_URL), or "" for the service's own address."""
    value = getattr(settings, f"{name}_url", "")
    return value if isinstance(value, str) else ""


@dataclass(frozen=True)
class Live:
    provider: Provider
    config: Config
    rank: int


def resolve_order(saved: list[str] | None) -> list[str]:
    """The saved order followed by every registered provider it leaves out, in registration order."""
    order = [name for name in saved or [] if isinstance(name, str)]
    return order + [name for name in NAMES if name not in order]


def live(settings: Settings, stored: dict[str, dict[str, str]], saved_order: list[str] | None) -> list[Live]:
    """Every provider with its current configuration and priority rank (lower = preferred), in
    registration order."""
    order = resolve_order(saved_order)
    rank = {name: i for i, name in reversed(list(enumerate(order)))}
    return [
        Live(p, p.configure(stored.get(p.name, {}), env_url(settings, p.name)), rank.get(p.name, len(order)))
        for p in PROVIDERS
    ]
