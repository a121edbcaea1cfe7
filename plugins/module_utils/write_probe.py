# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A client that writes through Sentinel at a steady pace, as an application
does, and counts what a move of the primary cost it: acknowledged writes the
cluster no longer has, and the longest time between two acknowledgements.

Used by the tests of planned moves and by the switchover benchmark of the source repository; it
needs redis-py.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading
import time

try:
    import redis
    from redis.sentinel import Sentinel
except ImportError:  # pragma: no cover - the callers need redis-py anyway
    redis = None
    Sentinel = None


class SentinelWriter(object):
    """SET <prefix><n> <n> for n = 1, 2, ... through Sentinel, one write per interval, in a thread.

    sentinels: (host, port) pairs. Use it as a context manager, or start()/stop().
    """

    def __init__(self, sentinels, password, name='mymaster', prefix='w:', interval=0.001, timeout=1.0):
        self.sentinel = Sentinel(list(sentinels), socket_timeout=timeout,
                                 sentinel_kwargs=dict(password=password, socket_timeout=timeout))
        self.password = password
        self.name = name
        self.prefix = prefix
        self.interval = interval
        self.timeout = timeout
        self.acknowledged = []
        self.errors = 0
        self.longest_gap = 0.0
        self.last_ack = time.monotonic()
        self.started = None
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

    def reset_gap(self):
        """Start measuring the longest gap afresh (between two moves)."""
        self.longest_gap = 0.0

    def _run(self):
        client = self.sentinel.master_for(self.name, password=self.password, socket_timeout=self.timeout,
                                          socket_connect_timeout=self.timeout)
        number = 0
        while not self._stop.is_set():
            number += 1
            try:
                client.set('%s%d' % (self.prefix, number), number)
            except (redis.RedisError, OSError):
                # Not acknowledged: whether it was applied does not count.
                self.errors += 1
            else:
                now = time.monotonic()
                self.longest_gap = max(self.longest_gap, now - self.last_ack)
                self.last_ack = now
                self.acknowledged.append(number)
            time.sleep(self.interval)

    def rate(self):
        """Acknowledged writes per second since the start."""
        elapsed = time.monotonic() - self.started if self.started else 0
        return len(self.acknowledged) / elapsed if elapsed else 0.0

    def lost_on(self, client):
        """The acknowledged writes that client (a connection to the primary now) does not find."""
        lost = []
        for start in range(0, len(self.acknowledged), 1000):
            chunk = self.acknowledged[start:start + 1000]
            keys = ['%s%d' % (self.prefix, number) for number in chunk]
            if client.exists(*keys) != len(keys):
                pipe = client.pipeline(transaction=False)
                for key in keys:
                    pipe.exists(key)
                lost.extend(number for number, found in zip(chunk, pipe.execute()) if not found)
        return lost
