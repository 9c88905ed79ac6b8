"""The hard way: a real `librarium worker` process killed with SIGKILL while the model is answering. The run
is never left `running`: the next worker takes the job over, marks the interrupted run failed, runs again,
and the suggestions are saved exactly once."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from tests.ai.test_runs import BACKFILL, FIRST, script_books
from tests.enrichment.test_worker_kill import _worker

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).with_name("librarium")


async def test_a_run_killed_mid_call_is_failed_then_run_again_and_saved_once(setup, database_url, tmp_path):
    await setup.configure()
    setup.script.replies, setup.script.delay = [FIRST, BACKFILL], 1.0
    script_books(setup)
    assert (await setup.api.post("/me/suggestions/run", setup.reader)).status_code == 202

    first = _worker(database_url, tmp_path, setup.base)
    try:
        async with asyncio.timeout(60):
            while not setup.script.started.is_set():  # noqa: ASYNC110 (set by the server thread)
                await asyncio.sleep(0.02)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    (interrupted,) = (await setup.api.get("/me/suggestions/runs", setup.reader)).json()["data"]
    assert interrupted["status"] == "running"
    # while the dead worker's job still looks alive, a second request is refused rather than doubled
    assert (await setup.api.post("/me/suggestions/run", setup.reader)).status_code == 409

    setup.script.replies = [FIRST, BACKFILL]
    second = _worker(database_url, tmp_path, setup.base)
    try:
        async with asyncio.timeout(90):
            while True:
                runs = (await setup.api.get("/me/suggestions/runs", setup.reader)).json()["data"]
                if len(runs) == 2 and runs[0]["status"] != "running":
                    break
                await asyncio.sleep(0.05)
    finally:
        second.terminate()
        second.wait(timeout=30)
    retried, old = runs
    assert (old["id"], old["status"]) == (interrupted["id"], "failed")
    assert old["error"] == "the worker stopped during the run; the run was started again"
    assert retried["status"] == "completed"
    buys = await setup.suggestions("?type=buy")
    assert [s["title"] for s in buys] == ["Project Hail Mary", "Piranesi", "Circe"]  # once each
    assert len(await setup.suggestions("?type=read_next")) == 1
