"""All ORM classes. Import from here so every table is registered on Base.metadata."""

from librarium.db.base import Base
from librarium.models.libraries import Library, LibraryMembership, MemberTag, Tag
from librarium.models.rbac import Permission, Role, RolePermission
from librarium.models.reference import Genre, MediaType
from librarium.models.users import RefreshToken, RevokedAccessToken, User, UserPreferences

__all__ = [
    "Base",
    "Genre",
    "Library",
    "LibraryMembership",
    "MediaType",
    "MemberTag",
    "Permission",
    "RefreshToken",
    "RevokedAccessToken",
    "Role",
    "RolePermission",
    "Tag",
    "User",
    "UserPreferences",
]
