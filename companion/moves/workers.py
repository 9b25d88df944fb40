"""The bounded thread pool every check runs on: Mastodon.py and requests are synchronous."""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class WorkerPool:
    """Runs blocking work off the event loop, carrying the caller's context (its wait budget)."""

    def __init__(self, max_workers: int) -> None:
        """Start no threads yet; they start as work arrives."""
        self.workers = max_workers
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="move-check")

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(*args)`` on the pool and await its result."""
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        return await loop.run_in_executor(self._pool, functools.partial(context.run, fn, *args))

    def close(self) -> None:
        """Finish the running work, drop the queued work and stop the threads."""
        self._pool.shutdown(wait=True, cancel_futures=True)
