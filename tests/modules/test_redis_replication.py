# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.redis_replication against real redis-server processes."""

import subprocess

import redis

from tests.support.servers import PASSWORD, binary, free_port, wait_until


def replica_args(instance, primary_port, **extra):
    args = dict(login_port=instance.port, login_password=PASSWORD, primary_host='127.0.0.1',
                primary_port=primary_port, primary_auth=PASSWORD, sync_timeout=20)
    args.update(extra)
    return args


def commands_to_follow(primary_port):
    """What a new replica is sent: credentials first, so that its first sync can log in."""
    return ['CONFIG SET masterauth ********', 'REPLICAOF 127.0.0.1 %d' % primary_port, 'CONFIG REWRITE']


def test_makes_a_replica_then_reports_no_change(servers, run_module):
    primary = servers(password=PASSWORD)
    instance = servers(password=PASSWORD)
    primary.client().set('seen-by-replica', 'yes')

    first = run_module('redis_replication', replica_args(instance, primary.port))
    assert not first.failed, first.output
    assert first.changed
    assert first.result['commands'] == commands_to_follow(primary.port)
    assert first.result['persisted'] is True
    state = first.result['replication']
    assert state['role'] == 'replica'
    assert state['primary_port'] == primary.port
    assert state['link_status'] == 'up'
    assert state['sync_in_progress'] is False
    assert instance.client().get('seen-by-replica') == 'yes'
    assert 'replicaof 127.0.0.1 %d' % primary.port in instance.config.read_text()

    second = run_module('redis_replication', replica_args(instance, primary.port))
    assert not second.failed, second.output
    assert not second.changed
    assert second.result['commands'] == []

    primary_view = run_module('redis_replication', dict(login_port=primary.port, login_password=PASSWORD,
                                                        role='primary'))
    assert not primary_view.changed
    replicas = primary_view.result['replication']['replicas']
    assert [(r['port'], r['state']) for r in replicas] == [(instance.port, 'online')]
    assert primary_view.result['replication']['connected_replicas'] == 1


def test_host_names_and_addresses_of_the_same_primary_are_equal(primary_and_replica, run_module):
    primary, replica = primary_and_replica
    by_name = run_module('redis_replication', replica_args(replica, primary.port, primary_host='localhost'))
    assert not by_name.failed, by_name.output
    assert not by_name.changed
    assert by_name.result['replication']['primary_host'] == '127.0.0.1'


def test_check_mode_reports_the_change_and_makes_none(servers, run_module):
    primary = servers(password=PASSWORD)
    instance = servers(password=PASSWORD)
    checked = run_module('redis_replication', replica_args(instance, primary.port), check=True, diff=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert checked.result['commands'] == commands_to_follow(primary.port)
    assert checked.result['diff']['before']['role'] == 'primary'
    assert checked.result['diff']['after'] == dict(role='replica', primary_host='127.0.0.1',
                                                   primary_port=primary.port, primary_auth='(new value, hidden)')
    assert instance.client().info('replication')['role'] == 'master'
    assert instance.client().config_get('masterauth')['masterauth'] == ''
    assert 'replicaof' not in instance.config.read_text()


def test_diff_shows_the_move_to_another_primary(servers, primary_and_replica, run_module):
    primary, replica = primary_and_replica
    other = servers(['masterauth %s' % PASSWORD], password=PASSWORD)
    moved = run_module('redis_replication', replica_args(replica, other.port), diff=True)
    assert not moved.failed, moved.output
    assert moved.result['diff'] == dict(
        before=dict(role='replica', primary_host='127.0.0.1', primary_port=primary.port),
        after=dict(role='replica', primary_host='127.0.0.1', primary_port=other.port))
    assert moved.result['commands'] == ['REPLICAOF 127.0.0.1 %d' % other.port, 'CONFIG REWRITE']
    assert replica.client().info('replication')['master_port'] == other.port


def test_promotes_a_replica_to_primary(primary_and_replica, run_module):
    primary, replica = primary_and_replica
    promoted = run_module('redis_replication', dict(login_port=replica.port, login_password=PASSWORD,
                                                    role='master'), diff=True)
    assert not promoted.failed, promoted.output
    assert promoted.changed
    assert promoted.result['commands'] == ['REPLICAOF NO ONE', 'CONFIG REWRITE']
    assert promoted.result['replication']['role'] == 'primary'
    assert promoted.result['diff']['after'] == dict(role='primary', primary_host=None, primary_port=None)
    assert replica.client().info('replication')['role'] == 'master'
    again = run_module('redis_replication', dict(login_port=replica.port, login_password=PASSWORD, role='primary'))
    assert not again.changed


def test_refuses_to_make_an_instance_a_replica_of_itself(servers, run_module):
    instance = servers(password=PASSWORD)
    for host in ('127.0.0.1', 'localhost'):
        refused = run_module('redis_replication', dict(login_port=instance.port, login_password=PASSWORD,
                                                       primary_host=host, primary_port=instance.port))
        assert refused.failed
        assert 'replica of itself' in refused.msg
        assert refused.result['commands'] == []
    assert instance.client().info('replication')['role'] == 'master'


def test_replica_without_primary_host_is_refused(servers, run_module):
    instance = servers(password=PASSWORD)
    refused = run_module('redis_replication', dict(login_port=instance.port, login_password=PASSWORD))
    assert refused.failed
    assert 'primary_host' in refused.msg


def test_bad_ports_and_timeouts_are_refused_before_connecting(run_module):
    refused = run_module('redis_replication', dict(login_port=70000, primary_host='127.0.0.1', primary_port=0,
                                                   sync_timeout=0))
    assert refused.failed
    assert 'login_port must be between 1 and 65535' in refused.msg
    assert 'primary_port must be between 1 and 65535' in refused.msg
    assert 'sync_timeout must be at least 1' in refused.msg


def test_sync_timeout_fails_with_the_last_state(servers, run_module):
    instance = servers(password=PASSWORD)
    # Nothing listens on this port: the link can never come up.
    absent_port = free_port()
    timed_out = run_module('redis_replication', replica_args(instance, absent_port, sync_timeout=2))
    assert timed_out.failed
    assert 'did not finish synchronising with 127.0.0.1:%d within 2 s' % absent_port in timed_out.msg
    assert 'link_status=down' in timed_out.msg
    assert timed_out.result['replication']['role'] == 'replica'
    assert timed_out.result['commands'][1] == 'REPLICAOF 127.0.0.1 %d' % absent_port


def test_changed_masterauth_is_applied_and_hidden(primary_and_replica, run_module):
    primary, replica = primary_and_replica
    new_secret = 'another-secret-5d2e'
    changed = run_module('redis_replication', replica_args(replica, primary.port, primary_auth=new_secret,
                                                           wait_for_sync=False), diff=True)
    assert not changed.failed, changed.output
    assert changed.result['commands'] == ['CONFIG SET masterauth ********', 'CONFIG REWRITE']
    assert new_secret not in changed.output
    assert replica.client().config_get('masterauth')['masterauth'] == new_secret
    restored = run_module('redis_replication', replica_args(replica, primary.port))
    assert restored.changed
    wait_until(lambda: replica.client().info('replication')['master_link_status'] == 'up', 20, 'relink')


def test_a_server_without_config_file_changes_but_warns(tmp_path, run_module):
    primary_port, instance_port = free_port(), free_port()
    processes = [subprocess.Popen([binary('redis-server'), '--port', str(port), '--bind', '127.0.0.1',
                                   '--save', '', '--repl-diskless-sync-delay', '0', '--dir', str(tmp_path)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                 for port in (primary_port, instance_port)]
    try:
        wait_until(lambda: redis.Redis(port=instance_port).ping() and redis.Redis(port=primary_port).ping(),
                   10, 'servers without config file')
        result = run_module('redis_replication', dict(login_port=instance_port, primary_host='127.0.0.1',
                                                      primary_port=primary_port))
        assert not result.failed, result.output
        assert result.changed
        assert result.result['persisted'] is False
        assert 'runs without a config file' in result.output
    finally:
        for process in processes:
            process.kill()
            process.wait()
