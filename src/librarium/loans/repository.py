"""SQL of the loans domain, scoped to a library by construction (kit/repository.py)."""

from __future__ import annotations

from librarium.kit.repository import LibraryScoped
from librarium.models import Loan

loans = LibraryScoped(Loan)
