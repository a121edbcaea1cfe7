# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting for a cluster to reach a state, on a monotonic clock.

A wait that gives up says what it waited for and the last state it saw, so
that the error tells the operator where the cluster stands, not just that
time ran out.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.redisops.sentinel.plugins.module_utils.client import RedisModuleError


class WaitTimeout(RedisModuleError):
    """A wait that gave up; `state` is the last state it saw, `waited` the seconds it took."""

    def __init__(self, message, state, waited):
        super(WaitTimeout, self).__init__(message)
        self.state = state
        self.waited = waited


def wait_for(look, done, timeout, what, describe, interval=1.0, wait=True):
    """Call look() until done(state) holds for the state it returns; return that state.

    look: reads the state (may raise RedisModuleError, which ends the wait).
    done: the condition on a state. describe: a state in words, for the error.
    Raises WaitTimeout naming `what` and the last state after `timeout`
    seconds. The condition is tested at least once, whatever the timeout.
    wait=False (check mode) looks once and returns that state, held or not.
    """
    started = time.monotonic()
    deadline = started + timeout
    while True:
        state = look()
        if done(state) or not wait:
            return state
        now = time.monotonic()
        if now >= deadline:
            raise WaitTimeout('%s did not happen within %s s; last seen: %s' % (what, timeout, describe(state)),
                              state, now - started)
        time.sleep(min(interval, max(deadline - now, 0)))


def sleep_until(moment):
    """Sleep until the monotonic clock reaches moment (no sleep when it has)."""
    remaining = moment - time.monotonic()
    if remaining > 0:
        time.sleep(remaining)
