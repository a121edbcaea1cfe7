#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: port_check
short_description: Check that the TCP ports instances will bind are free or already theirs
description:
  - For each port, looks for a listening TCP socket (IPv4 and IPv6) on that port, on a wildcard address or on one
    of the addresses the instance will bind, and names the process that holds it.
  - A port held by the instance's own process (the one its pidfile names) is C(own); a port held by anything else
    is C(foreign), and the module then fails with one message naming every such port, the program holding it and
    the inventory variable to change.
  - Reads C(/proc/net/tcp), C(/proc/net/tcp6) and C(/proc/<pid>/fd), so it works on Linux only. Root sees the
    process behind every socket; another user sees only its own processes, and the message says so for the
    others. Changes nothing.
  - A listener on the IPv6 wildcard address C(::) is taken to block IPv4 as well, since it may be dual-stack.
    An IPv4 listener never blocks an IPv6 address, as Redis binds its IPv6 sockets IPv6-only.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.attributes.info
options:
  ports:
    description:
      - The ports to check, each with the instance that will bind it.
      - Two entries with the same port and different names are a conflict too.
    type: list
    elements: dict
    required: true
    suboptions:
      port:
        description: The TCP port.
        type: int
        required: true
      addresses:
        description:
          - The addresses the instance will bind the port on, as in its C(bind) directive (C(*) and C(::*) are the
            wildcards, a leading C(-) is ignored); host names are resolved.
          - When omitted, any listener on the port counts, whatever its address.
        type: list
        elements: str
      name:
        description: The instance that will bind the port, for the message, e.g. C(redis_7000).
        type: str
      pidfile:
        description:
          - The instance's pidfile. The port is C(own) when the process it names holds the socket or, when the
            holder is not visible to this user, when it names a live Redis or Valkey process.
        type: path
      variable:
        description: The inventory variable that sets the port, for the message, e.g. C(redis_port).
        type: str
seealso:
  - module: redisops.sentinel.redis_info
'''

EXAMPLES = r'''
- name: Check that the data instance's port is free or its own
  redisops.sentinel.port_check:
    ports:
      - port: "{{ redis_port }}"
        addresses: "{{ redis_bind }}"
        name: redis_{{ redis_port }}
        pidfile: /var/run/redis/redis_{{ redis_port }}.pid
        variable: redis_port

- name: Report who holds port 8080, without failing
  redisops.sentinel.port_check:
    ports:
      - port: 8080
  register: port_8080
  ignore_errors: true
'''

RETURN = r'''
ports:
  description: One entry per port of O(ports), in order, with the keys given there.
  returned: always
  type: list
  elements: dict
  contains:
    port:
      description: The port.
      type: int
      sample: 7000
    state:
      description: V(free) (nothing listens), V(own) (the instance itself) or V(foreign) (another program).
      type: str
      sample: foreign
    pid:
      description: The process holding the port (a foreign one first); null when free or not visible.
      type: int
      sample: 1234
    user:
      description: The user of that process, or the owner of the socket when the process is not visible.
      type: str
      sample: nobody
    command:
      description: Its program name (C(comm)).
      type: str
      sample: python3
    program:
      description: Its command line, shortened; Redis shows its process title there, not its config path.
      type: str
      sample: python3 -m http.server 7303
    listeners:
      description: Each listening socket that counts for the port.
      type: list
      elements: dict
      contains:
        address:
          description: Its local address (V(0.0.0.0) and V(::) are the wildcards).
          type: str
        socket_user:
          description: The owner of the socket, from C(/proc/net/tcp).
          type: str
        visible:
          description: Whether this user could find the process holding it.
          type: bool
        own:
          description: Whether it is the instance's own.
          type: bool
        pid:
          description: The process holding it; null when not visible.
          type: int
        user:
          description: The user of that process.
          type: str
        command:
          description: Its program name.
          type: str
        program:
          description: Its command line, shortened.
          type: str
  sample:
    - port: 7303
      name: redis_7303
      variable: redis_port
      state: foreign
      pid: 1234
      user: nobody
      command: python3
      program: python3 -m http.server 7303
conflicts:
  description: One sentence per foreign port (or port given to two instances); the module fails when any.
  returned: always
  type: list
  elements: str
  sample:
    - >-
      redis_port 7303 (redis_7303 on this host) is already in use by pid 1234, user nobody: python3 -m http.server
      7303. Stop that program or choose another redis_port.
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.redisops.sentinel.plugins.module_utils.listeners import ProcUnavailable, check_ports


def main():
    module = AnsibleModule(
        argument_spec=dict(
            ports=dict(type='list', elements='dict', required=True, options=dict(
                port=dict(type='int', required=True),
                addresses=dict(type='list', elements='str'),
                name=dict(type='str'),
                pidfile=dict(type='path'),
                variable=dict(type='str'),
            )),
        ),
        supports_check_mode=True,
    )
    for wanted in module.params['ports']:
        if not 0 < wanted['port'] < 65536:
            module.fail_json(msg='port %d is not a TCP port (1-65535)' % wanted['port'])
    try:
        results, conflicts = check_ports(module.params['ports'])
    except ProcUnavailable as exc:
        module.fail_json(msg=str(exc))
    if conflicts:
        module.fail_json(msg=' '.join(conflicts), ports=results, conflicts=conflicts)
    module.exit_json(changed=False, ports=results, conflicts=conflicts)


if __name__ == '__main__':
    main()
