"""API throttles that let requests through when the cache holding their counters is unreachable.

DRF's throttles read and write the cache (Redis when REDIS_URL is set) on every call; a Redis that is down
would otherwise turn every API call into a 500. Counting is a protection, not a precondition: while Redis
is away the API answers unthrottled and says so in the log, and /health/ reports Redis as down.
"""

from __future__ import annotations

import logging

import redis
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

log = logging.getLogger(__name__)


def cache_errors() -> tuple[type[BaseException], ...]:
    """What the cache backend raises when Redis cannot be reached (socket errors are ``OSError``)."""
    return (OSError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class FailOpenMixin:
    """Allow the request, with a warning in the log, when the throttle's cache is unreachable."""

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except cache_errors() as exc:
            log.warning("API throttling skipped: the cache is unreachable (%s: %s)", type(exc).__name__, exc)
            return True


class FailOpenUserRateThrottle(FailOpenMixin, UserRateThrottle):
    """``UserRateThrottle`` (rate "user") that fails open when Redis is down."""


class FailOpenAnonRateThrottle(FailOpenMixin, AnonRateThrottle):
    """``AnonRateThrottle`` (rate "anon") that fails open when Redis is down."""
