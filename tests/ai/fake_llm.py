"""A local stand-in for an OpenAI-compatible model server (and Ollama's chat API), plus the two Open Library
calls the buy check makes — real HTTP on loopback, so the production clients run unchanged, in this process
or in a worker process."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fixtures.stand_in import Handler, loopback


@dataclass
class Script:
    """What the fake answers: `replies` in order (the last one repeats), each after `delay` seconds."""

    replies: list[str] = field(default_factory=lambda: ["## Books to buy\n"])
    delay: float = 0.0
    finish_reason: str = "stop"
    status: int = 200
    error_body: str = ""
    books: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # isbn -> (title, authors)
    search: list[dict[str, Any]] = field(default_factory=list)  # Open Library search docs
    requests: list[dict[str, Any]] = field(default_factory=list)
    started: threading.Event = field(default_factory=threading.Event)

    def next_reply(self) -> str:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class _Fake(Handler):
    script = Script()

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(length) or b"{}")

    def handle_one_request(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (cancel, kill)
            super().handle_one_request()

    def do_POST(self) -> None:  # noqa: N802
        s = self.script
        body = self._body()
        s.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
        text = s.next_reply()  # taken before the delay: a client that goes away meanwhile has used it up
        s.started.set()
        if s.delay:
            time.sleep(s.delay)
        if s.status != 200:
            self.reply(s.status, s.error_body.encode())
            return
        if self.path == "/api/chat":
            answer = {"message": {"content": text}, "done_reason": "stop", "prompt_eval_count": 100, "eval_count": 50}
        else:
            answer = {
                "choices": [{"message": {"content": text}, "finish_reason": s.finish_reason}],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 200},
            }
        self.reply(200, json.dumps(answer).encode())

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/api/books":
            key = query["bibkeys"][0]
            found = self.script.books.get(key.removeprefix("ISBN:"))
            record = {key: {"title": found[0], "authors": [{"name": a} for a in found[1]]}} if found else {}
            self.reply(200, json.dumps(record).encode())
        elif url.path == "/search.json":
            self.reply(200, json.dumps({"docs": self.script.search}).encode())
        elif url.path == "/v1/models":
            self.reply(200, json.dumps({"data": [{"id": "local-model", "owned_by": "me", "created": 1}]}).encode())
        elif url.path == "/api/tags":
            tags = {"models": [{"name": "llama3:latest", "size": 5, "modified_at": "2026-01-01T00:00:00Z",
                                "digest": "abc", "details": {"family": "llama"}}]}  # fmt: skip
            self.reply(200, json.dumps(tags).encode())
        else:
            self.reply(404, b'{"error": "not found"}')


@contextmanager
def fake_llm(script: Script) -> Iterator[str]:
    handler = type("Fake", (_Fake,), {"script": script})
    with loopback(handler) as base:
        yield base
