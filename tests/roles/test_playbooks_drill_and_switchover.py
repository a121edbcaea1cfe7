# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/failover_drill.yml and playbooks/switchover.yml on a real local
deployment: three data instances (7500-7502) and three Sentinels (26500-26502)
on this machine's loopback, deployed once for the module with site.yml and
removed with remove.yml at the end.

The deployment has its own install root and link directory (under /var/tmp),
so that remove.yml removes only its own build and never the one a local
default (make local, on 7000-7002) may be running from. As root it uses the
system layout for the instances' files and init scripts, like make local.
"""

import json
import os
import re
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

HOSTS = ('drill-1', 'drill-2', 'drill-3')
DATA_PORTS = (7500, 7501, 7502)
SENTINEL_PORTS = (26500, 26501, 26502)
MASTER = 'mymaster'
DRILL = REPO / 'playbooks' / 'failover_drill.yml'
SWITCHOVER = REPO / 'playbooks' / 'switchover.yml'


class Deployment:
    """The module's cluster, and ansible-playbook runs against it."""

    def __init__(self, inventory, env, source_vars):
        self.inventory = inventory
        self.env = env
        self.source_vars = source_vars
        self.password = yaml.safe_load(inventory.read_text())['all']['vars']['redis_password']

    def playbook(self, playbook, *args, timeout=1800):
        command = [str(BIN / 'ansible-playbook'), '-i', str(self.inventory), str(playbook)] + list(args)
        completed = subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=timeout,
                                   check=False)
        return PlaybookRun(command, completed)

    def data(self, port):
        return redis.Redis(port=port, password=self.password, decode_responses=True, socket_timeout=5)

    def sentinel(self, port):
        return redis.Redis(port=port, password=self.password, decode_responses=True, socket_timeout=5)

    def sentinel_views(self):
        return [tuple(self.sentinel(port).execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER))
                for port in SENTINEL_PORTS]

    def agreed_primary_port(self):
        """The primary port all three Sentinels report, or None while they disagree."""
        views = set(self.sentinel_views())
        return int(views.pop()[1]) if len(views) == 1 else None

    def healthy_primary_port(self):
        """The primary, once all Sentinels agree on it and every other instance is a linked replica of it."""
        def healthy():
            primary = self.agreed_primary_port()
            if primary is None or self.data(primary).info('replication')['role'] != 'master':
                return None
            for port in DATA_PORTS:
                if port != primary:
                    info = self.data(port).info('replication')
                    if (info['role'], info.get('master_port'), info.get('master_link_status')) != ('slave', primary, 'up'):
                        return None
            return primary
        return wait_until(healthy, 90, 'one primary that all Sentinels report, with two linked replicas')

    def run_ids(self):
        return {port: self.data(port).info('server')['run_id'] for port in DATA_PORTS}

    def priorities(self):
        return {port: self.data(port).config_get('replica-priority')['replica-priority'] for port in DATA_PORTS}

    def drill_keys(self, port):
        return self.data(port).keys('redisops:failover-drill:*')


def host_of(port):
    return HOSTS[DATA_PORTS.index(port)]


def port_of(host):
    return DATA_PORTS[HOSTS.index(host)]


@pytest.fixture(scope='module')
def deployment(collections_path, source_vars, build_artifacts, tmp_path_factory):
    if os.geteuid() != 0:
        pytest.fail('these tests deploy with the system layout and init scripts: run them as root (make test does)')
    busy = [port for port in DATA_PORTS + SENTINEL_PORTS if port_in_use(port)]
    if busy:
        pytest.fail('ports %s are in use: remove what runs there (a deployment left by an earlier run of these '
                    'tests: ansible-playbook playbooks/remove.yml -e redisops_remove_confirm=yes with its inventory)'
                    % ', '.join(map(str, busy)))
    work = tmp_path_factory.mktemp('drill')
    # The service user runs the binaries installed here: not under pytest's base directory, which only root may enter.
    root = Path(tempfile.mkdtemp(prefix='redisops-drill-', dir='/var/tmp'))
    root.chmod(0o755)
    cache = work / 'cache'
    build_artifacts.seed(cache / 'builds')
    # Built binaries the other root tests or make local left in the user's cache spare a compile:
    # this file's name sorts after test_local_default.py, whose make local leaves 8.0.2 there.
    user_builds = Path.home() / '.cache' / 'redisops-sentinel' / 'builds'
    if user_builds.is_dir():
        for artifact in user_builds.glob('redis-8.0.2-*.tar.gz'):
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
        'redis_password': 'drill-%s' % secrets.token_hex(12),
        'redis_install_root': str(root / 'opt'),
        'redis_bin_link_dir': str(root / 'bin'),
    }
    inventory = work / 'hosts.yml'
    inventory.write_text(yaml.safe_dump({'all': {'vars': variables, 'children': {
        'redis': {'hosts': {host: {'redis_port': port} for host, port in zip(HOSTS, DATA_PORTS)}},
        'sentinel': {'hosts': {host: {'sentinel_port': port} for host, port in zip(HOSTS, SENTINEL_PORTS)}},
    }}}, sort_keys=False))
    env = ansible_environment(collections_path, work, cache)
    cluster = Deployment(inventory, env, source_vars('redis', '8.0.2'))
    try:
        deployed = cluster.playbook(REPO / 'site.yml', '-e', '@%s' % cluster.source_vars)
        assert deployed.returncode == 0, deployed.explain()
        build_artifacts.keep(cache / 'builds')
        yield cluster
    finally:
        removed = cluster.playbook(REPO / 'playbooks' / 'remove.yml', '-e', 'redisops_remove_confirm=yes')
        shutil.rmtree(root, ignore_errors=True)
        assert removed.returncode == 0, removed.explain()
        still = [port for port in DATA_PORTS + SENTINEL_PORTS if port_in_use(port)]
        assert not still, 'remove.yml left ports %s in use' % still


def drill_figure(run, label):
    match = re.search(r'%s:\s+([0-9.]+) s' % re.escape(label), run.stdout)
    assert match, 'no "%s" in the report:\n%s' % (label, run.explain())
    return float(match.group(1))


def test_drill_refuses_to_run_without_confirm_and_changes_nothing(deployment):
    primary = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()

    refused = deployment.playbook(DRILL, '-e', 'drill_method=kill')
    assert refused.returncode != 0
    assert 'Nothing was changed; run it again with -e confirm=yes' in refused.output, refused.explain()
    # Refused by the first play, before any fact gathering, client or kill.
    assert 'PLAY [Take the primary down' not in refused.stdout
    assert refused.changed_total == 0
    assert not refused.ran(r'Kill the primary|Stop the primary|Start a client')

    assert deployment.agreed_primary_port() == primary
    assert deployment.run_ids() == run_ids
    assert not deployment.drill_keys(primary)

    not_yes = deployment.playbook(DRILL, '-e', 'confirm=maybe')
    assert not_yes.returncode != 0 and 'run it again with -e confirm=yes' in not_yes.output
    assert deployment.run_ids() == run_ids


def test_drill_kills_the_primary_reports_the_promoted_replica_and_the_gap_and_the_old_primary_rejoins(deployment):
    old = deployment.healthy_primary_port()
    run_ids = deployment.run_ids()

    drill = deployment.playbook(DRILL, '-v', '-e', 'confirm=yes')
    assert drill.returncode == 0, drill.explain()
    promoted = re.search(r'promoted:\s+(drill-\d) \(127\.0\.0\.1:(\d+)\)', drill.stdout)
    assert promoted, drill.explain()
    new = int(promoted.group(2))
    assert promoted.group(1) == host_of(new) and new != old
    assert re.search(r'old primary:\s+%s \(127\.0\.0\.1:%d\)' % (host_of(old), old), drill.stdout)
    assert 'kill -9 of the process' in drill.stdout

    # The client saw writes fail from the kill until Sentinel promoted a replica: at least most of
    # down-after-milliseconds (5000 by default), and not an unbounded time.
    gap = drill_figure(drill, 'client write gap')
    assert 3.0 < gap < 60.0, drill.stdout
    assert re.search(r'gap minus down-after -?[0-9.]+ s', drill.stdout)
    acknowledged = re.search(r'writes: (\d+) acknowledged, (\d+) of them lost', drill.stdout)
    assert acknowledged and int(acknowledged.group(1)) > 100, drill.explain()

    # The end state: the promoted replica is the primary for every Sentinel, and the old primary
    # was started again (a new process) and follows it.
    assert deployment.agreed_primary_port() == new
    assert deployment.data(new).info('replication')['role'] == 'master'
    rejoined = deployment.data(old).info('replication')
    assert (rejoined['role'], rejoined['master_port'], rejoined['master_link_status']) == ('slave', new, 'up')
    assert deployment.data(old).info('server')['run_id'] != run_ids[old]
    assert deployment.healthy_primary_port() == new
    status = subprocess.run(['/etc/init.d/redis_%d' % old, 'status'], capture_output=True, text=True, check=False)
    assert status.returncode == 0 and 'is running' in status.stdout

    # The client's list key is gone, and no secret was printed.
    assert not deployment.drill_keys(new)
    assert deployment.password not in drill.output


def test_drill_with_a_graceful_stop_goes_through_the_init_script(deployment):
    old = deployment.healthy_primary_port()

    drill = deployment.playbook(DRILL, '-e', 'confirm=yes', '-e', 'drill_method=stop')
    assert drill.returncode == 0, drill.explain()
    assert drill.ran(r'Stop the primary with its control script \| %s /etc/init\.d/redis_%d' % (host_of(old), old))
    assert not drill.ran(r'Kill the primary')
    new = int(re.search(r'promoted:\s+drill-\d \(127\.0\.0\.1:(\d+)\)', drill.stdout).group(1))
    assert new != old
    assert deployment.healthy_primary_port() == new
    assert deployment.password not in drill.output


def test_switchover_to_a_named_replica_moves_the_primary_there_and_restores_the_priorities(deployment):
    old = deployment.healthy_primary_port()
    replicas = [port for port in DATA_PORTS if port != old]
    # Name the replica that Sentinel would not choose by itself: the other one gets a better
    # (lower) priority of its own, which must be back afterwards.
    target, other = replicas
    deployment.data(other).config_set('replica-priority', 42)
    before = deployment.priorities()

    switched = deployment.playbook(SWITCHOVER, '-e', 'switchover_to=%s' % host_of(target))
    assert switched.returncode == 0, switched.explain()
    assert 'Switchover of mymaster: %s (127.0.0.1:%d) -> %s (127.0.0.1:%d)' % (
        host_of(old), old, host_of(target), target) in switched.stdout, switched.explain()

    # Every Sentinel reports the named replica, which is the primary, and the others follow it.
    assert deployment.sentinel_views() == [('127.0.0.1', str(target))] * 3
    assert deployment.healthy_primary_port() == target
    assert deployment.data(target).info('replication')['role'] == 'master'
    # Priorities are back, at runtime and in the config file that Sentinel's CONFIG REWRITE touched.
    assert deployment.priorities() == before
    assert before[other] == '42'
    assert re.search(r'^replica-priority 42$', Path('/etc/redis/redis_%d.conf' % other).read_text(), re.M)
    assert not re.search(r'^replica-priority 0$', Path('/etc/redis/redis_%d.conf' % other).read_text(), re.M)
    assert deployment.password not in switched.output

    # Naming the primary again changes nothing.
    again = deployment.playbook(SWITCHOVER, '-e', 'switchover_to=%s' % host_of(target))
    assert again.returncode == 0, again.explain()
    assert 'already is the primary of mymaster: nothing to do' in again.stdout
    assert again.changed_total == 0
    assert deployment.agreed_primary_port() == target

    deployment.data(other).config_set('replica-priority', 100)
    deployment.data(other).config_rewrite()


def test_switchover_to_an_unknown_host_is_refused_before_anything_changes(deployment):
    primary = deployment.healthy_primary_port()
    priorities = deployment.priorities()

    refused = deployment.playbook(SWITCHOVER, '-e', 'switchover_to=no-such-host')
    assert refused.returncode != 0
    assert 'switchover_to is no-such-host, which is not a host of group redis (drill-1, drill-2, drill-3)' \
        in refused.output, refused.explain()
    assert 'PLAY [Move the primary role through Sentinel]' not in refused.stdout
    assert refused.changed_total == 0
    assert deployment.agreed_primary_port() == primary
    assert deployment.priorities() == priorities


def test_switchover_to_a_replica_out_of_sync_is_refused_before_anything_changes(deployment):
    primary = deployment.healthy_primary_port()
    target = [port for port in DATA_PORTS if port != primary][0]
    priorities = deployment.priorities()
    replica = deployment.data(target)
    # A replica whose link to the primary is down: it cannot log in to the primary any more.
    replica.config_set('masterauth', 'not-the-password')
    try:
        replica.client_kill_filter(_type='master')
        wait_until(lambda: replica.info('replication')['master_link_status'] == 'down', 30, 'the link to go down')

        refused = deployment.playbook(SWITCHOVER, '-e', json.dumps({'switchover_to': host_of(target)}))
        assert refused.returncode != 0
        assert 'Nothing was changed: %s is not in sync with the primary: link down' % host_of(target) \
            in refused.output, refused.explain()
        assert refused.changed_total == 0
        assert not refused.ran(r'Ask a Sentinel to fail over')
        assert deployment.agreed_primary_port() == primary
        assert deployment.priorities() == priorities
    finally:
        replica.config_set('masterauth', deployment.password)
    wait_until(lambda: replica.info('replication')['master_link_status'] == 'up', 60, 'the link to come back')
    assert deployment.healthy_primary_port() == primary
