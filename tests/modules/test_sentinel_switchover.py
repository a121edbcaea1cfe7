# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.sentinel_switchover against a real primary, two replicas and
three Sentinels on loopback, while a client writes through Sentinel every
millisecond: planned moves lose no acknowledged write, a replica out of sync is
refused before anything changes, and a switchover that fails or is killed
leaves no pause behind."""

import json
import os
import signal
import subprocess
import time

import pytest
import redis

from tests.support.ha_cluster import NAME
from tests.support.paths import BIN
from tests.support.servers import PASSWORD, wait_until
from tests.support.writer import SentinelWriter


@pytest.fixture
def cluster(ha_cluster):
    return ha_cluster


def not_paused(server):
    """A write to server is answered at once: it is not paused (a paused one would keep it waiting)."""
    client = server.client(socket_timeout=0.5)
    try:
        client.set('pause-probe', '1')
    except redis.ReadOnlyError:
        pass
    return True


def test_five_switchovers_under_a_writer_lose_no_acknowledged_write(cluster, run_module):
    results = []
    with SentinelWriter([s.port for s in cluster.sentinels], PASSWORD) as writer:
        wait_until(lambda: len(writer.acknowledged) > 500, 30, 'the writer to write')
        for number in range(5):
            before = cluster.primary_port()
            writer.reset_gap()
            # Even runs name the replica with the higher port; on odd runs the module names Sentinel's own
            # choice (short_pause), and on the third Sentinel chooses during the failover.
            extra = {} if number % 2 else dict(to_host='127.0.0.1', to_port=cluster.replica_ports()[-1])
            short_pause = number != 3
            moved = run_module('sentinel_switchover', cluster.args(short_pause=short_pause, **extra), diff=True)
            assert not moved.failed, moved.output
            assert moved.changed
            after = cluster.primary_port()
            assert after != before
            assert moved.result['primary'] == dict(host='127.0.0.1', port=after)
            assert moved.result['previous_primary'] == dict(host='127.0.0.1', port=before)
            if extra:
                assert after == extra['to_port']
            # The failover started at the chosen moment of Sentinel's INFO reads, of the one candidate.
            assert moved.result['info_aligned'] is short_pause
            assert len(moved.result['candidates']) == (1 if short_pause else 2), moved.result['candidates']
            commands = moved.result['commands']
            assert '127.0.0.1:%d: CLIENT PAUSE 3000 WRITE' % before in commands
            # The last Sentinel fails over: the others, which clients ask first, learn the new primary from it.
            assert '127.0.0.1:%d: SENTINEL FAILOVER mymaster' % cluster.sentinels[-1].port in commands
            # The old primary follows the new one before its clients run again.
            assert commands.index('127.0.0.1:%d: REPLICAOF 127.0.0.1 %d' % (before, after)) < commands.index(
                '127.0.0.1:%d: CLIENT UNPAUSE' % before), commands
            # The old primary follows the new one at once, and takes no write.
            old = cluster.by_port(before).client().info('replication')
            assert (old['role'], old['master_port'], old['master_link_status']) == ('slave', after, 'up')
            assert not_paused(cluster.by_port(before))
            print(moved.result['steps'])
            wait_until(cluster.settled, 60, 'the Sentinels to settle after switchover %d' % (number + 1))
            results.append((moved.result['paused_seconds'], round(writer.longest_gap, 3)))
        time.sleep(0.5)
    primary = cluster.by_port(cluster.primary_port()).client()
    lost = writer.lost_on(primary)
    print('switchovers: %d acknowledged writes (%.0f/s), %d errors, lost %d, paused %s s, longest gaps %s s'
          % (len(writer.acknowledged), writer.rate(), writer.errors, len(lost),
             [paused for paused, _gap in results], [gap for _paused, gap in results]))
    assert lost == [], '%d acknowledged writes lost: %s...' % (len(lost), lost[:20])
    # Priorities are back everywhere (settled() checks Sentinel sees 100), and no pause is left.
    for server in cluster.data:
        assert server.client().config_get('replica-priority') == {'replica-priority': '100'}
        assert not_paused(server)


def test_a_replica_out_of_sync_is_refused_before_anything_changes(cluster, run_module):
    primary = cluster.primary_port()
    lagging = cluster.replica_ports()[0]
    client = cluster.by_port(lagging).client()
    # Its link breaks: it can no longer authenticate to the primary.
    client.config_set('masterauth', 'not-the-password')
    client.execute_command('CLIENT', 'KILL', 'TYPE', 'master')
    wait_until(lambda: client.info('replication')['master_link_status'] == 'down', 20, 'the link to break')
    wait_until(lambda: all(r['master-link-status'] == 'err' for r in cluster.sentinels[0].client().sentinel_slaves(NAME)
                           if r['port'] == lagging), 30, 'Sentinel to see the broken link')
    refused = run_module('sentinel_switchover', cluster.args(to_host='127.0.0.1', to_port=lagging))
    assert refused.failed
    assert 'cannot be promoted now' in refused.msg and 'the primary does not list it among its replicas' in refused.msg, refused.msg
    assert 'nothing was changed' in refused.msg
    assert refused.result['commands'] == []
    assert cluster.primary_port() == primary
    # Sentinel's choice skips it.
    other = [port for port in cluster.replica_ports() if port != lagging][0]
    checked = run_module('sentinel_switchover', cluster.args(), check=True, diff=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert cluster.primary_port() == primary
    assert checked.result['candidates'] == ['127.0.0.1:%d' % other]
    assert checked.result['diff']['after']['primary'] == '127.0.0.1:%d' % other
    # Left to choose during the failover, Sentinel has that one candidate too.
    free = run_module('sentinel_switchover', cluster.args(short_pause=False), check=True, diff=True)
    assert free.result['candidates'] == ['127.0.0.1:%d' % other], free.result
    assert free.result['diff']['after']['primary'] == '127.0.0.1:%d' % other
    client.config_set('masterauth', PASSWORD)


def test_a_priority_sentinel_has_not_read_yet_is_waited_for_and_decides_the_choice(cluster, run_module):
    """Sentinel elects by the priorities it read (every 10 s): the module waits until it sees the one just set."""
    wait_until(cluster.settled, 60, 'the cluster to settle')
    primary = cluster.primary_port()
    # The replica that Sentinel's tie-break (the smaller run id) would not choose gets the better priority.
    run_ids = {port: cluster.by_port(port).client().info('server')['run_id'] for port in cluster.replica_ports()}
    favoured = max(run_ids, key=run_ids.get)
    cluster.by_port(favoured).client().config_set('replica-priority', 42)
    try:
        moved = run_module('sentinel_switchover', cluster.args())
        assert not moved.failed, moved.output
        assert moved.result['candidates'] == ['127.0.0.1:%d' % favoured]
        assert cluster.primary_port() == favoured != primary
    finally:
        cluster.by_port(favoured).client().config_set('replica-priority', 100)
    wait_until(cluster.settled, 60, 'the cluster to settle after the switchover')


def test_the_primary_as_target_changes_nothing(cluster, run_module):
    primary = cluster.primary_port()
    same = run_module('sentinel_switchover', cluster.args(to_host='localhost', to_port=primary))
    assert not same.failed, same.output
    assert not same.changed
    assert same.result['commands'] == []


def module_processes():
    """The pids of the running sentinel_switchover modules (AnsiballZ wrappers and their payloads)."""
    pids = []
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as handle:
                command = handle.read()
        except OSError:
            continue
        if b'AnsiballZ_sentinel_switchover' in command:
            pids.append(int(entry))
    return pids


def _stalled_candidate(cluster):
    """Both replicas stop applying what the primary sends (a write pause of their own), so that no candidate can
    reach the primary's offset while a writer writes."""
    for port in cluster.replica_ports():
        cluster.by_port(port).client().execute_command('CLIENT', 'PAUSE', 60000, 'WRITE')


def _release(cluster):
    for server in cluster.data:
        server.client().execute_command('CLIENT', 'UNPAUSE')


def test_a_candidate_that_cannot_catch_up_ends_the_pause_and_moves_nothing(cluster, run_module):
    primary = cluster.primary_port()
    with SentinelWriter([s.port for s in cluster.sentinels], PASSWORD) as writer:
        wait_until(lambda: len(writer.acknowledged) > 200, 30, 'the writer to write')
        _stalled_candidate(cluster)
        try:
            failed = run_module('sentinel_switchover', cluster.args(catch_up_timeout=2))
        finally:
            _release(cluster)
        count = len(writer.acknowledged)
        wait_until(lambda: len(writer.acknowledged) > count + 100, 10, 'writes to go on')
    assert failed.failed
    assert 'reaching the offset of the paused primary did not happen in time' in failed.msg, failed.msg
    assert 'No failover was started; the pause was lifted' in failed.msg
    commands = failed.result['commands']
    unpause = commands.index('127.0.0.1:%d: CLIENT UNPAUSE' % primary)
    # After it, only the priorities of the replica kept out of the election are restored.
    assert all(': CONFIG SET replica-priority 100' in c or c.endswith(': CONFIG REWRITE')
               for c in commands[unpause + 1:]), commands
    assert cluster.primary_port() == primary
    assert not_paused(cluster.by_port(primary))


def test_a_killed_switchover_leaves_no_pause_behind(cluster, tmp_path, ansible_env):
    primary = cluster.primary_port()
    playbook = tmp_path / 'switchover.yml'
    playbook.write_text(json.dumps([{
        'hosts': 'localhost', 'gather_facts': False,
        'tasks': [{'redisops.sentinel.sentinel_switchover': cluster.args(pause_timeout=1000, catch_up_timeout=60)}],
    }]))
    with SentinelWriter([s.port for s in cluster.sentinels], PASSWORD) as writer:
        wait_until(lambda: len(writer.acknowledged) > 200, 30, 'the writer to write')
        _stalled_candidate(cluster)
        try:
            process = subprocess.Popen([str(BIN / 'ansible-playbook'), str(playbook)], env=ansible_env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            # Killed while writes are paused on the primary, waiting for a candidate.
            wait_until(lambda: time.monotonic() - writer.last_ack > 0.5 and module_processes(), 30,
                       'the switchover to pause writes')
            count = len(writer.acknowledged)
            # The module itself: ansible runs it in a session of its own, which killing the playbook's spares.
            for pid in module_processes():
                os.kill(pid, signal.SIGKILL)
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
            killed = time.monotonic()
            wait_until(lambda: len(writer.acknowledged) > count, 10, 'writes to go on after the kill')
            resumed_after = time.monotonic() - killed
        finally:
            _release(cluster)
    print('killed switchover: writes resumed %.3f s after the kill (pause_timeout 1 s)' % resumed_after)
    assert cluster.primary_port() == primary
    # No process is left to restore the replica kept out of the election: it keeps replica-priority 0 at runtime
    # until the role's next run restores it (redis_replica_priority; test_local_default shows that repair).
    kept_out = [port for port in cluster.replica_ports()
                if cluster.by_port(port).client().config_get('replica-priority') == {'replica-priority': '0'}]
    assert len(kept_out) == 1, kept_out
    cluster.by_port(kept_out[0]).client().config_set('replica-priority', 100)
    wait_until(cluster.settled, 60, 'the cluster to be healthy')
    assert not_paused(cluster.by_port(primary))
