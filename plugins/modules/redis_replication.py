#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: redis_replication
short_description: Make a Redis instance a replica of a primary, or a primary
description:
  - Makes one Redis instance follow a given primary (C(REPLICAOF host port)), or turns it into a primary
    (C(REPLICAOF NO ONE)).
  - Reads C(INFO replication) first and sends nothing when the instance already has the wanted role and primary.
    Primary addresses are compared after resolving host names, so C(redis1) and the IP address it resolves to
    are the same primary.
  - Once Sentinels monitor the instances, Sentinel owns the topology. Use this module to build a new cluster or
    to follow the primary that the Sentinels report (see M(redisops.sentinel.sentinel_info)), never to move the
    primary behind their back.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.redis
  - redisops.sentinel.attributes.changes
options:
  role:
    description:
      - V(replica) makes the instance follow O(primary_host):O(primary_port).
      - V(primary) (or V(master)) makes it a primary that follows nobody.
    type: str
    choices: [replica, primary, master]
    default: replica
  primary_host:
    description:
      - Host name or IP address of the primary to follow. Required with O(role=replica).
      - The instance itself connects to this address, so it must be reachable from the Redis host,
        not only from the Ansible controller.
    type: str
    aliases: [master_host]
  primary_port:
    description:
      - Port of the primary to follow.
    type: int
    default: 6379
    aliases: [master_port]
  primary_auth:
    description:
      - Password the instance uses to authenticate to its primary (C(masterauth)), set with C(CONFIG SET) when it
        differs.
      - Set it on primaries too, because Sentinel may turn any of them into a replica later.
      - Never shown in output or logs. Give it through a variable (a vars file encrypted with Ansible Vault), never
        literally, for the reasons given at O(login_password).
    type: str
  primary_user:
    description:
      - ACL user the instance authenticates as on its primary (C(masteruser)).
    type: str
  persist:
    description:
      - After a change, run C(CONFIG REWRITE) so that a restart keeps it.
      - A server started without a config file cannot persist; the module then warns.
    type: bool
    default: true
  wait_for_sync:
    description:
      - With O(role=replica), wait until C(master_link_status) is C(up) and no synchronisation is in progress.
      - Skipped in check mode.
    type: bool
    default: true
  sync_timeout:
    description:
      - Seconds to wait for the synchronisation with O(wait_for_sync). On timeout the module fails with the
        last replication state it saw.
    type: int
    default: 60
notes:
  - Needs the C(REPLICAOF), C(CONFIG GET), C(CONFIG SET) and C(CONFIG REWRITE) commands; a renamed or disabled
    C(CONFIG) command makes the module fail with the server's answer.
seealso:
  - module: redisops.sentinel.sentinel_info
  - module: redisops.sentinel.sentinel_monitor
'''

EXAMPLES = r'''
- name: Make the instance on port 7001 a replica of redis1:7000
  redisops.sentinel.redis_replication:
    login_port: 7001
    login_password: "{{ redis_password }}"
    primary_host: redis1
    primary_port: 7000
    primary_auth: "{{ redis_password }}"

- name: Promote the local instance to primary (only when no Sentinel monitors it)
  redisops.sentinel.redis_replication:
    login_password: "{{ redis_password }}"
    role: primary

- name: Follow whatever primary the Sentinels agree on, without waiting for the sync
  redisops.sentinel.redis_replication:
    login_password: "{{ redis_password }}"
    primary_host: "{{ sentinel_view.agreement.mymaster.ip }}"
    primary_port: "{{ sentinel_view.agreement.mymaster.port }}"
    primary_auth: "{{ redis_password }}"
    wait_for_sync: false
'''

RETURN = r'''
replication:
  description:
    - Replication state of the instance after the run, read from C(INFO replication).
    - In check mode, the current state (nothing was changed).
  returned: success, and on a sync timeout
  type: dict
  contains:
    role:
      description: V(primary) or V(replica).
      type: str
      sample: replica
    primary_host:
      description: Address of the primary as the instance reports it; null on a primary.
      type: str
      sample: 10.0.0.5
    primary_port:
      description: Port of the primary; null on a primary.
      type: int
      sample: 6379
    link_status:
      description: C(master_link_status), V(up) or V(down); null on a primary.
      type: str
      sample: up
    sync_in_progress:
      description: Whether a full synchronisation with the primary is running.
      type: bool
      sample: false
    master_repl_offset:
      description: Replication offset of the instance.
      type: int
      sample: 52830
    connected_replicas:
      description: Number of replicas connected to this instance.
      type: int
      sample: 2
    replicas:
      description: Replicas connected to this instance.
      type: list
      elements: dict
      contains:
        ip:
          description: Address of the replica.
          type: str
        port:
          description: Port of the replica.
          type: int
        state:
          description: Replication state, for example V(online) or V(wait_bgsave).
          type: str
        offset:
          description: Replication offset the replica acknowledged.
          type: int
        lag:
          description: Seconds since the replica last acknowledged.
          type: int
      sample: [{ip: 10.0.0.6, port: 6379, state: online, offset: 52830, lag: 0}]
commands:
  description:
    - Commands that changed the instance, in order; in check mode, the commands that would have been sent.
    - Secrets are replaced by C(********).
  returned: always
  type: list
  elements: str
  sample: ["CONFIG SET masterauth ********", "REPLICAOF 10.0.0.5 6379", "CONFIG REWRITE"]
persisted:
  description: Whether the change was written to the config file with C(CONFIG REWRITE).
  returned: always
  type: bool
  sample: true
'''

import time

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import (
    same_endpoint,
    same_server,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    REDIS_DEFAULT_PORT,
    LoginModule,
    RedisModuleError,
    check_port,
    login_argument_spec,
    refuse_bad_input,
    run_on_server,
    validate_login,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.replication import replication_state

POLL_INTERVAL = 0.5
NO_CONFIG_FILE = 'without a config file'


def argument_spec():
    spec = login_argument_spec(REDIS_DEFAULT_PORT)
    spec.update(
        role=dict(type='str', default='replica', choices=['replica', 'primary', 'master']),
        primary_host=dict(type='str', aliases=['master_host']),
        primary_port=dict(type='int', default=REDIS_DEFAULT_PORT, aliases=['master_port']),
        primary_auth=dict(type='str', no_log=True),
        primary_user=dict(type='str'),
        persist=dict(type='bool', default=True),
        wait_for_sync=dict(type='bool', default=True),
        sync_timeout=dict(type='int', default=60),
    )
    return spec


def input_errors(params):
    errors = validate_login(params)
    port_error = check_port('primary_port', params['primary_port'])
    if port_error:
        errors.append(port_error)
    if params['sync_timeout'] < 1:
        errors.append('sync_timeout must be at least 1 second, got %s' % params['sync_timeout'])
    if params['role'] == 'primary' and params['primary_host']:
        errors.append('primary_host is only used with role=replica; a primary follows nobody')
    if params['role'] == 'replica' and params['primary_host'] is not None and not params['primary_host'].strip():
        errors.append('primary_host must not be empty')
    if params['role'] == 'replica' and params['primary_host'] and same_server(
            params['login_host'], params['login_port'], params['primary_host'], params['primary_port']):
        errors.append('refusing to make %s:%s a replica of itself (primary_host %s:%s is the same server)'
                      % (params['login_host'], params['login_port'], params['primary_host'], params['primary_port']))
    return errors


def topology_view(state):
    return dict(role=state['role'], primary_host=state['primary_host'], primary_port=state['primary_port'])


def follows_wanted_primary(state, params):
    if params['role'] == 'primary':
        return state['role'] == 'primary'
    return state['role'] == 'replica' and same_endpoint(
        state['primary_host'], state['primary_port'], params['primary_host'], params['primary_port'])


def plan_primary_credentials(server, params, diff):
    """Commands that make masterauth/masteruser what was asked, and their diff."""
    planned = []
    if params['primary_user'] is not None and server.config_value('masteruser') != params['primary_user']:
        diff['before']['primary_user'] = server.config_value('masteruser')
        diff['after']['primary_user'] = params['primary_user']
        planned.append((('CONFIG', 'SET', 'masteruser', params['primary_user']), ()))
    if params['primary_auth'] is not None and server.config_value('masterauth') != params['primary_auth']:
        # The diff says that the secret changes without showing either value.
        diff['before']['primary_auth'] = '(previous value, hidden)'
        diff['after']['primary_auth'] = '(new value, hidden)'
        planned.append((('CONFIG', 'SET', 'masterauth', params['primary_auth']), (3,)))
    return planned


def wait_for_sync(server, timeout):
    deadline = time.time() + timeout
    while True:
        state = replication_state(server.info('replication'))
        if state['role'] == 'replica' and state['link_status'] == 'up' and not state['sync_in_progress']:
            return state, True
        if time.time() >= deadline:
            return state, False
        time.sleep(POLL_INTERVAL)


def run(module, server):
    params = module.params
    result = dict(changed=False, commands=server.log.commands, persisted=False)
    before = replication_state(server.info('replication'))
    diff = dict(before=topology_view(before), after=topology_view(before))

    planned = plan_primary_credentials(server, params, diff)
    if not follows_wanted_primary(before, params):
        if params['role'] == 'primary':
            planned.append((('REPLICAOF', 'NO', 'ONE'), ()))
            diff['after'].update(role='primary', primary_host=None, primary_port=None)
        else:
            planned.append((('REPLICAOF', params['primary_host'], str(params['primary_port'])), ()))
            diff['after'].update(role='replica', primary_host=params['primary_host'],
                                 primary_port=params['primary_port'])

    for args, secret_positions in planned:
        server.change(*args, secret_positions=secret_positions, dry_run=module.check_mode)
    result['changed'] = bool(planned)

    if planned and params['persist']:
        try:
            server.change('CONFIG', 'REWRITE', dry_run=module.check_mode)
            result['persisted'] = not module.check_mode
        except RedisModuleError as exc:
            if NO_CONFIG_FILE not in str(exc):
                raise
            module.warn('%s runs without a config file: the change is not persisted and a restart '
                        'undoes it' % server.address)

    if module._diff:
        result['diff'] = diff

    if params['role'] == 'replica' and params['wait_for_sync'] and not module.check_mode:
        state, synced = wait_for_sync(server, params['sync_timeout'])
        result['replication'] = state
        if not synced:
            module.fail_json(
                msg='%s did not finish synchronising with %s:%s within %s s: link_status=%s, sync_in_progress=%s'
                    % (server.address, params['primary_host'], params['primary_port'], params['sync_timeout'],
                       state['link_status'], state['sync_in_progress']),
                **result)
    else:
        result['replication'] = replication_state(server.info('replication'))
    return result


def main():
    module = LoginModule(
        argument_spec=argument_spec(),
        required_if=[('role', 'replica', ['primary_host'])],
        supports_check_mode=True,
    )
    if module.params['role'] == 'master':
        module.params['role'] = 'primary'

    refuse_bad_input(module, input_errors(module.params))
    run_on_server(module, run)


if __name__ == '__main__':
    main()
