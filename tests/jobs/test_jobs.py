"""The job runner: checkpoints, retries, time limits, cancellation, restarts, a SIGKILLed worker taken
over, two workers sharing a queue, and schedules that fire once."""

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from librarium.db.base import utcnow
from librarium.db.engine import make_engine
from librarium.db.unit import Database
from librarium.jobs import registry
from librarium.jobs import repository as jobs_repo
from librarium.jobs import service as jobs
from librarium.jobs.runner import Worker
from librarium.models import Job, JobSchedule, Tag
from tests.conftest import make_settings

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).with_name("librarium")
FAST = {
    "job_modules": "tests.fixtures.jobkinds",
    "job_poll_interval": 0.05,
    "job_heartbeat": 0.2,
    "job_stale_after": 1.5,
    "job_shutdown_grace": 0.5,
}


@pytest.fixture
async def setup(api, tmp_path, database_url):
    owner = await api.user("owner")
    library = await api.library(owner)
    db: Database = api.app.state.db
    settings = make_settings(tmp_path, database_url, **FAST)
    registry.load(settings.job_modules)  # the test kinds, before a test enqueues one (a worker loads them too)
    return db, settings, library["id"]


async def enqueue(db, kind, **args):
    async with db.unit_of_work() as session:
        job = await jobs.enqueue(session, kind, args)
    return job.id


async def load(db, job_id):
    async with db.unit_of_work(write=False) as session:
        return await session.get(Job, job_id)


async def tag_names(db, library_id):
    async with db.unit_of_work(write=False) as session:
        stmt = select(Tag.name).where(Tag.library_id == uuid.UUID(library_id)).order_by(Tag.name)
        return list((await session.execute(stmt)).scalars())


async def wait_for(predicate, seconds=60.0):
    """Poll until `predicate()` is true (a hang guard, not a timing assertion)."""
    async with asyncio.timeout(seconds):
        while not await predicate():  # noqa: ASYNC110 (the state lives in the database)
            await asyncio.sleep(0.05)


async def test_a_job_runs_its_steps_and_records_progress(setup):
    db, settings, library_id = setup
    job_id = await enqueue(db, "test.steps", library_id=library_id, steps=4)
    await Worker(db, settings).run_until_idle()
    job = await load(db, job_id)
    assert (job.state, job.attempts, job.progress_done, job.progress_total) == ("succeeded", 1, 4, 4)
    assert job.checkpoint == {"next": 4} and job.finished_at is not None and job.claimed_by is None
    assert await tag_names(db, library_id) == ["step-0", "step-1", "step-2", "step-3"]


async def test_a_failing_job_is_retried_then_fails_with_its_error(setup):
    db, settings, _ = setup
    job_id = await enqueue(db, "test.fail")
    worker = Worker(db, settings)
    await wait_for(lambda: _ran_until(worker, db, job_id, "failed"))
    job = await load(db, job_id)
    assert (job.state, job.attempts) == ("failed", 3)
    assert "ValueError: broken on attempt 3" in job.last_error


async def _ran_until(worker, db, job_id, state):
    await worker.run_until_idle()
    return (await load(db, job_id)).state == state


async def test_a_flaky_job_succeeds_on_retry(setup):
    db, settings, _ = setup
    job_id = await enqueue(db, "test.flaky")
    worker = Worker(db, settings)
    await wait_for(lambda: _ran_until(worker, db, job_id, "succeeded"))
    job = await load(db, job_id)
    assert (job.attempts, job.checkpoint, job.last_error) == (
        2,
        {"done": True},
        "ConnectionError: provider unreachable",
    )


async def test_an_attempt_past_its_time_limit_is_stopped_and_retried(setup):
    db, settings, _ = setup
    job_id = await enqueue(db, "test.slow")
    worker = Worker(db, settings)
    await wait_for(lambda: _ran_until(worker, db, job_id, "failed"))
    job = await load(db, job_id)
    assert job.attempts == 2 and "time limit" in job.last_error


async def test_unknown_kinds_are_left_alone(setup):
    db, settings, _ = setup
    job_id = await enqueue(db, "nobody.knows")
    await Worker(db, settings).run_until_idle()
    assert (await load(db, job_id)).state == "queued"


async def test_cancelling_a_queued_job_ends_it_before_it_runs(setup):
    db, settings, library_id = setup
    job_id = await enqueue(db, "test.steps", library_id=library_id, steps=3)
    async with db.unit_of_work() as session:
        assert (await jobs.cancel(session, job_id)).state == "cancelled"
    await Worker(db, settings).run_until_idle()
    assert (await load(db, job_id)).state == "cancelled" and await tag_names(db, library_id) == []


async def test_cancelling_a_running_job_stops_it_between_steps(setup):
    db, settings, library_id = setup
    job_id = await enqueue(db, "test.steps", library_id=library_id, steps=200, delay=0.02)
    worker = Worker(db, settings)
    running = asyncio.create_task(worker.run())
    try:
        await wait_for(lambda: _progress_at_least(db, job_id, 3))
        async with db.unit_of_work() as session:
            await jobs.cancel(session, job_id)
        await wait_for(lambda: _state_is(db, job_id, "cancelled"))
    finally:
        worker.stop()
        await running
    job = await load(db, job_id)
    assert 3 <= job.progress_done < 200
    assert len(await tag_names(db, library_id)) == job.progress_done  # exactly the committed steps


async def _progress_at_least(db, job_id, n):
    return (await load(db, job_id)).progress_done >= n


async def _state_is(db, job_id, state):
    return (await load(db, job_id)).state == state


async def test_a_queued_job_survives_a_restart(setup, database_url):
    db, settings, library_id = setup
    job_id = await enqueue(db, "test.steps", library_id=library_id, steps=2)
    # a new process: its own engine, its own worker
    engine = make_engine(database_url)
    try:
        await Worker(Database(engine), settings).run_until_idle()
    finally:
        await engine.dispose()
    assert (await load(db, job_id)).state == "succeeded"


def _worker_process(database_url: str, tmp_path: Path, **env: str) -> subprocess.Popen[bytes]:
    full = (
        os.environ
        | {
            "LIBRARIUM_DATA_DIR": str(tmp_path / "data"),
            "LIBRARIUM_DATABASE_URL": database_url,
            "LIBRARIUM_JWT_SECRET": "test-secret-" + "x" * 32,
            "LIBRARIUM_JOB_MODULES": "tests.fixtures.jobkinds",
            "LIBRARIUM_JOB_POLL_INTERVAL": "0.05",
            "LIBRARIUM_JOB_HEARTBEAT": "0.2",
            "LIBRARIUM_JOB_STALE_AFTER": "1.5",
            "LIBRARIUM_LOG_LEVEL": "warning",
            "PYTHONPATH": str(ROOT),
        }
        | env
    )
    return subprocess.Popen([str(BIN), "worker"], env=full, cwd=ROOT)


async def test_a_sigkilled_worker_is_taken_over_and_nothing_runs_twice(setup, database_url, tmp_path):
    db, _, library_id = setup
    job_id = await enqueue(db, "test.steps", library_id=library_id, steps=16, delay=0.15)
    first = _worker_process(database_url, tmp_path)
    try:
        await wait_for(lambda: _progress_at_least(db, job_id, 5))
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    half = (await load(db, job_id)).progress_done
    assert 5 <= half < 16
    second = _worker_process(database_url, tmp_path)
    try:
        await wait_for(lambda: _state_is(db, job_id, "succeeded"))
    finally:
        second.terminate()
        second.wait(timeout=30)
    job = await load(db, job_id)
    assert (job.attempts, job.progress_done) == (2, 16)
    assert await tag_names(db, library_id) == sorted(f"step-{i}" for i in range(16))


async def test_a_stopped_worker_hands_its_job_back(setup, database_url, tmp_path):
    db, _, library_id = setup
    job_id = await enqueue(db, "test.steps", library_id=library_id, steps=12, delay=0.15)
    first = _worker_process(database_url, tmp_path, LIBRARIUM_JOB_SHUTDOWN_GRACE="0")
    try:
        await wait_for(lambda: _progress_at_least(db, job_id, 2))
    finally:
        first.terminate()  # SIGTERM: graceful
        assert first.wait(timeout=30) == 0
    job = await load(db, job_id)
    assert job.state == "queued" and job.attempts == 0 and job.progress_done >= 2  # not counted as an attempt
    second = _worker_process(database_url, tmp_path)
    try:
        await wait_for(lambda: _state_is(db, job_id, "succeeded"))
    finally:
        second.terminate()
        second.wait(timeout=30)
    assert len(await tag_names(db, library_id)) == 12


async def test_two_workers_never_run_the_same_job(setup, database_url):
    db, settings, library_id = setup
    ids = [await enqueue(db, "test.record", library_id=library_id) for _ in range(40)]
    engines = [make_engine(database_url) for _ in range(2)]
    workers = [Worker(Database(e), settings, concurrency=4) for e in engines]
    tasks = [asyncio.create_task(w.run()) for w in workers]
    try:
        await wait_for(lambda: _all_in(db, ids, "succeeded"))
    finally:
        for w in workers:
            w.stop()
        await asyncio.gather(*tasks)
        for e in engines:
            await e.dispose()
    assert len(await tag_names(db, library_id)) == 40
    async with db.unit_of_work(write=False) as session:
        attempts = (await session.execute(select(func.max(Job.attempts)).where(Job.id.in_(ids)))).scalar()
    assert attempts == 1


async def _all_in(db, ids, state):
    async with db.unit_of_work(write=False) as session:
        stmt = select(func.count()).select_from(Job).where(Job.id.in_(ids), Job.state == state)
        return (await session.execute(stmt)).scalar() == len(ids)


async def test_a_schedule_fires_once_per_interval_across_workers(setup, database_url):
    db, _, _ = setup
    async with db.unit_of_work() as session:
        session.add(JobSchedule(name="test-schedule", next_run_at=utcnow() - timedelta(seconds=1)))
    engines = [make_engine(database_url) for _ in range(3)]

    async def take(engine):
        async with Database(engine).unit_of_work() as session:
            fired, _ = await jobs_repo.take_schedule(session, "test-schedule", timedelta(hours=1), timedelta(0))
            return fired

    try:
        results = await asyncio.gather(*(take(e) for e in engines))
        again = await take(engines[0])
    finally:
        for e in engines:
            await e.dispose()
    assert sorted(results) == [False, False, True] and again is False
