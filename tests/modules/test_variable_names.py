# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action redisops.sentinel.variable_names, run by ansible-playbook on an inventory of
local hosts: typos of the collection's variables are reported by name, never by value."""

import json
import subprocess

import pytest
import yaml

from tests.support.paths import BIN

HOSTS = ('node-1', 'node-2', 'node-3')
SECRET = 's3cret-value'

PLAYBOOK = """
- name: Check the variables' names, as the roles' preflight does
  hosts: all
  gather_facts: false
  vars: %(play_vars)s
  tasks:
    - name: Names unknown to the collection
      redisops.sentinel.variable_names: %(args)s
      run_once: true
      register: outcome

    - name: Keep the result for the test to read
      ansible.builtin.copy:
        content: "{{ outcome | to_json }}"
        dest: %(result_file)s
        mode: '0600'
      run_once: true
"""


class Run:
    """What one ansible-playbook run printed, and the action's result (None when the play stopped)."""

    def __init__(self, completed, result_file):
        self.returncode = completed.returncode
        self.output = completed.stdout + completed.stderr
        self.result = json.loads(result_file.read_text()) if result_file.exists() else None

    def warnings(self, name):
        return [line for line in self.output.splitlines() if line.startswith('[WARNING]: %s ' % name)]


@pytest.fixture
def check(tmp_path, ansible_env):
    """check(group_vars={}, host_vars={host: {}}, play_vars={}, extra_vars={}, args={}, verbosity=0) -> Run."""

    def run(group_vars=None, host_vars=None, play_vars=None, extra_vars=None, args=None, verbosity=0):
        inventory = tmp_path / 'inventory'
        (inventory / 'group_vars').mkdir(parents=True, exist_ok=True)
        hosts = {host: (host_vars or {}).get(host, {}) for host in HOSTS}
        (inventory / 'hosts.yml').write_text(yaml.safe_dump({'all': {'hosts': hosts}}))
        common = {'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}
        common.update(group_vars or {})
        (inventory / 'group_vars' / 'all.yml').write_text(yaml.safe_dump(common))
        result_file = tmp_path / 'result.json'
        if result_file.exists():
            result_file.unlink()
        playbook = tmp_path / 'check.yml'
        playbook.write_text(PLAYBOOK % dict(play_vars=json.dumps(play_vars or {}), args=json.dumps(args or {}),
                                            result_file=json.dumps(str(result_file))))
        command = [str(BIN / 'ansible-playbook'), '-i', str(inventory / 'hosts.yml'), str(playbook)]
        if extra_vars:
            command += ['-e', json.dumps(extra_vars)]
        if verbosity:
            command.append('-' + 'v' * verbosity)
        completed = subprocess.run(command, env=ansible_env, cwd=str(tmp_path), capture_output=True, text=True,
                                   timeout=120, check=False)
        return Run(completed, result_file)

    return run


def test_a_typo_in_group_vars_is_a_warning_with_the_hosts_and_a_suggestion(check):
    checked = check(group_vars={'sentinel_qourum': 3, 'redis_exporter_port': 9121})
    assert checked.returncode == 0, checked.output
    assert checked.warnings('sentinel_qourum') == [
        '[WARNING]: sentinel_qourum (set for node-1, node-2, node-3) is not a variable of redisops.sentinel: '
        'did you mean sentinel_quorum?']
    # Nothing declared is close: no suggestion.
    assert checked.warnings('redis_exporter_port') == [
        '[WARNING]: redis_exporter_port (set for node-1, node-2, node-3) is not a variable of redisops.sentinel']
    assert checked.result['unknown'] == [
        {'name': 'redis_exporter_port', 'hosts': list(HOSTS), 'suggestion': None,
         'message': 'redis_exporter_port (set for node-1, node-2, node-3) is not a variable of redisops.sentinel'},
        {'name': 'sentinel_qourum', 'hosts': list(HOSTS), 'suggestion': 'sentinel_quorum',
         'message': 'sentinel_qourum (set for node-1, node-2, node-3) is not a variable of redisops.sentinel: '
                    'did you mean sentinel_quorum?'},
    ]


def test_strict_from_the_inventory_fails_with_every_unknown_name(check):
    checked = check(group_vars={'sentinel_qourum': 3, 'redisops_strict_variables': True},
                    host_vars={'node-3': {'redis_maxmemroy': '1gb'}})
    assert checked.returncode != 0
    assert checked.result is None
    assert ('2 unknown variables, an error because redisops_strict_variables is true. '
            'redis_maxmemroy (set for node-3) is not a variable of redisops.sentinel: did you mean redis_maxmemory? '
            'sentinel_qourum (set for node-1, node-2, node-3) is not a variable of redisops.sentinel: '
            'did you mean sentinel_quorum?') in checked.output


def test_the_strict_option_overrides_the_variable(check):
    checked = check(group_vars={'sentinel_qourum': 3, 'redisops_strict_variables': True}, args={'strict': False})
    assert checked.returncode == 0, checked.output
    assert len(checked.warnings('sentinel_qourum')) == 1

    checked = check(group_vars={'sentinel_qourum': 3}, args={'strict': True})
    assert checked.returncode != 0
    assert '1 unknown variable, an error because strict is true. sentinel_qourum' in checked.output


def test_play_vars_and_extra_vars_are_checked_too(check):
    checked = check(play_vars={'redis_maxmemroy': '1gb'}, extra_vars={'sentinel_down_after_ms': 5000})
    assert checked.returncode == 0, checked.output
    assert checked.warnings('redis_maxmemroy') == [
        '[WARNING]: redis_maxmemroy (set for node-1, node-2, node-3) is not a variable of redisops.sentinel: '
        'did you mean redis_maxmemory?']
    assert checked.warnings('sentinel_down_after_ms') == [
        '[WARNING]: sentinel_down_after_ms (set for node-1, node-2, node-3) is not a variable of '
        'redisops.sentinel: did you mean sentinel_down_after_milliseconds?']


def test_declared_and_internal_names_are_not_reported(check):
    checked = check(
        # Declared by the roles' argument specs.
        group_vars={'sentinel_quorum': 2, 'redis_maxmemory': '1gb', 'redisops_strict_variables': True},
        # Set by the roles themselves (set_fact, vars/), and a playbook's variable.
        host_vars={'node-1': {'redisops_redis_endpoint': {'host': '127.0.0.1'}, 'redis_build_key': 'x'}},
        extra_vars={'redisops_remove_confirm': 'no'},
        # Not the collection's prefixes at all.
        play_vars={'my_sentinel_quorum': 3, 'redisquorum': 3})
    assert checked.returncode == 0, checked.output
    assert checked.result['unknown'] == []
    assert '[WARNING]' not in checked.output


@pytest.mark.parametrize('verbosity', [0, 3])
def test_a_value_is_never_printed(check, verbosity):
    checked = check(host_vars={'node-2': {'redis_pasword': SECRET}}, play_vars={'sentinel_pasword': SECRET},
                    verbosity=verbosity)
    assert checked.returncode == 0, checked.output
    assert checked.warnings('redis_pasword') == [
        '[WARNING]: redis_pasword (set for node-2) is not a variable of redisops.sentinel: '
        'did you mean redis_password?']
    assert len(checked.warnings('sentinel_pasword')) == 1
    assert SECRET not in checked.output

    strict = check(host_vars={'node-2': {'redis_pasword': SECRET}}, args={'strict': True}, verbosity=verbosity)
    assert strict.returncode != 0
    assert 'redis_pasword (set for node-2)' in strict.output
    assert SECRET not in strict.output
