#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: redis_info
short_description: Report the role, replication state and identity of one Redis instance
description:
  - Reads C(INFO) from one Redis data instance and reports its replication state (as
    M(redisops.sentinel.redis_replication) returns it), which binary and config file it runs with, and how
    much memory it uses. Changes nothing.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.login
  - redisops.sentinel.login.redis
  - redisops.sentinel.attributes.info
options: {}
seealso:
  - module: redisops.sentinel.redis_replication
  - module: redisops.sentinel.sentinel_info
'''

EXAMPLES = r'''
# Never write a password in a task or on the command line: a failed ad-hoc call
# prints its literal arguments, no_log or not, so that this would show it:
#   ansible db1 -m redisops.sentinel.redis_info -a 'login_port=7000 login_password=...'
# Give it as a variable from a vars file encrypted with Ansible Vault instead
# (only the template is printed):
#   ansible db1 -m redisops.sentinel.redis_info -e @secrets.yml --ask-vault-pass \
#     -a 'login_port=7000 login_password={{ redis_password }}'
# or, when the module runs on the controller, in REDISCLI_AUTH as redis-cli takes it:
#   read -rs REDISCLI_AUTH && export REDISCLI_AUTH
#   ansible localhost -m redisops.sentinel.redis_info -a 'login_host=10.0.0.5 login_port=7000'

- name: Is the local instance on port 7000 a primary?
  redisops.sentinel.redis_info:
    login_port: 7000
    login_password: "{{ redis_password }}"
  register: instance

- name: Show it
  ansible.builtin.debug:
    msg: "{{ instance.replication.role }}, offset {{ instance.replication.master_repl_offset }}"

- name: Ask from the controller, with the password in REDISCLI_AUTH exported before ansible-playbook
  redisops.sentinel.redis_info:
    login_host: "{{ ansible_host }}"
    login_port: 7000
  delegate_to: localhost
  register: instance
'''

RETURN = r'''
replication:
  description: Replication state, with the same keys as RV(redisops.sentinel.redis_replication#module:replication).
  returned: always
  type: dict
  sample:
    role: replica
    primary_host: 10.0.0.5
    primary_port: 6379
    link_status: up
    sync_in_progress: false
    master_repl_offset: 52830
    connected_replicas: 0
    replicas: []
server:
  description: Identity of the running server, from C(INFO server).
  returned: always
  type: dict
  contains:
    version:
      description: Server version (C(redis_version)).
      type: str
      sample: 8.0.2
    run_id:
      description: Random identifier of this process; it changes at every restart.
      type: str
    executable:
      description: Absolute path of the running binary (Redis 6.2 and later); empty when unknown.
      type: str
      sample: /opt/redis/redis-8.0.2/bin/redis-server
    config_file:
      description: Config file the server was started with; empty when none.
      type: str
      sample: /etc/redis/redis_7000.conf
    uptime_in_seconds:
      description: Seconds since the server started.
      type: int
    process_id:
      description: Process ID.
      type: int
memory:
  description: Memory use, from C(INFO memory).
  returned: always
  type: dict
  contains:
    used_memory:
      description: Bytes allocated by the server.
      type: int
    maxmemory:
      description: Configured limit in bytes; 0 is no limit.
      type: int
    maxmemory_policy:
      description: Eviction policy.
      type: str
commands:
  description: The read-only commands sent.
  returned: always
  type: list
  elements: str
  sample: ["INFO replication", "INFO server", "INFO memory"]
'''

from ansible_collections.redisops.sentinel.plugins.module_utils.client import (
    REDIS_DEFAULT_PORT,
    LoginModule,
    login_argument_spec,
    refuse_bad_input,
    run_on_server,
    validate_login,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.replication import replication_state
from ansible_collections.redisops.sentinel.plugins.module_utils.reply_values import int_or_none


def run(module, server):
    sections = dict((name, server.info(name)) for name in ('replication', 'server', 'memory'))
    server_info = sections['server']
    memory = sections['memory']
    return dict(
        changed=False,
        commands=['INFO %s' % name for name in sections],
        replication=replication_state(sections['replication']),
        server=dict(
            version=str(server_info.get('redis_version', '')),
            run_id=server_info.get('run_id'),
            executable=server_info.get('executable', ''),
            config_file=server_info.get('config_file', ''),
            uptime_in_seconds=int_or_none(server_info.get('uptime_in_seconds')),
            process_id=int_or_none(server_info.get('process_id')),
        ),
        memory=dict(
            used_memory=int_or_none(memory.get('used_memory')),
            maxmemory=int_or_none(memory.get('maxmemory')),
            maxmemory_policy=memory.get('maxmemory_policy'),
        ),
    )


def main():
    module = LoginModule(argument_spec=login_argument_spec(REDIS_DEFAULT_PORT), supports_check_mode=True)
    refuse_bad_input(module, validate_login(module.params))
    run_on_server(module, run)


if __name__ == '__main__':
    main()
