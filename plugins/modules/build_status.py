#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: build_status
short_description: Look at a host as the redis_build role needs it - its machine, C library and installed build
description:
  - Reports, in one module run, what the C(redis_build) role decides on about a host and that the facts
    gathered with the minimal subset do not tell - which machine it is, its C library (part of the build
    key), how many CPUs a compile may use, which build is installed in a prefix, and what the command links
    point to.
  - RV(libc) is part of every build key, so its form (C(glibc 2.36), C(musl 1.2.4)) never changes - another
    form would make the builds installed so far count as other builds.
  - Changes nothing, and runs in check mode too.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.attributes.info
options:
  prefix:
    description: The versioned install prefix to look at, the role's C(redis_install_prefix).
    type: path
    required: true
  server_binary:
    description:
      - The server binary's name under O(prefix)C(/bin), e.g. C(redis-server) or C(valkey-server). Only a
        prefix where it exists and is executable counts as installed, whatever its stamp says.
    type: str
    required: true
  stamp_name:
    description: The stamp file in O(prefix) that the role writes last - the build key, then its parts as JSON.
    type: str
    default: .redisops-build
  link_dir:
    description: The directory of the command links, the role's C(redis_bin_link_dir). Required with O(linked_commands).
    type: path
  linked_commands:
    description: The commands linked in O(link_dir), e.g. C(redis-server) and C(redis-cli).
    type: list
    elements: str
    default: []
seealso:
  - module: redisops.sentinel.instance_status
'''

EXAMPLES = r'''
- name: Look at the host and the installed build
  redisops.sentinel.build_status:
    prefix: /opt/redis/redis-8.0.2
    server_binary: redis-server
    link_dir: /usr/local/bin
    linked_commands: [redis-server, redis-cli]
  register: build_host

- name: Say which build is installed
  ansible.builtin.debug:
    msg: "{{ build_host.stamp or 'nothing' }} is installed; {{ build_host.libc }}, {{ build_host.nproc }} CPUs"
'''

RETURN = r'''
machine_id:
  description: The content of C(/etc/machine-id), else of C(/var/lib/dbus/machine-id); empty when there is neither.
  returned: always
  type: str
  sample: 3d1219c7c4c5404aaa1f6d2a48adfda4
hostname:
  description: The host's node name, as C(uname -n) prints it.
  returned: always
  type: str
  sample: db1
libc:
  description:
    - The C library, as C(getconf GNU_LIBC_VERSION) prints it for glibc; C(musl) and the version C(ldd --version)
      prints for musl; C(unknown) otherwise.
  returned: always
  type: str
  sample: glibc 2.36
nproc:
  description: The CPUs this process may run on, as C(nproc) counts them.
  returned: always
  type: int
  sample: 4
stamp:
  description: The first line of the stamp (the installed build's key); empty when O(prefix) has no stamp or no server.
  returned: always
  type: str
  sample: redis-8.0.2-x86_64-debian12-glibc2.36-0f3c5a1b2d4e6f78
stamp_parts:
  description: The second line of the stamp (the key's parts as JSON), as it is written; empty as RV(stamp) is.
  returned: always
  type: str
  sample: '{"architecture": "x86_64", "flavor": "redis", "version": "8.0.2"}'
installed_parts:
  description: RV(stamp_parts) parsed; empty when RV(stamp_parts) is empty or not a JSON object.
  returned: always
  type: dict
  sample: {architecture: x86_64, flavor: redis, version: 8.0.2}
links:
  description:
    - What each of O(linked_commands) in O(link_dir) is now - the target of a symbolic link, empty for anything
      else; a name with nothing there is left out.
  returned: always
  type: dict
  sample: {redis-server: /opt/redis/redis-8.0.2/bin/redis-server, redis-cli: ''}
'''

import json
import os
import re

from ansible.module_utils.basic import AnsibleModule

MACHINE_ID_FILES = ('/etc/machine-id', '/var/lib/dbus/machine-id')


def machine_id():
    for path in MACHINE_ID_FILES:
        try:
            with open(path, 'rb') as handle:
                # Without its trailing newline; anything else in it counts.
                return handle.read().decode('utf-8', 'replace').rstrip('\n')
        except (IOError, OSError):
            continue
    return ''


def libc_from_ldd(output):
    """The C library `ldd --version` names, in the form build keys have always had: "musl" and the digits and
    dots that follow musl's last "Version " (1.2.4_git20230717 is musl 1.2.4); anything but musl is unknown."""
    if 'musl' not in output:
        return 'unknown'
    after = output.rpartition('Version ')[2]
    return 'musl ' + re.match(r'[0-9.]*', after).group(0)


def libc(module):
    try:
        version = os.confstr('CS_GNU_LIBC_VERSION')
    except (AttributeError, ValueError, OSError):
        # Not glibc: musl knows no such name, as getconf does not.
        version = None
    if version is not None:
        return version
    ldd = module.get_bin_path('ldd')
    if not ldd:
        return 'unknown'
    _rc, out, err = module.run_command([ldd, '--version'])
    return libc_from_ldd(out + err)


def usable_cpus():
    """As nproc counts: the CPUs of this process's affinity mask (a container's or taskset's), not all online."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        # Python 2 has neither sched_getaffinity nor cpu_count.
        return getattr(os, 'cpu_count', lambda: None)() or 1


def installed_stamp(prefix, server_binary, stamp_name):
    """The stamp's first two lines, as `read -r` gives them (blanks and tabs around each one dropped)."""
    if not os.access(os.path.join(prefix, 'bin', server_binary), os.X_OK):
        return '', ''
    try:
        with open(os.path.join(prefix, stamp_name), 'rb') as handle:
            lines = [handle.readline(), handle.readline()]
    except (IOError, OSError):
        return '', ''
    return tuple(line.decode('utf-8', 'replace').strip(' \t\n') for line in lines)


def parsed_parts(stamp_parts):
    try:
        parts = json.loads(stamp_parts)
    except ValueError:
        return {}
    return parts if isinstance(parts, dict) else {}


def link_targets(link_dir, names):
    """{name: target} for a symbolic link, {name: ''} for anything else, no entry where nothing is."""
    found = {}
    for name in names:
        path = os.path.join(link_dir, name)
        if os.path.islink(path):
            try:
                found[name] = os.readlink(path)
            except OSError:
                found[name] = ''
        elif os.path.exists(path):
            found[name] = ''
    return found


def look(module, params):
    stamp, stamp_parts = installed_stamp(params['prefix'], params['server_binary'], params['stamp_name'])
    return {
        'machine_id': machine_id(),
        'hostname': os.uname()[1],  # the node name, as uname -n prints it
        'libc': libc(module),
        'nproc': usable_cpus(),
        'stamp': stamp,
        'stamp_parts': stamp_parts,
        'installed_parts': parsed_parts(stamp_parts),
        'links': link_targets(params['link_dir'], params['linked_commands']) if params['linked_commands'] else {},
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            prefix=dict(type='path', required=True),
            server_binary=dict(type='str', required=True),
            stamp_name=dict(type='str', default='.redisops-build'),
            link_dir=dict(type='path'),
            linked_commands=dict(type='list', elements='str', default=[]),
        ),
        supports_check_mode=True,
    )
    if module.params['linked_commands'] and not module.params['link_dir']:
        module.fail_json(msg='link_dir is required with linked_commands')
    module.exit_json(changed=False, **look(module, module.params))


if __name__ == '__main__':
    main()
