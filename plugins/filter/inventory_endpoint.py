# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a host's instances listen, also for a host the play does not run on."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import inventory_host

# The defaults of redis_common (defaults/main.yml: redis_port, sentinel_port):
# Ansible resolves a role's defaults only for the hosts the role runs on.
# A test of the source repository checks that both places say the same.
DEFAULT_PORTS = {'redis': 6379, 'sentinel': 26379}


def _address(host, values):
    """redis_address, else what redis_common's default falls back to."""
    facts = values.get('ansible_facts') or {}
    return (values.get('redis_address') or (facts.get('default_ipv4') or {}).get('address')
            or values.get('ansible_host') or host)


def inventory_endpoint(host, hostvars, kind):
    """The {name, host, port} of host's data instance (kind redis) or Sentinel (kind sentinel).

    What the host published in this run (redisops_<kind>_endpoint, with its role
    defaults applied) when it did; else its inventory variables and facts.
    """
    if kind not in DEFAULT_PORTS:
        raise AnsibleFilterError('inventory_endpoint: kind must be redis or sentinel, not %r' % (kind,))
    values = hostvars[host]
    published = values.get('redisops_%s_endpoint' % kind)
    if published:
        return published
    address = _address(host, values)
    if kind == 'sentinel':
        address = values.get('sentinel_announce_ip') or address
    return {'name': host, 'host': address, 'port': int(values.get('%s_port' % kind) or DEFAULT_PORTS[kind])}


def inventory_machine(host, hostvars):
    """The machine of host as topology.yml publishes it (machine-id/hostname), '' when unknown."""
    values = hostvars[host]
    published = values.get('redisops_machine')
    if published:
        return published
    facts = values.get('ansible_facts') or {}
    if not facts.get('hostname'):
        return ''
    return '%s/%s' % (facts.get('machine_id') or '', facts['hostname'])


class FilterModule(object):

    def filters(self):
        return {
            'inventory_endpoint': inventory_endpoint,
            'inventory_machine': inventory_machine,
            'inventory_host': inventory_host,
        }
