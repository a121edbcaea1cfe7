# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of the server and Sentinel roles that need another inventory than the
local default (tests/roles/test_local_default.py triggers the others through site.yml)."""

import pytest

PASSWORD = {'redis_password': 'preflight-secret-5a1e'}


def hosts(count, first_port=7300):
    return {'node-%d' % index: {'redis_port': first_port + index, 'sentinel_port': first_port + 100 + index}
            for index in range(1, count + 1)}


@pytest.mark.parametrize('count, warning', [
    (2, 'Fewer than 3 Sentinels cannot lose one and still authorise a failover'),
    (4, 'An even number adds no fault tolerance over one fewer: a majority of 4 needs 3 votes'),
])
def test_a_sentinel_count_that_survives_failures_badly_is_warned_about(
        make_inventory, ansible_playbook, count, warning):
    inventory = make_inventory(hosts(count), groups=('redis', 'sentinel'), common=PASSWORD)
    checked = ansible_playbook('preflight.yml', inventory)
    assert checked.returncode == 0, checked.explain()
    assert '[WARNING]: Group sentinel has %d Sentinels' % count in checked.output, checked.explain()
    assert warning in checked.output
    assert checked.changed_total == 0


def test_three_sentinels_pass_without_warning(make_inventory, ansible_playbook):
    checked = ansible_playbook('preflight.yml', make_inventory(hosts(3), groups=('redis', 'sentinel'), common=PASSWORD))
    assert checked.returncode == 0, checked.explain()
    assert 'Group sentinel has' not in checked.output


@pytest.mark.parametrize('overrides, message', [
    ({'redis_password': ''}, 'redis_password is empty'),
    ({'redis_maxmemory': 'lots'}, 'redis_maxmemory lots is not a size'),
    ({'redis_config': {'requirepass': 'x'}}, 'redis_config sets requirepass, which the role manages itself'),
    ({'redis_config': {'Bad Name': 1}}, 'redis_config has names that are not Redis directives: Bad Name'),
    ({'sentinel_notification_script': 'notify.sh'}, 'must be absolute paths'),
    # Sentinel writes these unquoted (or, Valkey 8.1.1, unescaped) when it rewrites its config file.
    ({'sentinel_client_reconfig_script': '/opt/my scripts/reconfig.sh'},
     'must be absolute paths with no space, quote or backslash'),
    ({'sentinel_announce_ip': '10.0.0.5 x'}, 'sentinel_announce_ip must be an address or host name, with no space'),
    ({'sentinel_down_after_milliseconds': 0}, 'sentinel_down_after_milliseconds must be at least 1'),
])
def test_role_settings_are_checked(make_inventory, ansible_playbook, overrides, message):
    variables = dict(PASSWORD, **overrides)
    checked = ansible_playbook('preflight.yml', make_inventory(hosts(3), groups=('redis', 'sentinel'), common=variables))
    assert checked.returncode != 0
    assert message in checked.output, checked.explain()


def test_a_password_less_test_setup_is_allowed_when_asked(make_inventory, ansible_playbook):
    variables = {'redis_password': '', 'redis_allow_no_password': True}
    checked = ansible_playbook('preflight.yml', make_inventory(hosts(3), groups=('redis', 'sentinel'), common=variables))
    assert checked.returncode == 0, checked.explain()
