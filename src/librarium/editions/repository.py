"""SQL of the editions domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

from librarium.kit.repository import LibraryScoped
from librarium.models import Book

books = LibraryScoped(Book)
