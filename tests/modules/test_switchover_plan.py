# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The switchover's decisions on recorded replies: which primary the Sentinels
agree on, and why a replica may not be promoted. The replies are those of
Redis 7.0 (SENTINEL MASTER, SENTINEL REPLICAS, INFO replication) for a primary
on 7000 and replicas on 7001 and 7002."""

import sys
from types import SimpleNamespace

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils.replication import replication_state  # noqa: E402
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (  # noqa: E402
    master_summary,
    replica_summary,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.switchover import (  # noqa: E402
    INFO_PHASE,
    SwitchoverRefused,
    agreed_primary,
    info_phase_delay,
    replica_problems,
    sentinel_choice,
)

MASTER_REPLY = {'name': 'mymaster', 'ip': '127.0.0.1', 'port': '7000', 'flags': 'master', 'num-slaves': '2',
                'num-other-sentinels': '2', 'quorum': '2', 'config-epoch': '3', 'failover-state': 'none'}
REPLICA_REPLY = {'name': '127.0.0.1:7001', 'ip': '127.0.0.1', 'port': '7001', 'flags': 'slave',
                 'master-link-status': 'ok', 'master-host': '127.0.0.1', 'master-port': '7000',
                 'slave-priority': '100', 'slave-repl-offset': '52830'}
PRIMARY_INFO = {'role': 'master', 'connected_slaves': 2, 'master_repl_offset': 52830,
                'slave0': {'ip': '127.0.0.1', 'port': 7001, 'state': 'online', 'offset': 52830, 'lag': 0},
                'slave1': {'ip': '127.0.0.1', 'port': 7002, 'state': 'online', 'offset': 52830, 'lag': 1}}
CLUSTER = SimpleNamespace(name='mymaster', sentinels=[SimpleNamespace(address='127.0.0.1:%d' % port) for port in (26379, 26380, 26381)])


def views(*changes):
    """Three Sentinels' views, the nth changed by changes[n]."""
    result = []
    for index in range(3):
        reply = dict(MASTER_REPLY)
        if index < len(changes):
            reply.update(changes[index])
        result.append(master_summary(reply))
    return result


def replica(**changes):
    reply = dict(REPLICA_REPLY)
    reply.update(changes)
    return replica_summary(reply)


def test_three_sentinels_reporting_one_healthy_primary_agree():
    assert agreed_primary(CLUSTER, views()) == dict(host='127.0.0.1', port=7000)


@pytest.mark.parametrize('changes, words', [
    (({}, {'port': '7001'}), 'the Sentinels do not all agree on the primary of mymaster: the most reported, '
                             '127.0.0.1:7000, has 2 of 3 Sentinels'),
    (({}, {'port': '7001'}), '"127.0.0.1:26380": "127.0.0.1:7001"'),
    (({'flags': 'master,s_down'},), 'the primary is down or failing over (127.0.0.1:26379 flags it master,s_down)'),
    (({}, {}, {'failover-state': 'wait_promotion'}), 'the primary is down or failing over'),
])
def test_a_primary_in_doubt_refuses_the_switchover(changes, words):
    with pytest.raises(SwitchoverRefused) as refused:
        agreed_primary(CLUSTER, views(*changes))
    assert words in str(refused.value)
    assert 'nothing was changed' in str(refused.value)


def test_a_linked_recent_promotable_replica_can_be_promoted():
    assert replica_problems(replica(), replication_state(PRIMARY_INFO), max_lag=5) == []


def test_a_link_sentinel_has_not_seen_come_back_yet_does_not_refuse_a_replica_the_primary_lists_online():
    """Sentinel reads a replica's INFO every 10 s; the primary's list is the state now."""
    assert replica_problems(replica(**{'master-link-status': 'err'}), replication_state(PRIMARY_INFO),
                            max_lag=5) == []


@pytest.mark.parametrize('changes, info_changes, problem', [
    ({'slave-priority': '0'}, {}, 'its replica-priority is 0 (never promoted)'),
    ({'flags': 'slave,s_down,disconnected'}, {}, 'Sentinel flags it disconnected,s_down'),
    ({}, {'slave0': {'ip': '127.0.0.1', 'port': 7001, 'state': 'wait_bgsave', 'offset': 0, 'lag': 0}},
     'the primary reports it wait_bgsave'),
    ({}, {'slave0': {'ip': '127.0.0.1', 'port': 7001, 'state': 'online', 'offset': 52830, 'lag': 9}},
     'it acknowledged 9 s ago (max_lag 5)'),
    ({'port': '7003', 'name': '127.0.0.1:7003'}, {}, 'the primary does not list it among its replicas'),
])
def test_a_replica_that_should_not_be_promoted_says_why(changes, info_changes, problem):
    info = dict(PRIMARY_INFO)
    info.update(info_changes)
    assert problem in replica_problems(replica(**changes), replication_state(info), max_lag=5)


@pytest.mark.parametrize('priorities, runids, chosen', [
    # The lowest priority wins, whatever the run ids.
    ((100, 10), ('a1', 'ff'), 7002),
    # Equal priorities: the smaller run id, case-insensitively, as Sentinel's strcasecmp.
    ((100, 100), ('B2', 'a9'), 7002),
    ((100, 100), ('a9', 'B2'), 7001),
    # A replica that publishes no run id comes last.
    ((100, 100), (None, 'ff'), 7002),
])
def test_sentinel_choice_follows_sentinels_order(priorities, runids, chosen):
    replicas = [replica(port=str(port), name='127.0.0.1:%d' % port, runid=runid, **{'slave-priority': str(priority)})
                for port, priority, runid in zip((7001, 7002), priorities, runids)]
    assert sentinel_choice(replicas)['port'] == chosen


def test_info_refresh_is_read_from_sentinel_replicas():
    assert replica(**{'info-refresh': '4321'})['info_refresh'] == 4321


@pytest.mark.parametrize('info_refresh, delay', [
    # Just read: wait until INFO_PHASE after that read.
    (0, INFO_PHASE),
    (200, round(INFO_PHASE - 0.2, 3)),
    (int(INFO_PHASE * 1000), 0.0),
    # The moment has passed in this period: look again.
    (int(INFO_PHASE * 1000) + 1, None),
    (9000, None),
    # A Sentinel that does not report it: no wait.
    (None, 0.0),
])
def test_the_failover_starts_at_a_fixed_moment_after_sentinels_last_info_read(info_refresh, delay):
    assert info_phase_delay(info_refresh) == delay
