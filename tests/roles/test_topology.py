# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the roles find the instances of hosts the play does not run on (a --limit, or a
partial removal): the filters inventory_endpoint and inventory_machine, which fall back
on the defaults of redis_common that Ansible does not resolve for such hosts."""

import sys

import pytest
import yaml

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.filter.inventory_endpoint import (  # noqa: E402
    DEFAULT_PORTS,
    inventory_endpoint,
    inventory_machine,
)


def test_the_fallback_ports_are_the_defaults_of_redis_common():
    defaults = yaml.safe_load((REPO / 'roles' / 'redis_common' / 'defaults' / 'main.yml').read_text())
    assert DEFAULT_PORTS == {'redis': defaults['redis_port'], 'sentinel': defaults['sentinel_port']}


@pytest.mark.parametrize('values, kind, expected', [
    # What the host published in this run wins.
    ({'redisops_redis_endpoint': {'name': 'db1', 'host': '10.0.0.9', 'port': 7000}, 'redis_address': '10.0.0.1'},
     'redis', {'name': 'db1', 'host': '10.0.0.9', 'port': 7000}),
    ({'redis_address': '10.0.0.1', 'redis_port': 7001}, 'redis', {'name': 'db1', 'host': '10.0.0.1', 'port': 7001}),
    ({'ansible_facts': {'default_ipv4': {'address': '10.0.0.2'}}, 'ansible_host': 'db1.example'}, 'redis',
     {'name': 'db1', 'host': '10.0.0.2', 'port': 6379}),
    ({'ansible_host': 'db1.example'}, 'redis', {'name': 'db1', 'host': 'db1.example', 'port': 6379}),
    ({}, 'redis', {'name': 'db1', 'host': 'db1', 'port': 6379}),
    ({'redis_address': '10.0.0.1', 'sentinel_announce_ip': '192.0.2.7'}, 'sentinel',
     {'name': 'db1', 'host': '192.0.2.7', 'port': 26379}),
    ({'redis_address': '10.0.0.1', 'sentinel_announce_ip': '', 'sentinel_port': 26380}, 'sentinel',
     {'name': 'db1', 'host': '10.0.0.1', 'port': 26380}),
    # Behind NAT: the announced address and port are where the others reach the instance.
    ({'redis_address': '10.0.0.1', 'redis_announce_ip': '203.0.113.5', 'redis_announce_port': 16379}, 'redis',
     {'name': 'db1', 'host': '203.0.113.5', 'port': 16379}),
    ({'redis_address': '10.0.0.1', 'sentinel_announce_port': '36379', 'redis_announce_ip': '203.0.113.5'},
     'sentinel', {'name': 'db1', 'host': '10.0.0.1', 'port': 36379}),
    # Host names everywhere: the host's name (redis_hostname, else the inventory name), for both instances.
    ({'redis_address': '10.0.0.1', 'redis_hostnames': True}, 'redis', {'name': 'db1', 'host': 'db1', 'port': 6379}),
    ({'redis_address': '10.0.0.1', 'redis_hostnames': 'true', 'redis_hostname': 'db1.internal'}, 'sentinel',
     {'name': 'db1', 'host': 'db1.internal', 'port': 26379}),
    ({'redis_address': '10.0.0.1', 'redis_hostnames': False, 'redis_hostname': 'db1.internal'}, 'redis',
     {'name': 'db1', 'host': '10.0.0.1', 'port': 6379}),
])
def test_an_endpoint_comes_from_what_was_published_else_the_inventory_and_facts(values, kind, expected):
    assert inventory_endpoint('db1', {'db1': values}, kind) == expected


def test_the_machine_comes_from_what_was_published_else_the_facts():
    assert inventory_machine('db1', {'db1': {'redisops_machine': 'm1/db1'}}) == 'm1/db1'
    assert inventory_machine('db1', {'db1': {'ansible_facts': {'machine_id': 'm2', 'hostname': 'h'}}}) == 'm2/h'
    assert inventory_machine('db1', {'db1': {}}) == ''


def test_the_role_publishes_with_its_own_values_even_over_what_was_published():
    """topology.yml passes the host's values with the role defaults applied: they decide, not an old fact."""
    hostvars = {'db1': {'redisops_redis_endpoint': {'name': 'db1', 'host': '10.0.0.9', 'port': 7000}}}
    effective = {'redis_address': '10.0.0.1', 'redis_port': 7001, 'redis_announce_ip': '', 'redis_announce_port': 0,
                 'redis_hostnames': False, 'redis_hostname': 'db1'}
    assert inventory_endpoint('db1', hostvars, 'redis', effective) == {'name': 'db1', 'host': '10.0.0.1', 'port': 7001}
