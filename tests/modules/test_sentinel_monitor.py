# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.sentinel_monitor against real redis-sentinel processes."""

import pytest
import redis

from tests.support.servers import PASSWORD, sentinel_lines, wait_until


def monitor_args(sentinel, primary, **extra):
    args = dict(login_port=sentinel.port, name='mymaster', primary_host='127.0.0.1', primary_port=primary.port,
                quorum=1, down_after_milliseconds=3000, failover_timeout=20000, parallel_syncs=1,
                auth_pass=PASSWORD)
    args.update(extra)
    return args


def monitored_names(sentinel):
    return [entry['name'] for entry in sentinel.client().sentinel_masters().values()]


def test_monitors_a_new_primary_then_reports_no_change(servers, primary_and_replica, run_module):
    primary, replica = primary_and_replica
    sentinel = servers(sentinel=True)

    first = run_module('sentinel_monitor', monitor_args(sentinel, primary))
    assert not first.failed, first.output
    assert first.changed
    assert first.result['commands'] == [
        'SENTINEL MONITOR mymaster 127.0.0.1 %d 1' % primary.port,
        'SENTINEL SET mymaster down-after-milliseconds 3000',
        'SENTINEL SET mymaster failover-timeout 20000',
        'SENTINEL SET mymaster parallel-syncs 1',
        'SENTINEL SET mymaster auth-pass ********',
    ]
    monitor = first.result['monitor']
    assert monitor['address'] == '127.0.0.1:%d' % primary.port
    assert (monitor['quorum'], monitor['down_after_milliseconds'], monitor['failover_timeout']) == (1, 3000, 20000)
    assert first.result['primary_moved'] is False
    # Sentinel persisted the monitor in its own file.
    assert 'sentinel monitor mymaster 127.0.0.1 %d 1' % primary.port in sentinel.config.read_text()
    # The auth-pass works: Sentinel can read INFO from the primary and so finds the replica.
    wait_until(lambda: [r['port'] for r in sentinel.client().sentinel_slaves('mymaster')] == [replica.port], 20,
               'Sentinel to discover the replica through the authenticated primary')

    second = run_module('sentinel_monitor', monitor_args(sentinel, primary))
    assert not second.failed, second.output
    assert not second.changed
    assert second.result['commands'] == []
    assert second.result['monitor']['num_slaves'] == 1


def test_check_mode_and_diff_change_nothing(servers, run_module):
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel=True)
    checked = run_module('sentinel_monitor', monitor_args(sentinel, primary), check=True, diff=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert checked.result['commands'][0] == 'SENTINEL MONITOR mymaster 127.0.0.1 %d 1' % primary.port
    assert checked.result['diff']['before'] == {}
    assert checked.result['diff']['after'] == dict(ip='127.0.0.1', port=primary.port, quorum=1,
                                                   down_after_milliseconds=3000, failover_timeout=20000,
                                                   parallel_syncs=1)
    assert checked.result['monitor'] == {}
    assert monitored_names(sentinel) == []


def test_sends_only_the_settings_that_differ(servers, run_module):
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, down_after=3000, password=PASSWORD), sentinel=True)
    changed = run_module('sentinel_monitor', monitor_args(sentinel, primary, quorum=2, parallel_syncs=2),
                         diff=True)
    assert not changed.failed, changed.output
    assert changed.result['commands'] == [
        'SENTINEL SET mymaster quorum 2',
        'SENTINEL SET mymaster failover-timeout 20000',
        'SENTINEL SET mymaster parallel-syncs 2',
    ]
    assert changed.result['diff']['before']['quorum'] == 1
    assert changed.result['diff']['after']['quorum'] == 2
    master = sentinel.client().sentinel_master('mymaster')
    assert (master['quorum'], master['parallel-syncs']) == (2, 2)
    # Settings are applied at runtime and persisted by Sentinel, with no restart.
    assert 'sentinel parallel-syncs mymaster 2' in sentinel.config.read_text()


def test_update_auth_always_resends_and_reports_changed(servers, run_module):
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, down_after=3000, password=PASSWORD), sentinel=True)
    args = monitor_args(sentinel, primary, failover_timeout=10000)
    on_create = run_module('sentinel_monitor', args)
    assert not on_create.changed, on_create.result['commands']
    always = run_module('sentinel_monitor', dict(args, update_auth='always', auth_user='default'))
    assert always.changed
    assert always.result['commands'] == ['SENTINEL SET mymaster auth-user default',
                                         'SENTINEL SET mymaster auth-pass ********']


def test_absent_removes_the_monitor(servers, run_module):
    primary = servers()
    sentinel = servers(sentinel_lines(primary), sentinel=True)
    removed = run_module('sentinel_monitor', dict(login_port=sentinel.port, name='mymaster', state='absent'),
                         diff=True)
    assert removed.changed
    assert removed.result['commands'] == ['SENTINEL REMOVE mymaster']
    assert removed.result['diff']['after'] == {}
    assert monitored_names(sentinel) == []
    again = run_module('sentinel_monitor', dict(login_port=sentinel.port, name='mymaster', state='absent'))
    assert not again.changed


@pytest.mark.parametrize('args, message', [
    (dict(name='my master'), "name 'my master' is not a valid Sentinel master name"),
    (dict(name='a/b'), "name 'a/b' is not a valid Sentinel master name"),
    (dict(quorum=0), 'quorum must be at least 1, got 0'),
    (dict(primary_host=None), 'set primary_host to start monitoring it'),
    (dict(quorum=None), 'set quorum to start monitoring it'),
    (dict(options={'quorum': 3}), 'options must not set quorum: use the quorum option'),
    (dict(options={'auth-pass': 'x'}), 'options must not set auth-pass: use the auth_pass option'),
    (dict(notification_script='notify.sh'), 'notification_script must be an absolute path'),
    (dict(down_after_milliseconds=0), 'down_after_milliseconds must be at least 1'),
    (dict(primary_port=0), 'primary_port must be between 1 and 65535'),
])
def test_invalid_input_is_refused_before_any_change(servers, run_module, args, message):
    primary = servers()
    sentinel = servers(sentinel=True)
    call = monitor_args(sentinel, primary)
    call.update(args)
    call = dict((key, value) for key, value in call.items() if value is not None)
    refused = run_module('sentinel_monitor', call)
    assert refused.failed
    assert message in refused.msg
    assert refused.result['commands'] == []
    assert monitored_names(sentinel) == []


def test_host_name_is_resolved_for_a_sentinel_that_does_not_resolve(servers, run_module):
    primary = servers()
    sentinel = servers(sentinel=True)
    created = run_module('sentinel_monitor', monitor_args(sentinel, primary, primary_host='localhost',
                                                          auth_pass=None))
    assert not created.failed, created.output
    assert created.result['commands'][0] == 'SENTINEL MONITOR mymaster 127.0.0.1 %d 1' % primary.port
    again = run_module('sentinel_monitor', monitor_args(sentinel, primary, primary_host='localhost',
                                                        auth_pass=None))
    assert not again.changed


def test_unreported_options_are_sent_on_create_only(servers, run_module):
    primary = servers()
    sentinel = servers(sentinel=True)
    args = monitor_args(sentinel, primary, auth_pass=None, options={'rename-command': ['CONFIG', 'XCONFIG']})
    created = run_module('sentinel_monitor', args)
    assert 'SENTINEL SET mymaster rename-command CONFIG XCONFIG' in created.result['commands']
    assert 'sentinel rename-command mymaster CONFIG XCONFIG' in sentinel.config.read_text()
    assert not run_module('sentinel_monitor', args).changed


def test_scripts_follow_sentinel_deny_scripts_reconfig(tmp_path, servers, run_module):
    script = tmp_path / 'notify.sh'
    script.write_text('#!/bin/sh\nexit 0\n')
    script.chmod(0o755)
    primary = servers()
    denying = servers(sentinel_lines(primary), sentinel=True)
    refused = run_module('sentinel_monitor', monitor_args(denying, primary, auth_pass=None,
                                                          notification_script=str(script)))
    assert refused.failed
    assert 'deny-scripts-reconfig' in refused.msg
    assert 'localhost:%d' % denying.port in refused.msg

    allowing = servers(sentinel_lines(primary) + ['sentinel deny-scripts-reconfig no'], sentinel=True)
    args = monitor_args(allowing, primary, auth_pass=None, failover_timeout=10000, down_after_milliseconds=2000,
                        notification_script=str(script))
    accepted = run_module('sentinel_monitor', args)
    assert not accepted.failed, accepted.output
    assert accepted.result['commands'] == ['SENTINEL SET mymaster notification-script %s' % script]
    assert accepted.result['monitor']['notification_script'] == str(script)
    assert not run_module('sentinel_monitor', args).changed


def fail_over(sentinel, replica):
    """A real failover with SENTINEL FAILOVER, waited for until the replica is the primary."""
    client = sentinel.client()
    wait_until(lambda: any(entry['port'] == replica.port and entry['master-link-status'] == 'ok'
                           and not entry['is_disconnected'] for entry in client.sentinel_slaves('mymaster')),
               30, 'Sentinel to see a healthy replica')

    def promoted():
        try:
            client.execute_command('SENTINEL', 'FAILOVER', 'mymaster')
        except redis.ResponseError as exc:
            # INPROG: a failover is already running; NOGOODSLAVE: Sentinel has not refreshed INFO yet.
            if 'INPROG' not in str(exc) and 'NOGOODSLAVE' not in str(exc):
                raise
        return client.sentinel_get_master_addr_by_name('mymaster')[1] == replica.port
    wait_until(promoted, 60, 'the failover to promote port %d' % replica.port)
    wait_until(lambda: replica.client().info('replication')['role'] == 'master', 30, 'the promoted replica')


def test_a_primary_moved_by_failover_is_left_where_sentinel_put_it(servers, primary_and_replica, run_module):
    primary, replica = primary_and_replica
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True)
    fail_over(sentinel, replica)

    args = monitor_args(sentinel, primary, down_after_milliseconds=2000, failover_timeout=10000)
    after_failover = run_module('sentinel_monitor', args, diff=True)
    assert not after_failover.failed, after_failover.output
    assert not after_failover.changed
    assert after_failover.result['primary_moved'] is True
    assert after_failover.result['monitor']['address'] == '127.0.0.1:%d' % replica.port
    assert after_failover.result['monitor']['config_epoch'] >= 1
    assert sentinel.client().sentinel_get_master_addr_by_name('mymaster')[1] == replica.port

    # Other settings still apply while the address stays where Sentinel put it.
    requorum = run_module('sentinel_monitor', dict(args, down_after_milliseconds=2500))
    assert requorum.result['commands'] == ['SENTINEL SET mymaster down-after-milliseconds 2500']
    assert requorum.result['primary_moved'] is True
    assert sentinel.client().sentinel_get_master_addr_by_name('mymaster')[1] == replica.port

    forced_check = run_module('sentinel_monitor', dict(args, force_primary=True), check=True)
    assert forced_check.changed
    assert forced_check.result['commands'][:2] == ['SENTINEL REMOVE mymaster',
                                                   'SENTINEL MONITOR mymaster 127.0.0.1 %d 1' % primary.port]
    assert sentinel.client().sentinel_get_master_addr_by_name('mymaster')[1] == replica.port

    forced = run_module('sentinel_monitor', dict(args, force_primary=True))
    assert forced.changed
    assert 'force_primary' in forced.output
    assert sentinel.client().sentinel_get_master_addr_by_name('mymaster')[1] == primary.port
