"""Timing requests in-process (the server's time, without a network): median and p95 of repeated GETs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Timing:
    name: str
    median_ms: float
    p95_ms: float
    queries: int
    rows: str = ""

    def line(self) -> str:
        extra = f"  {self.rows}" if self.rows else ""
        return (
            f"{self.name:<34} median {self.median_ms:7.1f} ms   p95 {self.p95_ms:7.1f} ms   "
            f"{self.queries:3d} queries{extra}"
        )


def median_p95(samples: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile (nearest rank) of timings, as every benchmark prints them."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def time_call(name: str, call: Callable[[], object], *, runs: int = 30, warmup: int = 3) -> Timing:
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    # The query log is a bounded deque: once full, CaptureQueriesContext would see no growth. Empty it first.
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        call()
    queries = len(ctx)  # read before the log is emptied: the context reads it lazily
    reset_queries()
    median, p95 = median_p95(samples)
    return Timing(name=name, median_ms=median, p95_ms=p95, queries=queries)


def time_pair(
    first: tuple[str, Callable[[], object]], second: tuple[str, Callable[[], object]], *, runs: int = 30
) -> tuple[Timing, Timing]:
    """Two calls timed in alternation (A, B, A, B…), so that a noisy neighbour slows both alike and their
    ratio stays fair; each gets its own median, p95 and query count."""
    samples: tuple[list[float], list[float]] = ([], [])
    for round_ in range(runs + 3):
        for index, (_, call) in enumerate((first, second)):
            started = time.perf_counter()
            call()
            if round_ >= 3:  # the first rounds warm caches and connections
                samples[index].append((time.perf_counter() - started) * 1000)
    timings = []
    for (name, call), taken in zip((first, second), samples, strict=True):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            call()
        queries = len(ctx)
        reset_queries()
        taken.sort()
        p95 = taken[min(len(taken) - 1, round(0.95 * (len(taken) - 1)))]
        timings.append(Timing(name=name, median_ms=statistics.median(taken), p95_ms=p95, queries=queries))
    return timings[0], timings[1]


def get_call(client: Client, url: str, **headers) -> Callable[[], object]:
    """A GET through the whole Django stack that fails loudly on anything but 200."""

    def call():
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    return call


def time_get(name: str, client: Client, url: str, **kw) -> Timing:
    headers = {k: v for k, v in kw.items() if k not in ("runs", "warmup")}
    return time_call(name, get_call(client, url, **headers), **{k: v for k, v in kw.items() if k in ("runs", "warmup")})
