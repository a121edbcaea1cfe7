#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: long_command
short_description: Run a command that takes minutes, and show while it runs that it does
description:
  - Runs a shell command on the host, as M(ansible.builtin.shell) would, in the background through Ansible's async
    wrapper, and prints every O(interval) seconds, while the task runs, how long it has been running, how long it
    took the last time and the last line of its O(log).
  - The time it took is kept on the controller in O(timing_file) under O(timing_key), so that the next run can say
    how long to expect. The role C(redisops.sentinel.redis_build) runs its compile with it.
  - Always reports a change. In check mode the command does not run.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
options:
  cmd:
    description: The command, run with C(/bin/sh -c).
    type: str
    required: true
  chdir:
    description: The directory to run it in.
    type: path
  description:
    description: What runs, for the progress lines, for example V(Compile of redis 8.0.2).
    type: str
    required: true
  log:
    description: A file on the host the command writes to; its last line is shown with each progress line.
    type: path
  interval:
    description: Seconds between two progress lines.
    type: int
    default: 15
  timeout:
    description: Seconds after which the task fails if the command has not ended.
    type: int
    default: 3600
  timing_file:
    description: A JSON file on the controller that keeps how long the command took, by O(timing_key).
    type: path
  timing_key:
    description: What to keep the duration under in O(timing_file), for example the flavor, version and jobs.
    type: str
extends_documentation_fragment: [ansible.builtin.action_common_attributes, ansible.builtin.action_common_attributes.conn,
                                 ansible.builtin.action_common_attributes.flow]
attributes:
  action:
    support: full
  async:
    support: none
    details: It runs the command asynchronously itself.
  become:
    support: full
  bypass_host_loop:
    support: none
  check_mode:
    support: none
    details: The command does not run in check mode; the task is skipped.
  connection:
    support: full
  delegation:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: posix
'''

EXAMPLES = r'''
- name: Compile, showing that it runs
  redisops.sentinel.long_command:
    cmd: make -j2 install PREFIX=/opt/stage >make.log 2>&1 || { tail -n 60 make.log; exit 1; }
    chdir: /opt/src/redis-8.0.2
    description: Compile of redis 8.0.2
    log: /opt/src/redis-8.0.2/make.log
    timing_file: "{{ lookup('ansible.builtin.env', 'HOME') }}/.cache/redisops-sentinel/builds/timings.json"
    timing_key: redis-8.0.2-j2
'''

RETURN = r'''
rc:
  description: The command's exit status.
  returned: when it ran
  type: int
  sample: 0
stdout:
  description: What the command printed on standard output.
  returned: when it ran
  type: str
stderr:
  description: What the command printed on standard error.
  returned: when it ran
  type: str
elapsed:
  description: Seconds it ran.
  returned: when it ran
  type: float
  sample: 79.4
'''
