"""Files benchmark: upload and download a large file through a real `librarium serve`.

Prints throughput for the upload (multipart, streamed to disk) and the download (streamed back), next to two
baselines measured in the same run: a plain disk copy of the same file, and the same bytes sent over a plain
loopback socket into a file by the least a Python server can do (recv_into, write) — the floor of any HTTP
upload on this machine, with the client on the same cores. Dirty pages are written out (sync) before each
measurement, so that no one of them pays for another's writes. Also the server's peak memory (VmHWM), which
must stay flat whatever the file size. Usage:

    python bench/files.py [--mb 1024]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import tempfile
import threading
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


def _socket_copy(source: Path, target: Path) -> float:
    """Seconds to send `source` over a loopback socket (sendfile) to a thread that writes what it receives into
    `target`, 1 MiB at a time."""
    listener = socket.create_server(("127.0.0.1", 0))

    def receive() -> None:
        connection, _ = listener.accept()
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        with connection, open(target, "wb") as handle:
            while received := connection.recv_into(buffer):
                handle.write(view[:received])

    receiver = threading.Thread(target=receive)
    receiver.start()
    t0 = time.perf_counter()
    with socket.create_connection(listener.getsockname()) as sender, open(source, "rb") as handle:
        sender.sendfile(handle)
    receiver.join()
    elapsed = time.perf_counter() - t0
    listener.close()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=1024)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="librarium-files-bench-"))
    source = work / "big.cbz"
    _make_file(source, args.mb)
    size = source.stat().st_size
    os.sync()
    t0 = time.perf_counter()
    shutil.copyfile(source, work / "copy.cbz")
    copy_s = time.perf_counter() - t0
    (work / "copy.cbz").unlink()
    os.sync()
    socket_s = _socket_copy(source, work / "socket.cbz")
    (work / "socket.cbz").unlink()
    os.sync()

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
        print(f"disk copy (baseline):       {mb / copy_s:8.0f} MB/s")
        print(f"loopback socket (baseline): {mb / socket_s:8.0f} MB/s")
        shares = f"{copy_s / upload_s:.2f}x the copy's speed, {socket_s / upload_s:.2f}x the socket's"
        print(f"upload over HTTP:           {mb / upload_s:8.0f} MB/s  ({upload_s:.1f} s; {shares})")
        print(f"download over HTTP:         {mb / download_s:8.0f} MB/s  ({download_s:.1f} s)")
        print(
            f"server memory: idle {idle:.0f} MB; peak before the upload {before_upload:.0f} MB (sign-up's argon2 "
            f"hash), after the upload {after_upload:.0f} MB, after the download {peak:.0f} MB"
        )
    finally:
        stop(server)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
