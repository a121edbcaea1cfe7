# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host that runs only a Sentinel, and re-runs of site.yml while no Sentinel answers.

The cluster (tests/support/loopback_cluster.py): node-1 and node-2 each run a
data instance (7600, 7601) and a Sentinel (26600, 26601); node-3 runs only a
Sentinel (26602), as in the common layout of 2 data nodes and 3 Sentinels.

With every Sentinel stopped, the roles must not take the inventory's bootstrap
primary for the primary: Sentinel may have moved it. They follow the primary
that the replicas follow, fail with what each instance answered when there is
none, and never restart a primary with replicas without a failover first.
A changed Sentinel setting reaches every Sentinel at runtime, with no restart.
Two Sentinel-only hosts join the three running Sentinels one at a time, as the
Sentinel docs say, and leave again with remove.yml (3 -> 5 -> 3 Sentinels, the
quorum following).
"""

import json
import re
from pathlib import Path

import pytest
import yaml

from tests.support.local_default import port_in_use
from tests.support.loopback_cluster import MASTER, loopback_cluster
from tests.support.paths import REPO
from tests.support.servers import wait_until

DATA = {'node-1': 7600, 'node-2': 7601}
SENTINELS = {'node-1': 26600, 'node-2': 26601, 'node-3': 26602}
BOOTSTRAP = 7600
# Two more Sentinel-only hosts, in an inventory of their own given beside the cluster's.
MORE_SENTINELS = {'node-4': 26603, 'node-5': 26604}


@pytest.fixture(scope='module')
def cluster(collections_path, source_vars, build_artifacts, tmp_path_factory):
    with loopback_cluster('sentinel-only', DATA, SENTINELS, collections_path, source_vars, build_artifacts,
                          tmp_path_factory.mktemp('sentinel-only')) as deployed:
        yield deployed


def stop_sentinels(cluster):
    for port in cluster.sentinel_ports:
        cluster.control('sentinel', port, 'stop')


def start_sentinels(cluster):
    for port in cluster.sentinel_ports:
        cluster.control('sentinel', port, 'start')


def failover_away_from_bootstrap(cluster):
    """SENTINEL FAILOVER until the primary is not the bootstrap one; the new primary's port."""
    if cluster.healthy_primary_port() == BOOTSTRAP:
        cluster.sentinel(cluster.sentinel_ports[0]).execute_command('SENTINEL', 'FAILOVER', MASTER)
        wait_until(lambda: cluster.agreed_primary_port() not in (None, BOOTSTRAP), 60,
                   'the Sentinels to agree on the replica SENTINEL FAILOVER promoted')
    primary = cluster.healthy_primary_port()
    assert primary != BOOTSTRAP
    return primary


def test_a_sentinel_only_host_is_deployed_and_counted(cluster):
    assert cluster.first_run.returncode == 0, cluster.first_run.explain()
    assert cluster.healthy_primary_port() == BOOTSTRAP
    only_sentinel = cluster.sentinel(SENTINELS['node-3'])
    assert only_sentinel.execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER) == ['127.0.0.1', str(BOOTSTRAP)]
    for port in cluster.sentinel_ports:
        assert cluster.sentinel(port).execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith(
            'OK 3 usable Sentinels')
    # node-3 is in group sentinel only: no data instance there.
    assert not any(task.endswith('| redis_6379') for task, _host, _status in cluster.first_run.results)

    again = cluster.site()
    assert again.returncode == 0, again.explain()
    assert again.recap and all(counters['changed'] == 0 for counters in again.recap.values()), again.explain()


def test_with_every_sentinel_stopped_a_rerun_keeps_the_primary_sentinel_chose(cluster):
    primary = failover_away_from_bootstrap(cluster)
    stop_sentinels(cluster)

    rerun = cluster.site()
    assert rerun.returncode == 0, rerun.explain()
    # No Sentinel answers: the replicas' primary is kept, and the bootstrap primary follows it.
    assert rerun.ran(r'Follow the primary \| 127\.0\.0\.1:%d' % primary), rerun.explain()
    assert not rerun.ran(r'Make the bootstrap primary a primary'), rerun.explain()
    # The role started the Sentinels again; they and the instances still name the same primary.
    assert cluster.healthy_primary_port() == primary
    assert cluster.replication(BOOTSTRAP)[:2] == ('slave', primary)


def test_with_every_sentinel_stopped_and_the_primary_down_a_rerun_fails_without_a_change(cluster):
    primary = cluster.healthy_primary_port()
    replica = next(port for port in cluster.data_ports if port != primary)
    stop_sentinels(cluster)
    cluster.control('redis', primary, 'stop')
    try:
        refused = cluster.site()
        assert refused.returncode != 0
        assert 'No Sentinel answered about mymaster' in refused.output, refused.explain()
        assert 'replica of 127.0.0.1:%d' % primary in refused.output, refused.explain()
        assert all(counters['changed'] == 0 for counters in refused.recap.values()), refused.explain()
        assert cluster.password not in refused.output
        assert cluster.replication(replica)[:2] == ('slave', primary)
    finally:
        cluster.control('redis', primary, 'start')
        start_sentinels(cluster)
    assert cluster.healthy_primary_port() == primary


def test_a_setting_that_needs_a_restart_waits_for_the_sentinels_to_restart_the_primary(cluster):
    primary = cluster.healthy_primary_port()
    replica = next(port for port in cluster.data_ports if port != primary)
    run_ids = cluster.run_ids()
    restart_setting = json.dumps({'redis_config': {'databases': 32}})
    stop_sentinels(cluster)
    try:
        refused = cluster.site('-e', restart_setting)
        assert refused.returncode != 0
        assert 'is the primary and needs a restart' in refused.output, refused.explain()
        assert 'Nothing was restarted' in refused.output
        assert cluster.run_ids() == run_ids
        assert cluster.replication(replica)[:2] == ('slave', primary)
    finally:
        start_sentinels(cluster)
    assert cluster.healthy_primary_port() == primary

    # With the Sentinels back, the same run restarts the replica, fails over, then restarts the old primary.
    applied = cluster.site('-e', restart_setting)
    assert applied.returncode == 0, applied.explain()
    assert applied.ran(r'Move the primary role away through Sentinel'), applied.explain()
    new_primary = cluster.healthy_primary_port()
    assert new_primary != primary
    assert all(run_id != run_ids[port] for port, run_id in cluster.run_ids().items())
    for port in cluster.data_ports:
        assert cluster.data(port).config_get('databases')['databases'] == '32'


def test_a_sentinel_setting_changes_at_runtime_on_every_sentinel_without_a_restart(cluster):
    primary = cluster.healthy_primary_port()
    identities = {port: (cluster.sentinel(port).execute_command('SENTINEL', 'MYID'),
                         cluster.sentinel(port).info('server')['run_id']) for port in cluster.sentinel_ports}
    settings = json.dumps({'sentinel_down_after_milliseconds': 4000, 'sentinel_parallel_syncs': 2})

    changed = cluster.site('-e', settings)
    assert changed.returncode == 0, changed.explain()
    assert not changed.ran(r'Restart the Sentinel with'), changed.explain()
    for port in cluster.sentinel_ports:
        client = cluster.sentinel(port)
        master = dict(zip(*[iter(client.execute_command('SENTINEL', 'MASTER', MASTER))] * 2))
        assert (master['down-after-milliseconds'], master['parallel-syncs']) == ('4000', '2'), (port, master)
        # The same process with the same identity: changed at runtime, not by a restart or a new config.
        assert (client.execute_command('SENTINEL', 'MYID'), client.info('server')['run_id']) == identities[port]
        written = Path('/etc/redis/sentinel_%d.conf' % port).read_text()
        assert re.search(r'^sentinel down-after-milliseconds %s 4000$' % MASTER, written, re.M), written
    assert cluster.healthy_primary_port() == primary

    again = cluster.site('-e', settings)
    assert again.returncode == 0, again.explain()
    assert all(counters['changed'] == 0 for counters in again.recap.values()), again.explain()


def sentinel_master(cluster, port):
    return dict(zip(*[iter(cluster.sentinel(port).execute_command('SENTINEL', 'MASTER', MASTER))] * 2))


def test_two_new_sentinels_join_one_at_a_time_and_leave_again(cluster, tmp_path):
    primary = cluster.healthy_primary_port()
    running = {port: cluster.sentinel(port).info('server')['run_id'] for port in cluster.sentinel_ports}
    more = tmp_path / 'more-sentinels.yml'
    more.write_text(yaml.safe_dump({'sentinel': {'hosts': {host: {'sentinel_port': port}
                                                           for host, port in MORE_SENTINELS.items()}}}))
    five = ('-i', str(more), '-e', '@%s' % cluster.source_vars, '-e', json.dumps({'sentinel_quorum': 3}))

    try:
        grown_and_shrunk(cluster, more, five, primary, running)
    finally:
        # Whatever failed, the two hosts go: the module's teardown knows only the cluster's inventory.
        cluster.playbook(REPO / 'playbooks' / 'remove.yml', '-i', str(more), '-e', 'redisops_remove_confirm=yes',
                         '--limit', ','.join(MORE_SENTINELS))


def grown_and_shrunk(cluster, more, five, primary, running):
    grown = cluster.playbook(REPO / 'site.yml', *five)
    assert grown.returncode == 0, grown.explain()
    # node-4 starts alone, every Sentinel counts it, and only then node-5.
    steps = ['Start the new Sentinel | node-4', 'Wait until every Sentinel counts the new one | node-4',
             'Start the new Sentinel | node-5', 'Wait until every Sentinel counts the new one | node-5']
    # (The waits are the role's own tasks: their titles start with the role's name.)
    positions = [grown.stdout.find('%s] ***' % step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), (positions, grown.explain())
    ports = cluster.sentinel_ports + tuple(MORE_SENTINELS.values())
    for port in ports:
        master = sentinel_master(cluster, port)
        assert (master['port'], master['num-other-sentinels'], master['quorum']) == (str(primary), '4', '3'), master
        assert cluster.sentinel(port).execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith(
            'OK 5 usable Sentinels')
    # The Sentinels that ran were not restarted: they learned the new ones.
    assert {port: cluster.sentinel(port).info('server')['run_id'] for port in cluster.sentinel_ports} == running
    again = cluster.playbook(REPO / 'site.yml', *five)
    assert again.returncode == 0 and all(c['changed'] == 0 for c in again.recap.values()), again.explain()

    removed = cluster.playbook(REPO / 'playbooks' / 'remove.yml', '-i', str(more), '-e', 'redisops_remove_confirm=yes',
                               '--limit', ','.join(MORE_SENTINELS))
    assert removed.returncode == 0, removed.explain()
    assert not [port for port in MORE_SENTINELS.values() if port_in_use(port)]
    # The build and the kernel settings stay: the machine's other instances still run.
    assert not removed.ran(r'Take the kernel settings back'), removed.explain()
    assert not removed.ran(r'Remove the installed builds'), removed.explain()
    back = cluster.site()
    assert back.returncode == 0, back.explain()
    for port in cluster.sentinel_ports:
        master = sentinel_master(cluster, port)
        assert (master['port'], master['num-other-sentinels'], master['quorum']) == (str(primary), '2', '2'), master
        assert cluster.sentinel(port).execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith(
            'OK 3 usable Sentinels')
    assert cluster.healthy_primary_port() == primary
