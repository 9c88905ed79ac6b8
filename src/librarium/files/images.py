"""Only real images are stored: magic bytes first, then a full decode with Pillow."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from librarium.errors import BadRequest

# (magic test, MIME type, file extension)
_KINDS = {
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
    "gif": ("image/gif", ".gif"),
    "webp": ("image/webp", ".webp"),
}
_PIL_FORMATS = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_PIXELS = 80_000_000  # refuse decompression bombs


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def check_image(data: bytes) -> tuple[str, str]:
    """(MIME type, extension) of a valid JPEG, PNG, GIF or WebP image; anything else is a 400."""
    kind = sniff(data[:16])
    if kind is None:
        raise BadRequest("file must be an image (JPEG, PNG, GIF or WebP)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if _PIL_FORMATS.get(image.format or "") != kind:
                    raise BadRequest("file must be an image (JPEG, PNG, GIF or WebP)")
                if image.width * image.height > MAX_PIXELS:
                    raise BadRequest("image is too large")
                image.load()  # decodes the pixels: truncated or corrupt files fail here
    except BadRequest:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError, Warning) as exc:
        raise BadRequest("file is not a valid image") from exc
    return _KINDS[kind]
