"""Activities heartbeat while they run, so a worker killed mid-letter is noticed in
seconds (the heartbeat timeout) rather than after the whole start-to-close timeout, and
the letter is retried on a live worker (issue 14)."""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from temporalio import activity

P = ParamSpec("P")
R = TypeVar("R")

BEAT_EVERY = 2.0  # seconds; the workflows allow ACTIVITY_HEARTBEAT (10 s) between beats


def heartbeating(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap a blocking activity: a side thread heartbeats until it returns."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        done = threading.Event()
        context = contextvars.copy_context()  # the activity's context, for heartbeat()

        def beat() -> None:
            while not done.wait(BEAT_EVERY):
                context.run(activity.heartbeat)

        beater = threading.Thread(target=beat, name="heartbeat", daemon=True)
        beater.start()
        try:
            return fn(*args, **kwargs)
        finally:
            done.set()

    return run
