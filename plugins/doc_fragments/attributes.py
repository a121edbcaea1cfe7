# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # Modules that change a server.
    CHANGES = r'''
attributes:
  check_mode:
    support: full
    description: Computes and reports the change and the commands it would send, and sends none of them.
  diff_mode:
    support: full
    description: Shows the state before and after the change; secrets are shown only as changed or not.
'''

    # Modules that only read.
    INFO = r'''
attributes:
  check_mode:
    support: full
    description: Runs normally; the module changes nothing anyway.
  diff_mode:
    support: none
    description: The module reports state and changes nothing, so there is nothing to diff.
'''

    # Action plugins that only read variables on the controller and change nothing
    # (with ansible.builtin.action_common_attributes and its conn and flow fragments).
    CONTROLLER = r'''
attributes:
  action:
    support: full
  async:
    support: none
  become:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
    details: Runs normally; it changes nothing anyway.
  connection:
    support: none
  delegation:
    support: none
    details: Runs on the controller, wherever the task is delegated.
  diff_mode:
    support: none
  platform:
    platforms: all
'''

    # Required by the doc fragment loader; the named fragments above are the ones to use.
    DOCUMENTATION = r'''
options: {}
'''
