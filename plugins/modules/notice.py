#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: notice
short_description: Keep something that needs the operator for the summary at the end of the play
description:
  - Adds O(msg) to the host's fact C(redisops_notices), a list of dicts with C(play), C(host), C(msg) and C(warning);
    the roles of the collection print every host's notices of the play in one summary at its end (the task file
    C(summary) of C(redisops.sentinel.redis_common)), so that an instance left stopped or a warning is not lost in
    the output of a long run.
  - With O(warn), also shows the message as a warning at once.
  - Runs on the controller only; it changes nothing on the host.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
options:
  msg:
    description: What needs the operator, in one or two sentences; never a secret.
    type: str
    required: true
  warn:
    description: Show it as a warning now as well.
    type: bool
    default: false
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.conn
  - ansible.builtin.action_common_attributes.flow
  - redisops.sentinel.attributes.controller
'''

EXAMPLES = r'''
- name: Note that the instance was left stopped
  redisops.sentinel.notice:
    msg: redis_7000 is stopped and was left stopped; start it with systemctl start redis_7000.
  when: not redis_instance_running
'''

RETURN = r'''
msg:
  description: The notice.
  returned: always
  type: str
'''
