"""Metadata providers: the admin's configuration and the lookups every signed-in user may run."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from librarium.config import Settings
from librarium.db.base import utcnow
from librarium.errors import BadRequest, NotFound, UpstreamError
from librarium.kit import isbn as isbns
from librarium.providers import merge, registry
from librarium.providers import repository as repo
from librarium.providers.base import BOOK_ISBN, ProviderError
from librarium.providers.lookup import BOOKS, CONTRIBUTOR, CONTRIBUTORS, ISBN, SERIES, VOLUMES, Lookup, Operation
from librarium.providers.registry import Live
from librarium.providers.schemas import (
    BookResult,
    ContributorHit,
    ContributorRecord,
    MergedBookResult,
    ProviderStatus,
    ProviderTest,
    SeriesResult,
    VolumeResult,
)

log = logging.getLogger("librarium.providers")

TEST_ISBN = "9780439708180"
MASK = "***"


# --- admin ------------------------------------------------------------------------------------------


def _status(live: Live, stored: dict[str, str]) -> ProviderStatus:
    """Upstream's masking: `config` is only `{"api_key": "***"}` when a key is stored. We add the stored
    `base_url` (not a secret), so an admin can see that a mirror is in use."""
    p = live.provider
    config: dict[str, str] = {}
    if stored.get("api_key"):
        config["api_key"] = MASK
    if stored.get("base_url"):
        config["base_url"] = stored["base_url"]
    return ProviderStatus(
        name=p.name,
        display_name=p.display_name,
        description=p.description,
        requires_key=p.requires_key,
        capabilities=list(p.capabilities),
        help_text=p.help_text,
        help_url=p.help_url,
        enabled=live.config.enabled,
        has_api_key=bool(stored.get("api_key")),
        config=config or None,
    )


async def statuses(session: AsyncSession, settings: Settings) -> list[ProviderStatus]:
    stored, order = await repo.provider_settings(session)
    return [_status(live, stored.get(live.provider.name, {})) for live in registry.live(settings, stored, order)]


def _known(name: str) -> None:
    if name not in registry.BY_NAME:
        raise BadRequest(f'unknown provider "{name}"')


async def configure(session: AsyncSession, settings: Settings, name: str, body: Any) -> list[ProviderStatus]:
    """Shallow-merges a flat map of strings over the stored configuration."""
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        raise BadRequest("invalid request body")
    _known(name)
    base_url = body.get("base_url", "").strip()
    if base_url and not (urlsplit(base_url).scheme in ("http", "https") and urlsplit(base_url).hostname):
        raise BadRequest("base_url must be an http:// or https:// URL")
    stored, _ = await repo.provider_settings(session)
    merged = {**stored.get(name, {}), **body}
    if merged.get("api_key") == MASK:  # the masked value read back and sent again: keep the real key
        merged["api_key"] = stored.get(name, {}).get("api_key", "")
    await repo.put_setting(session, repo.PROVIDER_PREFIX + name, merged)
    log.info("provider %s configured (keys: %s)", name, ", ".join(sorted(body)))  # names only, never values
    return await statuses(session, settings)


async def order(session: AsyncSession) -> list[str]:
    _, saved = await repo.provider_settings(session)
    return registry.resolve_order(saved)


async def set_order(session: AsyncSession, names: list[str] | None) -> None:
    """Upstream stores any array as-is; we refuse unknown and repeated names."""
    if not names:
        raise BadRequest("order array is required")
    unknown = [n for n in names if n not in registry.BY_NAME]
    if unknown:
        raise BadRequest(f'unknown provider "{unknown[0]}"')
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise BadRequest(f'provider "{repeated[0]}" appears more than once')
    await repo.put_setting(session, repo.ORDER_KEY, names)


async def test(lookup: Lookup, name: str) -> ProviderTest:
    """Always an answer, never an error status: the provider's own message when it fails."""
    live = next((live for live in await lookup.providers() if live.provider.name == name), None)
    if live is None:
        return ProviderTest(ok=False, error=f'unknown provider "{name}"')
    if BOOK_ISBN not in live.provider.capabilities:
        return ProviderTest(ok=False, error="this provider does not support ISBN lookup")
    if not live.config.enabled:
        return ProviderTest(ok=False, error="provider is disabled — save an API key and enable it first")
    try:
        async with lookup.waiting():
            found = await live.provider.lookup_isbn(lookup.call(live, retries=0), TEST_ISBN)
    except ProviderError as exc:
        return ProviderTest(ok=False, error=str(exc))
    if found is None:
        return ProviderTest(ok=False, error=f"no result returned for test ISBN {TEST_ISBN}")
    return ProviderTest(ok=True, title=found.title)


# --- lookups -----------------------------------------------------------------------------------------


def normalized_isbn(raw: str) -> str:
    """Hyphens and spaces dropped; a 10- or 13-character code must carry the right check digit and is
    asked for in its ISBN-13 form (so an ISBN-10 and its ISBN-13 find the same book). Anything else (the
    test provider's `12345`) goes to the providers as typed. Upstream passes the path on verbatim."""
    code = isbns.clean(raw)
    if not code:
        raise BadRequest("isbn is required")
    if len(code) in (10, 13):
        key = isbns.key(code)
        if key is None:
            raise BadRequest("invalid isbn")
        return key
    return code


async def by_isbn(lookup: Lookup, raw: str) -> list[BookResult]:
    answers = await lookup.ask(ISBN, normalized_isbn(raw))
    return [answer for _, answer in answers if answer is not None]


async def merged_by_isbn(lookup: Lookup, raw: str) -> MergedBookResult:
    return merge.merged(await by_isbn(lookup, raw))


def _query(q: str) -> str:
    q = q.strip()
    if not q:
        raise BadRequest("q (query) parameter is required")
    if len(q) > 500:
        raise BadRequest("q must be at most 500 characters")
    return q


async def search_books(lookup: Lookup, q: str) -> list[BookResult]:
    answers = await lookup.ask(BOOKS, _query(q))
    return merge.deduplicated([book for _, books in answers for book in books])


async def search_series(lookup: Lookup, q: str) -> list[SeriesResult]:
    return [series for _, found in await lookup.ask(SERIES, _query(q)) for series in found]


async def search_contributors(lookup: Lookup, q: str) -> list[ContributorHit]:
    if len(q.strip().encode()) < 2:
        return []
    return [hit for _, hits in await lookup.ask(CONTRIBUTORS, _query(q)) for hit in hits]


async def fetch_contributor(lookup: Lookup, provider: str, external_id: str) -> ContributorRecord:
    """One provider's full record of a person. Errors: 400 for a provider that cannot answer (unknown,
    disabled, no contributor capability — upstream answers 502), 502 when it fails, 404 when it has no such
    person (upstream: a plain-text 404)."""
    provider, external_id = provider.strip(), external_id.strip()
    if not provider or not external_id:
        raise BadRequest("provider and external_id are required")
    live = next((lv for lv in await lookup.providers() if lv.provider.name == provider), None)
    if live is None or not live.config.enabled or CONTRIBUTOR.capability not in live.provider.capabilities:
        raise BadRequest(f'provider error: no enabled contributor provider named "{provider}"')
    deadline = max(lookup.settings.lookup_deadline, lookup.settings.provider_timeout)
    record: ContributorRecord | None = await _ask_one(lookup, CONTRIBUTOR, provider, external_id, deadline)
    if record is None:
        raise NotFound("contributor not found at provider")
    return record


async def purge_expired_lookups(session: AsyncSession) -> int:
    return await repo.purge_expired(session, utcnow())


async def series_volumes(lookup: Lookup, source: str | None, external_id: str) -> list[VolumeResult]:
    """A series' volumes from its linked source, or — with no source — the first enabled provider that lists
    volumes (upstream's fallback). 400 when no provider can answer, 502 when it fails (upstream: 500s)."""
    lives = [
        lv for lv in await lookup.providers() if lv.config.enabled and VOLUMES.capability in lv.provider.capabilities
    ]
    live = next((lv for lv in lives if source in (None, "", lv.provider.name)), None)
    if live is None:
        raise BadRequest(
            f'no enabled volumes provider for source "{source}"' if source else "no volumes provider is enabled"
        )
    deadline = max(lookup.settings.lookup_deadline, lookup.settings.provider_timeout * 2)
    found: list[VolumeResult] | None = await _ask_one(lookup, VOLUMES, live.provider.name, external_id, deadline)
    return found or []


async def _ask_one(lookup: Lookup, operation: Operation, provider: str, argument: str, deadline: float) -> Any:
    """One named provider's answer (None for a miss); 502 `provider error: …` when it fails or is too slow."""
    errors: dict[str, str] = {}
    answers = await lookup.ask(operation, argument, only=provider, deadline=deadline, errors=errors)
    if provider in errors:
        raise UpstreamError(f"provider error: {errors[provider]}")
    return answers[0][1] if answers else None
