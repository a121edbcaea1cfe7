#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: redis_acl
short_description: Declare the ACL users of a Redis instance or a Sentinel
description:
  - Ensures that the ACL users of O(users) exist on one running Redis data instance or Sentinel with exactly the
    given rules, passwords and state, and with O(purge=true) that no other user does. Redis 7.0 or later.
  - Each user is made with one C(ACL SETUSER <name> reset <rules> on|off >password...), which Redis applies at
    once or not at all, so there is no moment without the user or with part of its rules. The same command
    creates a user. O(purge) deletes with C(ACL DELUSER).
  - Redis keeps only the SHA-256 hashes of passwords. The module compares the hashes of O(users[].passwords) with
    those C(ACL GETUSER) reports, and compares the rules after Redis itself normalised them, so a second identical
    run reports no change. Before anything changes, it applies the rules of every entry to a disabled scratch user
    (C(redisops-probe-) and random hex digits, deleted at once), and compares what C(ACL GETUSER) reports of it
    with the user. That is also the check of the rules; rules Redis refuses make the module fail before it changes
    anything.
  - After a change, the module persists the users (see O(persist)), so that a restart keeps them.
  - ACL users are not replicated; run the module on every data instance and every Sentinel.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.attributes.changes
options:
  login_port:
    description:
      - TCP port of the Redis server or the Sentinel. Give V(26379) (or the Sentinel's port) for a Sentinel.
    type: int
    default: 6379
  users:
    description:
      - The users to declare. A user not listed is left alone, unless O(purge=true).
      - The C(default) user is only changed when it is listed.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The user name, without spaces. Names are case sensitive.
          - Names starting with C(redisops-probe-) are refused; they are the module's scratch users.
        type: str
        required: true
      passwords:
        description:
          - Exactly the passwords the user accepts; any other password it had is removed.
          - To rotate, give the old and the new password, so that clients can move to the new one, and later
            only the new one. Removing a password does not log out the connections that logged in with it; only
            new logins are refused.
          - An enabled user needs passwords unless O(users[].rules) say C(nopass). Empty passwords are refused.
          - Give them through variables (a vars file encrypted with Ansible Vault), never literally, for the
            reasons given at O(login_password). They never appear in the output, the diff or the logs.
        type: list
        elements: str
        default: []
      rules:
        description:
          - The ACL rules of the user other than its passwords and C(on)/C(off), as C(ACL SETUSER) takes them,
            separated by spaces, for example V(~app:* &* +@all -@dangerous), or for the user Sentinels log in to
            the data instances with V(allchannels +multi +slaveof +ping +exec +subscribe +config|rewrite +role
            +publish +info +client|setname +client|kill +script|kill).
          - The rules replace all the rules of the user (C(reset) comes first). Without keys (C(~pattern)),
            channels (C(&pattern)) or commands (C(+command)) the user has none of them. Selectors in
            parentheses are allowed.
          - Password tokens (C(>password), C(<password), C(#hash), C(!hash)) are refused, and hidden in the
            output of the refusal; give passwords in O(users[].passwords). C(on) and C(off) are refused; use
            O(users[].enabled).
          - A word that has the form of no rule (V(get) for V(+get)) is refused before the module logs in.
        type: str
        default: ''
      enabled:
        description:
          - Whether the user can log in (C(on)) or not (C(off)). Connections already logged in as a disabled user
            keep working.
          - Disabling the user the module logs in as is refused, and so is disabling C(default) when
            O(login_user) is not set.
        type: bool
        default: true
  purge:
    description:
      - Delete every user that O(users) does not list, except C(default) and the user the module is logged in as
        (C(ACL WHOAMI)). Redis closes the connections of a deleted user.
    type: bool
    default: false
  bootstrap_password:
    description:
      - The password of C(default), to log in with once when logging in as O(login_user) is refused because that
        user does not exist yet or lacks O(login_password). That is how one run creates the user the module
        (and the roles) log in as from now on, and turns C(default) off, on a server where only C(default) can
        log in yet.
      - Then O(users) must list O(login_user) enabled, with O(login_password) among its passwords; the module
        changes C(default) last, logs in again as O(login_user) to persist, and so shows that the new login
        works.
      - Needs O(login_user). Give it through a variable, like O(login_password).
    type: str
  persist:
    description:
      - How to persist the users after a change, so that a restart keeps them.
      - V(auto) uses C(ACL SAVE) when the server has an ACL file (C(aclfile)), and otherwise writes them into the
        server's config file, with C(CONFIG REWRITE) on a data instance and C(SENTINEL FLUSHCONFIG) on a Sentinel.
        A Sentinel has no C(CONFIG GET) to read its C(aclfile), so there the module sends C(ACL SAVE) and, when
        the Sentinel answers that it has no ACL file, C(SENTINEL FLUSHCONFIG). A data instance without either
        cannot persist; the module then warns.
      - V(aclfile) always uses C(ACL SAVE), which fails on a server without an ACL file.
      - V(rewrite) always uses C(CONFIG REWRITE) (C(SENTINEL FLUSHCONFIG) on a Sentinel). It is refused on a data
        instance with an ACL file, where the config file holds no users.
      - V(none) persists nothing.
      - C(CONFIG REWRITE) and C(SENTINEL FLUSHCONFIG) write every runtime setting into the config file, not only
        the users, and the user lines hold the password hashes.
    type: str
    choices: [auto, aclfile, rewrite, none]
    default: auto
notes:
  - Needs C(ACL SETUSER), C(ACL GETUSER), C(ACL DELUSER), C(ACL USERS), C(ACL WHOAMI) and C(INFO), and to persist
    C(CONFIG GET) with C(ACL SAVE) or C(CONFIG REWRITE) on a data instance, C(ACL SAVE) or C(SENTINEL FLUSHCONFIG)
    on a Sentinel.
  - When O(users) lists C(default), on a data instance its first password (none when it has none) is also kept
    as C(requirepass), with C(CONFIG GET) and C(CONFIG SET), since C(CONFIG REWRITE) writes C(requirepass) into
    the config file, where an old password would stay. C(default) is set again right after C(CONFIG SET
    requirepass), which resets its passwords.
  - In check mode too the module creates the disabled scratch user, without passwords, and deletes it at once, to
    normalise the rules; it sends none of the commands of RV(commands).
  - The user the module logs in as is changed after the others and after the deletions, so that rules taking away
    its own ACL permissions stop only the persistence.
  - Changing the passwords of the user the module logs in as keeps this connection logged in; later tasks need one
    of the new passwords in O(login_password), and the module warns when O(login_password) is not among them.
  - Redis closes the connections of a user whose channel permissions shrink, if they are subscribed to channels it
    no longer may read, and those of a deleted user; other changes keep the connections of the user.
seealso:
  - module: redisops.sentinel.redis_config
'''

EXAMPLES = r'''
# Passwords come from variables (a vault-encrypted vars file), never literally.
- name: Application and monitoring users on the data instances
  redisops.sentinel.redis_acl:
    login_password: "{{ redis_password }}"
    users:
      - name: app
        passwords: ["{{ app_password }}"]
        rules: "~app:* &* +@all -@dangerous"
      - name: monitoring
        passwords: ["{{ monitoring_password }}"]
        rules: "-@all +info +ping +latency|latest +slowlog|get"

- name: Rotate the app password, step 1 of 2, while clients move to the new one
  redisops.sentinel.redis_acl:
    login_password: "{{ redis_password }}"
    users:
      - name: app
        passwords: ["{{ app_password_old }}", "{{ app_password }}"]
        rules: "~app:* &* +@all -@dangerous"

- name: Rotate the app password, step 2 of 2, when no client uses the old one
  redisops.sentinel.redis_acl:
    login_password: "{{ redis_password }}"
    users:
      - name: app
        passwords: ["{{ app_password }}"]
        rules: "~app:* &* +@all -@dangerous"

- name: Only these users, and no login without a user name
  redisops.sentinel.redis_acl:
    login_user: admin
    login_password: "{{ admin_password }}"
    purge: true
    users:
      - name: admin
        passwords: ["{{ admin_password }}"]
        rules: "~* &* +@all"
      - name: default
        enabled: false

- name: Read-only clients of a Sentinel
  redisops.sentinel.redis_acl:
    login_port: 26379
    login_password: "{{ sentinel_password }}"
    users:
      - name: sentinel-client
        passwords: ["{{ sentinel_client_password }}"]
        rules: >-
          -@all +auth +client|getname +client|id +client|setname +command +hello +ping +role
          +sentinel|get-master-addr-by-name +sentinel|master +sentinel|myid +sentinel|replicas
          +sentinel|sentinels +sentinel|masters
'''

RETURN = r'''
users:
  description:
    - What the run did (or would do, in check mode) to each listed user and each user purged, by name.
  returned: always
  type: dict
  sample: {app: created, monitoring: unchanged, old-app: deleted}
persisted:
  description:
    - How the changes were persisted, V(aclfile) (C(ACL SAVE)), V(rewrite) (C(CONFIG REWRITE) or
      C(SENTINEL FLUSHCONFIG)) or V(none); V(none) when nothing changed, and in check mode.
  returned: always
  type: str
  sample: rewrite
bootstrapped:
  description:
    - Whether the module logged in as C(default) with O(bootstrap_password), because O(login_user) could not log
      in yet.
  returned: always
  type: bool
  sample: false
commands:
  description:
    - Commands that changed the server, in order; in check mode, the commands that would have been sent.
    - Passwords are replaced by C(>********). The scratch user's commands are not listed.
  returned: always
  type: list
  elements: str
  sample: ["ACL SETUSER app reset ~app:* &* +@all -@dangerous on >******** >********", "CONFIG REWRITE"]
diff:
  description:
    - With C(--diff), each listed or purged user before and after, by name, with whether it is enabled, its
      flags, its rules as Redis normalised them, and how many passwords it has; never a password or a hash.
  returned: when diff mode is on
  type: dict
  sample:
    before: {app: {enabled: true, flags: [on, sanitize-payload], rules: "~app:* &* +@all", passwords: 2}}
    after: {app: {enabled: true, flags: [on, sanitize-payload], rules: "~app:* &* +@all", passwords: 1}}
'''

import binascii
import os

from ansible_collections.redisops.sentinel.plugins.module_utils.acl import (
    DEFAULT_USER,
    NO_ACL_FILE_REPLY,
    PERSIST_ACLFILE,
    PERSIST_NONE,
    PERSIST_REWRITE,
    PERSIST_TRY_ACLFILE,
    PROBE_PREFIX,
    AclCommandLog,
    acl_file_of,
    dropped_login_password,
    input_errors,
    lockout_errors,
    parse_user,
    password_tokens,
    persist_command,
    persistence,
    probe_args,
    purge_names,
    refused_rules_message,
    setuser_args,
    user_action,
    user_view,
    version_error,
    wanted_user,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import is_this_machine
from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    REDIS_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    RedisServer,
    hide_values,
    is_sentinel,
    login_argument_spec,
    refuse_bad_input,
)


def argument_spec():
    spec = login_argument_spec(REDIS_DEFAULT_PORT)
    spec.update(
        users=dict(type='list', elements='dict', default=[], options=dict(
            name=dict(type='str', required=True),
            passwords=dict(type='list', elements='str', default=[], no_log=True),
            rules=dict(type='str', default=''),
            enabled=dict(type='bool', default=True),
        )),
        purge=dict(type='bool', default=False),
        bootstrap_password=dict(type='str', no_log=True),
        persist=dict(type='str', default='auto', choices=['auto', 'aclfile', 'rewrite', 'none']),
    )
    return spec


def read_user(server, name):
    return parse_user(server.read('ACL', 'GETUSER', name))


def scratch_name(existing):
    while True:
        name = PROBE_PREFIX + binascii.hexlify(os.urandom(8)).decode('ascii')
        if name not in existing:
            return name


def probe_rules(server, users, existing):
    """Every entry's rules as Redis normalises them, from a scratch user that is deleted again.

    A rule Redis refuses fails the run here, before anything changed.
    """
    scratch = scratch_name(existing)
    probes = []
    failure = None
    try:
        try:
            for index, entry in enumerate(users):
                try:
                    server.read(*probe_args(scratch, entry['rules']))
                except RedisModuleError as exc:
                    if exc.reply is None:
                        raise
                    raise RedisModuleError(refused_rules_message(index, entry, exc.reply), reply=exc.reply)
                probes.append(read_user(server, scratch))
        except RedisModuleError as exc:
            failure = exc
            raise
    finally:
        try:
            server.read('ACL', 'DELUSER', scratch)
        except RedisModuleError as exc:
            raise RedisModuleError('%sthe scratch user %s may remain, delete it with ACL DELUSER: %s'
                                   % ('%s; ' % failure if failure else '', scratch, exc))
    return probes


def sentinel_acl_file(module, config_file):
    """The aclfile of a Sentinel's config file when this machine can read it, else None (unknown)."""
    if not config_file or not is_this_machine(module.params['login_host']):
        return None
    try:
        with open(config_file) as handle:
            return acl_file_of(handle.read())
    except (IOError, OSError):
        return None


def plan_persistence(module, server, server_info):
    """How the run will persist its changes; checked before any change."""
    params = module.params
    if params['persist'] == PERSIST_NONE:
        return PERSIST_NONE
    sentinel = is_sentinel(server_info)
    config_file = server_info.get('config_file') or ''
    if sentinel:
        # A Sentinel has no CONFIG GET; ACL SAVE itself tells, and check mode may only guess from the file.
        aclfile = sentinel_acl_file(module, config_file) if module.check_mode else None
    else:
        aclfile = server.config_value('aclfile')
    try:
        method, warning = persistence(params['persist'], sentinel, aclfile, config_file, server.address)
    except ValueError as exc:
        raise RedisModuleError('%s; nothing was changed' % exc)
    if warning:
        module.warn(warning)
    if method == PERSIST_TRY_ACLFILE and module.check_mode:
        # Unknown without the Sentinel's config file; most Sentinels have no ACL file.
        return PERSIST_REWRITE
    return method


def persist(module, server, sentinel, method):
    """Send the persistence command; returns what was used."""
    if method == PERSIST_NONE:
        return PERSIST_NONE
    dry_run = module.check_mode
    if method == PERSIST_TRY_ACLFILE:
        try:
            server.change(*persist_command(PERSIST_ACLFILE, sentinel))
            return PERSIST_ACLFILE
        except RedisModuleError as exc:
            if not exc.reply or NO_ACL_FILE_REPLY not in exc.reply:
                raise
            # The refused ACL SAVE changed nothing.
            server.log.commands.pop()
        method = PERSIST_REWRITE
    server.change(*persist_command(method, sentinel), dry_run=dry_run)
    return PERSIST_NONE if dry_run else method


class Change:
    """One listed user: what it is, what it must be, and what the module does about it."""

    def __init__(self, entry, current, probe):
        self.entry = entry
        self.name = entry['name']
        self.current = current
        self.wanted = wanted_user(entry, probe)
        self.action = user_action(current, self.wanted)


def set_user(module, server, change):
    args, secret_positions = setuser_args(change.entry)
    server.change(*args, secret_positions=secret_positions, dry_run=module.check_mode)


def login(params, log):
    """The connection as login_user; as default with bootstrap_password when login_user cannot log in yet.

    Returns (server, bootstrapped)."""
    try:
        return RedisServer(params, log=log), False
    except RedisModuleError as exc:
        if not (exc.auth_failure and params['bootstrap_password']):
            raise
    return RedisServer(dict(params, login_user=None, login_password=params['bootstrap_password']), log=log), True


def run(module, server, bootstrapped=False):
    params = module.params
    users = params['users']
    result = dict(changed=False, commands=server.log.commands, users={}, persisted=PERSIST_NONE,
                  bootstrapped=bootstrapped)
    server_info = server.info('server')
    sentinel = is_sentinel(server_info)
    problem = version_error(server_info.get('redis_version'), server.address)
    if problem:
        raise RedisModuleError(problem)
    whoami = server.read('ACL', 'WHOAMI')
    # Logged in as default to create login_user (bootstrap_password): default may be disabled, since the
    # persistence below logs in as login_user.
    errors = [] if bootstrapped else lockout_errors(users, whoami)
    if errors:
        raise RedisModuleError('%s; nothing was changed' % '; '.join(errors))
    existing = set(server.read('ACL', 'USERS'))

    current = dict((entry['name'], read_user(server, entry['name'])) for entry in users)
    probes = probe_rules(server, users, existing) if users else []
    changes = [Change(entry, current[entry['name']], probe) for entry, probe in zip(users, probes)]
    doomed = purge_names(existing, users, whoami) if params['purge'] else []
    deleted = dict((name, read_user(server, name)) for name in doomed) if module._diff else {}

    for change in changes:
        result['users'][change.name] = change.action
    for name in doomed:
        result['users'][name] = 'deleted'
    pending = [change for change in changes if change.action != 'unchanged']
    default_change = next((change for change in changes if change.name == DEFAULT_USER), None)
    requirepass = None if sentinel or default_change is None else requirepass_change(server, default_change)
    if requirepass is not None and default_change.action == 'unchanged':
        result['users'][DEFAULT_USER] = 'updated'
    result['changed'] = bool(pending or doomed or requirepass is not None)

    if result['changed']:
        method = plan_persistence(module, server, server_info)
        warning = dropped_login_password(users, whoami, params['login_password'])
        if warning:
            module.warn(warning)
        # The login user last, so that its own new rules cannot stop the other changes.
        for change in [change for change in pending if change.name != whoami]:
            set_user(module, server, change)
        for name in doomed:
            server.change('ACL', 'DELUSER', name, dry_run=module.check_mode)
        for change in [change for change in pending if change.name == whoami]:
            set_user(module, server, change)
        persisting = relogin(module, server) if bootstrapped else server
        if requirepass is not None:
            # CONFIG SET requirepass resets default's passwords (an empty one makes it nopass, which also turns
            # protected mode on for every client): default is set once more right after it. As login_user in a
            # bootstrap, since default may have lost the right.
            persisting.change('CONFIG', 'SET', 'requirepass', requirepass, secret_positions=(3,),
                              dry_run=module.check_mode)
            set_user(module, persisting, default_change)
        result['persisted'] = persist(module, persisting, sentinel, method)
        if persisting is not server:
            persisting.close()

    if module._diff:
        before = dict((change.name, user_view(change.current)) for change in changes if change.current is not None)
        before.update((name, user_view(user)) for name, user in deleted.items() if user is not None)
        after = dict((change.name, user_view(change.wanted)) for change in changes)
        result['diff'] = dict(before=before, after=after)
    return result


def requirepass_change(server, default_change):
    """On a data instance, the requirepass that default's listed passwords mean (the first, or '' without any),
    when CONFIG GET requirepass shows another: CONFIG REWRITE writes requirepass into the config file, so an old
    password would stay there, and come back as default's at the next start if default is listed no more."""
    passwords = default_change.entry['passwords'] or []
    wanted = passwords[0] if passwords else ''
    return None if server.config_value('requirepass') == wanted else wanted


def relogin(module, server):
    """A new connection as login_user, once the users are set: default's new rules may forbid persisting, and
    the login shows that the user the next tasks log in as works. None needed in check mode."""
    if module.check_mode:
        return server
    return RedisServer(module.params, log=server.log)


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    # rules are not no_log: the invocation of the refusal below would show a password put there.
    for entry in module.params['users']:
        for token in password_tokens(entry.get('rules')):
            bare = token.strip('()')
            hide_values(module, [token, bare, bare[1:]])
    refuse_bad_input(module, input_errors(module.params))
    log = AclCommandLog()
    server = None
    try:
        server, bootstrapped = login(module.params, log)
        result = run(module, server, bootstrapped)
    except RedisModuleError as exc:
        module.fail_json(msg=str(exc), commands=log.commands)
    finally:
        if server:
            server.close()
    module.exit_json(**result)


if __name__ == '__main__':
    main()
