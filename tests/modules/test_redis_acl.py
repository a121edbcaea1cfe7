# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.redis_acl against real redis-server and redis-sentinel processes."""

import hashlib
import json

import pytest
import redis

from tests.support.servers import PASSWORD, sentinel_lines

APP_RULES = '~app:* &* +@all -@dangerous'
# The user Sentinels log in to the data instances with, from the Redis documentation.
SENTINEL_RULES = ('allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info '
                  '+client|setname +client|kill +script|kill')
# A client of a Sentinel that may only discover the primary, from the Redis documentation.
SENTINEL_CLIENT_RULES = ('-@all +auth +client|getname +client|id +client|setname +command +hello +ping +role '
                         '+sentinel|get-master-addr-by-name +sentinel|master +sentinel|myid +sentinel|replicas '
                         '+sentinel|sentinels +sentinel|masters')
ADMIN_RULES = '~* &* +@all'
APP_PASSWORD = 'app-Pa55-1c9e'
OLD_PASSWORD = 'old-Pa55-7d21'
NEW_PASSWORD = 'new-Pa55-4a0b'
ADMIN_PASSWORD = 'admin-Pa55-e83f'
SENTINEL_PASSWORD = 'sentinel-Pa55-55d2'
MASKED = '>********'


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def user(name, passwords, rules='', enabled=True):
    return dict(name=name, passwords=list(passwords), rules=rules, enabled=enabled)


def acl_args(server, users, **extra):
    args = dict(login_port=server.port, login_password=PASSWORD, users=users)
    args.update(extra)
    return args


def acl(server, *args):
    return server.client().execute_command('ACL', *args)


def acl_users(server):
    return set(acl(server, 'USERS'))


def no_scratch_user(server):
    return not [name for name in acl_users(server) if name.startswith('redisops-probe-')]


def login(server, name, password):
    client = redis.Redis(port=server.port, username=name, password=password, decode_responses=True,
                         socket_timeout=5)
    client.ping()
    return client


def make_admin(server):
    """An admin user made by hand, for the runs that log in as another user than default."""
    acl(server, 'SETUSER', 'admin', 'reset', *ADMIN_RULES.split(), 'on', '>' + ADMIN_PASSWORD)


def as_admin(server, users, **extra):
    return acl_args(server, users, login_user='admin', login_password=ADMIN_PASSWORD, **extra)


def test_two_users_are_created_persisted_and_then_unchanged(servers, run_module):
    server = servers(password=PASSWORD)
    users = [user('app', [APP_PASSWORD], APP_RULES), user('sentinel', [SENTINEL_PASSWORD], SENTINEL_RULES)]

    first = run_module('redis_acl', acl_args(server, users))
    assert not first.failed, first.output
    assert first.changed
    assert first.result['users'] == dict(app='created', sentinel='created')
    assert first.result['commands'] == [
        'ACL SETUSER app reset ~app:* &* +@all -@dangerous on >********',
        'ACL SETUSER sentinel reset %s on >********' % SENTINEL_RULES,
        'CONFIG REWRITE']
    assert first.result['persisted'] == 'rewrite'
    assert no_scratch_user(server)

    app = login(server, 'app', APP_PASSWORD)
    app.set('app:one', '1')
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.set('other', '1')
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.flushall()
    assert login(server, 'sentinel', SENTINEL_PASSWORD).execute_command('ROLE')[0] == 'master'

    # CONFIG REWRITE wrote the users, with hashes, into the config file.
    config = server.config.read_text()
    assert 'user app on sanitize-payload #%s ~app:* &* +@all -@dangerous' % sha256(APP_PASSWORD) in config
    assert 'user sentinel on sanitize-payload #%s' % sha256(SENTINEL_PASSWORD) in config
    assert APP_PASSWORD not in config

    second = run_module('redis_acl', acl_args(server, users))
    assert not second.failed, second.output
    assert not second.changed
    assert second.result['users'] == dict(app='unchanged', sentinel='unchanged')
    assert second.result['commands'] == []
    assert second.result['persisted'] == 'none'
    assert no_scratch_user(server)


def test_check_mode_and_diff(servers, run_module):
    server = servers(password=PASSWORD)
    before = acl(server, 'LIST')
    users = [user('app', [OLD_PASSWORD, NEW_PASSWORD], APP_RULES)]
    checked = run_module('redis_acl', acl_args(server, users), check=True, diff=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert checked.result['users'] == dict(app='created')
    assert checked.result['commands'] == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on >******** >********',
                                          'CONFIG REWRITE']
    assert checked.result['persisted'] == 'none'
    app_view = dict(enabled=True, flags=['on', 'sanitize-payload'], rules=APP_RULES, passwords=2)
    assert checked.result['diff'] == dict(before={}, after=dict(app=app_view))
    assert acl(server, 'LIST') == before
    assert 'user app' not in server.config.read_text()

    applied = run_module('redis_acl', acl_args(server, users), diff=True)
    assert applied.changed
    assert applied.result['diff'] == dict(before={}, after=dict(app=app_view))

    rotated = run_module('redis_acl', acl_args(server, [user('app', [NEW_PASSWORD], APP_RULES)]), diff=True)
    assert rotated.result['diff'] == dict(before=dict(app=app_view), after=dict(app=dict(app_view, passwords=1)))

    unchanged = run_module('redis_acl', acl_args(server, [user('app', [NEW_PASSWORD], APP_RULES)]), diff=True)
    assert not unchanged.changed
    assert unchanged.result['diff']['before'] == unchanged.result['diff']['after']
    for run in (checked, applied, rotated, unchanged):
        for secret in (OLD_PASSWORD, NEW_PASSWORD, sha256(OLD_PASSWORD), sha256(NEW_PASSWORD)):
            assert secret not in json.dumps(run.result)


def test_changed_rules_update_the_user_in_one_command(servers, run_module):
    server = servers(password=PASSWORD)
    assert run_module('redis_acl', acl_args(server, [user('app', [APP_PASSWORD], APP_RULES)])).changed
    connected = login(server, 'app', APP_PASSWORD)

    read_only = '~app:* +@read +ping'
    changed = run_module('redis_acl', acl_args(server, [user('app', [APP_PASSWORD], read_only)]), diff=True)
    assert not changed.failed, changed.output
    assert changed.changed
    assert changed.result['users'] == dict(app='updated')
    assert changed.result['commands'] == ['ACL SETUSER app reset ~app:* +@read +ping on >********',
                                          'CONFIG REWRITE']
    assert changed.result['diff']['after']['app']['rules'] == '~app:* -@all +@read +ping'
    stored = acl(server, 'GETUSER', 'app')
    assert stored[stored.index('commands') + 1] == '-@all +@read +ping'
    # The connection logged in before the change stays, with the new rules.
    assert connected.get('app:x') is None
    with pytest.raises(redis.exceptions.NoPermissionError):
        connected.set('app:x', '1')

    disabled = run_module('redis_acl', acl_args(server, [user('app', [APP_PASSWORD], read_only, enabled=False)]))
    assert disabled.result['users'] == dict(app='updated')
    assert disabled.result['commands'][0] == 'ACL SETUSER app reset ~app:* +@read +ping off >********'
    with pytest.raises(redis.AuthenticationError):
        login(server, 'app', APP_PASSWORD)
    # Redis keeps the connections of a disabled user.
    assert connected.ping()


def test_a_rotation_keeps_clients_logged_in(servers, run_module):
    server = servers(password=PASSWORD)
    assert run_module('redis_acl', acl_args(server, [user('app', [OLD_PASSWORD], APP_RULES)])).changed
    old_client = login(server, 'app', OLD_PASSWORD)

    both = run_module('redis_acl', acl_args(server, [user('app', [OLD_PASSWORD, NEW_PASSWORD], APP_RULES)]))
    assert not both.failed, both.output
    assert both.result['users'] == dict(app='updated')
    assert both.result['commands'] == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on %s %s'
                                       % (MASKED, MASKED), 'CONFIG REWRITE']
    old_client.set('app:during', '1')
    login(server, 'app', OLD_PASSWORD)
    login(server, 'app', NEW_PASSWORD)

    new_only = run_module('redis_acl', acl_args(server, [user('app', [NEW_PASSWORD], APP_RULES)]))
    assert new_only.result['users'] == dict(app='updated')
    with pytest.raises(redis.AuthenticationError):
        login(server, 'app', OLD_PASSWORD)
    login(server, 'app', NEW_PASSWORD).set('app:after', '1')
    # Removing a password logs no connection out: the one logged in with it still works.
    old_client.set('app:still', '1')
    stored = acl(server, 'GETUSER', 'app')
    assert stored[stored.index('passwords') + 1] == [sha256(NEW_PASSWORD)]

    again = run_module('redis_acl', acl_args(server, [user('app', [NEW_PASSWORD], APP_RULES)]))
    assert not again.changed


def test_rules_redis_refuses_change_nothing(servers, run_module):
    server = servers(password=PASSWORD)
    assert run_module('redis_acl', acl_args(server, [user('app', [OLD_PASSWORD], APP_RULES)])).changed
    before = acl(server, 'LIST')
    config = server.config.read_text()

    refused = run_module('redis_acl', acl_args(server, [user('other', [NEW_PASSWORD], '~other:* +@read'),
                                                        user('app', [NEW_PASSWORD], '+nosuchcmd')]))
    assert refused.failed
    assert refused.msg.startswith('users[1] (app): Redis refuses the rules "+nosuchcmd": '), refused.msg
    assert refused.msg.endswith('; nothing was changed'), refused.msg
    assert refused.result['commands'] == []
    assert acl(server, 'LIST') == before
    assert no_scratch_user(server)
    assert server.config.read_text() == config

    unbalanced = run_module('redis_acl', acl_args(server, [user('app', [NEW_PASSWORD], '(~x* +get')]))
    assert unbalanced.failed
    assert unbalanced.msg.startswith('users[0] (app): Redis refuses the rules "(~x* +get": '), unbalanced.msg
    assert acl(server, 'LIST') == before
    assert no_scratch_user(server)


@pytest.mark.parametrize('users, extra, words', [
    ([user('app', [OLD_PASSWORD]), user('app', [NEW_PASSWORD])], {}, 'users[1] (app): the name is given twice'),
    ([user('', [OLD_PASSWORD])], {}, 'users[0]: name must not be empty'),
    ([user('app', [])], {}, 'users[0] (app): an enabled user needs passwords'),
    ([user('app', [OLD_PASSWORD], '~* >%s' % NEW_PASSWORD)], {}, 'users[0] (app): rules must not hold passwords'),
    ([user('default', [], enabled=False)], {}, 'refusing to disable default while login_user is unset'),
    ([user('admin', [], enabled=False)], dict(login_user='admin', login_password=ADMIN_PASSWORD),
     'users[0] (admin): refusing to disable the user this module logs in as'),
])
def test_options_that_cannot_work_are_refused(servers, run_module, users, extra, words):
    server = servers(password=PASSWORD)
    make_admin(server)
    before = acl(server, 'LIST')
    refused = run_module('redis_acl', acl_args(server, users, **extra))
    assert refused.failed
    assert words in refused.msg, refused.msg
    assert refused.result['commands'] == []
    assert acl(server, 'LIST') == before
    assert NEW_PASSWORD not in refused.output


def test_purge_keeps_default_and_the_login_user(servers, run_module):
    server = servers(password=PASSWORD)
    make_admin(server)
    acl(server, 'SETUSER', 'stray', 'on', '>stray-Pa55', '+ping')
    stray = login(server, 'stray', 'stray-Pa55')
    wanted = [user('app', [APP_PASSWORD], APP_RULES)]

    checked = run_module('redis_acl', as_admin(server, wanted, purge=True), check=True, diff=True)
    assert not checked.failed, checked.output
    assert checked.result['users'] == dict(app='created', stray='deleted')
    assert checked.result['commands'] == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on >********',
                                          'ACL DELUSER stray', 'CONFIG REWRITE']
    assert set(checked.result['diff']['before']) == {'stray'}
    assert set(checked.result['diff']['after']) == {'app'}
    assert acl_users(server) == {'admin', 'default', 'stray'}

    purged = run_module('redis_acl', as_admin(server, wanted, purge=True))
    assert not purged.failed, purged.output
    assert purged.result['users'] == dict(app='created', stray='deleted')
    assert acl_users(server) == {'admin', 'app', 'default'}
    # Redis closes the connections of a deleted user.
    with pytest.raises(redis.ConnectionError):
        stray.ping()
    assert 'user stray' not in server.config.read_text()

    again = run_module('redis_acl', as_admin(server, wanted, purge=True))
    assert not again.changed
    assert again.result['users'] == dict(app='unchanged')


def test_default_can_be_disabled_when_logged_in_as_another_user(servers, run_module):
    server = servers(password=PASSWORD)
    make_admin(server)
    users = [user('admin', [ADMIN_PASSWORD], ADMIN_RULES), user('default', [], enabled=False)]

    disabled = run_module('redis_acl', as_admin(server, users))
    assert not disabled.failed, disabled.output
    assert disabled.result['users'] == dict(admin='unchanged', default='updated')
    assert disabled.result['commands'] == ['ACL SETUSER default reset off', 'CONFIG SET requirepass ********',
                                           'ACL SETUSER default reset off', 'CONFIG REWRITE']
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=server.port, password=PASSWORD).ping()
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=server.port).ping()
    assert login(server, 'admin', ADMIN_PASSWORD).execute_command('ACL', 'WHOAMI') == 'admin'
    assert 'user default off' in server.config.read_text()
    # The old password left the config file with requirepass, and protected mode stays off (default not nopass).
    assert 'requirepass' not in server.config.read_text() and PASSWORD not in server.config.read_text()
    assert 'nopass' not in login(server, 'admin', ADMIN_PASSWORD).acl_getuser('default')['flags']

    again = run_module('redis_acl', as_admin(server, users))
    assert not again.failed, again.output
    assert not again.changed


def test_bootstrap_password_creates_the_login_user_and_turns_default_off_in_one_run(servers, run_module):
    # Only default can log in yet (a first deploy): the module logs in as it once, and as admin from then on.
    server = servers(password=PASSWORD)
    users = [user('admin', [ADMIN_PASSWORD], ADMIN_RULES), user('default', [], enabled=False)]
    args = dict(login_port=server.port, login_user='admin', login_password=ADMIN_PASSWORD, users=users, purge=True,
                bootstrap_password=PASSWORD)

    without = run_module('redis_acl', dict(args, bootstrap_password=None))
    assert without.failed
    assert without.msg.startswith('Authentication or permission failure at localhost:%d' % server.port)

    checked = run_module('redis_acl', args, check=True)
    assert not checked.failed, checked.output
    assert checked.changed and checked.result['bootstrapped']
    assert acl_users(server) == {'default'}

    boot = run_module('redis_acl', args)
    assert not boot.failed, boot.output
    assert boot.result['bootstrapped']
    assert boot.result['users'] == dict(admin='created', default='updated')
    # default last, and the persistence on the new login as admin (default has no rights left).
    assert boot.result['commands'] == ['ACL SETUSER admin reset ~* &* +@all on >********',
                                       'ACL SETUSER default reset off', 'CONFIG SET requirepass ********',
                                       'ACL SETUSER default reset off', 'CONFIG REWRITE']
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=server.port, password=PASSWORD).ping()
    assert 'user default off' in server.config.read_text()
    assert 'requirepass' not in server.config.read_text() and PASSWORD not in server.config.read_text()
    assert PASSWORD not in boot.output and ADMIN_PASSWORD not in boot.output

    again = run_module('redis_acl', args)
    assert not again.failed, again.output
    assert not again.changed and not again.result['bootstrapped']


@pytest.mark.parametrize('users, words', [
    ([user('default', [], enabled=False)], 'users must list login_user (admin) enabled'),
    ([user('admin', [OLD_PASSWORD], ADMIN_RULES)], 'with login_password among its passwords'),
])
def test_a_bootstrap_that_would_lock_the_module_out_is_refused(servers, run_module, users, words):
    server = servers(password=PASSWORD)
    refused = run_module('redis_acl', dict(login_port=server.port, login_user='admin', login_password=ADMIN_PASSWORD,
                                           users=users, bootstrap_password=PASSWORD))
    assert refused.failed
    assert words in refused.msg, refused.msg
    assert refused.result['commands'] == []
    assert acl_users(server) == {'default'}
    no_user = run_module('redis_acl', dict(login_port=server.port, login_password=ADMIN_PASSWORD, users=users,
                                           bootstrap_password=PASSWORD))
    assert no_user.failed and 'bootstrap_password needs login_user' in no_user.msg


def test_an_acl_file_is_saved(servers, run_module, tmp_path):
    acl_file = tmp_path / 'users.acl'
    # With an aclfile, Redis takes the default user from it, not from requirepass.
    acl_file.write_text('user default on #%s ~* &* +@all\n' % sha256(PASSWORD))
    server = servers(['aclfile %s' % acl_file], password=PASSWORD)
    users = [user('app', [APP_PASSWORD], APP_RULES)]

    refused = run_module('redis_acl', acl_args(server, users, persist='rewrite'))
    assert refused.failed
    assert 'persist=rewrite, but localhost:%d keeps its users in the ACL file' % server.port in refused.msg
    assert refused.msg.endswith('nothing was changed')
    assert 'app' not in acl_users(server)

    saved = run_module('redis_acl', acl_args(server, users))
    assert not saved.failed, saved.output
    assert saved.result['commands'] == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on >********', 'ACL SAVE']
    assert saved.result['persisted'] == 'aclfile'
    text = acl_file.read_text()
    assert 'user app on sanitize-payload #%s ~app:* &* +@all -@dangerous' % sha256(APP_PASSWORD) in text
    assert APP_PASSWORD not in text
    assert 'user app' not in server.config.read_text()

    plain = servers(password=PASSWORD)
    no_file = run_module('redis_acl', acl_args(plain, users, persist='aclfile'))
    assert no_file.failed
    assert 'persist=aclfile, but localhost:%d has no aclfile' % plain.port in no_file.msg
    assert 'app' not in acl_users(plain)

    unsaved = run_module('redis_acl', acl_args(plain, users, persist='none'))
    assert unsaved.result['persisted'] == 'none'
    assert unsaved.result['commands'] == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on >********']
    assert 'user app' not in plain.config.read_text()


def leaked(text, secrets):
    forms = set()
    for secret in secrets:
        forms.update([secret, json.dumps(secret)[1:-1], repr(secret)[1:-1], sha256(secret)])
    return sorted(form for form in forms if form in text)


def test_passwords_never_appear_in_the_output(servers, run_module, tmp_path):
    server = servers(password=PASSWORD)
    secrets = dict(old_pw=OLD_PASSWORD, new_pw=NEW_PASSWORD, rule_pw='in-the-rules-Pa55-90c1')
    rotate = [dict(name='app', passwords=['{{ old_pw }}', '{{ new_pw }}'], rules=APP_RULES)]
    runs = [
        run_module('redis_acl', acl_args(server, rotate), diff=True, verbosity=3, extra_vars=secrets),
        run_module('redis_acl', acl_args(server, rotate), check=True, diff=True, verbosity=3, extra_vars=secrets),
        # A failure after the login: rules Redis refuses.
        run_module('redis_acl', acl_args(server, [dict(rotate[0], rules='+nosuchcmd')]), verbosity=3,
                   extra_vars=secrets),
        # A refusal before it: a password in the rules, which are not no_log.
        run_module('redis_acl', acl_args(server, [dict(rotate[0], rules='~* >{{ rule_pw }} +@all')]), verbosity=3,
                   extra_vars=secrets),
        # Another refusal: a misspelt option.
        run_module('redis_acl', dict(acl_args(server, rotate), purgee='{{ new_pw }}'), verbosity=3,
                   extra_vars=secrets),
    ]
    assert not runs[0].failed and runs[0].changed, runs[0].output
    assert runs[2].failed and 'Redis refuses the rules' in runs[2].msg
    assert runs[3].failed and 'rules must not hold passwords' in runs[3].msg
    assert runs[4].failed and 'purgee' in runs[4].msg
    assert login(server, 'app', NEW_PASSWORD).ping()
    for run in runs:
        assert 'login_port' in run.output
        assert not leaked(run.output, list(secrets.values()) + [PASSWORD]), run.output
        assert not leaked(json.dumps(run.result), list(secrets.values()) + [PASSWORD])
    assert not leaked((tmp_path / 'ansible.log').read_text(), list(secrets.values()) + [PASSWORD])


def test_a_read_only_client_user_on_a_sentinel(servers, run_module):
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True, password=PASSWORD)
    users = [user('sentinel-client', [APP_PASSWORD], SENTINEL_CLIENT_RULES)]

    checked = run_module('redis_acl', acl_args(sentinel, users), check=True)
    assert not checked.failed, checked.output
    assert checked.result['commands'] == ['ACL SETUSER sentinel-client reset %s on >********'
                                          % SENTINEL_CLIENT_RULES, 'SENTINEL FLUSHCONFIG']
    assert 'sentinel-client' not in acl_users(sentinel)

    created = run_module('redis_acl', acl_args(sentinel, users))
    assert not created.failed, created.output
    assert created.result['users'] == {'sentinel-client': 'created'}
    # The Sentinel has no aclfile: its ACL SAVE was refused, and SENTINEL FLUSHCONFIG wrote the user.
    assert created.result['commands'] == checked.result['commands']
    assert created.result['persisted'] == 'rewrite'
    assert 'user sentinel-client on sanitize-payload #%s' % sha256(APP_PASSWORD) in sentinel.config.read_text()
    assert no_scratch_user(sentinel)

    client = login(sentinel, 'sentinel-client', APP_PASSWORD)
    assert client.execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', 'mymaster') == ['127.0.0.1',
                                                                                         str(primary.port)]
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.execute_command('SENTINEL', 'FAILOVER', 'mymaster')
    with pytest.raises(redis.exceptions.NoPermissionError):
        client.execute_command('SENTINEL', 'SET', 'mymaster', 'quorum', '2')

    again = run_module('redis_acl', acl_args(sentinel, users))
    assert not again.failed, again.output
    assert not again.changed


def test_a_sentinel_with_an_acl_file(servers, run_module, tmp_path):
    acl_file = tmp_path / 'sentinel-users.acl'
    acl_file.write_text('user default on #%s ~* &* +@all\n' % sha256(PASSWORD))
    sentinel = servers(['aclfile %s' % acl_file], sentinel=True, password=PASSWORD)
    users = [user('sentinel-client', [APP_PASSWORD], SENTINEL_CLIENT_RULES)]

    checked = run_module('redis_acl', acl_args(sentinel, users), check=True)
    assert checked.result['commands'][-1] == 'ACL SAVE'

    saved = run_module('redis_acl', acl_args(sentinel, users))
    assert not saved.failed, saved.output
    assert saved.result['commands'][-1] == 'ACL SAVE'
    assert saved.result['persisted'] == 'aclfile'
    assert 'user sentinel-client on sanitize-payload #%s' % sha256(APP_PASSWORD) in acl_file.read_text()
    assert 'user sentinel-client' not in sentinel.config.read_text()


def test_the_login_user_is_changed_last_and_warns_of_its_new_password(servers, run_module):
    server = servers(password=PASSWORD)
    make_admin(server)
    users = [user('admin', [NEW_PASSWORD], ADMIN_RULES), user('app', [APP_PASSWORD], APP_RULES)]

    changed = run_module('redis_acl', as_admin(server, users))
    assert not changed.failed, changed.output
    assert changed.result['users'] == dict(admin='updated', app='created')
    assert changed.result['commands'] == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on >********',
                                          'ACL SETUSER admin reset ~* &* +@all on >********', 'CONFIG REWRITE']
    assert any('no longer include login_password' in warning for warning in changed.result.get('warnings', []))
    with pytest.raises(redis.AuthenticationError):
        login(server, 'admin', ADMIN_PASSWORD)

    again = run_module('redis_acl', dict(as_admin(server, users), login_password=NEW_PASSWORD))
    assert not again.failed, again.output
    assert not again.changed
    assert not again.result.get('warnings')
