# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real redis-server and redis-sentinel processes on loopback, and a way to run
the collection's modules exactly as users do: with the `ansible` command."""

import json
import subprocess

import pytest

from tests.support.ha_cluster import start_ha_cluster
from tests.support.paths import BIN
from tests.support.servers import PASSWORD, ServerProcess, free_port, wait_until


@pytest.fixture
def ansible_env(ansible_env):
    """The shared environment without REDISCLI_AUTH: the modules take it as login_password, and a
    test must not depend on whether the developer's shell exports one."""
    ansible_env.pop('REDISCLI_AUTH', None)
    return ansible_env


@pytest.fixture
def servers(tmp_path):
    """Factory of servers, all killed at the end of the test."""
    started = []

    def make(lines=(), sentinel=False, password=None, port=None):
        port = port or free_port()
        kind = 'sentinel' if sentinel else 'redis'
        process = ServerProcess(tmp_path / ('%s-%d' % (kind, port)), port, lines, sentinel=sentinel,
                                password=password).start()
        started.append(process)
        return process

    yield make
    for process in started:
        process.kill()


@pytest.fixture
def ha_cluster(servers):
    """A primary, two replicas and three Sentinels (quorum 2, down-after 5 s) that all agree."""
    return start_ha_cluster(servers)


@pytest.fixture
def primary_and_replica(servers):
    """A primary and a replica linked to it, both with requirepass and masterauth."""
    auth = ['masterauth %s' % PASSWORD]
    primary = servers(auth, password=PASSWORD)
    replica = servers(auth + ['replicaof 127.0.0.1 %d' % primary.port], password=PASSWORD)
    wait_until(lambda: replica.client().info('replication')['master_link_status'] == 'up', 20,
               'the replica to link to its primary')
    return primary, replica


class AnsibleRun:
    """What one `ansible` call printed, and the module's result."""

    def __init__(self, completed, result):
        self.returncode = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr
        self.output = completed.stdout + completed.stderr
        self.result = result

    @property
    def failed(self):
        return bool(self.result.get('failed'))

    @property
    def changed(self):
        return bool(self.result.get('changed'))

    @property
    def msg(self):
        return self.result.get('msg', '')


RESULT_PLAYBOOK = """
- name: Run one module of the collection
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Module under test
      redisops.sentinel.%(module)s: %(args)s
      register: outcome
      ignore_errors: true

    - name: Keep the whole result, diff included, for the test to read
      ansible.builtin.copy:
        content: "{{ outcome | to_json }}"
        dest: %(result_file)s
        mode: "0600"
      check_mode: false
      diff: false
"""


@pytest.fixture
def run_module(ansible_env, tmp_path):
    """Run one module of the collection in a playbook task, as users do, and return its result.

    adhoc=True runs it with `ansible localhost -m ...` instead.
    """
    counter = [0]

    def run(module, args, check=False, diff=False, verbosity=0, adhoc=False, extra_vars=None):
        counter[0] += 1
        result_file = tmp_path / ('result-%d.json' % counter[0])
        if adhoc:
            command = [str(BIN / 'ansible'), 'localhost', '-m', 'redisops.sentinel.%s' % module,
                       '-a', json.dumps(args), '--tree', str(tmp_path / ('tree-%d' % counter[0]))]
            result_file = tmp_path / ('tree-%d' % counter[0]) / 'localhost'
        else:
            playbook = tmp_path / ('playbook-%d.yml' % counter[0])
            playbook.write_text(RESULT_PLAYBOOK % dict(module=module, args=json.dumps(args),
                                                       result_file=json.dumps(str(result_file))))
            command = [str(BIN / 'ansible-playbook'), str(playbook)]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        if verbosity:
            command.append('-' + 'v' * verbosity)
        if extra_vars:
            command.extend(['-e', json.dumps(extra_vars)])
        completed = subprocess.run(command, env=ansible_env, capture_output=True, text=True, timeout=300, check=False)
        if not result_file.exists():
            raise AssertionError('ansible wrote no result; rc=%s\nstdout:\n%s\nstderr:\n%s'
                                 % (completed.returncode, completed.stdout, completed.stderr))
        return AnsibleRun(completed, json.loads(result_file.read_text()))

    return run
