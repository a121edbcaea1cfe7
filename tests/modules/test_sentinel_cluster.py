# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.sentinel_cluster against a real primary, two replicas and
three Sentinels on loopback: the view names the inventory host of the primary,
a requirement that does not hold fails at once with its reason, a wait follows
a real failover, a wait that times out carries the last view, and check mode
waits for nothing."""

import time

from tests.support.ha_cluster import NAME
from tests.support.servers import PASSWORD, wait_until


def cluster_args(cluster, **extra):
    args = dict(name=NAME, login_password=PASSWORD, data_login_password=PASSWORD, connect_timeout=2,
                sentinels=[dict(host='127.0.0.1', port=s.port, name='node-%d' % i)
                           for i, s in enumerate(cluster.sentinels, 1)],
                instances=[dict(host='127.0.0.1', port=d.port, name='db-%d' % d.port) for d in cluster.data])
    args.update(extra)
    return args


EVERYTHING = ['sentinels_reachable', 'majority', 'unanimous', 'ckquorum', 'sentinels_know_each_other',
              'primary_known', 'primary_in_inventory', 'primary_healthy', 'promotable_replica',
              'instances_reachable', 'replicas_follow', 'replicas_linked', 'sentinels_see_replicas']


def test_a_healthy_cluster_meets_every_requirement_and_names_its_primary(ha_cluster, run_module):
    primary = ha_cluster.primary_port()
    run = run_module('sentinel_cluster', cluster_args(ha_cluster, require=EVERYTHING))
    assert not run.failed and not run.changed, run.output
    result = run.result
    assert result['primary'] == dict(name='db-%d' % primary, host='127.0.0.1', port=primary,
                                     address='127.0.0.1:%d' % primary, in_inventory=True, source='sentinel')
    assert result['agreement']['unanimous'] and result['agreement']['ckquorum_ok'] == 3
    assert sorted(result['linked_replicas']) == sorted('db-%d' % p for p in ha_cluster.replica_ports())
    assert result['problems'] == [] and all(result['conditions'][c] for c in EVERYTHING)
    assert result['master']['quorum'] == 2 and result['master']['down_after_milliseconds'] == 5000
    assert all(i['version'] and i['executable'] and i['process_id'] for i in result['instances'])
    assert result['summary'] == ('mymaster: the primary is db-%d (127.0.0.1:%d); 3 of 3 Sentinels report it, '
                                 '3 answer OK to CKQUORUM; 2 of 2 replicas linked' % (primary, primary))
    assert any(line.split()[:3] == ['db-%d' % primary, '127.0.0.1:%d' % primary, 'primary']
               for line in result['table'])
    assert '127.0.0.1:%d: INFO replication' % primary in result['commands']
    assert PASSWORD not in run.output


def test_an_unmet_requirement_fails_at_once_naming_what_is_wrong(ha_cluster, run_module):
    replica = ha_cluster.by_port(ha_cluster.replica_ports()[0])
    replica.kill()
    started = time.monotonic()
    run = run_module('sentinel_cluster', cluster_args(ha_cluster, require=['unanimous', 'replicas_linked'],
                                                      timeout=60))
    assert run.failed
    assert time.monotonic() - started < 30
    assert ('not every data instance is a linked replica of 127.0.0.1:%d: db-%d (127.0.0.1:%d): no answer'
            % (ha_cluster.primary_port(), replica.port, replica.port)) in run.msg, run.msg
    # The last view comes with the failure.
    down = [i for i in run.result['instances'] if not i['reachable']]
    assert [i['port'] for i in down] == [replica.port]
    assert PASSWORD not in run.output


def test_a_wait_follows_a_real_failover_and_check_mode_waits_for_nothing(ha_cluster, run_module):
    old = ha_cluster.primary_port()
    former = dict(host='127.0.0.1', port=old)
    checked = run_module('sentinel_cluster', cluster_args(ha_cluster, not_primary=former,
                                                          wait_for=['primary_is_not']), check=True)
    assert not checked.failed and checked.result['waited'] < 5, checked.output
    assert checked.result['conditions']['primary_is_not'] is False
    assert checked.result['problems'] == ['the primary is still 127.0.0.1:%d' % old]

    ha_cluster.sentinels[0].client().execute_command('SENTINEL', 'FAILOVER', NAME)
    moved = run_module('sentinel_cluster', cluster_args(
        ha_cluster, not_primary=former, wait_for=['unanimous', 'primary_is_not', 'ckquorum'], timeout=60))
    assert not moved.failed, moved.msg
    new = moved.result['primary']
    assert new['port'] != old and new['port'] in [d.port for d in ha_cluster.data]
    assert moved.result['agreement']['unanimous']
    wait_until(lambda: ha_cluster.primary_port() == new['port'], 5, 'every Sentinel to report the new primary')


def test_a_wait_that_times_out_carries_the_last_view(ha_cluster, run_module):
    primary = ha_cluster.primary_port()
    elsewhere = dict(host='127.0.0.1', port=ha_cluster.replica_ports()[0])
    started = time.monotonic()
    run = run_module('sentinel_cluster', cluster_args(ha_cluster, primary=elsewhere, wait_for=['primary_is'],
                                                      timeout=3, interval=0.5))
    took = time.monotonic() - started
    assert run.failed and 3 <= took < 60
    assert run.msg == ('Waited 3 s for the cluster of mymaster; on the last look: the primary is 127.0.0.1:%d, '
                       'not 127.0.0.1:%d' % (primary, elsewhere['port'])), run.msg
    assert run.result['primary']['port'] == primary and run.result['waited'] >= 3


def test_bad_input_is_refused_naming_the_option(run_module):
    run = run_module('sentinel_cluster', dict(name='mymaster', wait_for=['primary_is', 'replicas_linked'],
                                              login_password=PASSWORD))
    assert run.failed
    assert 'primary_is needs primary' in run.msg and 'replicas_linked needs the data instances' in run.msg
    assert PASSWORD not in run.output


def test_a_primary_it_returned_can_be_given_back_as_it_is(ha_cluster, run_module):
    first = run_module('sentinel_cluster', cluster_args(ha_cluster))
    assert not first.failed, first.msg
    again = run_module('sentinel_cluster', cluster_args(ha_cluster, primary=first.result['primary'],
                                                        require=['primary_is']))
    assert not again.failed and again.result['conditions']['primary_is'], again.msg
    bad = run_module('sentinel_cluster', cluster_args(ha_cluster, not_primary={'name': 'db1'},
                                                      wait_for=['primary_is_not']))
    assert bad.failed and 'not_primary must be a dict with host and port' in bad.msg, bad.msg
