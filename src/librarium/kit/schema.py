"""Pydantic building blocks shared by every domain's schemas."""

from __future__ import annotations

import warnings
from typing import Annotated, Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SerializerFunctionWrapHandler, model_serializer
from pydantic.warnings import UnsupportedFieldAttributeWarning

T = TypeVar("T")


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else value


# A string field that, like upstream's Go decoder, treats a missing or null value as "".
Str = Annotated[str, BeforeValidator(_none_to_empty)]

# Integers stored in a 32-bit column (PostgreSQL's `integer`): anything outside answers 400 naming the field
# instead of an overflow 500 from the database.
Int32 = Annotated[int, Field(ge=-(2**31), le=2**31 - 1)]
# Counts, years, orders: never negative, still within the column.
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]
# A position in a series: finite, kept to one decimal place within ±99999.9 (series/matching.round_position).
Position = Annotated[float, Field(ge=-99999.9, le=99999.9, allow_inf_nan=False)]


class Model(BaseModel):
    """Every wire model's base. Its validator and serializer are built when first used, not when the module is
    imported (`defer_build`): building all of the API's models took about 0.07 s of every start (a 2-core VM),
    mostly for routes a given run never calls."""

    model_config = ConfigDict(defer_build=True)


# FastAPI wraps a body model as Annotated[Model, Field(alias="body")] and silences pydantic's warning that such an
# alias does nothing there — but only while it builds the adapter, which with `defer_build` is at the first request
warnings.filterwarnings("ignore", category=UnsupportedFieldAttributeWarning)


class Body(Model):
    """Request body: unknown keys are ignored, as upstream does."""

    model_config = ConfigDict(extra="ignore")


class Read(Model):
    """Response object, built from ORM rows or dicts."""

    model_config = ConfigDict(from_attributes=True)


class Omitting(Read):
    """A response that leaves its `OMIT_EMPTY` fields out when they are empty (null, "", 0), as upstream's Go
    encoder does with `omitempty`, and its `OMIT_NULL` fields only when they are null (a pointer's omitempty).
    The documented schema still lists them (as optional)."""

    OMIT_EMPTY: ClassVar[tuple[str, ...]] = ()
    OMIT_NULL: ClassVar[tuple[str, ...]] = ()

    # no return annotation: pydantic would document the model as that type (a free object) instead of its fields
    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        data: dict[str, Any] = handler(self)
        for name in self.OMIT_EMPTY:
            if not data.get(name):
                data.pop(name, None)
        for name in self.OMIT_NULL:
            if data.get(name) is None:
                data.pop(name, None)
        return data


class Envelope(Model, Generic[T]):
    """Every JSON success answer: `{"data": ...}`."""

    data: T


class Message(Model):
    message: str


class Page(Model, Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int


# Pages past this are empty in any real library; clamping keeps OFFSET inside a 64-bit integer
# (upstream answers 500 for ?page=100000000000000000000).
MAX_PAGE = 10_000_000


def page_params(page: int, per_page: int, default: int, limit: int) -> tuple[int, int]:
    """Upstream's paging rule: page < 1 -> 1; per_page <= 0 or > limit -> default. Huge pages are clamped."""
    page = min(max(page, 1), MAX_PAGE)
    if per_page <= 0 or per_page > limit:
        per_page = default
    return page, per_page
