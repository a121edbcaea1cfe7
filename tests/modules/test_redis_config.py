# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.redis_config against real redis-server processes."""

import subprocess

import pytest
import redis

from tests.support.paths import BIN
from tests.support.servers import PASSWORD, WRONG_PASSWORD, binary, free_port, wait_until


def config_args(server, settings=None, **extra):
    args = dict(login_port=server.port, login_password=PASSWORD, settings=settings or {})
    args.update(extra)
    return args


def config_get(server, name):
    return server.client().config_get(name)[name]


def run_id(server):
    return server.client().info('server')['run_id']


def restart(server):
    server.kill()
    server.start()


def test_maxmemory_is_applied_live_persisted_and_then_unchanged(servers, run_module):
    server = servers(password=PASSWORD)
    started = run_id(server)

    first = run_module('redis_config', config_args(server, dict(maxmemory='100mb')))
    assert not first.failed, first.output
    assert first.changed
    assert first.result['commands'] == ['CONFIG SET maxmemory 100mb', 'CONFIG REWRITE']
    assert first.result['settings'] == dict(maxmemory='104857600')
    assert first.result['persisted'] is True
    assert first.result['restart_required'] is False
    assert first.result['pending_restart'] == []
    assert first.result['config_file'] == str(server.config)
    assert config_get(server, 'maxmemory') == '104857600'
    assert run_id(server) == started
    assert 'maxmemory 100mb' in server.config.read_text()

    for spelling in ('100mb', '100MB', 104857600, '104857600'):
        again = run_module('redis_config', config_args(server, dict(maxmemory=spelling)))
        assert not again.failed, again.output
        assert not again.changed, spelling
        assert again.result['commands'] == []
        assert again.result['persisted'] is False


def test_values_are_compared_as_redis_reads_them(servers, run_module):
    server = servers(password=PASSWORD)
    wanted = dict(maxmemory='1k', save=['3600 1', '300 100'], appendonly=True, **{'maxmemory-policy': 'allkeys-lru',
                                                                                  'client-output-buffer-limit':
                                                                                  'pubsub 64mb 16mb 60'})
    first = run_module('redis_config', config_args(server, wanted))
    assert not first.failed, first.output
    assert first.changed
    assert first.result['settings'] == {
        'maxmemory': '1000', 'save': '3600 1 300 100', 'appendonly': 'yes', 'maxmemory-policy': 'allkeys-lru',
        'client-output-buffer-limit': 'normal 0 0 0 slave 268435456 67108864 60 pubsub 67108864 16777216 60'}
    assert 'CONFIG SET save "3600 1 300 100"' in first.result['commands']
    assert 'CONFIG SET appendonly yes' in first.result['commands']

    same = dict(maxmemory=1000, save='3600  1   300 100', appendonly='YES',
                **{'maxmemory-policy': 'ALLKEYS-LRU', 'client-output-buffer-limit': 'pubsub 67108864 16mb 60'})
    second = run_module('redis_config', config_args(server, same))
    assert not second.failed, second.output
    assert not second.changed
    assert second.result['commands'] == []

    # 1kb is 1024 bytes, not 1000.
    kibibyte = run_module('redis_config', config_args(server, dict(maxmemory='1KB')))
    assert kibibyte.changed
    assert kibibyte.result['settings'] == dict(maxmemory='1024')

    no_snapshots = run_module('redis_config', config_args(server, dict(save='""')))
    assert no_snapshots.changed
    assert no_snapshots.result['commands'] == ['CONFIG SET save ""', 'CONFIG REWRITE']
    assert config_get(server, 'save') == ''
    for empty in ('', [], '""'):
        assert not run_module('redis_config', config_args(server, dict(save=empty))).changed


def test_a_value_redis_normalises_is_not_a_change(servers, run_module):
    server = servers(password=PASSWORD)
    first = run_module('redis_config', config_args(server, {'notify-keyspace-events': 'KEA'}))
    assert first.changed
    assert first.result['settings'] == {'notify-keyspace-events': 'AKE'}
    second = run_module('redis_config', config_args(server, {'notify-keyspace-events': 'KEA'}))
    assert not second.changed
    assert second.result['commands'] == []


def test_check_mode_and_diff(servers, run_module):
    server = servers(password=PASSWORD)
    before_file = server.config.read_text()
    checked = run_module('redis_config', config_args(server, dict(maxmemory='100mb', databases=8)), check=True,
                         diff=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert checked.result['commands'] == ['CONFIG SET maxmemory 100mb', 'CONFIG REWRITE']
    assert checked.result['persisted'] is False
    assert checked.result['pending_restart'] == ['databases']
    assert checked.result['diff'] == dict(before=dict(maxmemory='0', databases='16'),
                                          after=dict(maxmemory='100mb', databases='8'))
    assert checked.result['settings'] == dict(maxmemory='0', databases='16')
    assert config_get(server, 'maxmemory') == '0'
    assert server.config.read_text() == before_file

    applied = run_module('redis_config', config_args(server, dict(maxmemory='100mb')), diff=True)
    assert applied.result['diff'] == dict(before=dict(maxmemory='0'), after=dict(maxmemory='104857600'))
    unchanged = run_module('redis_config', config_args(server, dict(maxmemory='100mb')), diff=True)
    assert unchanged.result['diff']['before'] == unchanged.result['diff']['after']


def test_secret_settings_are_applied_and_never_shown(servers, run_module, tmp_path):
    server = servers(password=PASSWORD)
    new_password = 'rotated-Pa55-9e21'
    masterauth = 'masterauth-secret-3b7a'
    rotated = run_module('redis_config', config_args(server, dict(maxmemory='10mb'), secret_settings=dict(
        requirepass=new_password, masterauth=masterauth)), diff=True, verbosity=3)
    assert not rotated.failed, rotated.output
    assert rotated.changed
    assert rotated.result['commands'] == ['CONFIG SET maxmemory 10mb', 'CONFIG SET masterauth ********',
                                          'CONFIG SET requirepass ********', 'CONFIG REWRITE']
    assert 'login_port' in rotated.output
    for secret in (new_password, masterauth):
        assert secret not in rotated.output
        assert secret not in (tmp_path / 'ansible.log').read_text()
    assert rotated.result['diff']['after'] == dict(maxmemory='10485760', requirepass='(changed, hidden)',
                                                   masterauth='(changed, hidden)')
    assert rotated.result['diff']['before'] == dict(maxmemory='0', requirepass='(hidden)', masterauth='(hidden)')
    assert rotated.result['settings'] == dict(maxmemory='10485760')

    assert redis.Redis(port=server.port, password=new_password).ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=server.port, password=PASSWORD).ping()

    again = run_module('redis_config', dict(login_port=server.port, login_password=new_password, secret_settings=dict(
        requirepass=new_password, masterauth=masterauth)))
    assert not again.failed, again.output
    assert not again.changed
    assert again.result['commands'] == []


def test_immutable_setting_goes_to_the_file_and_takes_effect_at_restart(servers, run_module):
    server = servers(password=PASSWORD)
    started = run_id(server)
    wanted = dict(databases=20, maxmemory='50mb')
    edited = run_module('redis_config', config_args(server, wanted), diff=True)
    assert not edited.failed, edited.output
    assert edited.changed
    # The rewrite comes first: it writes the running "databases 16", which the edit then replaces.
    assert edited.result['commands'] == ['CONFIG SET maxmemory 50mb', 'CONFIG REWRITE']
    assert edited.result['restart_required'] is True
    assert edited.result['pending_restart'] == ['databases']
    assert edited.result['settings'] == dict(databases='16', maxmemory='52428800')
    assert edited.result['diff']['after']['databases'] == '20'
    text = server.config.read_text()
    assert 'databases 20' in text.splitlines()
    assert 'databases 16' not in text
    assert run_id(server) == started
    assert config_get(server, 'databases') == '16'

    waiting = run_module('redis_config', config_args(server, wanted))
    assert not waiting.changed
    assert waiting.result['restart_required'] is True
    assert waiting.result['pending_restart'] == ['databases']

    restart(server)
    assert config_get(server, 'databases') == '20'
    assert config_get(server, 'maxmemory') == '52428800'
    done = run_module('redis_config', config_args(server, wanted))
    assert not done.changed
    assert done.result['restart_required'] is False
    assert done.result['pending_restart'] == []


def test_a_restart_setting_already_running_is_also_fixed_in_the_file(servers, run_module):
    server = servers(password=PASSWORD)
    changed = run_module('redis_config', config_args(server, dict(databases=20)))
    assert changed.result['pending_restart'] == ['databases']
    # The wanted value changes back before the restart: the file follows, no restart is needed.
    reverted = run_module('redis_config', config_args(server, dict(databases=16)))
    assert not reverted.failed, reverted.output
    assert reverted.changed
    assert reverted.result['restart_required'] is False
    assert 'databases 16' in server.config.read_text().splitlines()


def test_rename_command_is_written_to_the_file(servers, run_module):
    server = servers(password=PASSWORD)
    renames = {'rename-command': [['FLUSHALL', ''], ['KEYS', 'hidden-keys']]}
    edited = run_module('redis_config', config_args(server, renames), diff=True)
    assert not edited.failed, edited.output
    assert edited.changed
    assert edited.result['commands'] == []
    assert edited.result['pending_restart'] == ['rename-command']
    assert edited.result['settings'] == {}
    assert edited.result['diff'] == dict(before={'rename-command': []},
                                         after={'rename-command': ['FLUSHALL ""', 'KEYS hidden-keys']})
    lines = server.config.read_text().splitlines()
    assert 'rename-command FLUSHALL ""' in lines and 'rename-command KEYS hidden-keys' in lines

    assert not run_module('redis_config', config_args(server, renames)).changed
    restart(server)
    with pytest.raises(redis.ResponseError):
        server.client().execute_command('FLUSHALL')
    assert server.client().execute_command('hidden-keys', '*') == []

    one = run_module('redis_config', config_args(server, {'rename-command': 'FLUSHALL ""'}))
    assert one.changed
    assert [line for line in server.config.read_text().splitlines() if line.startswith('rename-command')] == [
        'rename-command FLUSHALL ""']


def test_unknown_directive_is_refused_before_any_change(servers, run_module):
    server = servers(password=PASSWORD)
    before_file = server.config.read_text()
    refused = run_module('redis_config', config_args(server, {'maxmemory': '10mb', 'no-such-directive': 1}))
    assert refused.failed
    assert 'no-such-directive' in refused.msg
    assert 'Nothing was changed' in refused.msg
    assert refused.result['commands'] == []
    assert config_get(server, 'maxmemory') == '0'
    assert server.config.read_text() == before_file


@pytest.mark.parametrize('args, message', [
    (dict(settings=dict(requirepass='x'), secret_settings=dict(requirepass='y')), 'requirepass is given twice'),
    (dict(settings={'max memory': 1}), "'max memory' is not a directive name"),
    (dict(settings={'maxmemory*': 1}), "'maxmemory*' is not a directive name"),
    (dict(settings=dict(replicaof='127.0.0.1 6379')), 'refusing to set replicaof'),
    (dict(settings=dict(masterauth='x')), 'put masterauth in secret_settings'),
    (dict(settings=dict(maxmemory=None)), 'use "" for an empty value'),
    (dict(settings=dict(save=[['3600', '1']])), 'a list of lists'),
    (dict(settings={'rename-command': 'FLUSHALL "'}), 'unbalanced quotes'),
    (dict(settings={'rename-command': 'FLUSHALL x\ninclude /tmp/other.conf'}), 'a line break'),
])
def test_bad_input_is_refused_before_connecting(run_module, args, message):
    refused = run_module('redis_config', dict(args, login_port=free_port()))
    assert refused.failed
    assert message in refused.msg
    assert refused.result['commands'] == []


def test_a_server_without_config_file(tmp_path, run_module):
    port = free_port()
    process = subprocess.Popen([binary('redis-server'), '--port', str(port), '--bind', '127.0.0.1', '--save', '',
                                '--dir', str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: redis.Redis(port=port).ping(), 10, 'a server without config file')
        live = run_module('redis_config', dict(login_port=port, settings=dict(maxmemory='10mb')))
        assert not live.failed, live.output
        assert live.changed
        assert live.result['persisted'] is False
        assert live.result['commands'] == ['CONFIG SET maxmemory 10mb']
        assert live.result['config_file'] is None
        assert 'runs without a config file' in live.output

        refused = run_module('redis_config', dict(login_port=port, settings=dict(maxmemory='20mb', databases=4)))
        assert refused.failed
        assert 'databases' in refused.msg
        assert 'runs without a config file and config_file is not set' in refused.msg
        assert refused.result['commands'] == []
        assert redis.Redis(port=port).config_get('maxmemory')['maxmemory'] == '10485760'
    finally:
        process.kill()
        process.wait()


def test_wrong_password_and_unreachable_server(servers, run_module):
    server = servers(password=PASSWORD)
    refused = run_module('redis_config', dict(login_port=server.port, login_password=WRONG_PASSWORD,
                                              settings=dict(maxmemory='1mb')))
    assert refused.failed
    assert refused.msg.startswith('Authentication or permission failure at localhost:%d' % server.port)
    port = free_port()
    unreachable = run_module('redis_config', dict(login_host='127.0.0.1', login_port=port, connect_timeout=2,
                                                  settings=dict(maxmemory='1mb')))
    assert unreachable.failed
    assert unreachable.msg.startswith('Cannot connect to 127.0.0.1:%d' % port)


def test_ansible_doc_renders(ansible_env):
    rendered = subprocess.run([str(BIN / 'ansible-doc'), 'redisops.sentinel.redis_config'], env=ansible_env,
                              capture_output=True, text=True, check=False)
    assert rendered.returncode == 0, rendered.stderr
    for word in ('secret_settings', 'pending_restart', 'restart_required', 'login_password'):
        assert word in rendered.stdout


def test_reapply_sets_a_setting_again_without_a_rewrite_and_refuses_what_is_not_in_settings(servers, run_module):
    """What the server role does after new TLS files: one CONFIG SET of a value Redis has, a change, no
    CONFIG REWRITE. (That a TLS setting set again loads the files: the TLS role test.)"""
    server = servers(password=PASSWORD)
    wanted = {'maxmemory-policy': 'noeviction'}

    plain = run_module('redis_config', config_args(server, wanted))
    assert not plain.failed and not plain.changed and plain.result['commands'] == []

    checked = run_module('redis_config', config_args(server, wanted, reapply=['maxmemory-policy']), check=True)
    assert not checked.failed and checked.changed, checked.output
    assert checked.result['commands'] == ['CONFIG SET maxmemory-policy noeviction']

    again = run_module('redis_config', config_args(server, wanted, reapply=['maxmemory-policy']))
    assert not again.failed, again.output
    assert again.changed
    assert again.result['commands'] == ['CONFIG SET maxmemory-policy noeviction']
    assert again.result['persisted'] is False

    for name, why in (('maxmemory', 'reapply: maxmemory is not in settings'),
                      ('databases', 'reapply: databases cannot be set at runtime')):
        refused = run_module('redis_config', config_args(server, dict(wanted, databases=16), reapply=[name])
                             if name == 'databases' else config_args(server, wanted, reapply=[name]))
        assert refused.failed and why in refused.result['msg'], refused.output
        assert refused.result.get('commands', []) == []
