"""Load benchmark of the web app: requests per second at 50 clients as ratios to ``/healthz``.

Starts the real server (``atmpnav.web.app.serve`` with the defaults ``atmpnav serve`` uses: one
worker per core, httptools/uvloop when installed) on a free loopback port in a subprocess, on a
fresh database in a temporary directory, and drives it with N keep-alive connections (closed loop:
each client sends its next request when the previous answer arrives). Every phase is bounded in
time and in requests; only 127.0.0.1 is contacted.

Each round runs, against the same server: ``/healthz`` (the baseline: server, middleware and HTTP overhead at
the same concurrency; it is the app's first route, so it matches no other route first),
``POST /api/v1/classify``, ``GET /registry``, ``GET /classify`` (the
questionnaire's first page), and ``/healthz`` again; a figure is the endpoint's rate over the mean
of the two healthz rates of its round, and the median over the rounds is reported, with the
machine's load (``os.getloadavg``). Targets (issue 14): classify >= 0.6x, the pages >= 0.3x.

The load generator is a minimal HTTP/1.1 client on asyncio streams (one request in flight per
connection), so that the client itself costs little CPU next to the server on a 2-core machine.

    python bench/load_api.py [--clients 50] [--seconds 2] [--rounds 7] [--workers N] [--check]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "src" / "atmpnav" / "data" / "examples"
CASES = ROOT / "tests" / "cases" / "eu"
HOST = "127.0.0.1"


# --------------------------------------------------------------------------- requests


def classify_bodies() -> list[bytes]:
    """Request bodies: the facts of every declarative test case (tests/cases/eu) and of the shipped
    examples, each complete (mostly decided) and cut in half as a questionnaire halfway through
    (mostly undetermined, which costs the engine most: it explores the open questions)."""
    import yaml

    facts_sets = [yaml.safe_load(path.read_text(encoding="utf-8"))
                  for path in sorted(EXAMPLES.glob("*.yaml"))]
    facts_sets += [yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]
                   for path in sorted(CASES.glob("*.yaml"))]
    bodies = []
    for facts in facts_sets:
        bodies.append({"facts": facts, "as_of": "2026-11-25"})
        keys = [k for k in facts if k not in ("name", "description", "indication")]
        halfway = {k: facts[k] for k in keys[: max(1, len(keys) // 2)]}
        bodies.append({"facts": halfway, "as_of": "2026-11-25"})
    return [json.dumps(b).encode() for b in bodies]


def http_request(method: str, path: str, body: bytes | None = None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\nUser-Agent: atmpnav-bench\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
    return (head + "\r\n").encode() + (body or b"")


# --------------------------------------------------------------------------- client


@dataclass
class Phase:
    name: str
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
        return ordered[index] * 1000

    def row(self) -> str:
        rps = self.count / self.elapsed if self.elapsed else 0.0
        mean = statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")
        return (f"{self.name:<24} {self.clients:>7} {self.count:>9} {rps:>9.0f} {mean:>8.2f} "
                f"{self.percentile(50):>8.2f} {self.percentile(95):>8.2f} {self.percentile(99):>8.2f} "
                f"{max(self.latencies, default=0) * 1000:>8.2f} {self.errors:>6}")


HEADER = (f"{'phase':<24} {'clients':>7} {'requests':>9} {'req/s':>9} {'mean ms':>8} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>6}")


async def read_response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response (Content-Length bodies only); returns the status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def client_loop(port: int, requests: list[bytes], phase: Phase, stop_at: float, budget: list[int],
                      offset: int) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        i = offset
        while time.perf_counter() < stop_at and budget[0] > 0:
            budget[0] -= 1
            payload = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            writer.write(payload)
            await writer.drain()
            status = await read_response(reader)
            phase.latencies.append(time.perf_counter() - started)
            if status != 200:
                phase.errors += 1
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def run_phase(port: int, name: str, requests: list[bytes], clients: int, seconds: float,
                    max_requests: int, warmup: float) -> Phase:
    if warmup > 0:  # not measured: connections, caches and the allocator settle first
        await run_phase(port, name, requests, clients, warmup, max_requests, 0.0)
    phase = Phase(name, clients)
    budget = [max_requests]
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(client_loop(port, requests, phase, stop_at, budget, n) for n in range(clients)))
    phase.elapsed = time.perf_counter() - started
    return phase


# --------------------------------------------------------------------------- server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(port: int, data_dir: Path, workers: int | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ATMPNAV_DATA_DIR": str(data_dir),
           "ATMPNAV_DATABASE_URL": f"sqlite:///{data_dir / 'bench.db'}"}
    if workers:
        env["ATMPNAV_WEB_WORKERS"] = str(workers)
    code = f"from atmpnav.web.app import serve; serve({HOST!r}, {port})"
    log = (data_dir / "server.log").open("wb")
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            with socket.create_connection((HOST, port), timeout=1) as sock:
                sock.sendall(http_request("GET", "/healthz"))
                if b" 200 " in sock.recv(4096).split(b"\r\n", 1)[0]:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


@dataclass
class Endpoint:
    name: str
    requests: list[bytes]
    target: float | None
    ratios: list[float] = field(default_factory=list)
    phases: list[Phase] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else float("nan")


def rate(phase: Phase) -> float:
    return phase.count / phase.elapsed if phase.elapsed else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    # Many short rounds rather than a few long ones: on a shared machine the speed drifts within minutes, and a
    # median over seven rounds, each with its own baseline, moves less with it.
    parser.add_argument("--seconds", type=float, default=2.0, help="measured time per phase")
    parser.add_argument("--warmup", type=float, default=1.0, help="unmeasured time before each phase")
    parser.add_argument("--rounds", type=int, default=7, help="rounds (at least 3; medians are reported)")
    parser.add_argument("--max-requests", type=int, default=50_000, help="cap per phase")
    parser.add_argument("--workers", type=int, default=None, help="server processes (default: as `atmpnav serve`)")
    parser.add_argument("--check", action="store_true", help="exit 1 unless every target is met without errors")
    args = parser.parse_args()
    rounds = max(3, args.rounds)

    bodies = classify_bodies()
    healthz = [http_request("GET", "/healthz")]
    endpoints = [
        Endpoint("POST /api/v1/classify", [http_request("POST", "/api/v1/classify", body) for body in bodies], 0.6),
        Endpoint("GET /registry", [http_request("GET", "/registry")], 0.3),
        Endpoint("GET /classify", [http_request("GET", "/classify")], 0.3),
    ]
    baseline: list[Phase] = []
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="atmpnav-bench-") as tmp:
        port = free_port()
        server = start_server(port, Path(tmp), args.workers)
        try:
            wait_until_up(port, server)
            workers = args.workers or _server_workers()
            print(f"server: atmpnav.web.app.serve on {HOST}:{port} (workers: {workers}); cores: {os.cpu_count()}")
            print(f"classify requests: {len(bodies)} different bodies (test cases and examples, complete and "
                  "halfway), in turn")
            print(f"load: {args.clients} clients, {args.seconds:.0f} s per phase (after {args.warmup:.0f} s warm-up), "
                  f"at most {args.max_requests} requests; closed loop, keep-alive; {rounds} rounds\n")
            single = asyncio.run(run_phase(port, "classify, 1 client", endpoints[0].requests, 1, args.seconds,
                                           args.max_requests, args.warmup))

            def phase(name: str, requests: list[bytes]) -> Phase:
                return asyncio.run(run_phase(port, name, requests, args.clients, args.seconds, args.max_requests,
                                             args.warmup))

            for _ in range(rounds):
                before = phase(f"healthz, {args.clients} clients", healthz)
                measured = [phase(f"{e.name}, {args.clients} cl.", e.requests) for e in endpoints]
                after = phase(f"healthz, {args.clients} clients", healthz)
                base_rate = (rate(before) + rate(after)) / 2
                baseline += [before, after]
                for endpoint, result in zip(endpoints, measured, strict=True):
                    endpoint.phases.append(result)
                    endpoint.ratios.append(rate(result) / base_rate if base_rate else 0.0)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
    load_after = os.getloadavg()
    print(HEADER)
    print(single.row())
    for result in baseline:
        print(result.row())
    for endpoint in endpoints:
        for result in endpoint.phases:
            print(result.row())
    print(f"\nload average (1 min): {load_before[0]:.2f} before, {load_after[0]:.2f} after")
    base_rate = statistics.median(rate(p) for p in baseline)
    print(f"baseline: GET /healthz, {args.clients} clients   {base_rate:8.0f} req/s   1.00x")
    ok = True
    for endpoint in endpoints:
        errors = sum(p.errors for p in endpoint.phases)
        p99 = statistics.median(p.percentile(99) for p in endpoint.phases)
        met = endpoint.target is None or (endpoint.ratio >= endpoint.target and errors == 0)
        ok = ok and met
        median_rate = statistics.median(rate(p) for p in endpoint.phases)
        spread = f"rounds {min(endpoint.ratios):.2f}-{max(endpoint.ratios):.2f}"
        print(f"{endpoint.name + ', ' + str(args.clients) + ' clients':<36} {median_rate:8.0f} req/s   "
              f"{endpoint.ratio:4.2f}x ({spread})   p99 {p99:7.1f} ms   errors {errors}   "
              f"target >= {endpoint.target:.1f}x: {'met' if met else 'NOT met'}")
    return 1 if args.check and not ok else 0


def _server_workers() -> int:
    from atmpnav.web.app import default_workers

    return default_workers()


if __name__ == "__main__":
    raise SystemExit(main())
