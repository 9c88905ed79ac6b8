"""Log output: where it goes and at what level, and its hygiene — an app password in a catalogue path
(`/opds/t/<app password>/…`) is never written to a log."""

from __future__ import annotations

import logging
import re

_IN_PATH = re.compile(r"(/opds/t/)[^/?\s]+")


def redact(text: str) -> str:
    return _IN_PATH.sub(r"\1…", text)


class RedactSecrets(logging.Filter):
    """For uvicorn's access log (its arguments hold the path) and any other logger."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def configure(level: str) -> None:
    """The process's log output (the CLI's commands, and each process of `serve --processes N`)."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
