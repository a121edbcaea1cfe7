# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Real redis-server and redis-sentinel processes on free loopback ports."""

import shutil
import socket
import subprocess
import time

import pytest
import redis

PASSWORD = 'Pa55-word-for-tests-7f3c'
WRONG_PASSWORD = 'not-the-password-91ab'


# Debian's packages (scripts/install-test-prerequisites), not whatever PATH finds first: a
# deployment on this machine links /usr/local/bin/redis-server to its own build, and a test's
# server running from it would count as one of that deployment's instances (its removal would
# then keep the build and the kernel settings).
PACKAGED_BINARIES = '/usr/bin'


def binary(name):
    path = shutil.which(name, path=PACKAGED_BINARIES)
    if path is None:
        pytest.fail('%s is not installed: run `make test`, whose setup installs it' % name)
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def ipv6_loopback():
    """Whether this machine can bind ::1 (some containers have no IPv6)."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(('::1', 0))
        return True
    except OSError:
        return False


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
        kwargs.setdefault('socket_timeout', 5)
        return redis.Redis(host='127.0.0.1', port=self.port, password=self.password, decode_responses=True, **kwargs)

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def log(self):
        path = self.directory / 'server.log'
        return path.read_text() if path.exists() else ''


def sentinel_lines(primary, name='mymaster', quorum=1, down_after=2000, password=None):
    lines = ['sentinel monitor %s 127.0.0.1 %d %d' % (name, primary.port, quorum),
             'sentinel down-after-milliseconds %s %d' % (name, down_after),
             'sentinel failover-timeout %s 10000' % name]
    if password:
        lines.append('sentinel auth-pass %s %s' % (name, password))
    return lines
