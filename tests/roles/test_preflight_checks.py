# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of plugin_utils/checks.py on their own, for the edges the role tests
(test_preflight.py, test_local_default.py's bad input) do not each walk through."""

import string
import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.plugin_utils import checks  # noqa: E402

COMMON = dict(redis_service_manager='auto', redis_service_manager_effective='sysv', user_id='root',
              redis_password='ok', sentinel_password='ok', redis_allow_no_password=False,
              sentinel_master_name='mymaster')
# What Sentinel's rewrite of its config file keeps (the research behind: Redis 7.0.15, 8.0.2, Valkey 8.1.1).
KEPT = ''.join(chr(code) for code in range(0x21, 0x7f) if chr(code) not in '"\'\\')


def common(**changes):
    return checks.common_errors(dict(COMMON, **changes))


def test_every_printable_ascii_character_but_space_quotes_and_backslash_is_a_password_sentinel_keeps():
    assert len(KEPT) == 91
    assert common(redis_password=KEPT, sentinel_password=KEPT) == []


@pytest.mark.parametrize('password', [' ', 'a b', 'a"b', "a'b", 'a\\b', 'é', 'a\tb', 'a\n', '\x7f'])
def test_a_password_with_anything_else_is_refused_naming_the_variable_and_not_the_value(password):
    errors = common(redis_password='ok', sentinel_password='x' + password)
    assert len(errors) == 1 and errors[0].startswith('sentinel_password may contain only printable ASCII')
    assert 'x' + password not in errors[0]


def test_an_empty_password_needs_the_explicit_switch():
    assert common(redis_password='', sentinel_password='')[0].startswith('redis_password is empty')
    assert common(redis_password='', sentinel_password='', redis_allow_no_password=True) == []


def test_a_service_manager_that_needs_root_is_refused_for_another_user():
    assert common(user_id='alice')[0].startswith('redis_service_manager is auto (sysv), which needs root')
    assert common(user_id='alice', redis_service_manager_effective='none') == []


def test_ports_twice_on_one_machine_and_out_of_range_but_not_on_two_machines_or_unknown_ones():
    instances = [('redis_port', 'a', 7000, 'm1'), ('sentinel_port', 'b', 7000, 'm1'),
                 ('redis_port', 'c', 7000, 'm2'), ('redis_port', 'd', 7000, ''), ('sentinel_port', 'e', 0, 'm3')]
    errors = checks.cluster_errors(['a', 'c', 'd'], 'a', instances)
    assert errors == ['sentinel_port of e is 0, out of the range 1-65535.',
                      'Port 7000 is used twice on one machine, by redis_port of a, sentinel_port of b.']
    assert checks.cluster_errors(['a'], 'z', [])[0].startswith('redis_bootstrap_primary is z, which is not a host')


@pytest.mark.parametrize('make_args, ok', [
    ([], True), (['MALLOC=libc'], True), (['MALLOC=libc', 'V=1'], True), (['MALLOC=libc', 'MALLOC=jemalloc'], False),
    (['MALLOC'], False), ('MALLOC=libc', False), (['1X=y'], False),
])
def test_make_arguments(make_args, ok):
    values = dict(redis_flavor='redis', redis_version='8.0.2', redis_source_checksum='',
                  effective_checksum='sha256:' + '0' * 64, redis_make_args=make_args,
                  redis_build_cache_dir='/cache', archive='', known_releases=[])
    errors = checks.build_errors(values, lambda path: None)
    assert (errors == []) is ok, errors


def test_the_sentinel_count_warning():
    assert checks.sentinel_count_warning(3) is None and checks.sentinel_count_warning(5) is None
    assert 'Fewer than 3 Sentinels' in checks.sentinel_count_warning(2)
    assert 'a majority of 4 needs 3 votes' in checks.sentinel_count_warning(4)


def test_letters_digits_and_the_punctuation_the_docs_list_are_the_kept_characters():
    assert sorted(string.ascii_letters + string.digits + checks.PASSWORD_PUNCTUATION) == sorted(KEPT)


TLS = dict(redis_tls=True, redis_tls_cert_file='/c/h.crt', redis_tls_key_file='/c/h.key', redis_tls_ca_file='/c/ca.crt',
           redis_tls_auth_clients='optional', redis_tls_plaintext_port=0, sentinel_tls_plaintext_port=0,
           redis_port=6379, sentinel_port=26379)


def test_tls_off_needs_nothing_and_tls_on_with_its_files_is_fine():
    assert checks.tls_errors(dict(TLS, redis_tls=False, redis_tls_cert_file='', redis_tls_auth_clients='?')) == []
    assert checks.tls_errors(TLS) == []
    assert checks.tls_errors(dict(TLS, redis_tls_plaintext_port=6380, redis_tls_auth_clients='yes')) == []


def test_tls_on_names_each_missing_file_variable_the_bad_auth_clients_and_the_clashing_port():
    errors = checks.tls_errors(dict(TLS, redis_tls_cert_file='', redis_tls_key_file='', redis_tls_auth_clients='on',
                                    sentinel_tls_plaintext_port=26379, redis_tls_plaintext_port=70000))
    assert errors[0].startswith('redis_tls is on but redis_tls_cert_file, redis_tls_key_file are empty')
    assert errors[1] == 'redis_tls_auth_clients is "on": it must be one of yes, optional, no (tls-auth-clients).'
    assert errors[2].startswith('redis_tls_plaintext_port is 70000: it must be a port')
    assert errors[3].startswith('sentinel_tls_plaintext_port is 26379, the same as sentinel_port')
    assert len(errors) == 4


APP = dict(name='app', passwords=['app-secret-1'], rules='~app:* &* +@all -@dangerous')


def test_acl_users_unset_are_left_alone_and_a_declared_list_with_defaults_is_fine():
    assert checks.acl_users_errors('redis_acl_users', None) == []
    assert checks.acl_users_errors('redis_acl_users', []) == []
    assert checks.acl_users_errors('redis_acl_users', [APP, dict(name='off-user', enabled=False)]) == []
    assert checks.acl_users_errors('sentinel_acl_users', [dict(name='any', rules='nopass +ping')]) == []


def test_acl_users_errors_name_the_variable_and_the_entry_and_never_a_password():
    errors = checks.acl_users_errors('sentinel_acl_users', [
        dict(APP, rules='~* >hidden-secret +@all'), dict(name='nopw'), dict(APP, passwords=['']), APP])
    assert errors == [
        'sentinel_acl_users[0] (app): rules must not hold passwords or password hashes (tokens starting with >, <, '
        '# or !): give the passwords in passwords.',
        'sentinel_acl_users[1] (nopw): an enabled user needs passwords (or nopass in rules, to let any password '
        'in).',
        'sentinel_acl_users[2] (app): passwords must not hold an empty password.',
        'sentinel_acl_users[2] (app): the name is given twice (also sentinel_acl_users[0]): give each user once.',
        'sentinel_acl_users[3] (app): the name is given twice (also sentinel_acl_users[0]): give each user once.',
    ]
    assert not [error for error in errors if 'hidden-secret' in error or 'app-secret' in error]


@pytest.mark.parametrize('users, expected', [
    ([dict(name='default', passwords=['x'])],
     "redis_acl_users[0] (default): the default user is the role's own, its password is redis_password; declare "
     "other users."),
    ([dict(APP, passwords='app-secret-1,second')],
     'redis_acl_users[0] (app): passwords must be a list, for example ["{{ app_password }}"].'),
    ([dict(APP, password=['x'])],
     'redis_acl_users[0] (app): unknown keys password: a user has name, passwords, rules and enabled.'),
    ('app', 'redis_acl_users must be a list of users, each a mapping with name, passwords, rules and enabled.'),
    ([dict(APP, name='')], 'redis_acl_users[0]: name must not be empty.'),
    ([dict(APP, rules='~app:* get set')],
     'redis_acl_users[0] (app): rules hold "get", "set", which are no ACL rule (did you mean +get?): a rule is '
     '+command, -command, +@category, ~pattern, %R~pattern, &pattern, allkeys, allchannels, allcommands, '
     'nocommands, reset, resetkeys, resetchannels or nopass, or a selector of those in parentheses.'),
])
def test_acl_users_shapes_the_roles_refuse(users, expected):
    assert checks.acl_users_errors('redis_acl_users', users) == [expected]


LINKS = dict(acl_mode=True, redis_acl_users=[], sentinel_acl_users=None, redis_replication_user='replication',
             redis_replication_password='r-pw', redis_sentinel_auth_user='sentinel', redis_sentinel_auth_password='s-pw',
             sentinel_peer_user='sentinel-peer', sentinel_peer_password='p-pw', sentinel_client_user='sentinel-client',
             sentinel_client_password='c-pw')


def test_link_users_are_checked_in_acl_mode_only():
    assert checks.link_users_errors(dict(LINKS)) == []
    assert checks.link_users_errors(dict(LINKS, acl_mode=False, redis_replication_password='')) == []


def test_acl_mode_needs_both_link_passwords_naming_them():
    errors = checks.link_users_errors(dict(LINKS, redis_replication_password='', redis_sentinel_auth_password='',
                                           sentinel_client_password=''))
    assert errors == ['redis_acl_users is set, so replication and the Sentinels log in as users of their own instead '
                      'of default (redis_replication_user and redis_sentinel_auth_user on the data instances, '
                      'sentinel_peer_user between the Sentinels), and the Sentinels get a read-only user '
                      '(sentinel_client_user): set redis_replication_password and redis_sentinel_auth_password and '
                      'sentinel_client_password (the same on every host).']


def test_a_link_password_sentinel_could_not_keep_is_refused_without_printing_it():
    errors = checks.link_users_errors(dict(LINKS, redis_sentinel_auth_password='a b'))
    assert len(errors) == 1 and errors[0].startswith('redis_sentinel_auth_password may contain only printable ASCII')
    assert 'a b' not in errors[0]


@pytest.mark.parametrize('changes, expected', [
    (dict(redis_replication_user='default'),
     'redis_replication_user is "default": a user name of letters, digits, ".", "-" and "_", other than default.'),
    (dict(redis_sentinel_auth_user='two words'),
     'redis_sentinel_auth_user is "two words": a user name of letters, digits, ".", "-" and "_", other than default.'),
    (dict(redis_sentinel_auth_user='replication'),
     'redis_sentinel_auth_user is "replication", the same as redis_replication_user: each link needs a user of its '
     'own (each has exactly the rights its link needs).'),
    (dict(sentinel_client_user='sentinel-peer'),
     'sentinel_client_user is "sentinel-peer", the same as sentinel_peer_user: each link needs a user of its own '
     '(each has exactly the rights its link needs).'),
    (dict(sentinel_acl_users=[dict(name='sentinel-client')]),
     'sentinel_acl_users declares "sentinel-client", which is sentinel_client_user: the role owns that user (its '
     'rules are the ones the Redis docs give); name the application user otherwise.'),
    (dict(redis_acl_users=[dict(name='app'), dict(name='sentinel')]),
     'redis_acl_users declares "sentinel", which is redis_sentinel_auth_user: the role owns that user (its rules '
     'are the ones the Redis docs give); name the application user otherwise.'),
], ids=['default', 'space', 'same user', 'same sentinel user', 'declared by the user', 'declared on the sentinels'])
def test_link_user_names_the_roles_refuse(changes, expected):
    assert checks.link_users_errors(dict(LINKS, **changes)) == [expected]


def test_acl_mode_is_set_for_every_host_of_the_cluster_or_for_none():
    assert checks.acl_mode_errors(dict(a=True, b=True)) == []
    assert checks.acl_mode_errors(dict(a=False, b=False)) == []
    assert checks.acl_mode_errors(dict(a=True, c=False, b=True)) == [
        'redis_acl_users is set for a, b but not for c: set it for every host of the cluster (group_vars/all), since '
        'in ACL mode replication and the Sentinels log in as users of their own, and a mix fails at the next '
        'failover.']


DEFAULT_OFF = dict(LINKS, redis_default_user=False, redis_admin_user='admin', redis_admin_password='a-pw',
                   redis_password='d-pw')


def test_the_default_user_on_needs_nothing_more():
    assert checks.default_user_errors(dict(DEFAULT_OFF, redis_default_user=True, redis_admin_password='')) == []
    assert checks.default_user_errors(dict(DEFAULT_OFF)) == []


@pytest.mark.parametrize('changes, expected', [
    (dict(acl_mode=False),
     ['redis_default_user is off, which needs ACL mode: set redis_acl_users (an empty list will do) on every host, '
      'so that replication and the Sentinels log in as users of their own rather than default.']),
    (dict(redis_admin_password='', redis_password=''),
     ['redis_default_user is off, so the collection logs in to the data instances as redis_admin_user: set '
      'redis_admin_password (the same on every host).',
      'redis_default_user is off: keep redis_password set, the password default has until the first run creates '
      'redis_admin_user and turns default off.']),
    (dict(redis_admin_user='default'),
     ['redis_admin_user is "default": a user name of letters, digits, ".", "-" and "_", other than default.']),
    (dict(redis_admin_user='sentinel'),
     ['redis_admin_user is "sentinel", the name of redis_sentinel_auth_user: the admin user needs a name of its '
      'own.']),
    (dict(redis_acl_users=[dict(name='admin')]),
     ['redis_admin_user is "admin", the name of a user of redis_acl_users: the admin user needs a name of its '
      'own.']),
], ids=['not acl mode', 'passwords', 'default', 'link user', 'declared by the user'])
def test_the_default_user_off_needs_acl_mode_and_an_admin_user(changes, expected):
    assert checks.default_user_errors(dict(DEFAULT_OFF, **changes)) == expected


def test_an_admin_password_sentinel_could_not_keep_is_refused_without_printing_it():
    errors = checks.default_user_errors(dict(DEFAULT_OFF, redis_admin_password='a"b'))
    assert len(errors) == 1 and errors[0].startswith('redis_admin_password may contain only printable ASCII')
    assert 'a"b' not in errors[0]


def test_the_default_user_is_off_for_every_host_of_the_cluster_or_for_none():
    assert checks.default_user_mix_errors(dict(a=False, b=False)) == []
    assert checks.default_user_mix_errors(dict(a=True, b=True)) == []
    assert checks.default_user_mix_errors(dict(b=False, a=True, c=False)) == [
        'redis_default_user is off for b, c but not for a: set it for every host of the cluster (group_vars/all), '
        'since the collection logs in to every data instance as the same user.']


@pytest.mark.parametrize('previous, acl_mode, expected', [
    ({}, False, []),
    ({'redis_replication_password': 'old-pw', 'redis_admin_password': 'old-admin'}, True, []),
    ({'redis_replication_password': 'old-pw'}, False,
     ['redis_previous_passwords is set, but the passwords it rotates belong to the users of ACL mode: set '
      'redis_acl_users on every host first.']),
    ('old-pw', True,
     ['redis_previous_passwords must be a mapping of password variables to their current values, for example '
      '{redis_replication_password: "{{ vault_replication_password_old }}"}.']),
    ({'redis_password': 'x', 'sentinel_peer_password': ''}, True,
     ['redis_previous_passwords names redis_password: it takes redis_replication_password, '
      'redis_sentinel_auth_password, sentinel_peer_password, sentinel_client_password, redis_admin_password.',
      'redis_previous_passwords gives sentinel_peer_password no value: give the password it has now, or leave it '
      'out.']),
], ids=['none', 'fine', 'not acl mode', 'not a mapping', 'unknown and empty'])
def test_previous_passwords_of_a_rotation(previous, acl_mode, expected):
    assert checks.previous_passwords_errors(dict(redis_previous_passwords=previous, acl_mode=acl_mode)) == expected


def test_a_previous_password_sentinel_could_not_keep_is_refused_without_printing_it():
    errors = checks.previous_passwords_errors(dict(redis_previous_passwords={'sentinel_peer_password': 'o ld'},
                                                   acl_mode=True))
    assert len(errors) == 1 and errors[0].startswith('redis_previous_passwords.sentinel_peer_password may contain')
    assert 'o ld' not in errors[0]


def test_masteruser_is_the_roles_own_directive():
    errors = checks.server_errors(dict(redis_bind=['127.0.0.1'], redis_maxmemory='0', redis_min_replicas_to_write=0,
                                       redis_min_replicas_max_lag=10, redis_appendonly=False,
                                       redis_config={'masteruser': 'someone'}))
    assert errors and 'sets masteruser, which the role manages itself' in errors[0]


ADDRESSES = dict(redis_announce_ip='', redis_announce_port=0, redis_hostname='db1', sentinel_announce_ip='',
                 redis_hostnames=False, sentinel_resolve_hostnames=False)


@pytest.mark.parametrize('changes, error', [
    ({}, None),
    ({'redis_announce_ip': '203.0.113.5', 'redis_announce_port': 16379}, None),
    ({'redis_announce_port': 70000}, 'redis_announce_port must be between 0 and 65535.'),
    ({'redis_announce_ip': 'a b'}, 'redis_announce_ip must be an address or host name, with no space'),
    ({'redis_hostnames': True, 'sentinel_resolve_hostnames': True}, None),
    ({'redis_hostnames': True, 'sentinel_resolve_hostnames': False},
     'redis_hostnames is on and sentinel_resolve_hostnames is off: the Sentinels could not resolve'),
    ({'redis_hostnames': True, 'sentinel_resolve_hostnames': True, 'redis_hostname': '10.0.0.1'},
     'redis_hostnames is on and redis_hostname is the address 10.0.0.1: the Sentinel docs say to use host names'),
    ({'redis_hostnames': True, 'sentinel_resolve_hostnames': True, 'sentinel_announce_ip': '2001:db8::1'},
     'redis_hostnames is on and sentinel_announce_ip is the address 2001:db8::1'),
    ({'redis_hostnames': True, 'sentinel_resolve_hostnames': True, 'redis_hostname': ''},
     'redis_hostnames is on and redis_hostname is empty'),
])
def test_announced_addresses_and_host_names(changes, error):
    errors = checks.address_errors(dict(ADDRESSES, **changes))
    if error is None:
        assert errors == []
    else:
        assert len(errors) == 1 and errors[0].startswith(error), errors


def test_host_names_are_used_by_every_host_or_none():
    assert checks.hostnames_mix_errors({'db1': True, 'db2': True}) == []
    assert checks.hostnames_mix_errors({'db1': False, 'db2': False}) == []
    assert checks.hostnames_mix_errors({'db1': True, 'db2': False, 'db3': True}) == [
        'redis_hostnames is on for db1, db3 but not for db2: set it for every host of the cluster (group_vars/all), '
        'since the Sentinel docs say to use host names everywhere or nowhere.']
