# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):
    # The roles' endpoint dicts (redisops_sentinel_endpoints, redisops_redis_endpoints), as
    # endpoint_options() in plugins/module_utils/endpoints.py checks them. A module that extends a
    # fragment sets required or default, and may give its own description. (ansible-test reads each
    # fragment as one string literal, so the two say the endpoint's fields twice.)
    DOCUMENTATION = r'''
options:
  sentinels:
    description:
      - Every Sentinel of the primary, each as the roles' endpoints have it (C(host), C(port), C(name) of the
        inventory host, a label). O(login_host) and O(login_port) are not used; O(login_user), O(login_password)
        and the TLS options are used for each.
    type: list
    elements: dict
    suboptions:
      host:
        description: Its address or host name (an IPv6 address as it is, without brackets).
        type: str
        required: true
      port:
        description: Its port.
        type: int
        default: 26379
      name:
        description: The inventory host it runs on, a label in the results.
        type: str
'''

    INSTANCES = r'''
options:
  instances:
    description:
      - The data instances of the primary's group, each as the roles' endpoints have it (C(host), C(port), C(name)
        of the inventory host); their C(port) has no default.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Its address or host name (an IPv6 address as it is, without brackets).
        type: str
        required: true
      port:
        description: Its port (no default).
        type: int
        required: true
      name:
        description: The inventory host it runs on.
        type: str
'''
