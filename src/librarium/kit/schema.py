"""Pydantic building blocks shared by every domain's schemas."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict

T = TypeVar("T")


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


# A string field that, like upstream's Go decoder, treats a missing or null value as "".
Str = Annotated[str, BeforeValidator(_none_to_empty)]


class Body(BaseModel):
    """Request body: unknown keys are ignored, as upstream does."""

    model_config = ConfigDict(extra="ignore")


class Read(BaseModel):
    """Response object, built from ORM rows or dicts."""

    model_config = ConfigDict(from_attributes=True)


class Envelope(BaseModel, Generic[T]):
    """Every JSON success answer: `{"data": ...}`."""

    data: T


class Message(BaseModel):
    message: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


def page_params(page: int, per_page: int, default: int, limit: int) -> tuple[int, int]:
    """Upstream's paging rule: page < 1 -> 1; per_page <= 0 or > limit -> default."""
    page = max(page, 1)
    if per_page <= 0 or per_page > limit:
        per_page = default
    return page, per_page
