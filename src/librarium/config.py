"""Settings, read from the environment.

Every variable is `LIBRARIUM_<NAME>`; upstream Librarium's unprefixed names (`DATABASE_URL`,
`JWT_SECRET`, ...) are accepted as aliases so an existing deployment's environment keeps working.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# How much of a SQLite database file is read through a memory map; SQLite itself caps it at 2 GB.
SQLITE_MMAP_MB = 2048
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)")
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
    "d": 86400.0,
}


def parse_duration(value: Any) -> int:
    """Seconds from a Go-style duration (`15m`, `1h30m`, `168h`) or a plain number of seconds."""
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    pos, total = 0, 0.0
    for match in _DURATION_PART.finditer(text):
        if match.start() != pos:
            break
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    if not text or pos != len(text):
        raise ValueError(f"invalid duration {value!r} (use e.g. 900, 15m, 1h30m, 7d)")
    return int(total)


def _env(name: str) -> AliasChoices:
    """The prefixed name first, then upstream's bare name."""
    return AliasChoices(f"LIBRARIUM_{name}", name)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LIBRARIUM_", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path("./data"), validation_alias=_env("DATA_DIR"))
    database_url: str = Field("", validation_alias=_env("DATABASE_URL"))
    host: str = Field("127.0.0.1", validation_alias=_env("HOST"))
    port: int = Field(8080, validation_alias=_env("PORT"))
    processes: int = Field(1, ge=1, le=64, validation_alias=_env("PROCESSES"))
    log_level: str = Field("info", validation_alias=_env("LOG_LEVEL"))

    jwt_secret: str = Field("", validation_alias=_env("JWT_SECRET"))
    jwt_access_ttl: int = Field(900, validation_alias=_env("JWT_ACCESS_TTL"))
    jwt_refresh_ttl: int = Field(7 * 86400, validation_alias=_env("JWT_REFRESH_TTL"))
    registration_enabled: bool = Field(True, validation_alias=_env("REGISTRATION_ENABLED"))

    login_rate_limit: int = Field(10, validation_alias=_env("LOGIN_RATE_LIMIT"))
    login_rate_window: int = Field(60, validation_alias=_env("LOGIN_RATE_WINDOW"))

    argon2_time_cost: int = Field(3, validation_alias=_env("ARGON2_TIME_COST"))
    argon2_memory_kib: int = Field(65536, validation_alias=_env("ARGON2_MEMORY_KIB"))

    cover_storage_path: Path | None = Field(None, validation_alias=_env("COVER_STORAGE_PATH"))
    ebook_storage_path: Path | None = Field(None, validation_alias=_env("EBOOK_STORAGE_PATH"))
    audiobook_storage_path: Path | None = Field(None, validation_alias=_env("AUDIOBOOK_STORAGE_PATH"))
    max_cover_mb: float = Field(10, validation_alias=_env("MAX_COVER_MB"))
    max_upload_mb: float = Field(4096, validation_alias=_env("MAX_UPLOAD_MB"))
    slow_request_ms: float = Field(1000, ge=0, validation_alias=_env("SLOW_REQUEST_MS"))
    sqlite_busy_timeout_ms: int = Field(30000, ge=0, validation_alias=_env("SQLITE_BUSY_TIMEOUT_MS"))
    sqlite_mmap_mb: int = Field(SQLITE_MMAP_MB, ge=0, validation_alias=_env("SQLITE_MMAP_MB"))
    max_json_kb: int = Field(1024, ge=1, validation_alias=_env("MAX_JSON_KB"))
    allow_private_fetch: bool = Field(False, validation_alias=_env("ALLOW_PRIVATE_FETCH"))
    # a built Librarium web client (its dist/ folder) to serve at / from the same origin (web.py)
    web_dir: Path | None = Field(None, validation_alias=_env("WEB_DIR"))

    # background jobs (jobs/runner.py)
    worker: bool = Field(True, validation_alias=_env("WORKER"))
    worker_concurrency: int = Field(4, ge=1, le=64, validation_alias=_env("WORKER_CONCURRENCY"))
    job_poll_interval: float = Field(2.0, gt=0, validation_alias=_env("JOB_POLL_INTERVAL"))
    job_heartbeat: float = Field(10.0, gt=0, validation_alias=_env("JOB_HEARTBEAT"))
    job_stale_after: float = Field(60.0, gt=0, validation_alias=_env("JOB_STALE_AFTER"))
    job_shutdown_grace: float = Field(30.0, ge=0, validation_alias=_env("JOB_SHUTDOWN_GRACE"))
    job_modules: str = Field("", validation_alias=_env("JOB_MODULES"))

    # metadata providers (providers/): base URLs for mirrors, caching proxies and local stand-ins
    open_library_url: str = Field("", validation_alias=_env("OPEN_LIBRARY_URL"))
    google_books_url: str = Field("", validation_alias=_env("GOOGLE_BOOKS_URL"))
    isbndb_url: str = Field("", validation_alias=_env("ISBNDB_URL"))
    hardcover_url: str = Field("", validation_alias=_env("HARDCOVER_URL"))
    mangadex_url: str = Field("", validation_alias=_env("MANGADEX_URL"))
    provider_timeout: float = Field(15.0, gt=0, le=300, validation_alias=_env("PROVIDER_TIMEOUT"))
    lookup_deadline: float = Field(5.0, gt=0, le=300, validation_alias=_env("LOOKUP_DEADLINE"))
    lookup_cache_ttl: int = Field(7 * 86400, ge=0, validation_alias=_env("LOOKUP_CACHE_TTL"))
    lookup_cache_miss_ttl: int = Field(3600, ge=0, validation_alias=_env("LOOKUP_CACHE_MISS_TTL"))
    enrichment_concurrency: int = Field(8, ge=1, le=64, validation_alias=_env("ENRICHMENT_CONCURRENCY"))
    release_check_interval: int = Field(86400, ge=60, validation_alias=_env("RELEASE_CHECK_INTERVAL"))

    # AI providers (ai/): base URLs for gateways and local servers, the time one generation may take (0 = each
    # provider's own default), and how often a running suggestion run looks for a cancel
    anthropic_url: str = Field("", validation_alias=_env("ANTHROPIC_URL"))
    openai_url: str = Field("", validation_alias=_env("OPENAI_URL"))
    ollama_url: str = Field("", validation_alias=_env("OLLAMA_URL"))
    osaurus_url: str = Field("", validation_alias=_env("OSAURUS_URL"))
    ai_timeout: float = Field(0.0, ge=0, le=3600, validation_alias=_env("AI_TIMEOUT"))
    ai_cancel_poll: float = Field(2.0, gt=0, le=60, validation_alias=_env("AI_CANCEL_POLL"))

    # Folders storage locations may point into (os.pathsep-separated); empty = the data directory only.
    storage_roots: str = Field("", validation_alias=_env("STORAGE_ROOTS"))
    calibre_library: Path | None = Field(None, validation_alias=_env("CALIBRE_LIBRARY"))
    calibre_auth: str = Field("admin", validation_alias=_env("CALIBRE_AUTH"))
    calibre_engine: str = Field("native", validation_alias=_env("CALIBRE_ENGINE"))
    calibre_listen: str = Field("", validation_alias=_env("CALIBRE_LISTEN"))
    ebook_path_template: str = Field("{title}", validation_alias=_env("EBOOK_PATH_TEMPLATE"))
    audiobook_path_template: str = Field("{title}", validation_alias=_env("AUDIOBOOK_PATH_TEMPLATE"))

    @field_validator(
        "jwt_access_ttl",
        "jwt_refresh_ttl",
        "login_rate_window",
        "lookup_cache_ttl",
        "lookup_cache_miss_ttl",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: Any) -> int:
        return parse_duration(value)

    @field_validator("registration_enabled", "worker", mode="before")
    @classmethod
    def _flag(cls, value: Any) -> bool:
        # Upstream disables registration only for the exact string "false"; we also accept the usual
        # spellings of "off" so `0` or `False` does what the operator meant.
        if isinstance(value, bool):
            return value
        return str(value).strip().lower() not in {"false", "0", "no", "off"}

    @field_validator("calibre_auth", "calibre_engine", mode="after")
    @classmethod
    def _calibre_choice(cls, value: str, info: Any) -> str:
        allowed = {"calibre_auth": ("admin", "none"), "calibre_engine": ("native", "calibredb")}[info.field_name]
        value = value.strip().lower()
        if value not in allowed:
            raise ValueError(f"LIBRARIUM_{info.field_name.upper()} must be one of {', '.join(allowed)}")
        return value

    @field_validator(
        "open_library_url", "google_books_url", "isbndb_url", "hardcover_url", "mangadex_url",
        "anthropic_url", "openai_url", "ollama_url", "osaurus_url",
    )  # fmt: skip
    @classmethod
    def _base_url(cls, value: str, info: Any) -> str:
        value = value.strip()
        if value and not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"LIBRARIUM_{info.field_name.upper()} must be an http:// or https:// URL")
        return value

    @field_validator("web_dir", mode="after")
    @classmethod
    def _web_dir(cls, value: Path | None) -> Path | None:
        if value is not None and not (value / "index.html").is_file():
            raise ValueError(
                f"LIBRARIUM_WEB_DIR={value} has no index.html (point it at the client's built dist/ folder)"
            )
        return value

    @field_validator("ebook_path_template", "audiobook_path_template", mode="after")
    @classmethod
    def _template(cls, value: str) -> str:
        return value.strip() or "{title}"

    # --- derived values -------------------------------------------------------------------------

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'librarium.db').as_posix()}"

    @property
    def covers_dir(self) -> Path:
        return self.cover_storage_path or self.data_dir / "covers"

    @property
    def ebooks_dir(self) -> Path:
        return self.ebook_storage_path or self.data_dir / "media" / "ebooks"

    @property
    def audiobooks_dir(self) -> Path:
        return self.audiobook_storage_path or self.data_dir / "media" / "audiobooks"

    @property
    def allowed_storage_roots(self) -> list[Path]:
        roots = [Path(p) for p in self.storage_roots.split(os.pathsep) if p.strip()]
        return [p.resolve() for p in (roots or [self.data_dir])]

    @property
    def calibre_listen_address(self) -> tuple[str, int]:
        """`LIBRARIUM_CALIBRE_LISTEN` ("127.0.0.1:5000") as (host, port)."""
        host, _, port = self.calibre_listen.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(f"LIBRARIUM_CALIBRE_LISTEN must be host:port, not {self.calibre_listen!r}")
        return host.strip("[]"), int(port)

    @property
    def server_log_level(self) -> str:
        """LIBRARIUM_LOG_LEVEL as uvicorn names it ("warn" is "warning" there)."""
        level = self.log_level.lower()
        return "warning" if level == "warn" else level

    def resolve_jwt_secret(self) -> str:
        """The signing key. Never empty.

        Upstream accepts an empty `JWT_SECRET` and signs tokens with it, so anyone can forge an admin
        token [security fix]. When no secret is configured we generate one and keep it in the data
        directory (mode 0600), so zero configuration is still secure and survives restarts.
        """
        if self.jwt_secret.strip():
            return self.jwt_secret
        path = self.data_dir / "jwt_secret"
        if path.exists():
            stored = path.read_text().strip()
            if stored:
                return stored
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secret + "\n")
        os.chmod(path, 0o600)
        return secret


def load_settings(**overrides: Any) -> Settings:
    return Settings(**overrides)
