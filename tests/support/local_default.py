# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local default deployment (inventories/local) as the tests see it."""

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import REPO

DATA_PORTS = (7000, 7001, 7002)
SENTINEL_PORTS = (26379, 26380, 26381)
MASTER = 'mymaster'
OVERCOMMIT = Path('/proc/sys/vm/overcommit_memory')
KERNEL_SETTINGS_FILE = Path('/etc/sysctl.d/60-redisops-sentinel.conf')
# What Redis and Sentinel log at startup when the machine lacks a setting they ask for.
KERNEL_WARNINGS = ('Memory overcommit must be enabled', 'Transparent Huge Pages', 'somaxconn',
                   'max file descriptors', 'maximum open files')


def port_in_use(port):
    with socket.socket() as probe:
        return probe.connect_ex(('127.0.0.1', port)) == 0


def leftover_files():
    """Files a stopped root deployment of the local default left behind (another
    checkout's, with another password): deploying over them would start its
    Sentinels with that password."""
    names = ['redis_%d' % port for port in DATA_PORTS] + ['sentinel_%d' % port for port in SENTINEL_PORTS]
    candidates = [Path('/etc/redis/%s.conf' % name) for name in names]
    candidates += [Path('/etc/init.d/%s' % name) for name in names]
    return [str(path) for path in candidates if path.exists()]


def copy_checkout(target):
    """The files of the checkout (tracked, or new and not ignored), as a fresh clone would have them."""
    listed = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split('\0')
    for name in filter(None, listed):
        source = REPO / name
        destination = target / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            destination.symlink_to(os.readlink(source))
        elif source.is_file():
            shutil.copy2(source, destination)
    return target


def deployed(tmp_path_factory, deployment_class, target):
    """A module fixture's body: a deployment_class (LocalDeployment) on a fresh
    copy of the checkout, once the local default's ports are known free and a
    stopped deployment's files are gone (`make local-clean`; stopped, so
    removing needs no password); `make <target>` (its run in first_run); and
    `make local-clean` after the module's tests, which must free every port and
    forget which deployment ran."""
    busy = [port for port in DATA_PORTS + SENTINEL_PORTS if port_in_use(port)]
    if busy:
        pytest.fail('ports %s are in use: stop the local deployment (make local-clean) before these tests'
                    % ', '.join(map(str, busy)))
    local = deployment_class(copy_checkout(tmp_path_factory.mktemp('checkout')))
    if leftover_files():
        cleaned = local.make('local-clean')
        assert cleaned.returncode == 0, cleaned.explain()
        assert not leftover_files(), 'make local-clean left %s' % leftover_files()
    overcommit_before = OVERCOMMIT.read_text()
    local.first_run = local.make(target)
    yield local
    cleaned = local.make('local-clean')
    assert cleaned.returncode == 0, cleaned.explain()
    # The machine's last instance took its kernel settings back: the file gone, the value as before.
    assert not KERNEL_SETTINGS_FILE.exists(), KERNEL_SETTINGS_FILE.read_text()
    assert OVERCOMMIT.read_text() == overcommit_before
    still = [port for port in DATA_PORTS + SENTINEL_PORTS if port_in_use(port)]
    assert not still, 'make local-clean left ports %s in use' % still
    assert not (local.checkout / '.local' / 'inventory').exists()
