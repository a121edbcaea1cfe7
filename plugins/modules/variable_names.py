#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: variable_names
short_description: Report variables with the collection's prefixes that no role knows, such as typos
description:
  - Looks at the names of the variables of the play's hosts that start with C(redis_), C(sentinel_) or
    C(redisops_) (in any case) and reports each one that the collection does not know, once, with the hosts it is
    set for and the closest declared name; for example that C(sentinel_qourum), set for C(db1) and C(db2), is not a
    variable of redisops.sentinel, and may be meant as C(sentinel_quorum).
  - Known names are the options of every entry point of the roles' C(meta/argument_specs.yml) (the declared
    variables, the only ones ever suggested) and every identifier with one of the prefixes that the roles and
    playbooks of the collection set or read (role defaults and vars, C(set_fact), C(register), C(loop_var),
    playbook variables such as C(redisops_remove_confirm)).
  - For the calling host it reads the task's variables (inventory, C(group_vars) and C(host_vars), play vars and
    C(vars_files), extra vars, role and include parameters); for the other hosts their C(hostvars) (inventory,
    extra vars, facts and registered variables). A name only the play sets is reported for all the hosts.
  - Only names are read and reported, never values, which may be passwords.
  - By default each unknown name is a warning. With O(strict), or when the variable C(redisops_strict_variables)
    is V(true) (in the inventory or the play), the task fails with all the unknown names in one message.
  - Meant to run once per play with C(run_once); the C(preflight) tasks of the roles run it first.
  - Runs on the controller only; it needs no connection to the hosts.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
options:
  strict:
    description:
      - Fail, instead of warning, when a variable is unknown.
      - Defaults to the variable C(redisops_strict_variables), else V(false).
    type: bool
  hosts:
    description:
      - The hosts whose variables to look at.
      - Defaults to every host of the play (C(ansible_play_hosts_all)). The calling host is always looked at.
    type: list
    elements: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - redisops.sentinel.attributes.controller
seealso:
  - module: ansible.builtin.validate_argument_spec
notes:
  - Another role's or your own variable that uses one of these prefixes is reported too; rename it, or leave the
    check non-strict, where it is only a warning.
'''

EXAMPLES = r'''
- name: Warn about misspelled variables of redisops.sentinel
  redisops.sentinel.variable_names:
  run_once: true

- name: Fail on any of them, whatever redisops_strict_variables says
  redisops.sentinel.variable_names:
    strict: true
  run_once: true
'''

RETURN = r'''
unknown:
  description:
    - Each unknown name once, in alphabetical order, with the hosts it is set for (in the order of the play's
      hosts) and the closest declared name, or null when none is close.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The variable's name.
      type: str
      sample: sentinel_qourum
    hosts:
      description: The hosts it is set for.
      type: list
      elements: str
      sample: [db1, db2, db3]
    suggestion:
      description: The closest declared variable, or null.
      type: str
      sample: sentinel_quorum
    message:
      description: The warning about it.
      type: str
      sample: "sentinel_qourum (set for db1, db2, db3) is not a variable of redisops.sentinel: did you mean sentinel_quorum?"
  sample:
    - name: sentinel_qourum
      hosts: [db1, db2, db3]
      suggestion: sentinel_quorum
      message: "sentinel_qourum (set for db1, db2, db3) is not a variable of redisops.sentinel: did you mean sentinel_quorum?"
'''
