#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: instance_status
short_description: Look at one Redis, Valkey or Sentinel instance as the roles deploy it
description:
  - Reports, in one module run, what the roles of the collection decide on about an instance - whether it runs,
    which binary the running process was started from, whether it starts at boot, the checksum, owner and mode
    of the file that defines how it runs (its systemd unit, init script or control script), which of some
    given files exist, whether it was ever started by the roles, and whether it will be available to the
    steps that follow.
  - The results are set as host facts (C(redis_instance_*)); they describe the instance looked at last on that
    host, which C(redis_instance_looked_at) names.
  - Changes nothing, and runs in check mode too.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.attributes.info
options:
  name:
    description: The instance's name, its unit's or init script's name, e.g. C(redis_7000).
    type: str
    required: true
  manager:
    description:
      - How the instance is run. C(systemd) asks C(systemctl is-active) and C(systemctl is-enabled); C(sysv) and
        C(none) run O(control_path) with C(status), and C(sysv) looks for the start links in C(/etc/rc2.d).
    type: str
    choices: [systemd, sysv, none]
    required: true
  control_path:
    description: The init or control script, for O(manager=sysv) and O(manager=none).
    type: path
  definition_path:
    description: The unit, init script or control script whose checksum, owner and mode to report.
    type: path
    required: true
  pidfile:
    description: The instance's pidfile, to find the binary its running process was started from.
    type: path
    required: true
  paths:
    description: Files whose existence to report in C(redis_instance_existing_paths).
    type: list
    elements: path
    default: []
  started_stamp:
    description:
      - The file the roles write once the instance has been started for the first time. Without it, the
        instance counts as deployed before (C(redis_instance_first_deploy) is false).
    type: path
  start_when_stopped:
    description:
      - Whether the role starts the instance when it is found stopped after its first deploy. A data instance
        found stopped is left stopped by default (bringing an old primary back is the operator's decision); a
        Sentinel is always started.
    type: bool
    default: false
seealso:
  - module: redisops.sentinel.port_check
'''

EXAMPLES = r'''
- name: Look at the data instance
  redisops.sentinel.instance_status:
    name: redis_7000
    manager: systemd
    definition_path: /etc/systemd/system/redis_7000.service
    pidfile: /var/run/redis/redis_7000.pid
    paths: [/etc/redis/redis_7000.conf]
    started_stamp: /var/lib/redis/redis_7000.deployed

- name: Start it if it was never started
  ansible.builtin.systemd_service:
    name: redis_7000
    state: started
  when: redis_instance_to_start
'''

RETURN = r'''
ansible_facts:
  description: What was found, as host facts.
  returned: always
  type: dict
  contains:
    redis_instance_looked_at:
      description: The name of the instance all of these facts are about.
      type: str
      sample: redis_7000
    redis_instance_running:
      description: Whether the instance runs (C(systemctl is-active), or its script's C(status) exits 0).
      type: bool
    redis_instance_running_binary:
      description: The binary the running process was started from; empty when it is not running or unknown.
      type: str
      sample: /opt/redis/redis-8.0.2/bin/redis-server
    redis_instance_boot_registered:
      description: Whether it starts at boot (the unit is enabled, or the init script has its start links).
      type: bool
    redis_instance_definition_found:
      description: C(sha1), C(owner) (C(USER:GROUP)) and C(mode) (octal digits, as C(stat -c %a)) of the
        definition file; C(sha1) is empty when the file is absent.
      type: dict
      sample: {sha1: 2b9c1e44d3e0b16e6b5f2d8a0f1c3d4e5f6a7b8c, owner: "root:root", mode: "644"}
    redis_instance_existing_paths:
      description: Those of O(paths) that exist.
      type: list
      elements: str
    redis_instance_first_deploy:
      description: Whether O(started_stamp) is given and absent, so the roles never started the instance.
      type: bool
    redis_instance_to_start:
      description:
        - Whether the role starts the instance now - it does not run, and this is its first deploy or
          O(start_when_stopped) is true.
      type: bool
    redis_instance_available:
      description:
        - Whether the steps that follow can reach the instance - it runs, or the role starts it now (its first
          deploy, or O(start_when_stopped)). Always as found in check mode, where nothing is started.
      type: bool
'''

import grp
import hashlib
import os
import pwd
import stat

from ansible.module_utils.basic import AnsibleModule


def _running(module, manager, name, control_path):
    if manager == 'systemd':
        command = [module.get_bin_path('systemctl', required=True), 'is-active', '--quiet', name]
    else:
        if not control_path:
            module.fail_json(msg='control_path is required with manager %s' % manager)
        if not os.path.exists(control_path):
            return False
        command = [control_path, 'status']
    rc, _out, _err = module.run_command(command)
    return rc == 0


def _running_binary(pidfile):
    try:
        with open(pidfile) as handle:
            pid = int(handle.read().strip())
        return os.readlink('/proc/%d/exe' % pid)
    except (OSError, ValueError):
        return ''


def _boot_registered(module, manager, name):
    if manager == 'systemd':
        rc, _out, _err = module.run_command([module.get_bin_path('systemctl', required=True),
                                             'is-enabled', '--quiet', name])
        return rc == 0
    if manager == 'sysv':
        # update-rc.d's start links (Debian); other families ask chkconfig, which the role always runs.
        try:
            entries = os.listdir('/etc/rc2.d')
        except OSError:
            return False
        return any(entry.startswith('S') and entry[1:3].isdigit() and entry[3:] == name for entry in entries)
    return False


def _name(lookup, number):
    try:
        return lookup(number)[0]
    except KeyError:
        return str(number)


def _definition(path):
    try:
        info = os.stat(path)
        with open(path, 'rb') as handle:
            digest = hashlib.sha1(handle.read()).hexdigest()
    except OSError:
        return {'sha1': ''}
    return {
        'sha1': digest,
        'owner': '%s:%s' % (_name(pwd.getpwuid, info.st_uid), _name(grp.getgrgid, info.st_gid)),
        'mode': '%o' % stat.S_IMODE(info.st_mode),
    }


def look(module, params):
    running = _running(module, params['manager'], params['name'], params['control_path'])
    first_deploy = bool(params['started_stamp']) and not os.path.exists(params['started_stamp'])
    to_start = not running and (first_deploy or params['start_when_stopped'])
    return {
        'redis_instance_looked_at': params['name'],
        'redis_instance_running': running,
        'redis_instance_running_binary': _running_binary(params['pidfile']) if running else '',
        'redis_instance_boot_registered': _boot_registered(module, params['manager'], params['name']),
        'redis_instance_definition_found': _definition(params['definition_path']),
        'redis_instance_existing_paths': [path for path in params['paths'] if os.path.exists(path)],
        'redis_instance_first_deploy': first_deploy,
        'redis_instance_to_start': to_start,
        'redis_instance_available': running or (to_start and not module.check_mode),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type='str', required=True),
            manager=dict(type='str', required=True, choices=['systemd', 'sysv', 'none']),
            control_path=dict(type='path'),
            definition_path=dict(type='path', required=True),
            pidfile=dict(type='path', required=True),
            paths=dict(type='list', elements='path', default=[]),
            started_stamp=dict(type='path'),
            start_when_stopped=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    module.exit_json(changed=False, ansible_facts=look(module, module.params))


if __name__ == '__main__':
    main()
