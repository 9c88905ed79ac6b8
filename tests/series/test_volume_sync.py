"""Series volumes synced from the linked source (Hardcover, MangaDex): upsert by position, nothing deleted,
titles never erased, release dates feeding the series' last/next release; the release checker."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import update

from librarium.jobs import service as jobs
from librarium.jobs.runner import Worker
from librarium.models import Job, Series, SeriesVolume
from tests.conftest import make_settings

HC = "https://api.hardcover.app/v1/graphql"
MD = "https://api.mangadex.org"
MANGA = "a1c7c817-4e59-43b7-9365-09675a149a6f"
ZERO = "00000000-0000-0000-0000-000000000001"


async def linked(api, owner, library, **fields):
    r = await api.post(f"/libraries/{library['id']}/series", owner, json={"name": "S", **fields})
    assert r.status_code == 201, r.text
    return r.json()["data"]["id"]


async def test_hardcover_sync(api, stand_in):
    admin = await api.admin()
    await api.put("/admin/providers/hardcover", admin, json={"api_key": "k", "enabled": "true"})
    owner = await api.user()
    library = await api.library(owner)
    sid = await linked(api, owner, library, external_id="dune", external_source="hardcover")
    stand_in.on("POST", HC, recorded="hardcover_volumes")
    r = await api.post(f"/libraries/{library['id']}/series/{sid}/volumes/sync", owner)
    assert r.status_code == 200, r.text
    got = [(v["position"], v["title"], v["release_date"]) for v in r.json()["data"]]
    assert got == [
        (1.0, "Dune", "1965-08-01"),
        (2.0, "Dune Messiah", "1969-10-15"),
        (3.0, "Children of Dune", "2999-01-01"),
    ]
    series = (await api.get(f"/libraries/{library['id']}/series/{sid}", owner)).json()["data"]
    assert (series["last_release_date"], series["next_release_date"]) == ("1969-10-15", "2999-01-01")


async def test_mangadex_sync_never_erases_or_deletes(api, stand_in):
    owner = await api.user()
    library = await api.library(owner)
    sid = await linked(api, owner, library, external_id=MANGA, external_source="mangadex")
    stand_in.on("GET", f"{MD}/manga/{MANGA}/aggregate", recorded="mangadex_aggregate")
    stand_in.on("GET", f"{MD}/chapter", recorded="mangadex_chapters")
    path = f"/libraries/{library['id']}/series/{sid}/volumes"
    first = await api.post(path + "/sync", owner)
    assert [(v["position"], v["release_date"]) for v in first.json()["data"]] == [
        (1.0, "2018-01-15"), (2.0, "2018-06-01"), (10.5, None)]  # fmt: skip
    # the user names volume 1 and a volume the provider does not list exists too
    async with api.app.state.db.unit_of_work() as session:
        await session.execute(update(SeriesVolume).where(SeriesVolume.position == 1.0).values(title="Romance Dawn"))
        session.add(SeriesVolume(series_id=uuid.UUID(sid), position=99.0, title="Extra"))
    again = await api.post(path + "/sync", owner)
    assert [(v["position"], v["title"]) for v in again.json()["data"]] == [
        (1.0, "Romance Dawn"), (2.0, ""), (10.5, ""), (99.0, "Extra")]  # fmt: skip


async def test_sync_errors(api, stand_in):
    owner = await api.user()
    viewer = await api.user()
    library = await api.library(owner)
    await api.add_member(library, owner, viewer, "library_viewer")
    base = f"/libraries/{library['id']}/series"
    unlinked = await linked(api, owner, library)
    r = await api.post(f"{base}/{unlinked}/volumes/sync", owner)
    assert (r.status_code, r.json()) == (400, {"error": "series has no external id linked"})
    r = await api.post(f"{base}/{ZERO}/volumes/sync", owner)
    assert (r.status_code, r.json()) == (404, {"error": "series not found"})
    keyed = await linked(api, owner, library, external_id="dune", external_source="hardcover")
    r = await api.post(f"{base}/{keyed}/volumes/sync", owner)
    assert (r.status_code, r.json()) == (400, {"error": 'no enabled volumes provider for source "hardcover"'})
    down = await linked(api, owner, library, external_id=MANGA, external_source="mangadex")
    stand_in.on("GET", f"{MD}/manga/{MANGA}/aggregate", error=httpx.ConnectError)
    r = await api.post(f"{base}/{down}/volumes/sync", owner)
    assert r.status_code == 502 and r.json()["error"].startswith("provider error: mangadex")
    # no source: upstream's fallback, the first enabled provider with volumes (MangaDex here)
    fallback = await linked(api, owner, library, external_id=MANGA)
    stand_in.routes.clear()
    stand_in.on("GET", f"{MD}/manga/{MANGA}/aggregate", json_body={"result": "ok", "volumes": {}})
    r = await api.post(f"{base}/{fallback}/volumes/sync", owner)
    assert (r.status_code, r.json()) == (200, {"data": []})
    r = await api.post(f"{base}/{down}/volumes/sync", viewer)
    assert r.status_code == 403


async def test_release_checker_syncs_every_linked_series(api, stand_in, tmp_path, database_url):
    owner = await api.user()
    library = await api.library(owner)
    one = await linked(api, owner, library, external_id=MANGA, external_source="mangadex")
    await linked(api, owner, library)  # not linked: left alone
    broken = await linked(api, owner, library, external_id="nope", external_source="mangadex")
    stand_in.on("GET", f"{MD}/manga/{MANGA}/aggregate", recorded="mangadex_aggregate")
    stand_in.on("GET", f"{MD}/chapter", recorded="mangadex_chapters")
    stand_in.on("GET", f"{MD}/manga/nope/aggregate", status=404, json_body={"result": "error"})
    db = api.app.state.db
    async with db.unit_of_work() as session:
        job = await jobs.enqueue(session, "series.check_releases", {})
    await Worker(db, make_settings(tmp_path, database_url)).run_until_idle()
    async with db.unit_of_work(write=False) as session:
        done = await session.get(Job, job.id)
        assert (done.state, done.checkpoint["failed"], len(done.checkpoint["done"])) == ("succeeded", 1, 2)
        checked = await session.get(Series, uuid.UUID(one))
        assert checked.volumes_checked_at is not None
        assert (await session.get(Series, uuid.UUID(broken))).volumes_checked_at is None
    r = await api.get(f"/libraries/{library['id']}/series/{one}/volumes", owner)
    assert len(r.json()["data"]) == 3
