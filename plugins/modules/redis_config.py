#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: redis_config
short_description: Ensure settings of a running Redis instance, live where Redis allows it
description:
  - Ensures directives of one running Redis data instance (not a Sentinel) have the given values, with
    C(CONFIG SET) and no restart wherever Redis allows it, so that a deployment can change settings of a running
    cluster.
  - Reads each directive with C(CONFIG GET) first and compares normalised values, so that a second identical run
    reports no change. Memory values are compared in bytes with Redis's units (V(1k) is 1000 bytes, V(1kb) is
    1024, likewise V(m), V(mb), V(g), V(gb), in any case), V(yes)/V(no) and enumerations regardless of case,
    white space collapsed, and V("") is the empty value, as in C(redis.conf). After a C(CONFIG SET) the value is
    read back, and the module reports a change only when it really changed.
  - Directives that Redis refuses to change at runtime (immutable ones such as C(databases), C(daemonize),
    C(logfile) or C(io-threads), and the protected C(dir) and C(dbfilename)) and directives that C(CONFIG GET)
    does not report (C(rename-command), C(include), C(loadmodule)) are written to the config file instead, after
    any C(CONFIG REWRITE), and the module returns RV(restart_required=true) and their names in
    RV(pending_restart). B(It never restarts anything itself.)
  - An unknown directive makes the module fail before it changes anything.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.redis
  - redisops.sentinel.attributes.changes
options:
  settings:
    description:
      - Directives and their values, for example C(maxmemory) set to V(100mb).
      - A value is a string, a number, a boolean (sent as V(yes) or V(no)) or a list, whose items are joined
        with spaces (for example C(save) set to V(["3600 1", "300 100"])).
      - For C(rename-command), C(include) and C(loadmodule), which may stand on several lines, a list of lists
        gives one line per inner list, for example V([[FLUSHALL, ""], [KEYS, ""]]). The lines given replace all
        the lines of that directive in the config file, and an empty list removes them.
      - Names are letters, digits, C(-) and C(_), in any case. C(replicaof) and C(slaveof) are refused (use
        M(redisops.sentinel.redis_replication)), and so is C(user) (use ACL commands or an ACL file).
      - Directives that hold secrets (C(requirepass), C(masterauth), C(tls-key-file-pass),
        C(tls-client-key-file-pass)) are refused here; give them in O(secret_settings). A value given here all the
        same, or in a C(user) line, is hidden from the output of the refusal.
    type: dict
    default: {}
  secret_settings:
    description:
      - Like O(settings), for directives whose values are secrets, such as C(requirepass) or C(masterauth).
      - Their values never appear in the output, the diff or the logs; the diff only says that they changed.
      - Give the values through variables (a vars file encrypted with Ansible Vault), never literally, for the
        reasons given at O(login_password).
      - A directive must not be in both O(settings) and O(secret_settings).
    type: dict
    default: {}
  persist:
    description:
      - After runtime changes, run C(CONFIG REWRITE), so that a restart keeps them.
      - A server started without a config file cannot persist; the module then warns.
      - Directives that only the config file can change are written to it whatever this option says.
    type: bool
    default: true
  reapply:
    description:
      - Directives of O(settings) to set with C(CONFIG SET) even when Redis already has their values, which counts as
        a change.
      - Setting any TLS directive makes Redis load its certificate, key and CA files again, so V([tls-cert-file])
        after new files were put at the same paths applies them to new connections without a restart (the
        connections already open keep their session).
    type: list
    elements: str
    default: []
  config_file:
    description:
      - The config file to edit for the directives that need a restart.
      - By default the C(config_file) that C(INFO server) reports, which the module edits only when O(login_host)
        is an address of the machine that runs the module (delegate the task to the Redis host).
      - C(CONFIG REWRITE) always writes the file the server was started with.
    type: path
notes:
  - Needs the C(CONFIG GET), C(CONFIG SET), C(CONFIG REWRITE) and C(INFO) commands; a renamed or disabled C(CONFIG)
    command makes the module fail with the server's answer.
  - A C(CONFIG REWRITE) writes the runtime values into the config file, so one that runs before the restart (sent
    by another task, or by Sentinel when it reconfigures the instance in a failover) undoes the file changes
    of the directives in RV(pending_restart). Restart soon after the change; running this module again before the
    restart writes them again.
  - For C(rename-command), C(include) and C(loadmodule) the module compares the config file only, because the
    server does not report them; RV(pending_restart) lists them in the run that changed the file.
  - Changing C(requirepass) keeps the current connection logged in; later tasks need the new password in
    O(login_password).
seealso:
  - module: redisops.sentinel.redis_replication
'''

EXAMPLES = r'''
- name: Limit memory and choose the eviction policy, live
  redisops.sentinel.redis_config:
    login_password: "{{ redis_password }}"
    settings:
      maxmemory: 2gb
      maxmemory-policy: allkeys-lru
      save: ["3600 1", "300 100"]
      appendonly: true

# Secrets come from variables (a vault-encrypted vars file), never literally.
- name: Rotate the passwords; the old one still logs in this task
  redisops.sentinel.redis_config:
    login_password: "{{ old_redis_password }}"
    secret_settings:
      requirepass: "{{ redis_password }}"
      masterauth: "{{ redis_password }}"

- name: Load the renewed certificate files at the same paths, without a restart
  redisops.sentinel.redis_config:
    login_password: "{{ redis_password }}"
    tls: true
    ca_certs: /etc/redis/tls/ca.crt
    settings:
      tls-cert-file: /etc/redis/tls/instance.crt
    reapply: [tls-cert-file]

- name: Settings that need a restart go to the config file
  redisops.sentinel.redis_config:
    login_password: "{{ redis_password }}"
    settings:
      databases: 32
      rename-command: [[FLUSHALL, ""], [KEYS, ""]]
  register: config

- name: Restart when needed, after moving the primary role away with Sentinel
  ansible.builtin.service:
    name: redis-server
    state: restarted
  when: config.restart_required
'''

RETURN = r'''
settings:
  description:
    - The requested directives of O(settings) after the run, as C(CONFIG GET) reports them (memory values in bytes,
      for example); in check mode, as they are now.
    - Directives that need a restart still show the running value; those that C(CONFIG GET) does not report,
      and O(secret_settings), are left out.
  returned: always
  type: dict
  sample: {maxmemory: "104857600", maxmemory-policy: allkeys-lru, databases: "16"}
restart_required:
  description: Whether directives in the config file only take effect after a restart of the server.
  returned: always
  type: bool
  sample: true
pending_restart:
  description:
    - Directives whose wanted value is in the config file and not in effect yet, sorted.
  returned: always
  type: list
  elements: str
  sample: [databases]
persisted:
  description: Whether the runtime changes were written to the config file with C(CONFIG REWRITE).
  returned: always
  type: bool
  sample: true
config_file:
  description:
    - The config file the module read or edited for directives that need a restart; otherwise the one the server
      reports. Null when there is none.
  returned: always
  type: str
  sample: /etc/redis/redis.conf
executable:
  description:
    - Absolute path of the running server binary, as C(INFO server) reports it (Redis 6.2 and later); null when
      unknown. A path other than the installed one means the instance waits for a restart to run a new version.
  returned: success
  type: str
  sample: /opt/redis/redis-8.0.2/bin/redis-server
commands:
  description:
    - Commands that changed the instance, in order; in check mode, the commands that would have been sent.
    - Secrets are replaced by C(********). Changes to the config file are not commands; see RV(pending_restart).
  returned: always
  type: list
  elements: str
  sample: ["CONFIG SET maxmemory 100mb", "CONFIG SET requirepass ********", "CONFIG REWRITE"]
'''

import os
import re
import tempfile

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import is_this_machine
from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    REDIS_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    hide_values,
    login_argument_spec,
    refuse_bad_input,
    run_on_server,
    validate_login,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.config_file import (
    directive_arguments,
    quote_argument,
    replace_directive,
    split_arguments,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.config_values import (
    FILE_ONLY_DIRECTIVES,
    MULTI_ARGUMENT_DIRECTIVES,
    RESTART_DIRECTIVES,
    SECRET_DIRECTIVES,
    is_runtime_refusal,
    same_value,
    value_arguments,
    value_text,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import reply_to_dict

DIRECTIVE_NAME = re.compile(r'^[a-z][a-z0-9_-]*$')
REFUSED_DIRECTIVES = {
    'replicaof': 'use redisops.sentinel.redis_replication, which also waits for the sync',
    'slaveof': 'use redisops.sentinel.redis_replication, which also waits for the sync',
    'user': 'manage ACL users with ACL SETUSER or an ACL file: the config file lines of every user would be '
            'replaced',
}
# Directives whose values hold passwords: refused in settings, and hidden even then.
# A user line has the user's passwords (>password) or their hashes.
SECRET_VALUED_DIRECTIVES = SECRET_DIRECTIVES | frozenset(('user',))
SECRET_BEFORE = '(hidden)'
SECRET_AFTER = '(changed, hidden)'


def argument_spec():
    spec = login_argument_spec(REDIS_DEFAULT_PORT)
    spec.update(
        settings=dict(type='dict', default={}),
        secret_settings=dict(type='dict', default={}, no_log=True),
        persist=dict(type='bool', default=True),
        reapply=dict(type='list', elements='str', default=[]),
        config_file=dict(type='path'),
    )
    return spec


def _value_error(option, name, value):
    """Why a value cannot be a directive value, or None."""
    items = value if isinstance(value, list) else [value]
    nested = [item for item in items if isinstance(item, list)]
    if value is None or any(item is None or isinstance(item, dict) for item in items):
        return '%s: the value of %s must be a string, a number, a boolean or a list (use "" for an empty value)' \
            % (option, name)
    if nested and name not in FILE_ONLY_DIRECTIVES:
        return '%s: a list of lists (one config line each) is only for %s, not %s' \
            % (option, ', '.join(sorted(FILE_ONLY_DIRECTIVES)), name)
    if any(isinstance(item, (list, dict)) for line in nested for item in line):
        return '%s: the lines of %s must be lists of strings' % (option, name)
    return None


def _line_error(option, name, value):
    """Why a value would not make a well-formed config file line, or None."""
    for line in file_lines(name, value):
        if '\n' in line or '\r' in line or split_arguments(line) is None:
            return '%s: the value of %s has a line break or unbalanced quotes' % (option, name)
    return None


def input_errors(params):
    errors = validate_login(params)
    seen = {}
    for option in ('settings', 'secret_settings'):
        for name, value in params[option].items():
            lower = name.lower()
            if not DIRECTIVE_NAME.match(lower):
                errors.append('%s: %r is not a directive name (letters, digits, "-" and "_")' % (option, name))
                continue
            if lower in REFUSED_DIRECTIVES:
                errors.append('%s: refusing to set %s: %s' % (option, lower, REFUSED_DIRECTIVES[lower]))
            if lower in SECRET_DIRECTIVES and option == 'settings':
                errors.append('settings: put %s in secret_settings, so that its value stays out of the output' % lower)
            if lower in seen:
                errors.append('%s is given twice (in %s and %s): give it once' % (lower, seen[lower], option))
            seen[lower] = option
            value_error = _value_error(option, lower, value) or _line_error(option, lower, value)
            if value_error:
                errors.append(value_error)
    for name in params['reapply']:
        lower = name.lower()
        if seen.get(lower) != 'settings':
            errors.append('reapply: %s is not in settings (only a directive of settings can be set again)' % name)
        elif lower in FILE_ONLY_DIRECTIVES or lower in RESTART_DIRECTIVES:
            errors.append('reapply: %s cannot be set at runtime' % lower)
    return errors


def _line(name, arguments):
    return ' '.join([name] + [quote_argument(argument) for argument in arguments])


def file_lines(name, value):
    """The config file lines that give directive name its value."""
    if name in FILE_ONLY_DIRECTIVES and isinstance(value, list) and value \
            and all(isinstance(item, list) for item in value):
        return [_line(name, value_arguments(item)) for item in value]
    if name in FILE_ONLY_DIRECTIVES and value == []:
        return []
    if isinstance(value, list):
        return [_line(name, value_arguments(value))]
    text = value_text(value)
    if name in MULTI_ARGUMENT_DIRECTIVES and text:
        return ['%s %s' % (name, text)]
    return [_line(name, [text])]


class Setting:
    """One wanted directive, what Redis reports of it, and how the module brings it there."""

    def __init__(self, name, value, secret):
        self.name = name
        self.secret = secret
        self.file_only = name in FILE_ONLY_DIRECTIVES
        self.text = None if self.file_only else value_text(value)
        self.lines = file_lines(name, value)
        self.wanted_arguments = [split_arguments(line)[1:] for line in self.lines]
        self.before = None
        self.after = None
        # The argument lists of its lines in the config file before the run, when the module read them.
        self.present = []
        # None: already as wanted; 'live': CONFIG SET; 'file': the config file and a restart.
        self.route = None
        # Set again although Redis has the value (option reapply).
        self.reapplied = False
        self.file_changed = False
        self.changed = False

    def matches_file(self, present):
        """Whether the argument lists found in the config file are the wanted lines."""
        if len(present) != len(self.wanted_arguments):
            return False
        return all(same_value(self.name, ' '.join(have), ' '.join(want))
                   for have, want in zip(present, self.wanted_arguments))

    def waits_for_restart(self):
        if self.route != 'file':
            return False
        return self.file_changed if self.file_only else not same_value(self.name, self.before, self.text)


def wanted_settings(params):
    return [Setting(name.lower(), value, option == 'secret_settings')
            for option in ('settings', 'secret_settings')
            for name, value in sorted(params[option].items())]


def reported_value(server, name):
    """What CONFIG GET reports for one directive, None when it reports nothing (unknown or file only)."""
    values = reply_to_dict(server.read('CONFIG', 'GET', name))
    return values.get(name)


class ConfigFile:
    """The config file the module edits for the directives that need a restart."""

    def __init__(self, module, server):
        params = module.params
        self.module = module
        self.address = server.address
        server_info = server.info('server')
        self.started_with = server_info.get('config_file') or None
        # Which binary runs, for callers that restart after an upgrade.
        self.executable = server_info.get('executable') or None
        self.path = params['config_file'] or self.started_with

    def problem(self):
        """Why the module cannot edit the file, or None."""
        if not self.path:
            return '%s runs without a config file and config_file is not set' % self.address
        if not self.module.params['config_file'] and not is_this_machine(self.module.params['login_host']):
            return ('its config file %s is on %s, not on the machine that runs this module: run the task on the '
                    'Redis host (delegate_to) or set config_file' % (self.path, self.module.params['login_host']))
        if not os.path.isfile(self.path):
            return 'the config file %s does not exist' % self.path
        if not os.access(self.path, os.R_OK | os.W_OK):
            return 'the config file %s is not readable and writable by this module (become the Redis user or root)' \
                % self.path
        return None

    def require(self, settings):
        problem = self.problem() if settings else None
        if problem:
            raise RedisModuleError(
                'only the config file and a restart can set %s (Redis refuses it at runtime or does not report it), '
                'but %s' % (', '.join(setting.name for setting in settings), problem))

    def read(self):
        with open(self.path) as handle:
            return handle.read()

    def apply(self, settings):
        """Write the lines of settings that differ from the file; it is read again, after any CONFIG REWRITE."""
        original = self.read()
        text = original
        for setting in settings:
            if not setting.matches_file(directive_arguments(text, setting.name)):
                text = replace_directive(text, setting.name, setting.lines)
                setting.file_changed = True
        if text != original and not self.module.check_mode:
            descriptor, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(self.path)),
                                                     prefix='.redis-config-')
            with os.fdopen(descriptor, 'w') as handle:
                handle.write(text)
            self.module.atomic_move(temporary, self.path)
        return text != original


def plan(settings, config, reapply=()):
    """Decide how each setting reaches its value; only reads."""
    needs_file = [setting for setting in settings if setting.file_only or setting.name in RESTART_DIRECTIVES]
    text = config.read() if needs_file and config.problem() is None else None
    for setting in needs_file:
        setting.present = directive_arguments(text, setting.name) if text is not None else []
    for setting in settings:
        if setting.file_only:
            config.require([setting])
            if not setting.matches_file(setting.present):
                setting.route = 'file'
        elif not same_value(setting.name, setting.before, setting.text):
            setting.route = 'file' if setting.name in RESTART_DIRECTIVES else 'live'
        elif setting.present and not setting.matches_file(setting.present):
            # Running as wanted, but a restart would load another value from the file.
            setting.route = 'file'
        elif setting.name in reapply:
            setting.route = 'live'
            setting.reapplied = True
    config.require([setting for setting in settings if setting.route == 'file'])


def set_live(module, server, config, setting):
    """CONFIG SET one setting; one that Redis refuses at runtime goes to the config file instead."""
    try:
        server.change('CONFIG', 'SET', setting.name, setting.text,
                      secret_positions=(3,) if setting.secret else (), dry_run=module.check_mode)
    except RedisModuleError as exc:
        if not is_runtime_refusal(exc.reply):
            raise
        # The refused command changed nothing, so it is not one of the commands that did.
        server.log.commands.pop()
        setting.route = 'file'
        config.require([setting])
        return
    if not module.check_mode:
        setting.after = reported_value(server, setting.name)


def _file_view(argument_lists):
    return [' '.join(quote_argument(argument) for argument in arguments) for arguments in argument_lists]


def diff_view(settings, when):
    """The values shown in the diff; secrets only as changed, and only when they change."""
    view = {}
    for setting in settings:
        if setting.secret:
            if setting.changed:
                view[setting.name] = SECRET_BEFORE if when == 'before' else SECRET_AFTER
        elif setting.file_only:
            view[setting.name] = _file_view(setting.present if when == 'before' or not setting.changed
                                            else setting.wanted_arguments)
        elif when == 'before' or not setting.changed:
            view[setting.name] = setting.before
        elif setting.route == 'live' and setting.after != setting.before:
            view[setting.name] = setting.after
        else:
            # Check mode, or a value that takes effect at the restart.
            view[setting.name] = setting.text
    return view


def run(module, server):
    params = module.params
    settings = wanted_settings(params)
    result = dict(changed=False, commands=server.log.commands, persisted=False, restart_required=False,
                  pending_restart=[], settings={})

    for setting in settings:
        setting.before = setting.after = reported_value(server, setting.name)
    unknown = [setting.name for setting in settings if setting.before is None and not setting.file_only]
    if unknown:
        raise RedisModuleError('%s does not know the directive(s) %s: CONFIG GET reports nothing for them. Nothing '
                               'was changed.' % (server.address, ', '.join(unknown)))

    config = ConfigFile(module, server)
    result['config_file'] = config.path
    result['executable'] = config.executable
    plan(settings, config, reapply=[name.lower() for name in params['reapply']])

    for setting in [setting for setting in settings if setting.route == 'live']:
        set_live(module, server, config, setting)
    # A value set again (reapply) is the same value: nothing for CONFIG REWRITE to record, in check mode too.
    runtime_changes = [setting for setting in settings if setting.route == 'live' and not setting.reapplied
                       and (module.check_mode or setting.after != setting.before)]

    if runtime_changes and params['persist']:
        if config.started_with:
            server.change('CONFIG', 'REWRITE', dry_run=module.check_mode)
            result['persisted'] = not module.check_mode
        else:
            module.warn('%s runs without a config file: the changes are not persisted and a restart undoes them'
                        % server.address)

    # After the rewrite, which would otherwise write the running values over these lines.
    file_settings = [setting for setting in settings if setting.route == 'file']
    if file_settings:
        config.apply(file_settings)

    for setting in settings:
        setting.changed = (setting in runtime_changes or setting.reapplied and setting.route == 'live'
                           or setting.file_changed)
    result['changed'] = any(setting.changed for setting in settings)
    result['pending_restart'] = sorted(setting.name for setting in settings if setting.waits_for_restart())
    result['restart_required'] = bool(result['pending_restart'])
    result['settings'] = dict((setting.name, setting.after) for setting in settings
                              if not setting.secret and not setting.file_only)
    if module._diff:
        result['diff'] = dict(before=diff_view(settings, 'before'), after=diff_view(settings, 'after'))
    return result


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    # settings is not no_log: the invocation of the refusal below would show a password put there.
    for name, value in module.params['settings'].items():
        if ('%s' % (name,)).lower() in SECRET_VALUED_DIRECTIVES:
            hide_values(module, value)
    refuse_bad_input(module, input_errors(module.params))
    run_on_server(module, run)


if __name__ == '__main__':
    main()
