"""Instance-wide genres: everyone reads, instance admins write."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from librarium.errors import Conflict, NotFound
from librarium.genres import repository as repo
from librarium.kit.validate import required_text
from librarium.models import Genre


async def list_all(session: AsyncSession) -> list[Genre]:
    return await repo.all_genres(session)


def _clean(name: str) -> str:
    return required_text(name, "name", 128)


async def _taken(session: AsyncSession, name: str, except_id: uuid.UUID | None = None) -> bool:
    found = await repo.id_named(session, name)
    return found is not None and found != except_id


async def _save(session: AsyncSession) -> None:
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("a genre with that name already exists") from exc


async def create(session: AsyncSession, name: str) -> Genre:
    name = _clean(name)
    # Upstream lets the unique index fail with a 500.
    if await _taken(session, name):
        raise Conflict("a genre with that name already exists")
    genre = Genre(name=name, name_lower=name.lower())
    session.add(genre)
    await _save(session)
    return genre


async def _get(session: AsyncSession, genre_id: uuid.UUID) -> Genre:
    genre = await session.get(Genre, genre_id)
    if genre is None:
        raise NotFound("genre not found")
    return genre


async def rename(session: AsyncSession, genre_id: uuid.UUID, name: str) -> Genre:
    name = _clean(name)
    genre = await _get(session, genre_id)
    if await _taken(session, name, except_id=genre_id):
        raise Conflict("a genre with that name already exists")
    genre.name, genre.name_lower = name, name.lower()
    await _save(session)
    return genre


async def delete(session: AsyncSession, genre_id: uuid.UUID) -> None:
    await session.delete(await _get(session, genre_id))
    await session.flush()
