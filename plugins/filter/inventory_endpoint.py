# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a host's instances listen, also for a host the play does not run on."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

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


def inventory_endpoint(host, hostvars, kind, effective=None):
    """The {name, host, port} of host's data instance (kind redis) or Sentinel (kind sentinel):
    where the other hosts and Sentinels reach it, as it announces itself.

    What the host published in this run (redisops_<kind>_endpoint, with its role
    defaults applied) when it did; else its inventory variables and facts. effective:
    the host's own values with the role defaults applied (topology.yml publishes
    with them), which win over hostvars and mean "compute, do not read what was published".
    """
    if kind not in DEFAULT_PORTS:
        raise AnsibleFilterError('inventory_endpoint: kind must be redis or sentinel, not %r' % (kind,))
    values = _Values(hostvars[host], effective)
    if effective is None:
        published = values.get('redisops_%s_endpoint' % kind)
        if published:
            return published
    # Behind NAT or a container's published port, the instance announces another address or port
    # (replica-announce-ip/-port, Sentinel's announce-ip/-port); with host names, its name.
    if boolean(values.get('redis_hostnames') or False, strict=False):
        address = values.get('redis_hostname') or host
    else:
        address = _address(host, values)
    address = values.get('%s_announce_ip' % kind) or address
    port = int(values.get('%s_announce_port' % kind) or values.get('%s_port' % kind) or DEFAULT_PORTS[kind])
    return {'name': host, 'host': address, 'port': port}


class _Values(object):
    """The effective values first, then the host's variables, read one by one (rendering all of
    hostvars would render, and may fail on, variables that have nothing to do with addresses)."""

    def __init__(self, hostvars_of_host, effective):
        self._hostvars = hostvars_of_host
        self._effective = effective or {}

    def get(self, name, default=None):
        if name in self._effective:
            return self._effective[name]
        return self._hostvars.get(name, default)


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
