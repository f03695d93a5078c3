"""One instance per process of a costly resource that every crawler of a run would otherwise
open for itself.

A run crawls each portal in its own Scrapy crawler, all in one process. Some resources must be
one per process, not one per crawler: the dedup index's sqlite connection (eight connections
to one file spent their time in each other's write locks) and the pool of cleaning processes
(eight pools would start eight times the workers the machine has cores for). Each crawler
takes the shared instance when it opens and releases it when it closes; the last release
frees the resource.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, Self


class SharedPerProcess:
    """Reference-counted instances per key, for subclasses that hold one costly resource.

    A subclass offers a `shared(...)` classmethod built on `_shared_instance`, and its
    `close` calls `_release` first, freeing the resource only when that returns True. An
    instance made directly (not through `shared`) has one user: its own `close` frees it.
    """

    _shared: ClassVar[dict[Hashable, Any]]
    _shared_lock: ClassVar[threading.Lock]
    _users: int = 1
    _shared_key: Hashable | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._shared = {}
        cls._shared_lock = threading.Lock()

    @classmethod
    def _shared_instance(cls, key: Hashable, make: Callable[[], Self]) -> Self:
        """The live instance for `key` with one more user, else a new one from `make`."""
        with cls._shared_lock:
            instance = cls._shared.get(key)
            if instance is None:
                instance = cls._shared[key] = make()
                instance._shared_key = key
            else:
                instance._users += 1
            return instance

    def _release(self) -> bool:
        """Drop one user; True when it was the last, and the caller must free the resource."""
        cls = type(self)
        with cls._shared_lock:
            self._users -= 1
            if self._users > 0:
                return False
            if self._shared_key is not None:
                cls._shared.pop(self._shared_key, None)
            return True
