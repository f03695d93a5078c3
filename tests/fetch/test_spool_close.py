"""The download handler's close: its give-up timer ends a hung pool close with a list (as
Scrapy's DeferredList would), and is cancelled when the pool closes in time, so it can never
fire on an already-fired Deferred (Twisted's CRITICAL AlreadyCalledError at the end of a run)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import twisted.internet
from twisted.internet.defer import Deferred
from twisted.internet.task import Clock

from govcrawl.fetch import spool
from govcrawl.fetch.spool import _PoolCloseWithoutRace

TIMEOUT = 5.0


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A fake reactor clock; Deferreds awaited directly (no asyncio loop in this test)."""
    clock = Clock()
    monkeypatch.setattr(twisted.internet, "reactor", clock, raising=False)
    monkeypatch.setattr(spool, "maybe_deferred_to_future", lambda deferred: deferred)
    return clock


def closing(pool_closed: Deferred) -> Deferred:
    handler = _PoolCloseWithoutRace.__new__(_PoolCloseWithoutRace)
    handler._pool = SimpleNamespace(closeCachedConnections=lambda: pool_closed)
    handler._disconnect_timeout = TIMEOUT
    return Deferred.fromCoroutine(handler.close())


def test_a_hung_pool_close_is_given_up_with_a_list(clock: Clock) -> None:
    hung: Deferred = Deferred()
    results: list[object] = []
    hung.addCallback(results.append)
    done = closing(hung)
    clock.advance(TIMEOUT - 0.1)
    assert not done.called
    clock.advance(0.1)
    assert done.called and results == [[]]
    assert not clock.getDelayedCalls()


def test_a_pool_that_closes_in_time_cancels_the_timer(clock: Clock) -> None:
    pool_closed: Deferred = Deferred()
    done = closing(pool_closed)
    pool_closed.callback([(True, None)])
    assert done.called
    assert not clock.getDelayedCalls()
    clock.advance(TIMEOUT * 2)  # nothing left to fire a second time
