# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.sentinel_config against real redis-sentinel processes."""

from tests.support.servers import PASSWORD, sentinel_lines

PEER_PASSWORD = 'peer-Pa55-90c1'


def config_get(sentinel, name):
    reply = sentinel.client().execute_command('SENTINEL', 'CONFIG', 'GET', name)
    return (reply if isinstance(reply, dict) else dict(zip(reply[0::2], reply[1::2])))[name]


def peer_args(sentinel, **extra):
    args = dict(login_port=sentinel.port, settings={'sentinel-user': 'sentinel-peer', 'resolve-hostnames': True},
                secret_settings={'sentinel-pass': PEER_PASSWORD})
    args.update(extra)
    return args


def test_sets_what_differs_persists_it_and_then_changes_nothing(servers, primary_and_replica, run_module):
    primary, _replica = primary_and_replica
    sentinel = servers(sentinel_lines(primary), sentinel=True)

    checked = run_module('sentinel_config', peer_args(sentinel), check=True, diff=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert checked.result['changed_settings'] == ['sentinel-user', 'resolve-hostnames', 'sentinel-pass']
    assert checked.result['diff'] == dict(before={'sentinel-user': '', 'resolve-hostnames': 'no'},
                                          after={'sentinel-user': 'sentinel-peer', 'resolve-hostnames': 'yes'})
    assert config_get(sentinel, 'sentinel-user') == ''

    applied = run_module('sentinel_config', peer_args(sentinel))
    assert not applied.failed, applied.output
    assert applied.result['commands'] == ['SENTINEL CONFIG SET sentinel-user sentinel-peer',
                                          'SENTINEL CONFIG SET resolve-hostnames yes',
                                          'SENTINEL CONFIG SET sentinel-pass ********']
    assert (config_get(sentinel, 'sentinel-user'), config_get(sentinel, 'sentinel-pass')) == (
        'sentinel-peer', PEER_PASSWORD)
    # Sentinel wrote them into its config file itself.
    assert 'sentinel sentinel-user sentinel-peer' in sentinel.config.read_text()
    assert PEER_PASSWORD not in applied.output

    again = run_module('sentinel_config', peer_args(sentinel))
    assert not again.failed, again.output
    assert not again.changed and again.result['commands'] == []

    unset = run_module('sentinel_config', peer_args(sentinel, settings={'sentinel-user': ''},
                                                    secret_settings={'sentinel-pass': ''}))
    assert not unset.failed, unset.output
    assert unset.result['changed_settings'] == ['sentinel-user', 'sentinel-pass']
    assert config_get(sentinel, 'sentinel-user') == ''


def test_a_password_protected_sentinel(servers, primary_and_replica, run_module):
    primary, _replica = primary_and_replica
    sentinel = servers(sentinel_lines(primary), sentinel=True, password=PASSWORD)
    applied = run_module('sentinel_config', peer_args(sentinel, login_password=PASSWORD))
    assert not applied.failed, applied.output
    assert applied.changed
    assert PASSWORD not in applied.output and PEER_PASSWORD not in applied.output


def test_an_unknown_setting_or_a_data_instance_is_refused_before_anything_changes(servers, primary_and_replica,
                                                                                   run_module):
    primary, _replica = primary_and_replica
    sentinel = servers(sentinel_lines(primary), sentinel=True)
    unknown = run_module('sentinel_config', peer_args(sentinel, settings={'sentinel-user': 'x', 'no-such-thing': 1}))
    assert unknown.failed
    assert 'does not know the Sentinel setting no-such-thing' in unknown.msg, unknown.msg
    assert unknown.result['commands'] == [] and config_get(sentinel, 'sentinel-user') == ''

    data = run_module('sentinel_config', peer_args(primary, login_password=PASSWORD))
    assert data.failed
    assert 'is not a Sentinel' in data.msg and data.result['commands'] == []

    twice = run_module('sentinel_config', peer_args(sentinel, settings={'sentinel-pass': 'a'}))
    assert twice.failed
    assert 'sentinel-pass given in both settings and secret_settings' in twice.msg
    assert PEER_PASSWORD not in twice.output
