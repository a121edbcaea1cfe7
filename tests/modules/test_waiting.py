# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one waiter of the modules (plugins/module_utils/waiting.py): a
monotonic deadline, at least one look, check mode looks once, and a timeout
that carries the last state."""

import sys
import time

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils.client import RedisModuleError  # noqa: E402
from ansible_collections.redisops.sentinel.plugins.module_utils.waiting import WaitTimeout, wait_for  # noqa: E402


class Counter:
    """A state that counts the looks."""

    def __init__(self):
        self.looks = 0

    def look(self):
        self.looks += 1
        return dict(looks=self.looks)


def test_a_state_that_holds_at_once_is_returned_even_with_no_time_left():
    counter = Counter()
    assert wait_for(counter.look, lambda state: True, 0, 'anything', str) == dict(looks=1)


def test_it_looks_until_the_condition_holds():
    counter = Counter()
    state = wait_for(counter.look, lambda state: state['looks'] == 3, 10, 'three looks', str, interval=0.01)
    assert state == dict(looks=3)


def test_a_timeout_names_what_it_waited_for_and_carries_the_last_state():
    counter = Counter()
    started = time.monotonic()
    with pytest.raises(WaitTimeout) as timeout:
        wait_for(counter.look, lambda state: False, 0.3, 'the primary moving', lambda s: '%d looks' % s['looks'],
                 interval=0.05)
    took = time.monotonic() - started
    assert 0.3 <= took < 5
    assert timeout.value.state == dict(looks=counter.looks) and counter.looks >= 2
    assert timeout.value.waited >= 0.3
    assert str(timeout.value) == 'the primary moving did not happen within 0.3 s; last seen: %d looks' % counter.looks
    assert isinstance(timeout.value, RedisModuleError)


def test_without_waiting_it_looks_once_and_returns_what_it_saw():
    counter = Counter()
    started = time.monotonic()
    assert wait_for(counter.look, lambda state: False, 60, 'never', str, wait=False) == dict(looks=1)
    assert time.monotonic() - started < 1


def test_a_failing_look_ends_the_wait():
    def look():
        raise RedisModuleError('Cannot connect to 127.0.0.1:1: refused')
    with pytest.raises(RedisModuleError, match='Cannot connect'):
        wait_for(look, lambda state: True, 60, 'anything', str)
