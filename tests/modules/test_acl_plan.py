# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_acl's decisions on recorded replies: ACL GETUSER of Redis 7.0.15 in both shapes redis-py hands over
(the RESP2 flat list, and the RESP3 map), the comparison of users, the commands and their masks, and the
refusals of the options."""

import re
import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils.acl import (  # noqa: E402
    PERSIST_ACLFILE,
    PERSIST_NONE,
    PERSIST_REWRITE,
    PERSIST_TRY_ACLFILE,
    AclCommandLog,
    acl_file_of,
    dropped_login_password,
    input_errors,
    lockout_errors,
    malformed_tokens,
    parse_user,
    password_hash,
    password_tokens,
    permissions,
    persist_command,
    persistence,
    probe_args,
    purge_names,
    refused_rules_message,
    rules_text,
    setuser_args,
    user_action,
    user_view,
    version_error,
    wanted_user,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.client import is_sentinel  # noqa: E402

PW1_HASH = 'c592df4a86933b92addc9842402ddf198c638ea9be58916ee6e3734e1e3152f8'
PW2_HASH = '93915a0a4bf8f634cb1856494dd4304472ad46b9827f541f76b6761c49cc55b0'

# Recorded from redis-server 7.0.15 (protocol 2, then 3) after
#   ACL SETUSER app reset ~app:* &* +@all -@dangerous on >pw1 >pw2
#   ACL SETUSER sel reset ~a* +get (~b* +set) (%R~c* &chan +@read) off
#   ACL SETUSER sent reset allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role +publish +info
#       +client|setname +client|kill +script|kill on >x
#   ACL SETUSER np reset nopass ~* &* +@all off
# and of the untouched default user. The order of the commands in "commands" is that one process's: Redis 7.0
# lists them in the order of its command table, which hashes with a seed drawn at each start.
RESP2 = dict(
    default=['flags', ['on', 'nopass'], 'passwords', [], 'commands', '+@all', 'keys', '~*', 'channels', '&*',
             'selectors', []],
    app=['flags', ['on', 'sanitize-payload'], 'passwords', [PW1_HASH, PW2_HASH], 'commands', '+@all -@dangerous',
         'keys', '~app:*', 'channels', '&*', 'selectors', []],
    sel=['flags', ['off', 'sanitize-payload'], 'passwords', [], 'commands', '-@all +get', 'keys', '~a*', 'channels',
         '', 'selectors', [['commands', '-@all +set', 'keys', '~b*', 'channels', ''],
                           ['commands', '-@all +@read', 'keys', '%R~c*', 'channels', '&chan']]],
    sent=['flags', ['on', 'sanitize-payload'], 'passwords',
          ['2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'], 'commands',
          '-@all +multi +config|rewrite +publish +script|kill +client|setname +client|kill +slaveof +exec '
          '+subscribe +role +info +ping', 'keys', '', 'channels', '&*', 'selectors', []],
    np=['flags', ['off', 'nopass', 'sanitize-payload'], 'passwords', [], 'commands', '+@all', 'keys', '~*',
        'channels', '&*', 'selectors', []],
)
RESP3 = dict(
    default={'flags': ['on', 'nopass'], 'passwords': [], 'commands': '+@all', 'keys': '~*', 'channels': '&*',
             'selectors': []},
    app={'flags': ['on', 'sanitize-payload'], 'passwords': [PW1_HASH, PW2_HASH], 'commands': '+@all -@dangerous',
         'keys': '~app:*', 'channels': '&*', 'selectors': []},
    sel={'flags': ['off', 'sanitize-payload'], 'passwords': [], 'commands': '-@all +get', 'keys': '~a*',
         'channels': '', 'selectors': [{'commands': '-@all +set', 'keys': '~b*', 'channels': ''},
                                       {'commands': '-@all +@read', 'keys': '%R~c*', 'channels': '&chan'}]},
    sent={'flags': ['on', 'sanitize-payload'], 'passwords':
          ['2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881'], 'commands':
          '-@all +multi +config|rewrite +publish +script|kill +client|setname +client|kill +slaveof +exec '
          '+subscribe +role +info +ping', 'keys': '', 'channels': '&*', 'selectors': []},
    np={'flags': ['off', 'nopass', 'sanitize-payload'], 'passwords': [], 'commands': '+@all', 'keys': '~*',
        'channels': '&*', 'selectors': []},
)
# The scratch user after ACL SETUSER <scratch> reset ~app:* &* +@all -@dangerous off.
APP_PROBE = ['flags', ['off', 'sanitize-payload'], 'passwords', [], 'commands', '+@all -@dangerous', 'keys',
             '~app:*', 'channels', '&*', 'selectors', []]

LOGIN = dict(login_host='localhost', login_port=6379, login_user=None, login_password='x', tls=False,
             ca_certs=None, certfile=None, keyfile=None, validate_certs=True, connect_timeout=5)


def entry(name='app', passwords=('pw1', 'pw2'), rules='~app:* &* +@all -@dangerous', enabled=True):
    return dict(name=name, passwords=list(passwords), rules=rules, enabled=enabled)


def params(*users, **changes):
    result = dict(LOGIN, users=list(users), purge=False, persist='auto')
    result.update(changes)
    return result


@pytest.mark.parametrize('name', sorted(RESP2))
def test_both_reply_shapes_parse_alike(name):
    assert parse_user(RESP2[name]) == parse_user(RESP3[name])


def test_a_parsed_user():
    assert parse_user(RESP2['sel']) == dict(
        flags=['off', 'sanitize-payload'], passwords=[], commands='-@all +get', keys='~a*', channels='',
        selectors=[dict(commands='-@all +set', keys='~b*', channels=''),
                   dict(commands='-@all +@read', keys='%R~c*', channels='&chan')])
    assert parse_user(None) is None


def test_rules_text_and_view_show_no_password():
    assert rules_text(parse_user(RESP2['app'])) == '~app:* &* +@all -@dangerous'
    assert rules_text(parse_user(RESP2['sel'])) == '~a* -@all +get (~b* -@all +set) (%R~c* &chan -@all +@read)'
    view = user_view(parse_user(RESP3['app']))
    assert view == dict(enabled=True, flags=['on', 'sanitize-payload'], rules='~app:* &* +@all -@dangerous',
                        passwords=2)
    assert PW1_HASH not in repr(view)


def test_password_hashes_are_those_redis_keeps():
    assert password_hash('pw1') == PW1_HASH
    assert password_hash('pw2') == PW2_HASH


def test_the_same_user_is_unchanged_in_either_shape():
    for shape in (RESP2, RESP3):
        wanted = wanted_user(entry(), parse_user(APP_PROBE))
        assert user_action(parse_user(shape['app']), wanted) == 'unchanged'
        # The order of the passwords does not matter.
        assert user_action(parse_user(shape['app']), wanted_user(entry(passwords=('pw2', 'pw1')),
                                                                 parse_user(APP_PROBE))) == 'unchanged'


@pytest.mark.parametrize('changed', [
    dict(passwords=('pw2',)),
    dict(passwords=('pw1', 'pw2', 'pw3')),
    dict(enabled=False),
])
def test_passwords_and_state_are_compared(changed):
    wanted = wanted_user(entry(**changed), parse_user(APP_PROBE))
    assert user_action(parse_user(RESP2['app']), wanted) == 'updated'


def test_rules_are_compared_as_redis_normalised_them():
    other_probe = list(APP_PROBE)
    other_probe[other_probe.index('commands') + 1] = '+@all'
    assert user_action(parse_user(RESP2['app']), wanted_user(entry(), parse_user(other_probe))) == 'updated'
    # A flag other than on/off (nopass, skip-sanitize-payload) is part of the rules.
    default = parse_user(RESP2['default'])
    probe = parse_user(RESP2['np'])
    assert permissions(default) != permissions(probe)
    assert user_action(default, wanted_user(entry('default', (), '~* &* +@all nopass'), probe)) == 'updated'


def test_a_new_user_is_created():
    assert user_action(None, wanted_user(entry(), parse_user(APP_PROBE))) == 'created'


def test_the_wanted_user_takes_its_state_and_passwords_from_the_entry():
    wanted = wanted_user(entry(passwords=('pw1', 'pw1')), parse_user(APP_PROBE))
    assert wanted['flags'] == ['on', 'sanitize-payload']
    assert wanted['passwords'] == [PW1_HASH]
    assert wanted_user(entry(enabled=False), parse_user(APP_PROBE))['flags'] == ['off', 'sanitize-payload']


def test_setuser_masks_the_passwords():
    args, secret_positions = setuser_args(entry(passwords=('pw1', 'pw2', 'pw1')))
    assert args == ('ACL', 'SETUSER', 'app', 'reset', '~app:*', '&*', '+@all', '-@dangerous', 'on', '>pw1', '>pw2')
    assert secret_positions == (9, 10)
    log = AclCommandLog()
    log.record(args, secret_positions)
    assert log.commands == ['ACL SETUSER app reset ~app:* &* +@all -@dangerous on >******** >********']
    disabled, positions = setuser_args(entry(passwords=(), enabled=False))
    assert disabled[-1] == 'off' and positions == ()
    log.record(('CONFIG', 'SET', 'requirepass', 'x'), (3,))
    assert log.commands[-1] == 'CONFIG SET requirepass ********'


def test_selectors_are_split_and_probe_users_are_off():
    assert probe_args('redisops-probe-1', '~a* (~b* +set)') == (
        'ACL', 'SETUSER', 'redisops-probe-1', 'reset', '~a*', '(~b*', '+set)', 'off')


def test_purge_keeps_default_and_the_login_user():
    users = [entry('app')]
    assert purge_names(['default', 'admin', 'app', 'old', 'other'], users, 'admin') == ['old', 'other']
    assert purge_names(['default', 'app'], users, 'default') == []


def test_the_refused_rules_message_names_the_entry():
    message = refused_rules_message(1, entry(rules='+nosuchcmd'), "Error in ACL SETUSER modifier '+nosuchcmd'")
    assert message == ('users[1] (app): Redis refuses the rules "+nosuchcmd": Error in ACL SETUSER modifier '
                       "'+nosuchcmd'; nothing was changed")


def test_every_form_of_rule_the_docs_give_and_the_roles_use_is_accepted():
    """No false alarm: the forms of ACL SETUSER's modifiers, and the rules of the
    link users, the admin and the Sentinels' users as redis_common declares them."""
    forms = ('on off nopass resetpass reset allkeys resetkeys allchannels resetchannels allcommands nocommands '
             'clearselectors sanitize-payload skip-sanitize-payload ~* ~app:* %R~r:* %W~w:* %RW~rw:* &* &news.* '
             '+@all -@dangerous +get -flushall +config|get -client|kill +select|0 (~sel:* +get) ( %R~x* ) ALLKEYS +GET')
    assert malformed_tokens(forms) == []
    variables = (REPO / 'roles' / 'redis_common' / 'vars' / 'main.yml').read_text()
    declared = re.findall(r'^__redisops_\w+_rules: (?:>-\n)?((?:.*\n)*?)(?=^\S)', variables, re.M)
    assert len(declared) == 4, declared
    for rules in declared + ['~* &* +@all']:
        rules = re.sub(r'\{\{.*?\}\}', ' +failover', rules).strip("'\n ")
        assert malformed_tokens(rules) == [], rules


@pytest.mark.parametrize('users, changes, words', [
    ([entry(), entry()], {}, 'users[1] (app): the name is given twice (also users[0]): give each user once'),
    ([entry(name='')], {}, 'users[0]: name must not be empty'),
    ([entry(name='my app')], {}, 'users[0] (my app): a user name must not contain spaces'),
    ([entry(name='redisops-probe-1')], {}, 'are the scratch users of this module'),
    ([entry(passwords=())], {}, 'users[0] (app): an enabled user needs passwords (or nopass in rules'),
    ([entry(passwords=('',))], {}, 'users[0] (app): passwords must not hold an empty password'),
    ([entry(rules='~* >secret +@all')], {}, 'users[0] (app): rules must not hold passwords or password hashes'),
    ([entry(rules='~* #%s +@all' % PW1_HASH)], {}, 'rules must not hold passwords'),
    ([entry(rules='(~* <secret)')], {}, 'rules must not hold passwords'),
    ([entry(rules='~* on +@all')], {}, 'users[0] (app): rules must not say on: use enabled'),
    ([entry(rules='nopass ~*')], {}, 'rules say nopass (any password logs in) and passwords are given'),
    ([entry(rules='~* get')], {}, 'users[0] (app): rules hold "get", which is no ACL rule (did you mean +get?): '
     'a rule is +command'),
    ([entry(rules='allkey (~a* %X~b* +get) + -@')], {}, 'rules hold "allkey", "%X~b*", "+", "-@", which are no ACL rule'),
    ([entry('admin', enabled=False)], dict(login_user='admin'),
     'users[0] (admin): refusing to disable the user this module logs in as (login_user)'),
    ([entry('default', enabled=False)], {},
     'users[0] (default): refusing to disable default while login_user is unset'),
    ([], dict(login_port=0), 'login_port must be between 1 and 65535'),
])
def test_input_errors(users, changes, words):
    errors = input_errors(params(*users, **changes))
    assert any(words in error for error in errors), errors


@pytest.mark.parametrize('users, changes', [
    ([entry(), entry('other')], {}),
    ([entry(passwords=(), rules='nopass ~* +@all')], {}),
    ([entry(passwords=(), enabled=False)], {}),
    ([entry('default', passwords=(), enabled=False)], dict(login_user='admin')),
    ([entry(rules='')], {}),
])
def test_good_input(users, changes):
    assert input_errors(params(*users, **changes)) == []


def test_password_tokens_are_found_for_hiding():
    assert password_tokens('~* >s3cret (<old +get) #abc !def +@all') == ['>s3cret', '(<old', '#abc', '!def']


def test_lockout_is_checked_against_whoami():
    assert lockout_errors([entry('ops', enabled=False)], 'ops') == [
        'users[0] (ops): refusing to disable ops, the user this module is logged in as: it would lock itself out']
    assert lockout_errors([entry('ops', enabled=False)], 'default') == []


def test_a_dropped_login_password_warns():
    assert 'no longer include login_password' in dropped_login_password([entry('admin', ('new',))], 'admin', 'old')
    assert dropped_login_password([entry('admin', ('old', 'new'))], 'admin', 'old') is None
    assert dropped_login_password([entry('app', ('new',))], 'admin', 'old') is None
    assert dropped_login_password([entry('admin', ('new',))], 'admin', None) is None


@pytest.mark.parametrize('mode, sentinel, aclfile, config_file, method', [
    ('auto', False, '/etc/redis/users.acl', '/etc/redis/redis.conf', PERSIST_ACLFILE),
    ('auto', False, '', '/etc/redis/redis.conf', PERSIST_REWRITE),
    ('aclfile', False, '/etc/redis/users.acl', '', PERSIST_ACLFILE),
    ('rewrite', False, '', '/etc/redis/redis.conf', PERSIST_REWRITE),
    ('none', False, '', '', PERSIST_NONE),
    ('auto', True, None, None, PERSIST_TRY_ACLFILE),
    ('auto', True, '', None, PERSIST_REWRITE),
    ('auto', True, '/etc/redis/users.acl', None, PERSIST_ACLFILE),
    ('aclfile', True, None, None, PERSIST_ACLFILE),
    ('rewrite', True, None, None, PERSIST_REWRITE),
])
def test_persistence(mode, sentinel, aclfile, config_file, method):
    assert persistence(mode, sentinel, aclfile, config_file, 'h:1') == (method, None)


def test_persistence_without_a_file_warns():
    method, warning = persistence('auto', False, '', '', 'h:1')
    assert method == PERSIST_NONE
    assert warning.startswith('h:1 has neither an aclfile nor a config file')


@pytest.mark.parametrize('mode, aclfile, config_file, words', [
    ('aclfile', '', '/etc/redis/redis.conf', 'persist=aclfile, but h:1 has no aclfile'),
    ('rewrite', '/etc/redis/users.acl', '/etc/redis/redis.conf', 'CONFIG REWRITE writes no users'),
    ('rewrite', '', '', 'runs without a config file'),
])
def test_persistence_that_cannot_work_is_refused(mode, aclfile, config_file, words):
    with pytest.raises(ValueError) as refused:
        persistence(mode, False, aclfile, config_file, 'h:1')
    assert words in str(refused.value)


def test_persist_commands():
    assert persist_command(PERSIST_ACLFILE, False) == ('ACL', 'SAVE')
    assert persist_command(PERSIST_TRY_ACLFILE, True) == ('ACL', 'SAVE')
    assert persist_command(PERSIST_REWRITE, False) == ('CONFIG', 'REWRITE')
    assert persist_command(PERSIST_REWRITE, True) == ('SENTINEL', 'FLUSHCONFIG')


def test_the_acl_file_of_a_config_file():
    assert acl_file_of('port 26379\n# aclfile /nope\naclfile "/etc/redis/users.acl"\n') == '/etc/redis/users.acl'
    assert acl_file_of('port 26379\n') == ''


def test_redis_before_7_is_refused():
    assert version_error('7.0.15', 'h:1') is None
    assert version_error('8.0.2', 'h:1') is None
    assert version_error('6.2.14', 'h:1').startswith('h:1 runs Redis 6.2.14: redis_acl needs Redis 7.0 or later')
    assert version_error(None, 'h:1') is None


def test_a_sentinel_is_told_by_redis_mode_in_redis_and_by_server_mode_in_valkey():
    # INFO server, recorded in part: redis-sentinel 7.0.15 and redis-server 7.0.15; valkey-sentinel 8.1.1 and
    # valkey-server 8.1.1, which have server_mode instead of redis_mode (and redis_version 7.2.4).
    assert is_sentinel({'redis_version': '7.0.15', 'redis_mode': 'sentinel'})
    assert not is_sentinel({'redis_version': '7.0.15', 'redis_mode': 'standalone'})
    assert is_sentinel({'redis_version': '7.2.4', 'server_name': 'valkey', 'valkey_version': '8.1.1',
                        'server_mode': 'sentinel'})
    assert not is_sentinel({'redis_version': '7.2.4', 'server_name': 'valkey', 'valkey_version': '8.1.1',
                            'server_mode': 'standalone'})
