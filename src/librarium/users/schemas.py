"""Request and response shapes for the user picker and admin user management."""

from __future__ import annotations

import uuid

from librarium.kit.schema import Body, Read, Str


class UserPick(Read):
    id: uuid.UUID
    username: str
    display_name: str
    email: str


class AdminUserPatch(Body):
    display_name: str | None = None
    email: str | None = None
    is_active: bool | None = None
    is_instance_admin: bool | None = None


class PasswordSet(Body):
    password: Str = ""
    new_password: Str = ""


class ConfigRead(Read):
    cover_storage_path: str
    ebook_storage_path: str
    audiobook_storage_path: str
    ebook_path_template: str
    audiobook_path_template: str
    registration_enabled: bool
