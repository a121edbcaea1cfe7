# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redis_common's service and control tasks with service manager none, under a
temporary layout: a start that fails names the instance's log and quotes its
end, and does not wait out START_TIMEOUT (30 s) when the server has exited."""

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time

import pytest

from tests.support.paths import BIN
from tests.support.servers import PACKAGED_BINARIES, free_port

DEBIAN_REDIS = os.path.join(PACKAGED_BINARIES, 'redis-server')
START_TIMEOUT = 30


def _binaries():
    """Debian's redis-server (7.0: binds its port, then writes its pidfile) and, when
    PATH has another build, that one too (7.2 and later write the pidfile first)."""
    found = [DEBIAN_REDIS]
    other = shutil.which('redis-server')
    if other and os.path.realpath(other) != os.path.realpath(DEBIAN_REDIS):
        found.append(other)
    return found


PLAYBOOK = """
- name: Install one instance's control script and change its state, as the roles do
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Install the control script
      ansible.builtin.include_role:
        name: redisops.sentinel.redis_common
        tasks_from: service
      when: redis_service_manager == 'none'

    - name: Change the state of the instance
      ansible.builtin.include_role:
        name: redisops.sentinel.redis_common
        tasks_from: control
      vars:
        redis_instance_action: "{{ action }}"
"""

# Stands in for a server that writes its pidfile, then exits before it listens
# (as Redis 7.2 and later do when their port is taken), whatever redis-server is installed.
# The pidfile is written before the fake returns: a real server's forked child shows --pidfile in its
# command line until it writes the pidfile, and the control script waits for that; this child does not,
# so a pidfile written later (a loaded machine) would look like a server that never started.
FAKE_SERVER = """#!/bin/sh
# Called as: fake-redis-server CONFIG --daemonize yes --supervised no --pidfile PIDFILE
log=$(sed -n 's/^logfile //p' "$1")
sh -c 'sleep 1; echo "fake: bind: Address already in use" >> "$1"; exit 1' sh "$log" </dev/null >/dev/null 2>&1 &
echo $! > "$7"
"""


class Instance:
    """One instance under tmp_path: config, control script, pidfile, log."""

    def __init__(self, tmp_path, binary, port=None, extra_config=''):
        self.root = tmp_path / 'layout'
        self.port = port or free_port()
        self.name = 'redis_%d' % self.port
        for directory in ('control', 'run', 'log', 'etc', 'data'):
            (self.root / directory).mkdir(parents=True, exist_ok=True)
        self.config = self.root / 'etc' / ('%s.conf' % self.name)
        self.log = self.root / 'log' / ('%s.log' % self.name)
        self.pidfile = self.root / 'run' / ('%s.pid' % self.name)
        self.control = self.root / 'control' / self.name
        self.config.write_text('port %d\nbind 127.0.0.1\ndir %s\nlogfile %s\nsave ""\n%s'
                               % (self.port, self.root / 'data', self.log, extra_config))
        self.variables = dict(
            redis_service_manager='none',
            redis_control_dir=str(self.root / 'control'),
            redis_run_dir=str(self.root / 'run'),
            redis_user=pwd.getpwuid(os.geteuid()).pw_name,
            redis_instance=dict(name=self.name, description='Test instance on port %d' % self.port,
                                binary=binary, config=str(self.config), pidfile=str(self.pidfile),
                                stop_timeout=10, restart='no', log=str(self.log)),
        )

    def pid(self):
        try:
            return int(self.pidfile.read_text())
        except (OSError, ValueError):
            return None

    def kill(self):
        pid = self.pid()
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@pytest.fixture
def instances(tmp_path, request):
    """Factory of instances under tmp_path, each killed at the end of the test."""
    def make(binary, **kwargs):
        instance = Instance(tmp_path, binary, **kwargs)
        request.addfinalizer(instance.kill)
        return instance
    return make


@pytest.fixture
def run_playbook(ansible_env, tmp_path):
    playbook = tmp_path / 'control.yml'
    playbook.write_text(PLAYBOOK)

    def run(instance, action, **overrides):
        variables = dict(instance.variables, action=action, **overrides)
        extra = tmp_path / 'vars.json'
        extra.write_text(json.dumps(variables))
        started = time.monotonic()
        completed = subprocess.run([str(BIN / 'ansible-playbook'), str(playbook), '-e', '@%s' % extra],
                                   env=ansible_env, capture_output=True, text=True, timeout=300, check=False)
        return completed, time.monotonic() - started

    return run


@pytest.fixture
def taken_port():
    """A port of 127.0.0.1 that a listener of this test holds."""
    holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    holder.bind(('127.0.0.1', 0))
    holder.listen()
    yield holder.getsockname()[1]
    holder.close()


def _failure_message(completed):
    """The msg of the task that failed last, from the default callback's 'fatal: [localhost]: FAILED! => {...}'."""
    fatal = [line for line in completed.stdout.splitlines() if line.startswith('fatal: [localhost]: FAILED! => ')]
    assert fatal, completed.stdout + completed.stderr
    return json.loads(fatal[-1].split(' => ', 1)[1])['msg']


@pytest.mark.parametrize('binary', _binaries())
def test_a_taken_port_fails_the_start_at_once_naming_the_log(binary, instances, run_playbook, taken_port):
    instance = instances(binary, port=taken_port)
    completed, elapsed = run_playbook(instance, 'started')
    assert completed.returncode != 0, completed.stdout
    message = _failure_message(completed)
    assert message.startswith('%s did not start; its log %s ends with:\n' % (instance.name, instance.log)), message
    assert 'Address already in use' in message
    # The quoted lines are the log's last ones.
    assert message.splitlines()[1:] == instance.log.read_text().splitlines()[-10:]
    assert elapsed < START_TIMEOUT / 2, elapsed

    # The installed script, alone, gives up as quickly, with the same words on stderr.
    started = time.monotonic()
    script = subprocess.run([str(instance.control), 'start'], capture_output=True, text=True, timeout=60, check=False)
    assert script.returncode == 1
    assert time.monotonic() - started < 5
    assert script.stderr.startswith('%s did not start; its log %s ends with:\n' % (instance.name, instance.log))
    assert 'Address already in use' in script.stderr


@pytest.mark.parametrize('binary', _binaries())
def test_a_free_port_starts_and_stops(binary, instances, run_playbook):
    instance = instances(binary)
    completed, _elapsed = run_playbook(instance, 'started')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    pid = instance.pid()
    assert pid
    with socket.create_connection(('127.0.0.1', instance.port), timeout=5) as connection:
        connection.sendall(b'PING\r\n')
        assert connection.recv(16) == b'+PONG\r\n'
    status = subprocess.run([str(instance.control), 'status'], capture_output=True, text=True, check=False)
    assert status.stdout == '%s is running (pid %d)\n' % (instance.name, pid)

    again = subprocess.run([str(instance.control), 'start'], capture_output=True, text=True, check=False)
    assert again.stdout == '%s is already running (pid %d)\n' % (instance.name, pid)

    completed, _elapsed = run_playbook(instance, 'stopped')
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert not instance.pidfile.exists()


def test_a_config_it_refuses_fails_with_its_own_words(instances, run_playbook):
    instance = instances(DEBIAN_REDIS, extra_config='no-such-directive yes\n')
    completed, elapsed = run_playbook(instance, 'started')
    assert completed.returncode != 0
    message = _failure_message(completed)
    assert 'FATAL CONFIG FILE ERROR' in message
    assert "'no-such-directive yes'" in message
    assert '%s did not start (exit status 1); its log %s' % (instance.name, instance.log) in message
    assert elapsed < START_TIMEOUT / 2


def test_a_server_that_exits_after_writing_its_pidfile_is_not_waited_for(instances, run_playbook, tmp_path):
    fake = tmp_path / 'fake-redis-server'
    fake.write_text(FAKE_SERVER)
    fake.chmod(0o755)
    instance = instances(str(fake))
    completed, elapsed = run_playbook(instance, 'started')
    assert completed.returncode != 0
    message = _failure_message(completed)
    assert message == '%s did not start; its log %s ends with:\nfake: bind: Address already in use' % (
        instance.name, instance.log)
    assert elapsed < START_TIMEOUT / 2


def test_a_systemd_failure_quotes_the_log_too(instances, run_playbook, taken_port):
    """With systemd, the same tasks read the log (and the journal) themselves.
    No unit of that name exists, wherever this runs, so systemd fails to start it."""
    instance = instances(DEBIAN_REDIS, port=taken_port)
    instance.log.write_text(''.join('line %d\n' % number for number in range(1, 13)))
    completed, _elapsed = run_playbook(instance, 'started', redis_service_manager='systemd')
    assert completed.returncode != 0
    message = _failure_message(completed)
    lines = message.splitlines()
    assert lines[0] == '%s did not start; its log %s ends with:' % (instance.name, instance.log)
    assert lines[1:11] == ['line %d' % number for number in range(3, 13)]
    assert '\n(systemd: ' in message
