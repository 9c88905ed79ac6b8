"""All ORM classes. Import from here so every table is registered on Base.metadata."""

from librarium.db.base import Base
from librarium.models.ai import BlockedItem, RunEvent, Suggestion, SuggestionRun, UserAISettings
from librarium.models.catalog import (
    Book,
    BookContributor,
    BookGenre,
    BookTag,
    Contributor,
    ContributorWork,
)
from librarium.models.circulation import Loan, LoanTag, SeriesTag, ShelfTag
from librarium.models.editions import BookEdition, ReadingProgress, UserBookInteraction
from librarium.models.enrichment import EnrichmentBatch, EnrichmentChange, EnrichmentItem
from librarium.models.files import EditionFile, StorageLocation
from librarium.models.imports import ImportItem, ImportJob
from librarium.models.jobs import Job, JobSchedule
from librarium.models.libraries import Library, LibraryMembership, MemberTag, Tag
from librarium.models.organisation import BookSeries, BookShelf, CoverImage, Series, SeriesVolume, Shelf
from librarium.models.rbac import Permission, Role, RolePermission
from librarium.models.reference import Genre, MediaType
from librarium.models.settings import InstanceSetting, LookupCacheEntry
from librarium.models.users import AppPassword, RefreshToken, RevokedAccessToken, User, UserPreferences

__all__ = [
    "AppPassword",
    "Base",
    "BlockedItem",
    "RunEvent",
    "Suggestion",
    "SuggestionRun",
    "UserAISettings",
    "Book",
    "BookContributor",
    "BookEdition",
    "BookGenre",
    "BookSeries",
    "BookShelf",
    "BookTag",
    "Contributor",
    "EditionFile",
    "ImportItem",
    "ImportJob",
    "EnrichmentBatch",
    "EnrichmentChange",
    "EnrichmentItem",
    "InstanceSetting",
    "LookupCacheEntry",
    "ContributorWork",
    "CoverImage",
    "Series",
    "SeriesTag",
    "SeriesVolume",
    "Shelf",
    "ShelfTag",
    "StorageLocation",
    "UserBookInteraction",
    "Genre",
    "Job",
    "JobSchedule",
    "Library",
    "Loan",
    "LoanTag",
    "LibraryMembership",
    "MediaType",
    "MemberTag",
    "Permission",
    "ReadingProgress",
    "RefreshToken",
    "RevokedAccessToken",
    "Role",
    "RolePermission",
    "Tag",
    "User",
    "UserPreferences",
]
