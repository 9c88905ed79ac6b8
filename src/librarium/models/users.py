"""Users, credentials, tokens and preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from librarium.db.base import Base, IdMixin, JSONType, TimestampMixin, utcnow


class User(IdMixin, TimestampMixin, Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    email: Mapped[str] = mapped_column(String(255), unique=True)
    # argon2id hash; NULL for an account that cannot sign in with a password.
    password_hash: Mapped[str | None] = mapped_column(Text)
    is_active: Mapped[bool] = mapped_column(default=True)
    is_instance_admin: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None]


class RefreshToken(IdMixin, Base):
    """An opaque refresh token, stored as its SHA-256. `session_id` groups one sign-in's rotations."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[uuid.UUID] = mapped_column(index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    # the access token issued with this refresh token, so a replayed chain can deny-list it
    access_jti: Mapped[uuid.UUID | None]
    access_expires_at: Mapped[datetime | None]


class RevokedAccessToken(Base):
    """Deny-list of access-token ids (`jti`) until they would have expired anyway."""

    __tablename__ = "revoked_access_tokens"

    jti: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class UserPreferences(Base):
    __tablename__ = "user_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    prefs: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AppPassword(IdMixin, Base):
    """A named secret for reading apps (OPDS, KOReader sync) that cannot hold a Bearer token. Only keyed hashes
    are stored: `secret_hash` of the secret itself (HTTP Basic), `kosync_hash` of its MD5 (what KOReader
    sends)."""

    __tablename__ = "app_passwords"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kosync_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))  # the first characters, to tell passwords apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
