"""Wire models of the metadata providers: normalised results (upstream's JSON field names), the merged
lookup, and the admin views."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from librarium.kit.schema import Body, Model, Read


class BookResult(Read):
    provider: str
    provider_display: str
    title: str = ""
    subtitle: str = ""
    authors: list[str] | None = None
    publisher: str = ""
    publish_date: str = ""
    isbn_10: str = ""
    isbn_13: str = ""
    description: str = ""
    cover_url: str = ""
    language: str = ""
    page_count: int | None = None
    categories: list[str] | None = None


class SeriesResult(Read):
    provider: str
    provider_display: str
    name: str = ""
    description: str = ""
    total_count: int | None = None
    is_complete: bool = False
    cover_url: str = ""
    external_id: str = ""
    external_source: str = ""
    status: str = ""
    original_language: str = ""
    publication_year: int | None = None
    demographic: str = ""
    genres: list[str] | None = None
    url: str = ""


class VolumeResult(Read):
    """Internal (series volume sync): one volume of a series at a provider."""

    position: float
    title: str = ""
    release_date: str = ""
    cover_url: str = ""
    external_id: str = ""


class ContributorHit(Read):
    provider: str
    external_id: str
    name: str
    photo_url: str = ""


class WorkResult(Read):
    title: str
    isbn_13: str = ""
    isbn_10: str = ""
    publish_year: int | None = None
    cover_url: str = ""


class ContributorRecord(Read):
    provider: str
    external_id: str
    name: str = ""
    bio: str = ""
    born_date: datetime | None = None
    died_date: datetime | None = None
    nationality: str = ""
    photo_url: str = ""
    works: list[WorkResult] = Field(default_factory=list)


class Alternative(Model):
    value: str
    source: str
    source_display: str


class FieldResult(Alternative):
    alternatives: list[Alternative]


class CoverOption(Model):
    source: str
    source_display: str
    cover_url: str


class MergedBookResult(Model):
    """Each field is omitted when no provider had a value (upstream's `omitempty`)."""

    title: FieldResult | None = None
    subtitle: FieldResult | None = None
    authors: FieldResult | None = None
    description: FieldResult | None = None
    publisher: FieldResult | None = None
    publish_date: FieldResult | None = None
    language: FieldResult | None = None
    isbn_10: FieldResult | None = None
    isbn_13: FieldResult | None = None
    page_count: FieldResult | None = None
    categories: list[str] | None
    covers: list[CoverOption] | None


class ProviderStatus(Model):
    name: str
    display_name: str
    description: str
    requires_key: bool
    capabilities: list[str]
    help_text: str | None = None
    help_url: str | None = None
    enabled: bool
    has_api_key: bool
    config: dict[str, str] | None = None


class ProviderTest(Model):
    ok: bool
    title: str | None = None
    error: str | None = None


class ProviderOrder(Body):
    order: list[str] | None = None
