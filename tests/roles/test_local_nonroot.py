# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local default as a normal user: the README's `make local`, run by a user
without any privilege, deploys everything under ~/.local/redisops with the
control scripts of service manager "none", and `make local-clean` removes it.

The test creates a throwaway system user (it needs root for that) and gives it a
copy of the checkout; the user builds its own virtualenv with the system Python.
It runs after test_local_default.py, whose deployment uses the same ports.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import redis

from tests.support.local_default import DATA_PORTS, MASTER, SENTINEL_PORTS, copy_checkout, port_in_use
from tests.support.playbook_run import PlaybookRun
from tests.support.processes import host_processes, kill_host_processes

USER = 'redisops-tester'
RUNUSER = shutil.which('runuser') or '/usr/sbin/runuser'


def as_user(command, cwd, home, timeout=1800):
    """Run a command as the test user, with a login-like environment of its own."""
    env = {'HOME': str(home), 'USER': USER, 'LOGNAME': USER, 'PATH': '/usr/local/bin:/usr/bin:/bin',
           'LANG': 'C.UTF-8', 'ANSIBLE_NOCOLOR': '1'}
    for name in ('PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_CERT', 'PIP_FIND_LINKS', 'SSL_CERT_FILE',
                 'REQUESTS_CA_BUNDLE', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'):
        if name in os.environ:
            env[name] = os.environ[name]
    completed = subprocess.run([RUNUSER, '-u', USER, '--'] + command, cwd=cwd, env=env, capture_output=True,
                               text=True, timeout=timeout, check=False)
    return PlaybookRun([RUNUSER, '-u', USER, '--'] + command, completed)


@pytest.fixture(scope='module')
def user_home():
    if os.geteuid() != 0:
        pytest.fail('this test creates a user: run it as root (make test does, in CI)')
    busy = [port for port in DATA_PORTS + SENTINEL_PORTS if port_in_use(port)]
    if busy:
        pytest.fail('ports %s are in use: stop the local deployment (make local-clean) first' % busy)
    # Not under pytest's base directory, which only root may enter.
    home = Path(tempfile.mkdtemp(prefix='redisops-nonroot-', dir='/var/tmp'))
    subprocess.run(['userdel', '-r', USER], capture_output=True, check=False)
    subprocess.run(['useradd', '--system', '--home-dir', str(home), '--shell', '/bin/bash', USER], check=True)
    home.chmod(0o755)
    # Built binaries the root tests left in the controller cache spare a compile.
    builds = Path.home() / '.cache' / 'redisops-sentinel' / 'builds'
    if builds.is_dir():
        shutil.copytree(builds, home / '.cache' / 'redisops-sentinel' / 'builds')
    copy_checkout(home / 'checkout')
    subprocess.run(['chown', '-R', '%s:%s' % (USER, USER), str(home)], check=True)
    yield home
    as_user(['make', 'local-clean', 'PYTHON=/usr/bin/python3'], cwd=home / 'checkout', home=home)
    # Not `pkill -u`: that also kills the containers' processes with this uid.
    kill_host_processes(pwd.getpwnam(USER).pw_uid)
    subprocess.run(['userdel', USER], check=False)
    shutil.rmtree(home, ignore_errors=True)


def test_make_local_works_as_a_normal_user(user_home):
    checkout = user_home / 'checkout'
    deployed = as_user(['make', 'local', 'PYTHON=/usr/bin/python3'], cwd=checkout, home=user_home)
    assert deployed.returncode == 0, deployed.explain()

    password = (checkout / '.local' / 'redis_password').read_text().strip()
    primary = redis.Redis(port=7000, password=password, decode_responses=True).info('replication')
    assert (primary['role'], primary['connected_slaves']) == ('master', 2)
    for port in SENTINEL_PORTS:
        client = redis.Redis(port=port, password=password, decode_responses=True)
        assert client.execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith('OK 3 usable Sentinels')

    root = user_home / '.local' / 'redisops'
    uid = pwd.getpwnam(USER).pw_uid
    for port in DATA_PORTS:
        assert (root / 'etc' / ('redis_%d.conf' % port)).stat().st_uid == uid
        control = root / 'opt' / 'bin' / ('redis_%d' % port)
        status = as_user([str(control), 'status'], cwd=user_home, home=user_home)
        assert status.returncode == 0 and 'is running' in status.stdout
        assert not Path('/etc/init.d/redis_%d' % port).exists()
        assert not Path('/etc/redis/redis_%d.conf' % port).exists()
    # Not `ps -C`: the sysv scenario's containers run Redis with this user's uid.
    owned = host_processes(uid, 'redis-server') + host_processes(uid, 'redis-sentinel')
    assert len(owned) == 6, owned
    assert password not in deployed.output

    again = as_user(['make', 'local', 'PYTHON=/usr/bin/python3'], cwd=checkout, home=user_home)
    assert again.returncode == 0, again.explain()
    assert all(counters['changed'] == 0 for counters in again.recap.values()), again.explain()

    cleaned = as_user(['make', 'local-clean', 'PYTHON=/usr/bin/python3'], cwd=checkout, home=user_home)
    assert cleaned.returncode == 0, cleaned.explain()
    assert not any(port_in_use(port) for port in DATA_PORTS + SENTINEL_PORTS)
