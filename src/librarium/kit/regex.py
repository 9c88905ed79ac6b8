"""Regular expressions from users, run by RE2: matching takes time linear in the text, whatever the pattern,
so `^(a+)+$` against forty `a`s and a `!` answers at once instead of holding the server (Python's `re`
backtracks for ever there). RE2 has no backreferences or look-around; such patterns are refused (400)."""

from __future__ import annotations

from functools import lru_cache

import re2

from librarium.errors import BadRequest

# the compiled program's memory; a bigger pattern (e.g. nested counted repetitions) is refused
MAX_PROGRAM_BYTES = 8 << 20


@lru_cache(maxsize=256)
def _compiled(pattern: str) -> re2._Regexp:
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_BYTES
    return re2.compile(pattern, options)


def compile_insensitive(pattern: str) -> re2._Regexp:
    """The case-insensitive program for `pattern`; BadRequest when RE2 cannot run it."""
    try:
        return _compiled(pattern)
    except re2.error as exc:
        reason = exc.args[0].decode(errors="replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise BadRequest(f"invalid regular expression: {reason}") from exc


def sqlite_regexp(pattern: str | None, value: str | None) -> bool | None:
    """The SQL function `librarium_regexp(pattern, value)` on SQLite connections (db/engine.py)."""
    if pattern is None or value is None:
        return None
    try:
        return _compiled(pattern).search(value) is not None
    except re2.error:
        return False  # checked before the query is built; never reached with a pattern from a request
