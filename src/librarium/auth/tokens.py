"""Access tokens (HS256 JWT, upstream's claims) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from librarium.errors import Unauthorized


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    admin: bool
    jti: uuid.UUID
    session_id: uuid.UUID | None
    expires_at: datetime


VERIFIED_KEPT = 4096  # tokens remembered as verified (all forgotten when full)


class TokenSigner:
    def __init__(self, secret: str, access_ttl: int):
        if not secret:
            # Upstream signs with an empty key when JWT_SECRET is unset: anyone could mint tokens.
            raise ValueError("the JWT secret must not be empty")
        self._secret = secret
        self.access_ttl = access_ttl
        self._verified: dict[str, AccessClaims] = {}  # token → its claims, once its signature was checked

    def issue(self, user_id: uuid.UUID, admin: bool, session_id: uuid.UUID) -> tuple[str, AccessClaims]:
        """A signed access token and its claims (the jti and expiry are recorded with the refresh token)."""
        now = datetime.now(UTC)
        issued = AccessClaims(
            user_id=user_id,
            admin=admin,
            jti=uuid.uuid4(),
            session_id=session_id,
            expires_at=datetime.fromtimestamp(int((now + timedelta(seconds=self.access_ttl)).timestamp()), UTC),
        )
        claims = {
            "uid": str(user_id),
            "admin": admin,
            "iss": "librarium",
            "iat": int(now.timestamp()),
            "exp": int(issued.expires_at.timestamp()),
            "jti": str(issued.jti),
            "sid": str(session_id),
        }
        return jwt.encode(claims, self._secret, algorithm="HS256"), issued

    def decode(self, token: str) -> AccessClaims:
        """The claims of a token signed with our secret and not expired. A token seen before is not verified
        again until it expires (the same text carries the same claims): a client sends one token with every
        request, and checking it each time cost a tenth of a small request."""
        known = self._verified.get(token)
        if known is not None and known.expires_at > datetime.now(UTC):
            return known
        claims = self._verify(token)
        if len(self._verified) >= VERIFIED_KEPT:
            self._verified.clear()
        self._verified[token] = claims
        return claims

    def _verify(self, token: str) -> AccessClaims:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256", "HS384", "HS512"],
                options={"require": ["exp", "uid", "jti"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized("invalid or expired token") from exc
        try:
            jti = uuid.UUID(str(claims["jti"]))
            user_id = uuid.UUID(str(claims["uid"]))
            session_id = uuid.UUID(str(claims["sid"])) if claims.get("sid") else None
        except ValueError as exc:
            raise Unauthorized("invalid token") from exc
        return AccessClaims(
            user_id=user_id,
            admin=bool(claims.get("admin")),
            jti=jti,
            session_id=session_id,
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )


def new_refresh_token() -> str:
    return secrets.token_hex(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()
