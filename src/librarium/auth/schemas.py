"""Request and response shapes for setup, auth and profile."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from librarium.kit.schema import Body, Read, Str


class UserCreate(Body):
    username: Str = ""
    email: Str = ""
    display_name: Str = ""
    password: Str = ""


class LoginRequest(Body):
    identifier: Str = ""
    password: Str = ""


class RefreshRequest(Body):
    refresh_token: Str = ""


class ProfileUpdate(Body):
    display_name: Str = ""
    email: Str = ""


class PasswordChange(Body):
    current_password: Str = ""
    new_password: Str = ""


class UserRead(Read):
    id: uuid.UUID
    username: str
    email: str
    display_name: str
    is_instance_admin: bool


class AdminUserRead(UserRead):
    is_active: bool
    created_at: datetime
    last_login_at: datetime | None


class TokenRead(Read):
    access_token: str
    refresh_token: str
    expires_in: int
    user: UserRead


class SetupStatus(Read):
    initialized: bool


class PreferencesRead(Read):
    prefs: dict[str, Any]


class AppPasswordCreate(Body):
    name: Str = ""


class AppPasswordRead(Read):
    id: uuid.UUID
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None


class AppPasswordCreated(AppPasswordRead):
    password: str
