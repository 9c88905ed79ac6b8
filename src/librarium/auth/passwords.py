"""Password hashing with argon2id (upstream used bcrypt, which silently fails past 72 bytes)."""

from __future__ import annotations

import threading
from concurrent.futures import Future

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, time_cost: int = 3, memory_kib: int = 65536):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        # The hash checked when a user has none is made on a thread of its own (argon2 leaves the GIL): made
        # here, it held up the server's start by a whole hash (0.1–0.4 s); made on first use, the first
        # sign-in of an unknown user would take twice as long as any other and tell that the user is unknown.
        self._dummy: Future[str] = Future()
        threading.Thread(target=self._make_dummy, name="dummy-password-hash", daemon=True).start()

    def _make_dummy(self) -> None:
        try:
            self._dummy.set_result(self._hasher.hash("not a real password"))
        except Exception as exc:  # noqa: BLE001 (handed to whoever waits for it)
            self._dummy.set_exception(exc)

    async def hash(self, password: str) -> str:
        # Hashing takes tens of milliseconds of CPU: keep it off the event loop.
        return await anyio.to_thread.run_sync(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """True when `password` matches. With no hash, spends the same time and answers False,
        so response times do not reveal which usernames exist."""

        def check() -> bool:
            target = stored_hash or self._dummy.result()  # (waits, off the event loop, in the first moments)
            try:
                return self._hasher.verify(target, password)
            except (VerificationError, InvalidHashError):
                return False

        ok = await anyio.to_thread.run_sync(check)
        return ok and stored_hash is not None
