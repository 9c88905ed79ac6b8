"""`librarium create-admin`: the service behind the command."""

from __future__ import annotations

from librarium.auth import service as auth
from librarium.auth.passwords import Passwords
from librarium.config import Settings
from librarium.db import migrate
from librarium.db.engine import engine_for
from librarium.db.unit import Database
from librarium.errors import AppError
from librarium.models import User


async def create_or_promote_admin(
    settings: Settings, username: str, email: str, password: str, display_name: str = ""
) -> str:
    if not username or not email or not password:
        raise SystemExit("username, email, and password are required")
    url = settings.effective_database_url
    import anyio

    await anyio.to_thread.run_sync(migrate.upgrade, url)
    engine = engine_for(settings, pool=False)
    passwords = Passwords(settings.argon2_time_cost, settings.argon2_memory_kib)
    try:
        async with Database(engine).unit_of_work() as session:
            user = await auth.user_by_username(session, username)
            if user is not None:
                user.is_instance_admin = True
                user.is_active = True
                user.password_hash = await passwords.hash(password)
                return f"user {username!r} is now an instance admin (password reset)"
            if await auth.user_by_email(session, email):
                raise SystemExit(f"email {email!r} already belongs to another user")
            try:
                await auth.add_user(
                    session,
                    User(
                        username=username,
                        email=email,
                        display_name=display_name or username,
                        password_hash=await passwords.hash(password),
                        is_instance_admin=True,
                    ),
                )
            except AppError as exc:
                raise SystemExit(exc.message) from exc
            return f"created instance admin {username!r}"
    finally:
        await engine.dispose()
