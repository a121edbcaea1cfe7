#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_monitor
short_description: Make one Sentinel monitor a named primary with the given settings
description:
  - Ensures that one running Sentinel monitors (or stops monitoring) a named primary, at runtime, with no restart.
    Sentinel writes the change to its own config file itself.
  - Reads C(SENTINEL MASTER name) first and sends only what differs, that is C(SENTINEL MONITOR) for a new name,
    C(SENTINEL SET) for each changed setting and C(SENTINEL REMOVE) for O(state=absent).
  - B(A primary that moved by failover is not a difference.) When the name is already monitored at another address
    than O(primary_host):O(primary_port), the module leaves the address alone and returns RV(primary_moved=true);
    its other settings are still applied. Only O(force_primary=true) removes and re-adds the name.
  - Run it against every Sentinel of the group; each Sentinel keeps its own view.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.attributes.changes
options:
  name:
    description:
      - Name of the monitored primary (the master name), for example V(mymaster).
      - Only letters, digits, C(.), C(-) and C(_) are valid, because Sentinel writes the name unquoted in its
        config file.
    type: str
    required: true
  state:
    description:
      - V(present) monitors the name; V(absent) stops monitoring it (C(SENTINEL REMOVE)).
    type: str
    choices: [present, absent]
    default: present
  primary_host:
    description:
      - Address of the primary. Required to start monitoring a new name.
      - When the Sentinel does not resolve host names (C(resolve-hostnames no)), a host name is resolved to an IP
        address by the module before C(SENTINEL MONITOR).
    type: str
    aliases: [master_host]
  primary_port:
    description:
      - Port of the primary.
    type: int
    default: 6379
    aliases: [master_port]
  quorum:
    description:
      - Number of Sentinels that must agree the primary is down before a failover starts. Required to start
        monitoring a new name. At least 1.
    type: int
  down_after_milliseconds:
    description:
      - Milliseconds without a valid reply before the primary (or a replica) is considered down.
    type: int
  failover_timeout:
    description:
      - Failover timeout in milliseconds.
    type: int
  parallel_syncs:
    description:
      - Number of replicas reconfigured to the new primary at the same time during a failover.
    type: int
  master_reboot_down_after_period:
    description:
      - Milliseconds during which a primary that rebooted is considered down (Redis 7.0 and later).
      - Sentinel versions that do not report this setting get it when the monitor is created, and with
        O(update_auth=always).
    type: int
  auth_user:
    description:
      - ACL user Sentinel authenticates as on the primary and its replicas (C(auth-user)).
    type: str
  auth_pass:
    description:
      - Password Sentinel authenticates with on the primary and its replicas (C(auth-pass)).
      - Sentinel never reports it, so it is sent when the monitor is created and, with O(update_auth=always),
        on every run. Never shown in output or logs.
      - Give it through a variable (a vars file encrypted with Ansible Vault), never literally, for the reasons
        given at O(login_password).
    type: str
  update_auth:
    description:
      - V(on_create) sends O(auth_user) and O(auth_pass) only when the monitor is created.
      - V(always) sends them on every run, which then always reports a change, because Sentinel cannot report
        them back to compare. It also resends the settings that Sentinel does not report.
    type: str
    choices: [on_create, always]
    default: on_create
  notification_script:
    description:
      - Absolute path of a script Sentinel runs on warning events; an empty string removes it.
      - Sentinel refuses to change scripts at runtime unless it runs with C(sentinel deny-scripts-reconfig no).
    type: str
  client_reconfig_script:
    description:
      - Absolute path of a script Sentinel runs when the primary changes; an empty string removes it.
      - Same runtime restriction as O(notification_script).
    type: str
  options:
    description:
      - Any other C(SENTINEL SET) parameter, as a dict of parameter name to value.
      - A list value is sent as several arguments, for example C(rename-command) set to V([CONFIG, XCONFIG]).
      - Parameters that have an option of their own (such as C(quorum) or C(auth-pass)) are refused here; an
        C(auth-pass) value given here is hidden from the output all the same.
      - A parameter that Sentinel does not report back is sent when the monitor is created and with
        O(update_auth=always).
    type: dict
    default: {}
  force_primary:
    description:
      - B(Destructive.) When the name is monitored at another address than O(primary_host):O(primary_port),
        remove it and monitor that address again. This discards what the Sentinel learned (replicas, other
        Sentinels, epochs) and, if a failover moved the primary, points the Sentinel back at a server that is no
        longer the primary, which can start another failover or split the group.
      - Only for replacing a decommissioned primary by hand when no failover can do it.
    type: bool
    default: false
notes:
  - Sentinel applies settings one at a time; if one is refused (for example a script while
    C(deny-scripts-reconfig) is on), the settings sent before it stay applied and the module reports them in
    RV(commands).
seealso:
  - module: redisops.sentinel.sentinel_info
  - module: redisops.sentinel.redis_replication
'''

EXAMPLES = r'''
- name: Monitor mymaster on every Sentinel
  redisops.sentinel.sentinel_monitor:
    login_port: 26379
    login_password: "{{ sentinel_password }}"
    name: mymaster
    primary_host: 10.0.0.5
    primary_port: 6379
    quorum: 2
    down_after_milliseconds: 5000
    failover_timeout: 60000
    parallel_syncs: 1
    auth_pass: "{{ redis_password }}"

- name: Change the quorum later; a primary moved by failover stays where Sentinel put it
  redisops.sentinel.sentinel_monitor:
    login_password: "{{ sentinel_password }}"
    name: mymaster
    primary_host: 10.0.0.5
    quorum: 3
  register: monitor

- name: Stop monitoring
  redisops.sentinel.sentinel_monitor:
    login_password: "{{ sentinel_password }}"
    name: oldcache
    state: absent
'''

RETURN = r'''
monitor:
  description:
    - The monitored primary as the Sentinel reports it after the run (in check mode, as it is now).
    - Empty when the name is not monitored.
  returned: always
  type: dict
  contains:
    name:
      description: Master name.
      type: str
      sample: mymaster
    ip:
      description: Address of the current primary.
      type: str
      sample: 10.0.0.6
    port:
      description: Port of the current primary.
      type: int
      sample: 6379
    address:
      description: V(ip:port) of the current primary.
      type: str
      sample: 10.0.0.6:6379
    flags:
      description: Sentinel flags of the primary, for example V([master]) or V([master, s_down]).
      type: list
      elements: str
    quorum:
      description: Quorum.
      type: int
    down_after_milliseconds:
      description: C(down-after-milliseconds).
      type: int
    failover_timeout:
      description: C(failover-timeout).
      type: int
    parallel_syncs:
      description: C(parallel-syncs).
      type: int
    master_reboot_down_after_period:
      description: C(master-reboot-down-after-period), null when this Sentinel does not report it.
      type: int
    notification_script:
      description: Notification script, null when none.
      type: str
    client_reconfig_script:
      description: Client reconfiguration script, null when none.
      type: str
    config_epoch:
      description: Configuration epoch of the primary; it grows with each failover.
      type: int
    num_slaves:
      description: Replicas this Sentinel knows.
      type: int
    num_other_sentinels:
      description: Other Sentinels this Sentinel knows for this primary.
      type: int
    failover_state:
      description: Failover state, V(none) when no failover runs.
      type: str
  sample:
    name: mymaster
    ip: 10.0.0.6
    port: 6379
    address: 10.0.0.6:6379
    flags: [master]
    quorum: 2
    down_after_milliseconds: 5000
    failover_timeout: 60000
    parallel_syncs: 1
    master_reboot_down_after_period: null
    notification_script: null
    client_reconfig_script: null
    config_epoch: 1
    num_slaves: 2
    num_other_sentinels: 2
    failover_state: none
primary_moved:
  description:
    - True when the name is monitored at another address than O(primary_host):O(primary_port) (normally because
      Sentinel failed over) and the module left it there. RV(monitor.address) is the current primary.
  returned: always
  type: bool
  sample: false
commands:
  description:
    - Commands that changed the Sentinel, in order; in check mode, the commands that would have been sent.
    - Secrets are replaced by C(********).
  returned: always
  type: list
  elements: str
  sample: ["SENTINEL MONITOR mymaster 10.0.0.5 6379 2", "SENTINEL SET mymaster down-after-milliseconds 5000",
           "SENTINEL SET mymaster auth-pass ********"]
'''

import re

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import resolve, same_endpoint
from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    REDIS_DEFAULT_PORT,
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    check_port,
    hide_values,
    login_argument_spec,
    refuse_bad_input,
    run_on_server,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (
    login_and_name_errors,
    master_summary,
    read_master,
)

# option name -> (SENTINEL SET parameter, key in master_summary, smallest valid value)
SETTINGS = (
    ('down_after_milliseconds', 'down-after-milliseconds', 1),
    ('failover_timeout', 'failover-timeout', 1),
    ('parallel_syncs', 'parallel-syncs', 1),
    ('master_reboot_down_after_period', 'master-reboot-down-after-period', 0),
    ('notification_script', 'notification-script', None),
    ('client_reconfig_script', 'client-reconfig-script', None),
)
AUTH_SETTINGS = (('auth_user', 'auth-user'), ('auth_pass', 'auth-pass'))
DEDICATED_PARAMETERS = dict([(parameter, option) for option, parameter, _minimum in SETTINGS]
                            + [(parameter, option) for option, parameter in AUTH_SETTINGS]
                            + [('quorum', 'quorum')])
PARAMETER_NAME = re.compile(r'^[a-z][a-z0-9-]*$')
DIFF_KEYS = ('ip', 'port', 'quorum') + tuple(option for option, _parameter, _minimum in SETTINGS)


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        primary_host=dict(type='str', aliases=['master_host']),
        primary_port=dict(type='int', default=REDIS_DEFAULT_PORT, aliases=['master_port']),
        quorum=dict(type='int'),
        down_after_milliseconds=dict(type='int'),
        failover_timeout=dict(type='int'),
        parallel_syncs=dict(type='int'),
        master_reboot_down_after_period=dict(type='int'),
        auth_user=dict(type='str'),
        auth_pass=dict(type='str', no_log=True),
        update_auth=dict(type='str', default='on_create', choices=['on_create', 'always']),
        notification_script=dict(type='str'),
        client_reconfig_script=dict(type='str'),
        options=dict(type='dict', default={}),
        force_primary=dict(type='bool', default=False),
    )
    return spec


def input_errors(params):
    errors = login_and_name_errors(params)
    port_error = check_port('primary_port', params['primary_port'])
    if port_error:
        errors.append(port_error)
    if params['quorum'] is not None and params['quorum'] < 1:
        errors.append('quorum must be at least 1, got %s: with quorum %s the Sentinels could never agree '
                      'that the primary is down' % (params['quorum'], params['quorum']))
    for option, _parameter, minimum in SETTINGS:
        value = params[option]
        if minimum is not None and value is not None and value < minimum:
            errors.append('%s must be at least %s, got %s' % (option, minimum, value))
    for option in ('notification_script', 'client_reconfig_script'):
        if params[option] and not params[option].startswith('/'):
            errors.append('%s must be an absolute path, got %s' % (option, params[option]))
    if params['primary_host'] is not None and not params['primary_host'].strip():
        errors.append('primary_host must not be empty')
    for parameter, value in params['options'].items():
        if parameter in DEDICATED_PARAMETERS:
            errors.append('options must not set %s: use the %s option' % (parameter, DEDICATED_PARAMETERS[parameter]))
        elif not PARAMETER_NAME.match(parameter):
            errors.append('options: %r is not a SENTINEL SET parameter name' % (parameter,))
        elif isinstance(value, dict) or value is None:
            errors.append('options: the value of %s must be a string, a number or a list' % parameter)
    return errors


def option_arguments(value):
    """A value of `options` as SENTINEL SET arguments."""
    if isinstance(value, bool):
        return ['yes' if value else 'no']
    if isinstance(value, (list, tuple)):
        return ['%s' % (item,) for item in value]
    return ['%s' % (value,)]


def same_setting(reported, wanted):
    if reported is None:
        reported = ''
    return '%s' % (reported,) == '%s' % (wanted,)


class MonitorPlan:
    """The SENTINEL commands that bring one name to the wanted state."""

    def __init__(self, params):
        self.params = params
        self.name = params['name']
        self.commands = []

    def add(self, *args, **kwargs):
        self.commands.append((args, kwargs.get('secret_positions', ())))

    def set(self, parameter, values, secret=False):
        self.add('SENTINEL', 'SET', self.name, parameter, *values, secret_positions=(4,) if secret else ())

    def create(self, primary_ip):
        params = self.params
        self.add('SENTINEL', 'MONITOR', self.name, primary_ip, str(params['primary_port']), str(params['quorum']))
        for option, parameter, _minimum in SETTINGS:
            if params[option] is not None:
                self.set(parameter, [str(params[option])])
        self.send_auth()
        for parameter, value in sorted(params['options'].items()):
            self.set(parameter, option_arguments(value))

    def send_auth(self):
        for option, parameter in AUTH_SETTINGS:
            if self.params[option] is not None:
                self.set(parameter, [self.params[option]], secret=(option == 'auth_pass'))

    def update(self, raw, current):
        """SENTINEL SET for what differs; what Sentinel cannot report only with update_auth=always."""
        params = self.params
        resend_unreported = params['update_auth'] == 'always'
        if params['quorum'] is not None and current['quorum'] != params['quorum']:
            self.set('quorum', [str(params['quorum'])])
        for option, parameter, _minimum in SETTINGS:
            wanted = params[option]
            if wanted is None:
                continue
            if parameter not in raw and option not in ('notification_script', 'client_reconfig_script'):
                if resend_unreported:
                    self.set(parameter, [str(wanted)])
            elif not same_setting(current[option], wanted):
                self.set(parameter, [str(wanted)])
        if resend_unreported:
            self.send_auth()
        for parameter, value in sorted(params['options'].items()):
            arguments = option_arguments(value)
            if parameter in raw:
                if not same_setting(raw[parameter], ' '.join(arguments)):
                    self.set(parameter, arguments)
            elif resend_unreported:
                self.set(parameter, arguments)


def address_for_monitor(server, host):
    """The address to give SENTINEL MONITOR.

    A Sentinel with resolve-hostnames off answers "Invalid IP address" to a
    host name, so the module resolves it (IPv4 first, as Redis binds it).
    """
    if server.config_value('resolve-hostnames', command=('SENTINEL', 'CONFIG')) == 'yes':
        return host
    addresses = sorted(resolve(host), key=lambda ip: (':' in ip, ip))
    return addresses[0] if addresses else host


def diff_view(summary):
    """The settings shown in the diff; unset ones are left out rather than shown as null."""
    if not summary:
        return {}
    return dict((key, summary[key]) for key in DIFF_KEYS if summary.get(key) is not None)


def predicted_after(current, params):
    """What the diff shows after the run: the current settings with the wanted ones over them."""
    after = dict(current or {})
    if not current or params['force_primary']:
        after.update(ip=params['primary_host'], port=params['primary_port'])
    if params['quorum'] is not None:
        after['quorum'] = params['quorum']
    for option, _parameter, _minimum in SETTINGS:
        if params[option] is not None:
            after[option] = params[option]
    return diff_view(after)


def run(module, server):
    params = module.params
    name = params['name']
    result = dict(changed=False, primary_moved=False, commands=server.log.commands)
    raw = read_master(server, name)
    current = master_summary(raw) if raw is not None else None
    plan = MonitorPlan(params)

    if params['state'] == 'absent':
        if current is not None:
            plan.add('SENTINEL', 'REMOVE', name)
        after_view = {}
    elif current is None:
        missing = [option for option in ('primary_host', 'quorum') if params[option] is None]
        if missing:
            module.fail_json(msg='%s is not monitored by %s yet: set %s to start monitoring it'
                                 % (name, server.address, ' and '.join(missing)), **result)
        plan.create(address_for_monitor(server, params['primary_host']))
        after_view = predicted_after(None, params)
    else:
        moved = params['primary_host'] is not None and not same_endpoint(
            current['ip'], current['port'], params['primary_host'], params['primary_port'])
        if moved and params['force_primary']:
            module.warn('force_primary: %s was monitored at %s; removing it and monitoring %s:%s instead'
                        % (name, current['address'], params['primary_host'], params['primary_port']))
            if params['quorum'] is None:
                params['quorum'] = current['quorum']
            plan.add('SENTINEL', 'REMOVE', name)
            plan.create(address_for_monitor(server, params['primary_host']))
        else:
            result['primary_moved'] = moved
            plan.update(raw, current)
        after_view = predicted_after(current, params)

    for args, secret_positions in plan.commands:
        server.change(*args, secret_positions=secret_positions, dry_run=module.check_mode)
    result['changed'] = bool(plan.commands)

    if module._diff:
        result['diff'] = dict(before=diff_view(current), after=after_view)
    if module.check_mode or not plan.commands:
        result['monitor'] = current or {}
    else:
        after_raw = read_master(server, name)
        result['monitor'] = master_summary(after_raw) if after_raw is not None else {}
    return result


def main():
    module = LoginModule(argument_spec=argument_spec(), supports_check_mode=True)
    # options is not no_log: the invocation of the refusal below would show an auth-pass put there.
    for parameter, value in module.params['options'].items():
        if ('%s' % (parameter,)).lower() == 'auth-pass':
            hide_values(module, value)
    refuse_bad_input(module, input_errors(module.params))
    run_on_server(module, run)


if __name__ == '__main__':
    main()
