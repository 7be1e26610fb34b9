"""What wraps every activity that writes. Activities heartbeat while they run, so a worker killed mid-letter is noticed in
seconds (the heartbeat timeout) rather than after the whole start-to-close timeout, and
the letter is retried on a live worker (issue 14)."""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.exc import DataError
from temporalio import activity
from temporalio.exceptions import ApplicationError

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


UNSTORABLE = "UnstorableData"
STORE_REFUSED = "the case store cannot hold this record"


def unstorable_is_final(fn: Callable[P, R]) -> Callable[P, R]:
    """Data the store cannot hold is never retried for ever (issue 23; design.md, "Rules of
    the house"): the database's refusal of a value becomes a non-retryable error the case
    answers by opening a task for a person. A store that is down is retried as ever."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except DataError as err:
            reason = str(err.orig or err).splitlines()[0][:300]
            raise ApplicationError(f"{STORE_REFUSED}: {reason}", type=UNSTORABLE, non_retryable=True) from err

    return run
