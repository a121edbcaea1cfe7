# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of the roles' variables, each a function of the values that returns what
is wrong, worded for the user and naming the variable, never repeating a secret.

The action plugin preflight runs them for the roles of the play before anything
changes; they are plain functions of plain values so that the same wording holds
wherever they run, and tests can call them directly.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re

from ansible_collections.redisops.sentinel.plugins.module_utils import acl
from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import looks_like_ip

# Sentinel rewrites its own config file (at its first start, on SENTINEL SET,
# after every failover) and writes "sentinel auth-pass <name> <password>"
# unquoted in Redis 7.0, 8.0 and Valkey 8.1 alike; its parser then splits the
# value at a space and takes quotes as quoting, so the Sentinel does not start
# again, or uses another password. Valkey 8.1.1 also writes requirepass and
# masterauth without escaping '"' and '\' (valkey#2035). What survives every
# one of these rewrites: printable ASCII but space, '"', "'" and '\'.
PASSWORD_PATTERN = re.compile(r'[!#-&(-\[\]-~]+\Z')
PASSWORD_PUNCTUATION = '!#$%&()*+,-./:;<=>?@[]^_`{|}~'
# Sentinel writes the master name unquoted in its config file.
MASTER_NAME_PATTERN = re.compile(r'[A-Za-z0-9._-]+\Z')
# Sentinel writes script paths unquoted; Valkey 8.1.1 writes announce-ip
# without escaping quotes and backslashes.
UNQUOTED_PATTERN = re.compile(r'[^\s"\'\\]*\Z')
VERSION_PATTERN = re.compile(r'^[0-9]+(\.[0-9]+)*([-+~][0-9A-Za-z.+~-]+)?$')
CHECKSUM_PATTERN = re.compile(r'sha256:[0-9a-f]{64}\Z')
MAKE_ARG_PATTERN = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*=')
SIZE_PATTERN = re.compile(r'^[0-9]+([kKmMgG][bB]?)?$')
DIRECTIVE_PATTERN = re.compile(r'^[a-z][a-z0-9-]*$')
# What redis_server manages itself, never through redis_config.
OWNED_DIRECTIVES = ('requirepass', 'masterauth', 'masteruser', 'port', 'bind', 'replicaof', 'slaveof', 'include')
SERVICE_MANAGERS = ('systemd', 'sysv', 'none')
TLS_AUTH_CLIENTS = ('yes', 'optional', 'no')
TLS_FILE_VARIABLES = ('redis_tls_cert_file', 'redis_tls_key_file', 'redis_tls_ca_file')
# The users the roles create in ACL mode: its name's variable, its password's, and the list of users of the
# same instances, which must leave the name to the role.
LINK_USERS = (
    ('redis_replication_user', 'redis_replication_password', 'redis_acl_users'),
    ('redis_sentinel_auth_user', 'redis_sentinel_auth_password', 'redis_acl_users'),
    ('sentinel_peer_user', 'sentinel_peer_password', 'sentinel_acl_users'),
    ('sentinel_client_user', 'sentinel_client_password', 'sentinel_acl_users'),
)
LINK_USER_VARIABLES = tuple(user for user, _password, _list in LINK_USERS)
LINK_PASSWORD_VARIABLES = tuple(password for _user, password, _list in LINK_USERS)
# Sentinel writes auth-user unquoted in its config file.
LINK_USER_PATTERN = re.compile(r'[A-Za-z0-9._-]+\Z')


def as_int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def common_errors(values):
    """What all the roles share: the service manager, the passwords, the master name."""
    errors = []
    manager = values['redis_service_manager_effective']
    if manager not in SERVICE_MANAGERS or (manager != 'none' and values['user_id'] != 'root'):
        errors.append('redis_service_manager is %s (%s), which needs root; as %s use redis_service_manager: none '
                      '(or auto) or become root.' % (values['redis_service_manager'], manager, values['user_id']))
    password, allowed = values['redis_password'] or '', values['redis_allow_no_password']
    if not password and not allowed:
        errors.append('redis_password is empty: set it (the same on every host, since any of them can become the '
                      'primary), or set redis_allow_no_password: true for a test setup')
    else:
        errors += unkeepable_password_errors(values, ('redis_password', 'sentinel_password'))
    name = values['sentinel_master_name']
    if not isinstance(name, str) or not MASTER_NAME_PATTERN.match(name):
        errors.append('sentinel_master_name %s may contain only letters, digits, ".", "-" and "_": Sentinel writes '
                      'it unquoted in its config file.' % json.dumps(name))
    return errors


def unkeepable_password_errors(values, names):
    """The passwords among names (variables in values) that a config file rewrite would break."""
    unkeepable = [name for name in names if values[name] and not PASSWORD_PATTERN.match('%s' % values[name])]
    if not unkeepable:
        return []
    return ['%s may contain only printable ASCII characters other than space, the double quote, the single '
            'quote and the backslash: letters, digits and %s. Sentinel rewrites its own config file (at its '
            'first start, on SENTINEL SET and after every failover) and writes auth-pass unquoted, so a space '
            'or a quote makes the file unreadable at its next start, and a quote or a leading space silently '
            'changes the password; Valkey 8.1.1 also writes requirepass and masterauth without escaping the '
            'double quote and the backslash.' % (' and '.join(unkeepable), PASSWORD_PUNCTUATION)]


def link_users_errors(values):
    """In ACL mode (values['acl_mode']: redis_acl_users is set), the users the roles create with the least rights.

    values: the variables of LINK_USERS, and redis_acl_users and sentinel_acl_users (None when unset), whose names
    must leave the link users' names to the roles.
    """
    if not values['acl_mode']:
        return []
    errors = []
    missing = [name for name in LINK_PASSWORD_VARIABLES if not values[name]]
    if missing:
        errors.append('redis_acl_users is set, so replication and the Sentinels log in as users of their own instead '
                      'of default (redis_replication_user and redis_sentinel_auth_user on the data instances, '
                      'sentinel_peer_user between the Sentinels), and the Sentinels get a read-only user '
                      '(sentinel_client_user): set %s (the same on every host).' % ' and '.join(missing))
    errors += unkeepable_password_errors(values, LINK_PASSWORD_VARIABLES)
    owners = {}
    for variable, _password, users_variable in LINK_USERS:
        name = values[variable]
        if not isinstance(name, str) or not LINK_USER_PATTERN.match(name) or name == acl.DEFAULT_USER:
            errors.append('%s is %s: a user name of letters, digits, ".", "-" and "_", other than default.'
                          % (variable, json.dumps(name)))
            continue
        if name in owners:
            errors.append('%s is %s, the same as %s: each link needs a user of its own (each has exactly the '
                          'rights its link needs).' % (variable, json.dumps(name), owners[name]))
        owners.setdefault(name, variable)
        declared = [entry.get('name') for entry in values.get(users_variable) or [] if isinstance(entry, dict)]
        if name in declared:
            errors.append('%s declares %s, which is %s: the role owns that user (its rules are the ones the '
                          'Redis docs give); name the application user otherwise.'
                          % (users_variable, json.dumps(name), variable))
    return errors


def default_user_errors(values):
    """redis_default_user off (values['redis_default_user'] a boolean already): only in ACL mode, with the admin
    user's password, and with redis_password, which lets the first run in to create the admin user.

    values: those of link_users_errors, and redis_default_user, redis_admin_user, redis_admin_password,
    redis_password.
    """
    if values['redis_default_user']:
        return []
    if not values['acl_mode']:
        return ['redis_default_user is off, which needs ACL mode: set redis_acl_users (an empty list will do) on '
                'every host, so that replication and the Sentinels log in as users of their own rather than '
                'default.']
    errors = []
    if not values['redis_admin_password']:
        errors.append('redis_default_user is off, so the collection logs in to the data instances as '
                      'redis_admin_user: set redis_admin_password (the same on every host).')
    if not values['redis_password']:
        errors.append('redis_default_user is off: keep redis_password set, the password default has until the first '
                      'run creates redis_admin_user and turns default off.')
    errors += unkeepable_password_errors(values, ('redis_admin_password',))
    name = values['redis_admin_user']
    taken = [variable for variable in LINK_USER_VARIABLES if values[variable] == name]
    declared = [entry.get('name') for entry in values.get('redis_acl_users') or [] if isinstance(entry, dict)]
    if not isinstance(name, str) or not LINK_USER_PATTERN.match(name) or name == acl.DEFAULT_USER:
        errors.append('redis_admin_user is %s: a user name of letters, digits, ".", "-" and "_", other than default.'
                      % json.dumps(name))
    elif taken or name in declared:
        errors.append('redis_admin_user is %s, the name of %s: the admin user needs a name of its own.'
                      % (json.dumps(name), taken[0] if taken else 'a user of redis_acl_users'))
    return errors


# The passwords playbooks/rotate.yml moves, and where each one's user lives.
ROTATABLE_PASSWORDS = LINK_PASSWORD_VARIABLES + ('redis_admin_password',)


def previous_passwords_errors(values):
    """redis_previous_passwords: the current passwords during a rotation, by the name of their variable.

    values: redis_previous_passwords and acl_mode. Never repeats a password.
    """
    previous = values['redis_previous_passwords']
    if not previous:
        return []
    if not isinstance(previous, dict):
        return ['redis_previous_passwords must be a mapping of password variables to their current values, for '
                'example {redis_replication_password: "{{ vault_replication_password_old }}"}.']
    if not values['acl_mode']:
        return ['redis_previous_passwords is set, but the passwords it rotates belong to the users of ACL mode: '
                'set redis_acl_users on every host first.']
    errors = []
    unknown = sorted(name for name in previous if name not in ROTATABLE_PASSWORDS)
    if unknown:
        errors.append('redis_previous_passwords names %s: it takes %s.'
                      % (', '.join(unknown), ', '.join(ROTATABLE_PASSWORDS)))
    empty = sorted(name for name in previous if name in ROTATABLE_PASSWORDS and not previous[name])
    if empty:
        errors.append('redis_previous_passwords gives %s no value: give the password it has now, or leave it out.'
                      % ', '.join(empty))
    named = dict(('redis_previous_passwords.%s' % name, previous[name]) for name in previous
                 if name in ROTATABLE_PASSWORDS)
    errors += unkeepable_password_errors(named, sorted(named))
    return errors


def address_errors(values):
    """The announced address, port and host name of this host's instances (redis_common's variables;
    the Sentinel's own are in sentinel_errors)."""
    errors = []
    if not 0 <= as_int(values['redis_announce_port'], -1) <= 65535:
        errors.append('redis_announce_port must be between 0 and 65535.')
    for name in ('redis_announce_ip', 'redis_hostname'):
        if not UNQUOTED_PATTERN.match('%s' % (values[name] or '')):
            errors.append('%s must be an address or host name, with no space, quote or backslash.' % name)
    if not values['redis_hostnames']:
        return errors
    # The Sentinel docs: with host names, use them everywhere, never mixed with addresses.
    if not values['redis_hostname']:
        errors.append('redis_hostnames is on and redis_hostname is empty: give this host its name.')
    for name in ('redis_hostname', 'redis_announce_ip', 'sentinel_announce_ip'):
        if values[name] and looks_like_ip('%s' % values[name]):
            errors.append('redis_hostnames is on and %s is the address %s: the Sentinel docs say to use host names '
                          'everywhere and never mix them with addresses; give a host name, or turn redis_hostnames '
                          'off.' % (name, values[name]))
    if not values['sentinel_resolve_hostnames']:
        errors.append('redis_hostnames is on and sentinel_resolve_hostnames is off: the Sentinels could not resolve '
                      'the names the instances announce. Remove sentinel_resolve_hostnames (it follows '
                      'redis_hostnames).')
    return errors


def hostnames_mix_errors(settings):
    """settings: each host of the cluster and its redis_hostnames. On everywhere or nowhere (the Sentinel docs)."""
    on = sorted(host for host, enabled in settings.items() if enabled)
    off = sorted(host for host, enabled in settings.items() if not enabled)
    if not on or not off:
        return []
    return ['redis_hostnames is on for %s but not for %s: set it for every host of the cluster (group_vars/all), '
            'since the Sentinel docs say to use host names everywhere or nowhere.' % (', '.join(on), ', '.join(off))]


def acl_mode_errors(modes):
    """modes: each host of the cluster and whether redis_acl_users is set there. It must be set everywhere or nowhere.

    The Sentinel docs warn against mixing: a Sentinel that logs in as default beside others that log in as
    redis_sentinel_auth_user, or a replica without masteruser, fails only at the next failover.
    """
    with_users = sorted(host for host, mode in modes.items() if mode)
    without = sorted(host for host, mode in modes.items() if not mode)
    if not with_users or not without:
        return []
    return ['redis_acl_users is set for %s but not for %s: set it for every host of the cluster (group_vars/all), '
            'since in ACL mode replication and the Sentinels log in as users of their own, and a mix fails at the '
            'next failover.' % (', '.join(with_users), ', '.join(without))]


def default_user_mix_errors(settings):
    """settings: each host of the cluster and its redis_default_user. Off everywhere or nowhere: the collection
    logs in to every data instance of the cluster as the user one host's settings name."""
    off = sorted(host for host, enabled in settings.items() if not enabled)
    on = sorted(host for host, enabled in settings.items() if enabled)
    if not off or not on:
        return []
    return ['redis_default_user is off for %s but not for %s: set it for every host of the cluster '
            '(group_vars/all), since the collection logs in to every data instance as the same user.'
            % (', '.join(off), ', '.join(on))]


def tls_errors(values):
    """With redis_tls on: the files named, tls-auth-clients one of Redis's values, the plaintext ports.

    values['redis_tls'] is a boolean already; the files themselves are checked by tls_files.check_files.
    """
    if not values['redis_tls']:
        return []
    errors = []
    missing = [name for name in TLS_FILE_VARIABLES if not values[name]]
    if missing:
        errors.append('redis_tls is on but %s %s empty: give the certificate of this host, its key and the CA '
                      'that signs the certificates of every host (files on the controller, or on the host with '
                      'redis_tls_remote_src: true).' % (', '.join(missing), 'is' if len(missing) == 1 else 'are'))
    auth_clients = '%s' % (values['redis_tls_auth_clients'],)
    if auth_clients not in TLS_AUTH_CLIENTS:
        errors.append('redis_tls_auth_clients is %s: it must be one of %s (tls-auth-clients).'
                      % (json.dumps(auth_clients), ', '.join(TLS_AUTH_CLIENTS)))
    for plaintext, tls in (('redis_tls_plaintext_port', 'redis_port'), ('sentinel_tls_plaintext_port', 'sentinel_port')):
        port = as_int(values[plaintext])
        if port is None or not 0 <= port <= 65535:
            errors.append('%s is %s: it must be a port (1-65535), or 0 for no plaintext port.'
                          % (plaintext, json.dumps(values[plaintext])))
        elif port and port == as_int(values[tls]):
            errors.append('%s is %s, the same as %s, which is the TLS port when redis_tls is on: choose another '
                          'port, or 0 for none.' % (plaintext, port, tls))
    return errors


# What a users entry of redis_acl may say, and what it says when it is silent.
ACL_USER_DEFAULTS = dict(passwords=[], rules='', enabled=True)
# The variable that sets the password of each side's default user, which the roles own.
ACL_DEFAULT_USER_OWNER = dict(redis_acl_users='redis_password', sentinel_acl_users='sentinel_password')


def acl_users_errors(variable, users):
    """redis_acl_users or sentinel_acl_users (variable), the users a role declares with redis_acl.

    None (the variable is not set) leaves the users alone and is fine. The roles log in as default, whose
    password they own, so default may not be listed; the rest is redis_acl's own check of its users.
    """
    if users is None:
        return []
    if not isinstance(users, list) or not all(isinstance(entry, dict) for entry in users):
        return ['%s must be a list of users, each a mapping with name, passwords, rules and enabled.' % variable]
    errors = []
    entries = []
    for index, entry in enumerate(users):
        unknown = sorted(set(entry) - set(ACL_USER_DEFAULTS) - set(['name']))
        if unknown:
            errors.append('%s[%d] (%s): unknown keys %s: a user has name, passwords, rules and enabled.'
                          % (variable, index, entry.get('name'), ', '.join(unknown)))
        filled = dict(ACL_USER_DEFAULTS)
        filled.update((key, value) for key, value in entry.items() if value is not None)
        if filled.get('name') is not None:
            filled['name'] = '%s' % (filled['name'],)
        if not isinstance(filled['passwords'], list):
            # A string would be split at its commas into several passwords.
            errors.append('%s[%d] (%s): passwords must be a list, for example ["{{ app_password }}"].'
                          % (variable, index, filled.get('name')))
        if entry.get('name') == acl.DEFAULT_USER:
            errors.append('%s[%d] (default): the default user is the role\'s own, its password is %s; declare '
                          'other users.' % (variable, index, ACL_DEFAULT_USER_OWNER.get(variable, 'the password')))
        entries.append(filled)
    if errors:
        return errors
    return ['%s.' % error for error in acl.users_errors(entries, dict(login_user=None), variable)]


def cluster_errors(redis_hosts, bootstrap, instances):
    """What depends on every host: the bootstrap primary, and each port valid and used once per machine.

    instances: (kind, host, port, machine) of every data instance (kind redis_port) and Sentinel
    (sentinel_port); machine is '' when unknown, and then counts for no clash.
    """
    errors = []
    if bootstrap not in redis_hosts:
        errors.append('redis_bootstrap_primary is %s, which is not a host of group redis (%s).'
                      % (bootstrap, ', '.join(redis_hosts)))
    for kind, host, port, _machine in instances:
        if not 1 <= port <= 65535:
            errors.append('%s of %s is %s, out of the range 1-65535.' % (kind, host, port))
    places = {}
    for kind, host, port, machine in instances:
        if machine:
            places.setdefault((machine, port), []).append('%s of %s' % (kind, host))
    for (_machine, port), users in sorted(places.items(), key=lambda item: item[0][1]):
        if len(users) > 1:
            errors.append('Port %s is used twice on one machine, by %s.' % (port, ', '.join(users)))
    return errors


def build_errors(values, archive_sha256):
    """redis_build's variables. archive_sha256(path): the SHA-256 of a file on the controller."""
    errors = []
    if values['redis_flavor'] not in ('redis', 'valkey'):
        errors.append("redis_flavor must be 'redis' or 'valkey', not '%s'." % values['redis_flavor'])
    if not VERSION_PATTERN.match('%s' % values['redis_version']):
        errors.append("redis_version must be an upstream release number such as 8.0.2, not '%s'."
                      % values['redis_version'])
    given, effective = values['redis_source_checksum'] or '', values['effective_checksum'] or ''
    if given and not CHECKSUM_PATTERN.match(effective):
        errors.append("redis_source_checksum must be 'sha256:' followed by 64 hexadecimal digits, not '%s'." % given)
    if not effective:
        errors.append("redis_source_checksum is required for %s %s: the role only knows the upstream sums of %s. "
                      "Set it to 'sha256:<sum of the tarball>'; ansible-playbook redisops.sentinel.fetch_source "
                      "writes it for the tarballs of the collection's source catalog."
                      % (values['redis_flavor'], values['redis_version'], ', '.join(values['known_releases'])))
    make_args = values['redis_make_args']
    if make_args:
        names = [('%s' % arg).split('=', 1)[0] for arg in make_args] if isinstance(make_args, list) else []
        if not isinstance(make_args, list) or [arg for arg in make_args if not MAKE_ARG_PATTERN.match('%s' % arg)] \
                or len(set(names)) != len(names):
            errors.append("redis_make_args must be a list of make variables, each 'NAME=value' and each NAME at "
                          "most once, such as ['MALLOC=libc']; got %s." % json.dumps(make_args))
    if not ('%s' % values['redis_build_cache_dir']).startswith('/'):
        errors.append("redis_build_cache_dir must be an absolute path on the controller, not '%s'."
                      % values['redis_build_cache_dir'])
    archive = values['archive']
    if archive:
        actual = archive_sha256(archive)
        if actual is None:
            errors.append('redis_source_archive: no such file on the controller: %s' % archive)
        elif CHECKSUM_PATTERN.match(effective) and actual != effective[len('sha256:'):]:
            errors.append('Checksum mismatch for redis_source_archive %s: redis_source_checksum expects sha256:%s, '
                          'the file has sha256:%s.%s' % (
                              archive, effective[len('sha256:'):], actual,
                              '' if given else " The expected sum is the role's default, that of the upstream "
                                               "release tarball; set redis_source_checksum for any other tarball."))
    return errors


def server_errors(values):
    """redis_server's variables."""
    errors = []
    if not values['redis_bind']:
        errors.append('redis_bind is empty.')
    if not SIZE_PATTERN.match('%s' % values['redis_maxmemory']):
        errors.append('redis_maxmemory %s is not a size such as 0, 100mb or 2gb.' % values['redis_maxmemory'])
    if as_int(values['redis_min_replicas_to_write'], -1) < 0:
        errors.append('redis_min_replicas_to_write must be 0 or more.')
    if as_int(values['redis_min_replicas_max_lag'], 0) < 1:
        errors.append('redis_min_replicas_max_lag must be at least 1 second.')
    if not isinstance(values['redis_appendonly'], bool):
        errors.append('redis_appendonly must be true or false.')
    config = values['redis_config'] or {}
    bad = [name for name in config if not DIRECTIVE_PATTERN.match('%s' % name)]
    taken = [name for name in config if name in OWNED_DIRECTIVES]
    if bad or taken:
        errors.append('redis_config %s%s' % (
            'has names that are not Redis directives: %s. ' % ', '.join(bad) if bad else '',
            'sets %s, which the role manages itself: use redis_password, redis_port, redis_bind, and let Sentinel '
            'and the role manage replication.' % ', '.join(taken) if taken else ''))
    return errors


def quorum_errors(quorum, count):
    quorum = as_int(quorum, 0)
    if quorum < 1:
        return ['sentinel_quorum is %s with %s Sentinels in group sentinel: the quorum must be at least 1.'
                % (quorum, count)]
    if quorum > count:
        return ['sentinel_quorum is %s with %s Sentinels in group sentinel: no failover could ever be agreed on, '
                'as the quorum exceeds the number of Sentinels.' % (quorum, count)]
    return []


def sentinel_count_warning(count):
    """Why a number of Sentinels survives failures badly, or None."""
    if count < 3:
        return ('Group sentinel has %d Sentinels. Fewer than 3 Sentinels cannot lose one and still authorise a '
                'failover (a majority must vote).' % count)
    if count % 2 == 0:
        return ('Group sentinel has %d Sentinels. An even number adds no fault tolerance over one fewer: a majority '
                'of %d needs %d votes.' % (count, count, count // 2 + 1))
    return None


def sentinel_errors(values):
    """redis_sentinel's variables (but the quorum, which depends on every host)."""
    errors = []
    for name, least in (('sentinel_down_after_milliseconds', 1), ('sentinel_failover_timeout', 1),
                        ('sentinel_parallel_syncs', 1)):
        if as_int(values[name], 0) < least:
            errors.append('%s must be at least 1.' % name)
    if as_int(values['sentinel_master_reboot_down_after_period'], -1) < 0:
        errors.append('sentinel_master_reboot_down_after_period must be 0 or more.')
    if not 0 <= as_int(values['sentinel_announce_port'], -1) <= 65535:
        errors.append('sentinel_announce_port must be between 0 and 65535.')
    scripts = [values[name] for name in ('sentinel_notification_script', 'sentinel_client_reconfig_script')
               if values[name]]
    if [script for script in scripts if not script.startswith('/') or not UNQUOTED_PATTERN.match(script)]:
        errors.append('sentinel_notification_script and sentinel_client_reconfig_script must be absolute paths with '
                      'no space, quote or backslash (Sentinel writes them unquoted in its config file).')
    if not UNQUOTED_PATTERN.match('%s' % (values['sentinel_announce_ip'] or '')):
        errors.append('sentinel_announce_ip must be an address or host name, with no space, quote or backslash.')
    if not values['sentinel_bind']:
        errors.append('sentinel_bind is empty.')
    if values['sentinel_update_auth'] not in ('on_create', 'always'):
        errors.append('sentinel_update_auth must be on_create or always.')
    return errors


def python_error(has_redis, installable, executable, host, user, package):
    """Why the modules could not run on host, or None."""
    if has_redis or installable:
        return None
    why = ('%s cannot install OS packages' % user if user != 'root'
           else 'it is not the Python of the system, which the OS package %s would serve' % package)
    return ('The Python interpreter %s on %s has no redis-py, which the modules of the collection need, and %s: '
            'install redis-py for it (pip install redis) or point ansible_python_interpreter at a Python that has it.'
            % (executable, host, why))
