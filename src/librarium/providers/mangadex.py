"""MangaDex (https://api.mangadex.org/docs/): manga series and their volumes. No key."""

from __future__ import annotations

from typing import Any

from librarium.providers import text
from librarium.providers.base import SERIES_NAME, SERIES_VOLUMES, Call, Provider, ProviderError
from librarium.providers.schemas import SeriesResult, VolumeResult

RATINGS = [("contentRating[]", "safe"), ("contentRating[]", "suggestive"), ("contentRating[]", "erotica")]
UPLOADS = "https://uploads.mangadex.org"
CHAPTER_PAGES = 5
PAGE = 100


def _localised(value: Any) -> str:
    """English when there is one, else the first non-empty localisation (in the service's order)."""
    if not isinstance(value, dict):
        return ""
    if text.as_str(value.get("en")):
        return text.as_str(value["en"])
    return next((text.as_str(v) for v in value.values() if text.as_str(v)), "")


def _volume_count(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _position(key: str) -> float | None:
    try:
        return float(key)
    except ValueError:
        return None


class MangaDex(Provider):
    name = "mangadex"
    display_name = "MangaDex"
    description = "Manga database: series, demographics, genres and volume release dates. No API key needed."
    capabilities = (SERIES_NAME, SERIES_VOLUMES)
    default_url = "https://api.mangadex.org"
    concurrency = 2  # MangaDex allows about 5 requests per second per client

    async def search_series(self, call: Call, query: str) -> list[SeriesResult]:
        params = [("title", query), ("limit", "10"), ("includes[]", "cover_art"), *RATINGS]
        status, body = await call.json("GET", "/manga", params=params)
        if status != 200:
            raise ProviderError(f"mangadex returned status {status}")
        return [self._series(item) for item in text.dig(body, "data") or [] if isinstance(item, dict)]

    def _series(self, item: dict[str, Any]) -> SeriesResult:
        manga_id = text.as_str(item.get("id"))
        attrs = text.obj(item.get("attributes"))
        status = text.as_str(attrs.get("status"))
        genres = [
            _localised(text.dig(tag, "attributes", "name"))
            for tag in attrs.get("tags") or []
            if text.dig(tag, "attributes", "group") == "genre"
        ]
        cover_file = next(
            (
                text.as_str(text.dig(rel, "attributes", "fileName"))
                for rel in item.get("relationships") or []
                if text.dig(rel, "type") == "cover_art" and isinstance(text.dig(rel, "attributes"), dict)
            ),
            "",
        )
        year = attrs.get("year")
        return self.series(
            name=_localised(attrs.get("title")),
            description=_localised(attrs.get("description")),
            status=status,
            is_complete=status == "completed",
            total_count=_volume_count(attrs.get("lastVolume")),
            publication_year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            original_language=text.as_str(attrs.get("originalLanguage")),
            demographic=text.as_str(attrs.get("publicationDemographic")),
            genres=[g for g in genres if g] or None,
            cover_url=f"{UPLOADS}/covers/{manga_id}/{cover_file}.256.jpg" if cover_file else "",
            url=f"https://mangadex.org/title/{manga_id}",
            external_id=manga_id,
            external_source=self.name,
        )

    async def series_volumes(self, call: Call, external_id: str) -> list[VolumeResult] | None:
        status, body = await call.json("GET", f"/manga/{external_id}/aggregate")
        if status != 200:
            raise ProviderError(f"mangadex returned status {status}")
        volumes = text.dig(body, "volumes")
        positions = {
            key: pos for key in (volumes if isinstance(volumes, dict) else {}) if key != "none"
            if (pos := _position(key)) is not None
        }  # fmt: skip
        if not positions:
            return None
        earliest = await self._release_dates(call, external_id)
        ordered = sorted(positions.items(), key=lambda kv: kv[1])
        return [VolumeResult(position=pos, release_date=earliest.get(key, "")) for key, pos in ordered]

    async def _release_dates(self, call: Call, manga_id: str) -> dict[str, str]:
        """The earliest chapter publication date of each volume (first 10 characters of publishAt)."""
        earliest: dict[str, str] = {}
        for page in range(CHAPTER_PAGES):
            params = [
                ("manga", manga_id), ("limit", str(PAGE)), ("offset", str(page * PAGE)),
                ("order[volume]", "asc"), ("order[chapter]", "asc"), *RATINGS,
            ]  # fmt: skip
            status, body = await call.json("GET", "/chapter", params=params)
            chapters = text.dig(body, "data") if status == 200 else None
            if not isinstance(chapters, list):
                break
            for chapter in chapters:
                volume = text.as_str(text.dig(chapter, "attributes", "volume"))
                published = text.as_str(text.dig(chapter, "attributes", "publishAt"))[:10]
                if volume and published and (volume not in earliest or published < earliest[volume]):
                    earliest[volume] = published
            if len(chapters) < PAGE:
                break
        return earliest
