# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A cluster that site.yml deploys on this machine's loopback for one test
module, and removes with remove.yml at the end.

Each cluster has its own install root and link directory (under /var/tmp), so
that remove.yml removes only its own build and never the one a local default
(make local, on 7000-7002) may be running from. As root it uses the system
layout for the instances' files and init scripts, like make local.
"""

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import redis
import yaml

from tests.support.ansible_env import ansible_environment
from tests.support.local_default import port_in_use
from tests.support.paths import BIN, REPO
from tests.support.playbook_run import PlaybookRun
from tests.support.servers import wait_until

MASTER = 'mymaster'
VERSION = '8.0.2'


class LoopbackCluster:
    """The module's cluster, and ansible-playbook runs against it.

    data: {inventory host: data port}; sentinels: {inventory host: Sentinel port}."""

    def __init__(self, inventory, env, source_vars, data, sentinels):
        self.inventory = inventory
        self.env = env
        self.source_vars = source_vars
        self.data_hosts = dict(data)
        self.sentinel_hosts = dict(sentinels)
        self.data_ports = tuple(self.data_hosts.values())
        self.sentinel_ports = tuple(self.sentinel_hosts.values())
        self.password = yaml.safe_load(inventory.read_text())['all']['vars']['redis_password']
        # More redis-py arguments of every client of the tests (ssl, ssl_ca_certs for a TLS cluster).
        self.client_options = {}

    def playbook(self, playbook, *args, timeout=1800):
        command = [str(BIN / 'ansible-playbook'), '-i', str(self.inventory), str(playbook)] + list(args)
        completed = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=timeout,
                                   check=False)
        return PlaybookRun(command, completed)

    def site(self, *args):
        """site.yml with the module's sources, as a user re-runs it."""
        return self.playbook(REPO / 'site.yml', '-e', '@%s' % self.source_vars, *args)

    def data(self, port):
        return redis.Redis(host='127.0.0.1', port=port, password=self.password, decode_responses=True,
                           socket_timeout=5, **self.client_options)

    def sentinel(self, port):
        return self.data(port)

    def sentinel_views(self):
        return [tuple(self.sentinel(port).execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER))
                for port in self.sentinel_ports]

    def agreed_primary_port(self):
        """The primary port all the Sentinels report, or None while they disagree."""
        views = set(self.sentinel_views())
        return int(views.pop()[1]) if len(views) == 1 else None

    def replication(self, port):
        """(role, primary port or None, link status or None) of a data instance."""
        info = self.data(port).info('replication')
        return info['role'], info.get('master_port'), info.get('master_link_status')

    def healthy_primary_port(self):
        """The primary, once all Sentinels agree on it and every other instance is a linked replica of it."""
        def healthy():
            primary = self.agreed_primary_port()
            if primary is None or self.replication(primary)[0] != 'master':
                return None
            for port in self.data_ports:
                if port != primary and self.replication(port) != ('slave', primary, 'up'):
                    return None
            return primary
        return wait_until(healthy, 90, 'one primary that all Sentinels report, with linked replicas')

    def run_ids(self):
        return {port: self.data(port).info('server')['run_id'] for port in self.data_ports}

    def host_of(self, port):
        return next(host for host, data_port in self.data_hosts.items() if data_port == port)

    def control(self, kind, port, action):
        """/etc/init.d/<kind>_<port> <action> (kind: redis or sentinel), as an operator would."""
        script = '/etc/init.d/%s_%d' % (kind, port)
        completed = subprocess.run([script, action], capture_output=True, text=True, timeout=120, check=False)
        assert completed.returncode == 0, '%s %s: rc %d\n%s%s' % (
            script, action, completed.returncode, completed.stdout, completed.stderr)


@contextlib.contextmanager
def loopback_cluster(name, data, sentinels, collections_path, source_vars, build_artifacts, work, extra_vars=None,
                     cluster_class=LoopbackCluster, client_options=None):
    """Deploys the cluster with site.yml, yields a LoopbackCluster, removes it.

    name: a short word for the install root and the password; data, sentinels:
    {inventory host: port} of the groups redis and sentinel (a host may be in
    both); work: a directory of the test's own; cluster_class: LoopbackCluster
    or a subclass with the test's own helpers; client_options: more redis-py
    arguments of the tests' clients (TLS)."""
    if os.geteuid() != 0:
        pytest.fail('these tests deploy with the system layout and init scripts: run them as root (make test does)')
    ports = list(data.values()) + list(sentinels.values())
    busy = [port for port in ports if port_in_use(port)]
    if busy:
        pytest.fail('ports %s are in use: remove what runs there (a deployment left by an earlier run of these '
                    'tests: ansible-playbook playbooks/remove.yml -e redisops_remove_confirm=yes with its inventory)'
                    % ', '.join(map(str, busy)))
    # The service user runs the binaries installed here: not under pytest's base directory, which only root may enter.
    root = Path(tempfile.mkdtemp(prefix='redisops-%s-' % name, dir='/var/tmp'))
    root.chmod(0o755)
    cache = work / 'cache'
    build_artifacts.seed(cache / 'builds')
    # Built binaries the other root tests or make local left in the user's cache spare a compile
    # (test_local_default.py's make local leaves 8.0.2 there).
    user_builds = Path.home() / '.cache' / 'redisops-sentinel' / 'builds'
    if user_builds.is_dir():
        for artifact in user_builds.glob('redis-%s-*.tar.gz' % VERSION):
            if not (cache / 'builds' / artifact.name).exists():
                shutil.copy2(artifact, cache / 'builds' / artifact.name)
    variables = {
        'ansible_connection': 'local',
        'ansible_host': '127.0.0.1',
        'ansible_python_interpreter': sys.executable,
        'redis_address': '127.0.0.1',
        'redis_bind': ['127.0.0.1'],
        'sentinel_bind': ['127.0.0.1'],
        'sentinel_quorum': 2,
        'redis_password': '%s-%s' % (name, secrets.token_hex(12)),
        'redis_install_root': str(root / 'opt'),
        'redis_bin_link_dir': str(root / 'bin'),
        # The machine's kernel settings belong to the local default's tests (tests/support/local_default.py
        # checks them and that its removal takes them back), which run beside these under make test: a
        # second install root taking them back (or repairing them) behind the other's back would make
        # either's re-run report a change.
        'redis_kernel_settings': False,
    }
    variables.update(extra_vars or {})
    inventory = work / 'hosts.yml'
    inventory.write_text(yaml.safe_dump({'all': {'vars': variables, 'children': {
        'redis': {'hosts': {host: {'redis_port': port} for host, port in data.items()}},
        'sentinel': {'hosts': {host: {'sentinel_port': port} for host, port in sentinels.items()}},
    }}}, sort_keys=False))
    env = ansible_environment(collections_path, work, cache)
    cluster = cluster_class(inventory, env, source_vars('redis', VERSION), data, sentinels)
    cluster.client_options.update(client_options or {})
    try:
        cluster.first_run = cluster.site()
        assert cluster.first_run.returncode == 0, cluster.first_run.explain()
        build_artifacts.keep(cache / 'builds')
        yield cluster
    finally:
        removed = cluster.playbook(REPO / 'playbooks' / 'remove.yml', '-e', 'redisops_remove_confirm=yes')
        shutil.rmtree(root, ignore_errors=True)
        assert removed.returncode == 0, removed.explain()
        still = [port for port in ports if port_in_use(port)]
        assert not still, 'remove.yml left ports %s in use' % still
