# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A client that writes through Sentinel at a steady pace, as an application
does, and measures what a move of the primary cost it: acknowledged writes the
cluster no longer has, and the longest time between two acknowledgements.

The write_probe module runs it; the tests, scenarios and benchmarks of the
source repository use it too. It needs redis-py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import collections
import threading
import time

from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import format_address

try:
    import redis
    from redis.sentinel import Sentinel
except ImportError:  # pragma: no cover - the callers check for redis-py first
    redis = None
    Sentinel = None

try:
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError:  # redis-py before 4.1 (older Debian releases): it makes one attempt unless told otherwise
    NoBackoff = None
    Retry = None

# One attempt per write: a failure is an outcome to measure. With redis-py's
# default retries and exponential backoff (redis-py 6 and later), one call can
# wait 10 s and more against a primary and a Sentinel that are gone, which
# measures redis-py rather than the cluster.
RETRY_NONE = 'none'
# redis-py's own defaults, as most applications use it.
RETRY_REDIS_PY = 'redis-py'
RETRY_CHOICES = (RETRY_NONE, RETRY_REDIS_PY)

# Keys per MGET or DEL.
BATCH = 1000
TIMELINE_LIMIT = 200

# The error codes redis-py turns into exception classes of their own, taking the code out of the message.
_CODES = dict(ReadOnlyError='READONLY', BusyLoadingError='LOADING', OutOfMemoryError='OOM',
              ExecAbortError='EXECABORT', NoScriptError='NOSCRIPT', NoPermissionError='NOPERM',
              MasterDownError='MASTERDOWN', TryAgainError='TRYAGAIN')


def failure_kind(exc):
    """READONLY, NOREPLICAS ... for an error reply, else the exception's class name (ConnectionError ...)."""
    name = exc.__class__.__name__
    if redis is None or not isinstance(exc, redis.ResponseError):
        return name
    if name in _CODES:
        return _CODES[name]
    first = str(exc).split(' ', 1)[0]
    if first.isalpha() and first.isupper():
        return first
    # redis-py takes ERR out of the message too.
    return 'ERR' if name == 'ResponseError' else name


def _no_retry():
    return dict(retry=Retry(NoBackoff(), 0)) if Retry is not None else {}


class SentinelWriter(object):
    """SET <prefix><n> <n> for n = 1, 2, ... through Sentinel, one write per interval, in a thread.

    sentinels: (host, port) pairs. password: the data instances'; sentinel_password: the Sentinels', by
    default the same ('' for none). retry: RETRY_NONE (one attempt per write) or RETRY_REDIS_PY (its
    default retries). expire: seconds each key lives (SET ... EX), so that the keys of an interrupted run
    vanish; None for no expiry. sentinel_options, data_options: more redis-py connection arguments for the
    Sentinels and the data instances (username, ssl, ssl_ca_certs ...).

    Use it as a context manager, or start()/stop(). started, stopped, first_failure, recovered_at, last_ok
    and last_ack are times on the monotonic clock; the timeline's times, gap_start and gap_end are seconds
    since the start.
    """

    def __init__(self, sentinels, password, name='mymaster', prefix='w:', interval=0.001, timeout=1.0,
                 sentinel_password=None, retry=RETRY_NONE, expire=None, sentinel_options=None, data_options=None):
        if Sentinel is None:
            raise RuntimeError('the write probe needs redis-py (the Python redis package)')
        if retry not in RETRY_CHOICES:
            raise ValueError('retry must be one of %s, got %r' % (', '.join(RETRY_CHOICES), retry))
        timeouts = dict(socket_timeout=timeout, socket_connect_timeout=timeout)
        sentinel_kwargs = dict(timeouts, password=password if sentinel_password is None else sentinel_password)
        sentinel_kwargs.update(_no_retry() if retry == RETRY_NONE else {})
        sentinel_kwargs.update(sentinel_options or {})
        # What a client of the data instances needs to log in (client_for uses it too).
        self.data_kwargs = dict(password=password, **(data_options or {}))
        self.sentinel = Sentinel(list(sentinels), sentinel_kwargs=sentinel_kwargs, **timeouts)
        self._master_kwargs = dict(self.data_kwargs, **timeouts)
        self._master_kwargs.update(_no_retry() if retry == RETRY_NONE else {})
        self._discover = self.sentinel.discover_master
        self.sentinel.discover_master = self._timed_discover
        self.name = name
        self.prefix = prefix
        self.interval = interval
        self.timeout = timeout
        self.expire = expire
        self.acknowledged = []
        # Writes sent: the keys <prefix>1 to <prefix><attempts> may exist, acknowledged or not.
        self.attempts = 0
        self.errors = 0
        self.failures = {}
        self.longest_gap = 0.0
        self.gap_start = None
        self.gap_end = None
        self.longest_discovery = 0.0
        self.last_ack = time.monotonic()
        self.last_ok = None
        self.first_failure = None
        self.recovered_at = None
        self.started = None
        self.stopped = None
        self.timeline_dropped = 0
        self._timeline_head = []
        self._timeline_tail = collections.deque(maxlen=TIMELINE_LIMIT - TIMELINE_LIMIT // 2)
        self._outcome = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)
        self._thread.daemon = True

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.started = time.monotonic()
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(30)
        if self.stopped is None:
            self.stopped = time.monotonic()

    def is_alive(self):
        """Whether the writing thread still runs."""
        return self._thread.is_alive()

    def reset_gap(self):
        """Start measuring the longest gap afresh (between two moves)."""
        self.longest_gap = 0.0
        self.gap_start = self.gap_end = None

    def key(self, number):
        return '%s%d' % (self.prefix, number)

    def _timed_discover(self, service_name):
        """Sentinel.discover_master, timed: how long the client spends asking where the primary is."""
        began = time.monotonic()
        try:
            return self._discover(service_name)
        finally:
            self.longest_discovery = max(self.longest_discovery, time.monotonic() - began)

    def _run(self):
        client = None
        number = 0
        while not self._stop.is_set():
            number += 1
            self.attempts = number
            try:
                if client is None:
                    client = self.sentinel.master_for(self.name, **self._master_kwargs)
                client.set(self.key(number), number, ex=self.expire)
                address = getattr(client.connection_pool, 'master_address', None)
            # Not only RedisError: whatever redis-py raises mid-failover is an
            # outcome to record, and the probe must keep writing.
            except Exception as exc:  # pylint: disable=broad-except
                self._failed(exc)
            else:
                self._succeeded(number, format_address(*address) if address else None)
            self._stop.wait(self.interval)

    def _succeeded(self, number, address):
        now = time.monotonic()
        if self.last_ok is not None and now - self.last_ok > self.longest_gap:
            self.longest_gap = now - self.last_ok
            self.gap_start, self.gap_end = self.last_ok - self.started, now - self.started
        if self.first_failure is not None and self.recovered_at is None:
            self.recovered_at = now
        self.last_ok = self.last_ack = now
        self.acknowledged.append(number)
        self._note(now, 'ok via %s' % address if address else 'ok')

    def _failed(self, exc):
        # Not acknowledged: whether it was applied does not count.
        now = time.monotonic()
        kind = failure_kind(exc)
        self.errors += 1
        self.failures[kind] = self.failures.get(kind, 0) + 1
        if self.first_failure is None:
            self.first_failure = now
        message = str(exc)
        if message.startswith(kind + ' '):
            message = message[len(kind) + 1:]
        self._note(now, '%s: %s' % (kind, message[:80]) if message else kind)

    def _note(self, now, outcome):
        """Add (seconds since start, outcome) to the timeline when the outcome changed; the first and the
        last changes are kept, TIMELINE_LIMIT in all."""
        if outcome == self._outcome:
            return
        self._outcome = outcome
        entry = (now - self.started, outcome)
        with self._lock:
            if len(self._timeline_head) < TIMELINE_LIMIT // 2:
                self._timeline_head.append(entry)
                return
            if len(self._timeline_tail) == self._timeline_tail.maxlen:
                self.timeline_dropped += 1
            self._timeline_tail.append(entry)

    @property
    def timeline(self):
        """The changes of outcome kept, as (seconds since start, outcome) pairs."""
        with self._lock:
            return self._timeline_head + list(self._timeline_tail)

    def timeline_lines(self):
        """The timeline as text: '12.345 s ok via 10.0.0.5:6379', 'ConnectionError: ...'."""
        with self._lock:
            head = ['%.3f s %s' % entry for entry in self._timeline_head]
            tail = ['%.3f s %s' % entry for entry in self._timeline_tail]
        dropped = ['(%d changes left out)' % self.timeline_dropped] if self.timeline_dropped else []
        return head + dropped + tail

    def describe_timeline(self):
        return '; '.join(self.timeline_lines())

    def rate(self):
        """Acknowledged writes per second from the start to the stop (or now)."""
        elapsed = (self.stopped or time.monotonic()) - self.started if self.started else 0
        return len(self.acknowledged) / elapsed if elapsed else 0.0

    def report(self):
        """What the probe measured, JSON-able."""
        rounded = [None if value is None else round(value, 3) for value in (self.gap_start, self.gap_end)]
        return dict(acknowledged=len(self.acknowledged), errors=self.errors, failures=dict(self.failures),
                    longest_gap=round(self.longest_gap, 3), gap_start=rounded[0], gap_end=rounded[1],
                    timeline=self.timeline_lines(), rate=round(self.rate(), 1))

    def client_for(self, host, port, timeout=None):
        """A plain redis-py client of the data instance at host:port, logged in as the probe's writes are."""
        timeout = timeout or max(self.timeout, 5)
        return redis.Redis(host=host, port=port, socket_timeout=timeout, socket_connect_timeout=timeout,
                           **self.data_kwargs)

    def _batches(self, numbers):
        for start in range(0, len(numbers), BATCH):
            chunk = numbers[start:start + BATCH]
            yield chunk, [self.key(number) for number in chunk]

    def lost_on(self, client):
        """The acknowledged writes that client (a connection to the primary now) does not find."""
        lost = []
        for chunk, keys in self._batches(list(self.acknowledged)):
            lost.extend(number for number, value in zip(chunk, client.mget(keys)) if value is None)
        return lost

    def delete_on(self, client):
        """Delete every key the probe may have written, acknowledged or not, through client (a connection to
        the primary); returns how many there were."""
        return sum(client.delete(*keys) for _chunk, keys in self._batches(range(1, self.attempts + 1)))
