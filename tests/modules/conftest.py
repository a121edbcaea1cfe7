# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real redis-server and redis-sentinel processes on loopback, and a way to run
the collection's modules exactly as users do: with the `ansible` command."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = 'Pa55-word-for-tests-7f3c'
WRONG_PASSWORD = 'not-the-password-91ab'


def binary(name):
    path = shutil.which(name)
    if path is None:
        pytest.fail('%s is not installed: run `make test`, whose setup installs it' % name)
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (redis.RedisError, OSError) as exc:
            last_error = exc
        time.sleep(0.2)
    raise AssertionError('timed out after %ss waiting for %s (last error: %s)' % (timeout, what, last_error))


class ServerProcess:
    """One redis-server or redis-sentinel process, with its own config file and directory."""

    def __init__(self, directory, port, lines, sentinel=False, password=None):
        self.directory = directory
        self.port = port
        self.password = password
        self.sentinel = sentinel
        self.config = directory / ('sentinel.conf' if sentinel else 'redis.conf')
        directory.mkdir(parents=True, exist_ok=True)
        base = ['port %d' % port, 'bind 127.0.0.1', 'daemonize no', 'dir %s' % directory,
                'logfile %s' % (directory / 'server.log')]
        if password:
            base.append('requirepass %s' % password)
        if not sentinel:
            # Redis waits 5 s for more replicas before a diskless full sync; tests have one.
            base.append('repl-diskless-sync-delay 0')
        self.config.write_text('\n'.join(base + list(lines)) + '\n')
        self.process = None

    def start(self):
        command = [binary('redis-sentinel'), str(self.config)] if self.sentinel else [binary('redis-server'), str(self.config)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: self.client().ping(), 10, 'port %d to answer PING' % self.port)
        return self

    def client(self, **kwargs):
        return redis.Redis(host='127.0.0.1', port=self.port, password=self.password, decode_responses=True,
                           socket_timeout=5, **kwargs)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log(self):
        path = self.directory / 'server.log'
        return path.read_text() if path.exists() else ''


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
def primary_and_replica(servers):
    """A primary and a replica linked to it, both with requirepass and masterauth."""
    auth = ['masterauth %s' % PASSWORD]
    primary = servers(auth, password=PASSWORD)
    replica = servers(auth + ['replicaof 127.0.0.1 %d' % primary.port], password=PASSWORD)
    wait_until(lambda: replica.client().info('replication')['master_link_status'] == 'up', 20,
               'the replica to link to its primary')
    return primary, replica


def sentinel_lines(primary, name='mymaster', quorum=1, down_after=2000, password=None):
    lines = ['sentinel monitor %s 127.0.0.1 %d %d' % (name, primary.port, quorum),
             'sentinel down-after-milliseconds %s %d' % (name, down_after),
             'sentinel failover-timeout %s 10000' % name]
    if password:
        lines.append('sentinel auth-pass %s %s' % (name, password))
    return lines


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


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """The checkout made visible to Ansible as the collection redisops.sentinel."""
    root = tmp_path_factory.mktemp('collections')
    namespace = root / 'ansible_collections' / 'redisops'
    namespace.mkdir(parents=True)
    (namespace / 'sentinel').symlink_to(REPO)
    # An empty configuration, so that neither the checkout's ansible.cfg nor the
    # user's ~/.ansible.cfg changes what the tests see.
    (root / 'ansible.cfg').write_text('[defaults]\n')
    return root


@pytest.fixture
def ansible_env(collections_path, tmp_path):
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_CONFIG=str(collections_path / 'ansible.cfg'),
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_LOG_PATH=str(tmp_path / 'ansible.log'),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-tmp'),
    )
    return env


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


@pytest.fixture
def run_playbook(ansible_env, tmp_path):
    """Run a playbook text with ansible-playbook against localhost."""

    def run(text, extra=()):
        playbook = tmp_path / 'playbook.yml'
        playbook.write_text(text)
        command = [str(BIN / 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
                   '-e', 'ansible_python_interpreter=%s' % sys.executable, str(playbook)]
        command.extend(extra)
        return subprocess.run(command, env=ansible_env, capture_output=True, text=True, timeout=600, check=False)

    return run
