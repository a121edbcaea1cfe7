# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.port_check against real listeners on free loopback ports:
Python's http.server (a foreign program) and Debian's redis-server (the
instance's own process, or another one)."""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support.servers import free_port, ipv6_loopback, wait_until

DEBIAN_REDIS = '/usr/bin/redis-server'
SYSTEM_PYTHON = '/usr/bin/python3'
ME = pwd.getpwuid(os.geteuid()).pw_name


def _accepts(address, port):
    family = socket.AF_INET6 if ':' in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(1)
        return probe.connect_ex((address, port)) == 0


@pytest.fixture
def processes():
    """Factory of processes that listen on a port; all killed at the end of the test."""
    started = []

    def start(command, address, port, cwd='/'):
        # A group of its own: killing runuser alone would leave its child running.
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        started.append(process)
        wait_until(lambda: process.poll() is None and _accepts(address, port), 10,
                   '%s to listen on %s port %d' % (command[0], address, port))
        return process

    yield start
    for process in started:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(10)


@pytest.fixture
def http_server(processes):
    """Python's http.server on address:port, optionally run by another user."""
    def start(address='127.0.0.1', port=None, user=None):
        port = port or free_port()
        command = [sys.executable, '-m', 'http.server', str(port), '--bind', address]
        if user:
            command = ['runuser', '-u', user, '--', SYSTEM_PYTHON] + command[1:]
        return processes(command, address, port), port
    return start


@pytest.fixture
def redis_server(processes):
    """Debian's redis-server on 127.0.0.1:port with a pidfile, in directory (which it must be able to write)."""
    if not os.path.exists(DEBIAN_REDIS):
        pytest.fail('%s is not installed: run `make test`, whose setup installs it' % DEBIAN_REDIS)

    def start(directory, port=None, user=None):
        port = port or free_port()
        directory = Path(directory)
        pidfile = directory / ('redis_%d.pid' % port)
        config = directory / ('redis_%d.conf' % port)
        config.write_text('port %d\nbind 127.0.0.1\ndaemonize no\npidfile %s\ndir %s\nlogfile %s\nsave ""\n'
                          % (port, pidfile, directory, directory / ('redis_%d.log' % port)))
        command = [DEBIAN_REDIS, str(config)]
        if user:
            command = ['runuser', '-u', user, '--'] + command
        process = processes(command, '127.0.0.1', port)
        wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 10, 'the pidfile %s' % pidfile)
        # runuser starts the server as its child.
        pid = int(pidfile.read_text())
        return process, port, pidfile, pid
    return start


@pytest.fixture
def shared_dir():
    """A directory every user can write (the tests' tmp_path is root's only)."""
    directory = tempfile.mkdtemp(prefix='redisops-port-check-')
    os.chmod(directory, 0o777)
    yield Path(directory)
    shutil.rmtree(directory, ignore_errors=True)


def entry(port, **extra):
    extra.setdefault('name', 'redis_%d' % port)
    extra.setdefault('variable', 'redis_port')
    return dict(port=port, **extra)


def needs_root():
    if os.geteuid() != 0:
        pytest.skip('needs root: starts processes as another user')
    for program in ('runuser', 'setpriv', SYSTEM_PYTHON):
        if not shutil.which(program):
            pytest.skip('needs %s' % program)


def test_a_free_port_is_free(run_module):
    port = free_port()
    run = run_module('port_check', dict(ports=[entry(port, addresses=['127.0.0.1'])]))
    assert not run.failed, run.output
    assert not run.changed
    assert run.result['conflicts'] == []
    [result] = run.result['ports']
    assert result['state'] == 'free'
    assert result['port'] == port
    assert result['pid'] is None
    assert result['listeners'] == []


def test_a_foreign_program_is_named_with_its_pid_user_and_command_line(http_server, run_module):
    process, port = http_server()
    run = run_module('port_check', dict(ports=[entry(port, addresses=['127.0.0.1'], pidfile='/nonexistent.pid')]))
    assert run.failed
    program = '%s -m http.server %d --bind 127.0.0.1' % (sys.executable, port)
    assert run.msg == ('redis_port %d (redis_%d on this host) is already in use by pid %d, user %s: %s. '
                       'Stop that program or choose another redis_port.' % (port, port, process.pid, ME, program))
    assert run.result['conflicts'] == [run.msg]
    [result] = run.result['ports']
    assert result['state'] == 'foreign'
    assert result['pid'] == process.pid
    assert result['user'] == ME
    assert result['program'] == program
    assert result['command'] == os.path.basename(sys.executable)[:15]
    [listener] = result['listeners']
    assert listener == dict(address='127.0.0.1', socket_user=ME, visible=True, own=False, pid=process.pid,
                            user=ME, command=result['command'], program=program)


def test_every_conflict_is_in_one_message_and_other_addresses_do_not_count(http_server, run_module):
    first, first_port = http_server()
    other, other_port = http_server(address='127.0.0.2')
    wildcard, wildcard_port = http_server(address='0.0.0.0')
    ports = [entry(first_port, addresses=['127.0.0.1']),
             # 127.0.0.2 is not an address the instance binds...
             entry(other_port, addresses=['127.0.0.1', 'localhost']),
             # ...but a listener on all addresses is in the way of any of them.
             entry(wildcard_port, addresses=['-127.0.0.1'], name='sentinel_%d' % wildcard_port,
                   variable='sentinel_port')]
    run = run_module('port_check', dict(ports=ports))
    assert run.failed
    states = [result['state'] for result in run.result['ports']]
    assert states == ['foreign', 'free', 'foreign']
    assert [result['pid'] for result in run.result['ports']] == [first.pid, None, wildcard.pid]
    assert len(run.result['conflicts']) == 2
    assert run.msg == ' '.join(run.result['conflicts'])
    assert 'redis_port %d (redis_%d on this host) is already in use by pid %d' % (
        first_port, first_port, first.pid) in run.msg
    assert 'sentinel_port %d (sentinel_%d on this host) is already in use by pid %d' % (
        wildcard_port, wildcard_port, wildcard.pid) in run.msg
    assert run.msg.endswith('Stop that program or choose another sentinel_port.')
    assert str(other_port) not in run.msg

    # Without addresses, the instance binds them all: 127.0.0.2 counts, and so do the wildcards.
    everywhere = run_module('port_check', dict(ports=[entry(other_port), entry(first_port, addresses=['*'])]))
    assert [result['state'] for result in everywhere.result['ports']] == ['foreign', 'foreign']
    assert everywhere.result['ports'][0]['listeners'][0]['address'] == '127.0.0.2'


def test_ipv6_listeners_count(http_server, run_module):
    if not ipv6_loopback():
        pytest.skip('this host has no IPv6 loopback')
    process, port = http_server(address='::1')
    run = run_module('port_check', dict(ports=[entry(port, addresses=['::1'])]))
    assert run.failed
    [result] = run.result['ports']
    assert result['state'] == 'foreign'
    assert result['pid'] == process.pid
    assert result['listeners'][0]['address'] == '::1'
    # An IPv6 listener is not in the way of an IPv4 address, nor of another IPv6 one.
    elsewhere = run_module('port_check', dict(ports=[entry(port, addresses=['127.0.0.1', '::2'])]))
    assert not elsewhere.failed, elsewhere.output
    assert elsewhere.result['ports'][0]['state'] == 'free'
    # The IPv6 wildcard is.
    wildcard = run_module('port_check', dict(ports=[entry(port, addresses=['::*'])]))
    assert wildcard.result['ports'][0]['state'] == 'foreign'


def test_the_instance_itself_is_own_and_another_redis_is_not(redis_server, run_module, tmp_path):
    process, port, pidfile, pid = redis_server(tmp_path)
    assert pid == process.pid
    run = run_module('port_check', dict(ports=[entry(port, addresses=['127.0.0.1'], pidfile=str(pidfile))]))
    assert not run.failed, run.output
    assert not run.changed
    [result] = run.result['ports']
    assert result['state'] == 'own'
    assert result['pid'] == pid
    assert result['command'] == 'redis-server'
    # Redis has rewritten its process title: no config path there.
    assert result['program'] == '%s 127.0.0.1:%d' % (DEBIAN_REDIS, port)
    assert result['listeners'][0]['own'] is True

    # The same server is someone else's for an instance whose pidfile names another process, or none.
    other_pidfile = tmp_path / 'other.pid'
    other_pidfile.write_text('%d\n' % os.getpid())
    for other in (other_pidfile, tmp_path / 'absent.pid'):
        foreign = run_module('port_check', dict(ports=[entry(port, pidfile=str(other))]))
        assert foreign.failed
        assert foreign.result['ports'][0]['state'] == 'foreign'
        assert foreign.msg == (
            'redis_port %d (redis_%d on this host) is already in use by pid %d, user %s: %s 127.0.0.1:%d '
            '(not the process its pidfile %s names). Stop that program or choose another redis_port.'
            % (port, port, pid, ME, DEBIAN_REDIS, port, other))


def test_check_mode_reports_the_same(http_server, run_module):
    process, port = http_server()
    free = free_port()
    for check in (False, True):
        run = run_module('port_check', dict(ports=[entry(port), entry(free, name='sentinel_%d' % free)]), check=check)
        assert run.failed
        assert not run.changed
        assert [result['state'] for result in run.result['ports']] == ['foreign', 'free']
        assert 'already in use by pid %d' % process.pid in run.msg
    ok = run_module('port_check', dict(ports=[entry(free)]), check=True)
    assert not ok.failed, ok.output
    assert ok.result['ports'][0]['state'] == 'free'


def test_one_port_for_two_instances_is_a_conflict(run_module):
    port = free_port()
    run = run_module('port_check', dict(ports=[entry(port), entry(port, name='sentinel_%d' % port,
                                                                  variable='sentinel_port')]))
    assert run.failed
    assert run.msg == ('Port %d is set for redis_port (redis_%d) and sentinel_port (sentinel_%d) on this host: '
                       'give each its own port.' % (port, port, port))


def test_a_port_out_of_range_is_refused(run_module):
    run = run_module('port_check', dict(ports=[dict(port=70000)]))
    assert run.failed
    assert run.msg == 'port 70000 is not a TCP port (1-65535)'


def _interpreter(tmp_path, name, command):
    """A Python interpreter for the module that runs it another way (the tests run modules with pipelining)."""
    path = tmp_path / name
    path.write_text('#!/bin/sh\nexec %s "$@"\n' % command)
    path.chmod(0o755)
    return str(path)


def failing_run_with(run_module, interpreter, ports):
    """The module run with `interpreter`, which must make it fail. Ad hoc: then
    ansible itself writes the result, not a task run with that interpreter."""
    run = run_module('port_check', dict(ports=ports), adhoc=True,
                     extra_vars=dict(ansible_python_interpreter=interpreter))
    # `ansible --tree` keeps no "failed" in the result.
    assert run.returncode != 0, run.output
    return run


def test_holders_another_user_cannot_see(http_server, redis_server, run_module, ansible_env, tmp_path, shared_dir):
    """As a user other than root, other users' processes are not visible: the
    message says so, and a live Redis named by the pidfile is taken as the
    instance's own."""
    needs_root()
    listener, port = http_server()
    _redis, redis_port, pidfile, _pid = redis_server(shared_dir)
    # Pipelined, the module reaches the interpreter on stdin, which nobody can read, unlike root's temporary files.
    ansible_env['ANSIBLE_PIPELINING'] = 'true'
    nobody = _interpreter(tmp_path, 'python-as-nobody', 'runuser -u nobody -- %s' % SYSTEM_PYTHON)
    run = failing_run_with(run_module, nobody, [entry(port), entry(redis_port, pidfile=str(pidfile))])
    assert run.msg == ('redis_port %d (redis_%d on this host) is already in use by a process this user cannot see '
                       '(run as root to name it); the socket belongs to user root. '
                       'Stop that program or choose another redis_port.' % (port, port))
    first, second = run.result['ports']
    assert (first['state'], first['pid'], first['user'], first['listeners'][0]['visible']) == (
        'foreign', None, 'root', False)
    assert listener.pid not in (first['pid'], second['pid'])
    assert (second['state'], second['pid'], second['listeners'][0]['visible']) == ('own', None, False)


def test_holders_root_cannot_see_without_cap_sys_ptrace(http_server, redis_server, run_module, ansible_env, tmp_path,
                                                        shared_dir):
    """Root without CAP_SYS_PTRACE (as in a container) cannot read other
    users' file descriptors either."""
    needs_root()
    _listener, port = http_server(user='nobody')
    _redis, redis_port, pidfile, _pid = redis_server(shared_dir, user='nobody')
    no_ptrace = _interpreter(tmp_path, 'python-without-ptrace', 'setpriv --bounding-set -sys_ptrace '
                             '--inh-caps -sys_ptrace -- %s' % sys.executable)
    run = failing_run_with(run_module, no_ptrace, [entry(port), entry(redis_port, pidfile=str(pidfile))])
    assert run.msg == ('redis_port %d (redis_%d on this host) is already in use by a process that root cannot see '
                       'here (it needs CAP_SYS_PTRACE, which containers often lack); the socket belongs to user '
                       'nobody. Stop that program or choose another redis_port.' % (port, port))
    assert [result['state'] for result in run.result['ports']] == ['foreign', 'own']
    # The same as root with it: both named.
    full = run_module('port_check', dict(ports=[entry(port), entry(redis_port, pidfile=str(pidfile))]))
    assert [(result['state'], result['user']) for result in full.result['ports']] == [
        ('foreign', 'nobody'), ('own', 'nobody')]
    assert full.result['ports'][0]['pid'] is not None


def test_a_host_without_proc_net_tcp_is_told_so(run_module, ansible_env, tmp_path):
    needs_root()
    if subprocess.run(['unshare', '-m', 'true'], capture_output=True, check=False).returncode != 0:
        pytest.skip('needs unshare -m')
    ansible_env['ANSIBLE_PIPELINING'] = 'true'
    # The module runs in a mount namespace of its own, with an empty /proc.
    no_proc = _interpreter(tmp_path, 'python-without-proc', 'unshare -m --propagation private sh -c '
                           '\'mount -t tmpfs none /proc && exec "$0" "$@"\' %s' % sys.executable)
    run = failing_run_with(run_module, no_proc, [entry(free_port())])
    assert run.msg == ('this host has no /proc/net/tcp, where port_check reads which TCP ports are in use: '
                       'it works on Linux only (this host runs Linux)')
