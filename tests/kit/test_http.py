"""The shared outbound HTTP client, against recorded answers (httpx.MockTransport): never the network."""

import asyncio
import logging

import httpx
import pytest

from librarium import __version__
from librarium.errors import BadRequest, UpstreamError
from librarium.kit.http import HttpClient


class Recorder:
    """A stand-in server: answers from a list, records what it was asked."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def make(recorder, **kwargs):
    waits: list[float] = []

    async def no_sleep(seconds):
        waits.append(seconds)

    client = HttpClient(transport=httpx.MockTransport(recorder), sleep=no_sleep, **kwargs)
    return client, waits


async def test_a_5xx_is_retried_then_the_answer_returned():
    recorder = Recorder(httpx.Response(503), httpx.Response(200, json={"ok": True}))
    client, waits = make(recorder)
    r = await client.request("GET", "https://books.test/isbn/1")
    assert (r.status_code, r.json()) == (200, {"ok": True})
    assert len(recorder.requests) == 2 and len(waits) == 1
    assert recorder.requests[0].headers["user-agent"].startswith(f"Librarium/{__version__}")


async def test_429_honours_retry_after_within_a_cap():
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200))
    client, waits = make(recorder)
    assert (await client.request("GET", "https://books.test/x")).status_code == 200
    assert waits == [7.0]
    recorder = Recorder(httpx.Response(429, headers={"Retry-After": "86400"}), httpx.Response(200))
    client, waits = make(recorder)
    await client.request("GET", "https://books.test/x")
    assert waits == [30.0]


async def test_retries_are_bounded_and_the_last_answer_returned():
    recorder = Recorder(httpx.Response(500))
    client, waits = make(recorder, retries=2)
    assert (await client.request("GET", "https://books.test/x")).status_code == 500
    assert len(recorder.requests) == 3 and len(waits) == 2
    assert waits[1] > waits[0]  # exponential backoff


async def test_a_4xx_is_not_retried():
    recorder = Recorder(httpx.Response(404))
    client, _ = make(recorder)
    assert (await client.request("GET", "https://books.test/x")).status_code == 404
    assert len(recorder.requests) == 1


async def test_connection_errors_are_retried_then_an_upstream_error():
    recorder = Recorder(httpx.ConnectError("refused"))
    client, waits = make(recorder, retries=1)
    with pytest.raises(UpstreamError) as caught:
        await client.request("GET", "https://down.test/x")
    assert caught.value.status == 502 and "down.test did not answer (ConnectError)" in caught.value.message
    assert len(recorder.requests) == 2
    recorder = Recorder(httpx.ReadTimeout("slow"), httpx.Response(200))
    client, _ = make(recorder)
    assert (await client.request("GET", "https://slow.test/x")).status_code == 200


async def test_per_host_concurrency_is_limited():
    inside, most = 0, 0

    async def handler(request):
        nonlocal inside, most
        inside += 1
        most = max(most, inside)
        await asyncio.sleep(0.01)
        inside -= 1
        return httpx.Response(200)

    client = HttpClient(transport=httpx.MockTransport(handler), per_host=2)
    await asyncio.gather(*(client.request("GET", "https://one.test/x") for _ in range(8)))
    assert most == 2


async def test_body_size_is_capped():
    client, _ = make(Recorder(httpx.Response(200, content=b"x" * 2048)))
    with pytest.raises(BadRequest):
        await client.request("GET", "https://books.test/big", max_bytes=1024)


async def test_the_guard_checks_every_redirect_hop():
    async def resolver(host):
        return {"93.184.216.34"} if host == "public.test" else {"10.0.0.5"}

    recorder = Recorder(httpx.Response(302, headers={"Location": "http://internal.test/secret"}), httpx.Response(200))
    client, _ = make(recorder, resolver=resolver)
    with pytest.raises(BadRequest) as caught:
        await client.request("GET", "http://public.test/cover.png", guard=True)
    assert caught.value.message == "url points to a private or local address"
    assert len(recorder.requests) == 1
    with pytest.raises(BadRequest):
        await client.request("GET", "file:///etc/passwd", guard=True)
    # without the guard (provider calls), redirects are answers like any other
    recorder = Recorder(httpx.Response(302, headers={"Location": "http://internal.test/"}))
    client, _ = make(recorder, resolver=resolver)
    assert (await client.request("GET", "https://public.test/")).status_code == 302


async def test_logs_never_carry_query_strings_or_headers(caplog):
    client, _ = make(Recorder(httpx.Response(200)))
    with caplog.at_level(logging.INFO, logger="librarium.http"):
        await client.request("GET", "https://books.test/v1/volumes?key=SECRET-KEY", headers={"X-Api-Key": "SECRET2"})
    text = caplog.text
    assert "books.test/v1/volumes" in text and "-> 200" in text
    assert "SECRET" not in text
