#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: preflight
short_description: Check the variables of the collection's roles and what a host needs, before anything changes
description:
  - Runs, for one host, every check of the roles named in O(roles) and fails with all that is wrong in one message,
    each part naming its variable and never repeating a secret. The roles of the collection run it for every role
    of the play, on every host, before their first change (the task file C(checks) of
    C(redisops.sentinel.redis_common)).
  - V(common) checks the service manager against the user, the passwords (only those that Sentinel's own rewrite of
    its config file keeps, printable ASCII but space, quotes and backslash) and the master name; V(build),
    V(server) and V(sentinel) the variables of C(redisops.sentinel.redis_build), C(redisops.sentinel.redis_server)
    and C(redisops.sentinel.redis_sentinel).
  - With O(cluster) (by default on the first host of the play only, so that it is said once), also what depends on
    every host, from the addresses that redis_common's C(topology) collected; the bootstrap primary in group
    C(redis), each port valid and used once per machine, the quorum against the number of Sentinels (and a warning
    for a number of Sentinels that survives failures badly).
  - With V(server) or V(sentinel), asks the host whether the Python of the modules has redis-py (an error unless
    the OS package can give it to the system's Python as root), and with O(ports) whether each port is free or
    already held by its instance (M(redisops.sentinel.port_check)).
  - Sets the facts C(redis_build_preflight_passed), C(redis_server_preflight_passed),
    C(redis_sentinel_preflight_passed) for the roles it checked, and C(redisops_python_has_redis).
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
options:
  roles:
    description: Whose checks to run.
    type: list
    elements: str
    required: true
    choices: [common, build, server, sentinel]
  ports:
    description: The ports of this host's instances, as M(redisops.sentinel.port_check) takes them.
    type: list
    elements: dict
    default: []
  cluster:
    description:
      - Also check what depends on every host.
      - Defaults to true on the first host of the play (C(ansible_play_hosts)), false on the others.
    type: bool
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
attributes:
  action:
    support: full
  async:
    support: none
  become:
    support: full
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: Runs normally; it changes nothing anyway.
  connection:
    support: full
  delegation:
    support: none
  diff_mode:
    support: none
  platform:
    platforms: posix
seealso:
  - module: redisops.sentinel.port_check
  - module: redisops.sentinel.variable_names
'''

EXAMPLES = r'''
- name: Check the data instance's variables and host before anything changes
  redisops.sentinel.preflight:
    roles: [common, server]
    ports:
      - port: "{{ redis_port }}"
        name: redis_{{ redis_port }}
        pidfile: /var/run/redis/redis_{{ redis_port }}.pid
        variable: redis_port
'''

RETURN = r'''
errors:
  description: What is wrong, one sentence each.
  returned: when something is
  type: list
  elements: str
  sample: ["redis_maxmemory lots is not a size such as 0, 100mb or 2gb."]
'''
