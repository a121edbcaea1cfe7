#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: sentinel_failover
short_description: Make a Sentinel fail over a named primary, and wait until it is done
description:
  - Asks one Sentinel to fail over a monitored primary (C(SENTINEL FAILOVER name)), so that a rolling restart or
    upgrade moves the primary role away through Sentinel before it restarts the old primary.
  - With O(from_host) and O(from_port), fails over only while the primary is at that address; when it is already
    elsewhere the module sends nothing and reports no change, so that the task can run again safely. Addresses
    are compared after resolving host names.
  - While the Sentinel answers C(NOGOODSLAVE) (no replica ready to be promoted yet, for example one it has not
    discovered) or C(INPROG) (a failover is already running), the module asks again until O(timeout). When
    another failover moves the primary away meanwhile, the module sends nothing more and reports no change.
  - With O(wait=true), waits until the Sentinel reports the primary at another address, its failover is over,
    and the new primary is not subjectively or objectively down.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.sentinel
  - redisops.sentinel.login.master
  - redisops.sentinel.attributes.changes
options:
  from_host:
    description:
      - Fail over only while the primary is at O(from_host):O(from_port), typically the host about to be
        restarted. Without it, the module always fails over.
    type: str
  from_port:
    description:
      - Port that goes with O(from_host).
    type: int
  wait:
    description:
      - Wait until the failover is over and a new primary is up, as this Sentinel reports it.
      - With V(false), the module returns as soon as the Sentinel accepted the failover.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to keep asking while the Sentinel cannot start the failover yet, and to wait for its end with
        O(wait=true). On timeout the module fails with the last state it saw.
      - Allow for the Sentinel's C(failover-timeout) and, for a replica just started, the ten seconds Sentinel may
        take to discover it.
    type: int
    default: 60
notes:
  - A forced failover needs no quorum and no agreement of other Sentinels, but it needs a replica that this Sentinel
    considers healthy and whose C(replica-priority) is not 0.
  - The diff shows the address of the primary before and after.
seealso:
  - module: redisops.sentinel.sentinel_info
  - module: redisops.sentinel.sentinel_monitor
'''

EXAMPLES = r'''
- name: Move the primary role away from this host before restarting it
  redisops.sentinel.sentinel_failover:
    login_password: "{{ sentinel_password }}"
    name: mymaster
    from_host: "{{ ansible_host }}"
    from_port: 6379
    timeout: 120
  register: failover

- name: Tell what happened
  ansible.builtin.debug:
    msg: "primary moved from {{ failover.previous_primary.host }} to {{ failover.primary.host }}"
  when: failover is changed
'''

RETURN = r'''
previous_primary:
  description: The primary as the Sentinel reported it before the failover.
  returned: when the Sentinel monitors the name
  type: dict
  contains:
    host:
      description: Address of the primary.
      type: str
      sample: 10.0.0.5
    port:
      description: Port of the primary.
      type: int
      sample: 6379
primary:
  description:
    - The primary as the Sentinel reports it after the run. In check mode, and with O(wait=false), it can still be
      the previous one.
  returned: when the Sentinel monitors the name
  type: dict
  contains:
    host:
      description: Address of the primary.
      type: str
      sample: 10.0.0.6
    port:
      description: Port of the primary.
      type: int
      sample: 6379
commands:
  description:
    - Commands that changed the Sentinel, in order; in check mode, the commands that would have been sent.
    - A C(SENTINEL FAILOVER) that the Sentinel refused is not listed.
  returned: always
  type: list
  elements: str
  sample: ["SENTINEL FAILOVER mymaster"]
'''

import time

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import same_endpoint
from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    SENTINEL_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    check_port,
    login_argument_spec,
    refuse_bad_input,
    run_on_server,
    validate_login,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (
    master_name_error,
    master_summary,
    read_master,
    request_failover,
)

POLL_INTERVAL = 0.5
RETRY_INTERVAL = 1.0


def argument_spec():
    spec = login_argument_spec(SENTINEL_DEFAULT_PORT)
    spec.update(
        name=dict(type='str', required=True),
        from_host=dict(type='str'),
        from_port=dict(type='int'),
        wait=dict(type='bool', default=True),
        timeout=dict(type='int', default=60),
    )
    return spec


def input_errors(params):
    errors = validate_login(params)
    errors.extend(error for error in (master_name_error(params['name']), check_port('from_port', params['from_port']))
                  if error)
    if params['from_host'] is not None and not params['from_host'].strip():
        errors.append('from_host must not be empty')
    if params['timeout'] < 1:
        errors.append('timeout must be at least 1 second, got %s' % params['timeout'])
    return errors


class Primary:
    """What one Sentinel says of the monitored primary."""

    def __init__(self, server, name):
        raw = read_master(server, name)
        if raw is None:
            raise RedisModuleError('Sentinel %s does not monitor %s: nothing to fail over (see '
                                   'redisops.sentinel.sentinel_monitor)' % (server.address, name))
        self.summary = master_summary(raw)

    @property
    def address(self):
        return dict(host=self.summary['ip'], port=self.summary['port'])

    def is_at(self, address):
        return same_endpoint(self.summary['ip'], self.summary['port'], address['host'], address['port'])

    @property
    def failing_over(self):
        return self.summary['failover_state'] not in (None, '', 'none')

    @property
    def down(self):
        return bool(set(self.summary['flags']) & set(('s_down', 'o_down')))

    def moved_from(self, address):
        """Whether a failover put the primary elsewhere and is over, with the new primary up."""
        return not self.is_at(address) and not self.failing_over and not self.down

    def describe(self):
        return 'the primary at %s, failover-state %s, flags %s' % (
            self.summary['address'], self.summary['failover_state'] or 'none', ','.join(self.summary['flags']))


class Failover:
    """One failover of name through server, within the deadline."""

    def __init__(self, module, server, previous):
        self.module = module
        self.server = server
        self.name = module.params['name']
        self.timeout = module.params['timeout']
        self.deadline = time.time() + self.timeout
        self.previous = previous

    def start(self):
        """Ask until the Sentinel accepts; False when another failover moved the primary first."""
        while True:
            refusal = request_failover(self.server, self.name)
            if refusal is None:
                return True
            if Primary(self.server, self.name).moved_from(self.previous):
                return False
            if time.time() >= self.deadline:
                raise RedisModuleError('Sentinel %s could not start a failover of %s within %s s: %s'
                                       % (self.server.address, self.name, self.timeout, refusal), reply=refusal)
            time.sleep(RETRY_INTERVAL)

    def wait(self):
        """Wait for the end of the failover; ask again when the Sentinel aborted it."""
        while True:
            current = Primary(self.server, self.name)
            if current.moved_from(self.previous):
                return current
            if time.time() >= self.deadline:
                raise RedisModuleError('the failover of %s did not finish within %s s: Sentinel %s reports %s'
                                       % (self.name, self.timeout, self.server.address, current.describe()))
            if not current.failing_over and current.is_at(self.previous):
                # The failover was aborted (no replica got promoted in time): try again.
                if not self.start():
                    continue
            time.sleep(POLL_INTERVAL)


def run(module, server):
    params = module.params
    name = params['name']
    result = dict(changed=False, commands=server.log.commands)
    before = Primary(server, name)
    result['previous_primary'] = result['primary'] = before.address
    if module._diff:
        result['diff'] = dict(before=dict(primary=before.summary['address']),
                              after=dict(primary=before.summary['address']))

    if params['from_host'] is not None and not before.is_at(dict(host=params['from_host'], port=params['from_port'])):
        return result

    if module.check_mode:
        server.change('SENTINEL', 'FAILOVER', name, dry_run=True)
        result['changed'] = True
        if not before.summary['num_slaves']:
            module.warn('Sentinel %s knows no replica of %s: the failover would fail with NOGOODSLAVE unless one '
                        'appears' % (server.address, name))
        if module._diff:
            result['diff']['after']['primary'] = '(a replica that Sentinel chooses)'
        return result

    failover = Failover(module, server, before.address)
    try:
        result['changed'] = failover.start()
        after = failover.wait() if result['changed'] and params['wait'] else Primary(server, name)
    except RedisModuleError as exc:
        result['primary'] = Primary(server, name).address
        module.fail_json(msg=str(exc), **result)
    result['primary'] = after.address
    if module._diff:
        result['diff']['after']['primary'] = after.summary['address']
    return result


def main():
    module = LoginModule(
        argument_spec=argument_spec(),
        required_together=[('from_host', 'from_port')],
        supports_check_mode=True,
    )
    refuse_bad_input(module, input_errors(module.params))
    run_on_server(module, run)


if __name__ == '__main__':
    main()
