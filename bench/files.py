"""Files benchmark: upload and download a large file through a real `librarium serve`.

Prints throughput for the upload (multipart, streamed to disk) and the download (streamed back), next to
a plain disk copy of the same file measured in the same run, and the server's peak memory (VmHWM),
which must stay flat whatever the file size. Usage:

    python bench/files.py [--mb 1024]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import httpx
from server import memory_mb, start, stop  # bench/server.py, next to this script

CHUNK = 1 << 20


def _make_file(path: Path, megabytes: int) -> None:
    block = os.urandom(CHUNK)
    with open(path, "wb") as handle:
        handle.write(b"PK\x03\x04")  # looks like a zip, as an .epub or .cbz must
        for _ in range(megabytes):
            handle.write(block)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=1024)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="librarium-files-bench-"))
    source = work / "big.cbz"
    _make_file(source, args.mb)
    size = source.stat().st_size
    t0 = time.perf_counter()
    shutil.copyfile(source, work / "copy.cbz")
    copy_s = time.perf_counter() - t0
    (work / "copy.cbz").unlink()

    server, root = start({"LIBRARIUM_DATA_DIR": str(work / "data"), "LIBRARIUM_MAX_UPLOAD_MB": str(args.mb * 2)})
    base = f"{root}/api/v1"
    try:
        idle = memory_mb(server.pid)
        with httpx.Client(timeout=600) as http:
            user = {"username": "bench", "email": "bench@example.org", "password": "bench-password"}
            token = http.post(base + "/setup/admin", json=user).json()["data"]["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            lib = http.post(base + "/libraries", json={"name": "Bench"}, headers=headers).json()["data"]["id"]
            media = next(m["id"] for m in http.get(base + "/media-types", headers=headers).json()["data"])
            book = http.post(f"{base}/libraries/{lib}/books", json={"title": "Big", "media_type_id": media},
                             headers=headers).json()["data"]["id"]  # fmt: skip
            edition = http.post(f"{base}/libraries/{lib}/books/{book}/editions", json={"format": "ebook"},
                                headers=headers).json()["data"]["id"]  # fmt: skip
            files = f"{base}/libraries/{lib}/books/{book}/editions/{edition}/files"

            before_upload = memory_mb(server.pid, "VmHWM")  # includes one argon2 hash (64 MiB) at sign-up
            t0 = time.perf_counter()
            with open(source, "rb") as handle:
                r = http.post(files, files={"file": ("big.cbz", handle, "application/octet-stream")}, headers=headers)
            upload_s = time.perf_counter() - t0
            r.raise_for_status()
            file_id = r.json()["data"]["id"]
            after_upload = memory_mb(server.pid, "VmHWM")

            t0 = time.perf_counter()
            received = 0
            with http.stream("GET", f"{files}/{file_id}", headers=headers) as response:
                for chunk in response.iter_bytes(CHUNK):
                    received += len(chunk)
            download_s = time.perf_counter() - t0
            assert received == size, (received, size)
            peak = memory_mb(server.pid, "VmHWM")

        mb = size / (1 << 20)
        print(f"file: {mb:,.0f} MB")
        print(f"disk copy (baseline): {mb / copy_s:8.0f} MB/s")
        ratio = copy_s / upload_s
        print(f"upload over HTTP:     {mb / upload_s:8.0f} MB/s  ({upload_s:.1f} s, {ratio:.2f}x the copy speed)")
        print(f"download over HTTP:   {mb / download_s:8.0f} MB/s  ({download_s:.1f} s)")
        print(
            f"server memory: idle {idle:.0f} MB; peak before the upload {before_upload:.0f} MB (sign-up's argon2 "
            f"hash), after the upload {after_upload:.0f} MB, after the download {peak:.0f} MB"
        )
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
