"""The load of bench/scale.py: the portal under gunicorn, and a load tool that drives one page at a time.

- `gunicorn_server()` starts `gunicorn apo_portal.wsgi` on 127.0.0.1 with the environment it is given (the
  production settings and the scratch database), waits until /healthz answers, and stops it (its own process
  group) on the way out, even after an error.
- `drive()` sends GET requests from N concurrent connections for a while and returns the latency percentiles
  and the rate: with Debian's `wrk` and bench/wrk/page.lua when `wrk` is on PATH, else with a small driver of
  threads and http.client in this process (it takes CPU from the server on a small machine: prefer wrk).
- `fetch()` is one plain request, to check a page before it is driven (status and a text it must contain).
"""

import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.scratch import stop

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "wrk" / "page.lua"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(port: int, path: str, cookie: str = "", timeout: float = 30) -> tuple[int, str]:
    """One GET: (status, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


@contextlib.contextmanager
def gunicorn_server(environment: dict, *, workers: int, log: Path, port: int | None = None):
    """gunicorn with sync workers (production's class, see the Dockerfile) on 127.0.0.1; yields the port."""
    port = port or free_port()
    command = [sys.executable, "-m", "gunicorn", "apo_portal.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--worker-class", "sync", "--timeout", "120"]
    command += ["--log-level", "warning", "--error-logfile", "-"]
    with log.open("w") as output:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {server.returncode}; its log ends:\n{_tail(log)}")
            with contextlib.suppress(OSError):
                if fetch(port, "/healthz", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer /healthz in 60 s; its log ends:\n{_tail(log)}")
            time.sleep(0.2)
        yield port
    finally:
        stop(server)  # the server's own process group, started above


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "".join(log.read_text().splitlines(keepends=True)[-lines:])
    except OSError:
        return "(no log)"


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int  # connection errors, timeouts and responses of 400 or more
    tool: str
    bytes_per_response: float = 0.0  # as sent, headers included (compressed: the load asks for gzip as browsers do)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


ACCEPT_ENCODING = "gzip, deflate, br"  # as a browser asks (bench/wrk/page.lua sends the same)


def tool_name() -> str:
    if shutil.which("wrk"):
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split(" Copyright")[0]
        return version.strip() or "wrk"
    return "Python threads + http.client (wrk not found)"


def drive(
    port: int, paths: list[str], *, cookie: str = "", connections: int = 16, seconds: float = 10, threads: int = 2
) -> LoadResult:
    """GET `paths` in turn (each connection starts at a different one) from `connections` connections."""
    if shutil.which("wrk"):
        return _drive_wrk(port, paths, cookie=cookie, connections=connections, seconds=seconds, threads=threads)
    return _drive_python(port, paths, cookie=cookie, connections=connections, seconds=seconds)


def _drive_wrk(port, paths, *, cookie, connections, seconds, threads) -> LoadResult:
    environment = dict(os.environ, APO_BENCH_COOKIE=cookie)
    with tempfile.NamedTemporaryFile("w", prefix="apo_bench_paths_", suffix=".txt", delete=False) as listing:
        listing.write("\n".join(paths) + "\n")
    environment["APO_BENCH_PATHS"] = listing.name if len(paths) > 1 else ""
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s"]
    command += ["-s", str(LUA), f"http://127.0.0.1:{port}{paths[0]}"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=seconds + 60)
    finally:
        os.unlink(listing.name)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    figures = json.loads(lines[-1])
    errors = sum(figures[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts"))
    return LoadResult(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        max_ms=figures["max_us"] / 1000,
        errors=errors,
        tool="wrk",
        bytes_per_response=figures["bytes"] / figures["requests"] if figures["requests"] else 0.0,
    )


def _drive_python(port, paths, *, cookie, connections, seconds) -> LoadResult:
    """The fallback: one thread per connection, each sending its next request as soon as it has the answer."""
    headers = {"Accept-Encoding": ACCEPT_ENCODING, **({"Cookie": cookie} if cookie else {})}
    latencies: list[float] = []
    sizes: list[int] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def user(offset: int) -> None:
        mine, sized, failed, index = [], [], 0, offset
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                if response.status >= 400:
                    failed += 1
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            mine.append(time.perf_counter() - started)
            sized.append(len(body) + sum(len(k) + len(v) + 4 for k, v in response.getheaders()))
        connection.close()
        with lock:
            latencies.extend(mine)
            sizes.extend(sized)
            errors[0] += failed

    started = time.perf_counter()
    users = [threading.Thread(target=user, args=(i * 7,)) for i in range(connections)]
    for thread in users:
        thread.start()
    for thread in users:
        thread.join()
    elapsed = time.perf_counter() - started
    if not latencies:
        raise RuntimeError("no request was answered")
    cut = statistics.quantiles(latencies, n=100, method="inclusive") if len(latencies) > 1 else latencies * 99
    return LoadResult(
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=cut[49] * 1000,
        p95_ms=cut[94] * 1000,
        p99_ms=cut[98] * 1000,
        max_ms=max(latencies) * 1000,
        errors=errors[0],
        tool="python",
        bytes_per_response=statistics.fmean(sizes),
    )
