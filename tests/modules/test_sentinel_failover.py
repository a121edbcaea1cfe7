# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.sentinel_failover against a real primary, replica and Sentinel."""

import subprocess
import time

import pytest

from tests.support.paths import BIN
from tests.support.servers import PASSWORD, free_port, sentinel_lines, wait_until


def replica_ready(sentinel, replica_port):
    replicas = sentinel.client().sentinel_slaves('mymaster')
    return [(entry['port'], entry['master-link-status'], 's_down' in entry['flags']) for entry in replicas] == [
        (replica_port, 'ok', False)]


@pytest.fixture
def cluster(servers, primary_and_replica):
    """A primary, its replica and one Sentinel (quorum 1) that knows both."""
    primary, replica = primary_and_replica
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True)
    wait_until(lambda: replica_ready(sentinel, replica.port), 30, 'Sentinel to discover the replica')
    return primary, replica, sentinel


def sentinel_primary(sentinel):
    master = sentinel.client().sentinel_master('mymaster')
    return master['ip'], master['port']


def failover_args(sentinel, **extra):
    args = dict(login_port=sentinel.port, name='mymaster', timeout=60)
    args.update(extra)
    return args


def test_failover_moves_the_primary_once(cluster, run_module):
    primary, replica, sentinel = cluster
    from_old = dict(from_host='127.0.0.1', from_port=primary.port)
    moved = run_module('sentinel_failover', failover_args(sentinel, **from_old), diff=True)
    assert not moved.failed, moved.output
    assert moved.changed
    assert moved.result['commands'] == ['SENTINEL FAILOVER mymaster']
    assert moved.result['previous_primary'] == dict(host='127.0.0.1', port=primary.port)
    assert moved.result['primary'] == dict(host='127.0.0.1', port=replica.port)
    assert moved.result['diff'] == dict(before=dict(primary='127.0.0.1:%d' % primary.port),
                                        after=dict(primary='127.0.0.1:%d' % replica.port))
    assert sentinel_primary(sentinel) == ('127.0.0.1', replica.port)
    master = sentinel.client().sentinel_master('mymaster')
    assert 'failover-state' not in master or master['failover-state'] == 'none'
    assert replica.client().info('replication')['role'] == 'master'

    # The same task again, from the old primary's point of view: nothing to do.
    again = run_module('sentinel_failover', failover_args(sentinel, **from_old))
    assert not again.failed, again.output
    assert not again.changed
    assert again.result['commands'] == []
    assert again.result['previous_primary'] == again.result['primary'] == dict(host='127.0.0.1', port=replica.port)
    # A host name of the same address is the same primary.
    by_name = run_module('sentinel_failover', failover_args(sentinel, from_host='localhost', from_port=primary.port))
    assert not by_name.changed
    assert sentinel_primary(sentinel) == ('127.0.0.1', replica.port)


def test_failover_without_from_address_and_without_waiting(cluster, run_module):
    primary, replica, sentinel = cluster
    started = run_module('sentinel_failover', failover_args(sentinel, wait=False))
    assert not started.failed, started.output
    assert started.changed
    assert started.result['commands'] == ['SENTINEL FAILOVER mymaster']
    assert started.result['previous_primary']['port'] == primary.port
    wait_until(lambda: sentinel_primary(sentinel) == ('127.0.0.1', replica.port), 30, 'the failover to finish')


def test_check_mode_sends_nothing(cluster, run_module):
    primary, _replica, sentinel = cluster
    epoch = sentinel.client().sentinel_master('mymaster')['config-epoch']
    checked = run_module('sentinel_failover', failover_args(sentinel, from_host='127.0.0.1', from_port=primary.port),
                         check=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert checked.result['commands'] == ['SENTINEL FAILOVER mymaster']
    assert checked.result['primary'] == dict(host='127.0.0.1', port=primary.port)
    time.sleep(1)
    assert sentinel_primary(sentinel) == ('127.0.0.1', primary.port)
    assert sentinel.client().sentinel_master('mymaster')['config-epoch'] == epoch
    assert primary.client().info('replication')['role'] == 'master'

    elsewhere = run_module('sentinel_failover', failover_args(sentinel, from_host='127.0.0.1', from_port=free_port()),
                           check=True)
    assert not elsewhere.changed
    assert elsewhere.result['commands'] == []


def test_a_primary_without_replica_fails_with_nogoodslave(servers, run_module):
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True)
    began = time.monotonic()
    refused = run_module('sentinel_failover', failover_args(sentinel, timeout=3))
    assert refused.failed
    assert time.monotonic() - began < 30
    assert refused.msg.startswith('Sentinel localhost:%d could not start a failover of mymaster within 3 s: '
                                  'NOGOODSLAVE' % sentinel.port), refused.msg
    assert refused.result['commands'] == []
    assert refused.result['primary'] == dict(host='127.0.0.1', port=primary.port)
    assert sentinel_primary(sentinel) == ('127.0.0.1', primary.port)


def test_unmonitored_name_is_a_clear_failure(servers, run_module):
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True)
    refused = run_module('sentinel_failover', dict(login_port=sentinel.port, name='othermaster'))
    assert refused.failed
    assert refused.msg == ('Sentinel localhost:%d does not monitor othermaster: nothing to fail over (see '
                           'redisops.sentinel.sentinel_monitor)' % sentinel.port)
    assert refused.result['commands'] == []


@pytest.mark.parametrize('args, message', [
    (dict(name='my master'), "name 'my master' is not a valid Sentinel master name"),
    (dict(name='mymaster', from_host='127.0.0.1'), 'parameters are required together: from_host, from_port'),
    (dict(name='mymaster', from_host='127.0.0.1', from_port=0), 'from_port must be between 1 and 65535'),
    (dict(name='mymaster', timeout=0), 'timeout must be at least 1 second'),
])
def test_bad_input_is_refused_before_connecting(run_module, args, message):
    refused = run_module('sentinel_failover', dict(args, login_port=free_port()))
    assert refused.failed
    assert message in refused.msg


def test_ansible_doc_renders(ansible_env):
    rendered = subprocess.run([str(BIN / 'ansible-doc'), 'redisops.sentinel.sentinel_failover'], env=ansible_env,
                              capture_output=True, text=True, check=False)
    assert rendered.returncode == 0, rendered.stderr
    for word in ('from_host', 'previous_primary', 'NOGOODSLAVE', 'default: 26379'):
        assert word in rendered.stdout
