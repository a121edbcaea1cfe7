# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local default, as the README gives it: `make local` in a fresh copy of the
checkout deploys a primary, two replicas and three Sentinels on this machine's
loopback (ports 7000-7002 and 26379-26381), then everything a user does with it:
run it again, run it in check mode, lose the primary, change a setting.

As root this uses the system layout and init scripts (/etc/redis, /etc/init.d);
`make local-clean` removes it all at the end. The ports must be free: a local
deployment left running makes the tests fail at once, with a message saying so.
"""

import json
import os
import pwd
import re
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.support.local_default import (DATA_PORTS, KERNEL_SETTINGS_FILE, KERNEL_WARNINGS, MASTER, OVERCOMMIT,
                                         SENTINEL_PORTS, deployed, port_in_use)
from tests.support.paths import REPO
from tests.support.playbook_run import PlaybookRun
from tests.support.processes import host_processes
from tests.support.servers import wait_until
from tests.support.writer import SentinelWriter

COMPILE = r'redis_build : Compile with make'
VENV = REPO / '.venv'


class LocalDeployment:
    """A fresh copy of the checkout and the commands a user runs in it."""

    def __init__(self, checkout):
        self.checkout = checkout
        # The checkout's own ansible.cfg and the user's caches, as for a user.
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith('ANSIBLE_') and key != 'REDISOPS_CACHE_DIR'}
        self.env.update(ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0')

    def make(self, target, extra_args=''):
        command = ['make', target, 'VENV=%s' % VENV]
        if extra_args:
            command.append('LOCAL_ARGS=%s' % extra_args)
        completed = subprocess.run(command, cwd=self.checkout, env=self.env, capture_output=True, text=True,
                                   timeout=1800, check=False)
        return PlaybookRun(command, completed)

    def playbook(self, *args):
        command = [str(VENV / 'bin' / 'ansible-playbook')] + list(args)
        completed = subprocess.run(command, cwd=self.checkout, env=self.env, capture_output=True, text=True,
                                   timeout=1800, check=False)
        return PlaybookRun(command, completed)

    @property
    def password(self):
        return (self.checkout / '.local' / 'redis_password').read_text().strip()

    def data(self, port):
        return redis.Redis(port=port, password=self.password, decode_responses=True, socket_timeout=5)

    def sentinel(self, port):
        return redis.Redis(port=port, password=self.password, decode_responses=True, socket_timeout=5)

    def agreed_primary_port(self):
        """The primary port all three Sentinels report, or None while they disagree."""
        return self.agreed_primary_port_of(SENTINEL_PORTS)

    def agreed_primary_port_of(self, sentinel_ports):
        """The primary port the Sentinels on these ports all report, or None while they disagree."""
        views = set()
        for port in sentinel_ports:
            views.add(tuple(self.sentinel(port).execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)))
        return int(views.pop()[1]) if len(views) == 1 else None

    def primary_port(self):
        """The primary all three Sentinels report; fails unless they agree."""
        port = self.agreed_primary_port()
        assert port is not None, 'the Sentinels disagree on the primary'
        return port

    def sentinel_state(self):
        """Each Sentinel's myid and its config epoch of the primary."""
        state = {}
        for port in SENTINEL_PORTS:
            client = self.sentinel(port)
            master = dict(zip(*[iter(client.execute_command('SENTINEL', 'MASTER', MASTER))] * 2))
            state[port] = (client.execute_command('SENTINEL', 'MYID'), master['config-epoch'])
        return state


@pytest.fixture(scope='module')
def deployment(tmp_path_factory):
    yield from deployed(tmp_path_factory, LocalDeployment, 'local')


def test_make_local_deploys_a_primary_two_replicas_and_three_sentinels(deployment):
    assert deployment.first_run.returncode == 0, deployment.first_run.explain()
    primary = deployment.data(7000).info('replication')
    assert primary['role'] == 'master'
    assert primary['connected_slaves'] == 2
    for port in (7001, 7002):
        replica = deployment.data(port).info('replication')
        assert (replica['role'], replica['master_port'], replica['master_link_status']) == ('slave', 7000, 'up')
    for port in SENTINEL_PORTS:
        client = deployment.sentinel(port)
        master = client.sentinel_master(MASTER)
        assert (master['port'], master['num-slaves'], master['num-other-sentinels']) == (7000, 2, 2)
        assert client.execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith('OK 3 usable Sentinels')
    # The layout of the classic hand setup, as root.
    for port in DATA_PORTS:
        config = Path('/etc/redis/redis_%d.conf' % port)
        assert oct(config.stat().st_mode & 0o777) == '0o640'
        assert Path('/etc/init.d/redis_%d' % port).is_file()
        assert Path('/var/lib/redis/%d' % port).is_dir()
        assert Path('/var/log/redis/redis_%d.log' % port).is_file()
    for port in SENTINEL_PORTS:
        assert oct(Path('/etc/redis/sentinel_%d.conf' % port).stat().st_mode & 0o777) == '0o640'
        assert Path('/etc/init.d/sentinel_%d' % port).is_file()
    # Not `pgrep -u redis`: a scenario's containers may run Redis with the same uid.
    assert len(host_processes(pwd.getpwnam('redis').pw_uid, 'redis-server')) == 3
    # The machine has the kernel settings Redis asks for: no instance warned about them at startup.
    assert OVERCOMMIT.read_text().strip() == '1'
    assert 'vm.overcommit_memory = 1' in KERNEL_SETTINGS_FILE.read_text()
    for name in ['redis_%d' % port for port in DATA_PORTS] + ['sentinel_%d' % port for port in SENTINEL_PORTS]:
        log = Path('/var/log/redis/%s.log' % name).read_text()
        assert 'Server initialized' in log or 'Sentinel ID is' in log, log
        warned = [line for line in log.splitlines() if any(warning in line for warning in KERNEL_WARNINGS)]
        assert not warned, warned
    # A task title shows no value of one host when the task ran on several: the first host's
    # would stand for all of them.
    per_host = ['redis_%d' % port for port in DATA_PORTS] + ['sentinel_%d' % port for port in SENTINEL_PORTS]
    hosts_of = {}
    for task, host, _status in deployment.first_run.results:
        hosts_of.setdefault(task, set()).add(host)
    misleading = sorted(task for task, hosts in hosts_of.items()
                        if len(hosts) > 1 and any(name in task for name in per_host))
    assert not misleading, misleading
    # make local ends with the status table.
    assert re.search(r'local-2\s+127\.0\.0\.1:7001\s+replica\s+127\.0\.0\.1:7000\s+up', deployment.first_run.stdout)
    assert deployment.password not in deployment.first_run.output


def test_second_run_changes_nothing_and_compiles_nothing(deployment):
    second = deployment.make('local')
    assert second.returncode == 0, second.explain()
    assert second.recap and all(counters['changed'] == 0 for counters in second.recap.values()), second.explain()
    assert not second.ran(COMPILE)


def test_an_edited_init_script_and_lost_boot_links_are_repaired_and_then_left_alone(deployment):
    """Drift: the re-run that skips the service tasks when everything is in place still sees and repairs it."""
    script = Path('/etc/init.d/redis_7001')
    original = script.read_text()
    script.write_text(original + '\n# edited by hand\n')
    removed = subprocess.run(['update-rc.d', '-f', 'sentinel_26380', 'remove'], capture_output=True, text=True,
                             check=False)
    assert removed.returncode == 0, removed.stderr
    assert not list(Path('/etc').glob('rc2.d/S*sentinel_26380'))
    # What a switchover killed midway leaves on a replica it kept out of the election.
    replica = [port for port in DATA_PORTS if port != deployment.primary_port()][-1]
    deployment.data(replica).config_set('replica-priority', 0)
    repaired = deployment.make('local')
    assert repaired.returncode == 0, repaired.explain()
    assert script.read_text() == original
    assert list(Path('/etc').glob('rc2.d/S*sentinel_26380'))
    assert repaired.hosts(r'Install the init script', 'changed') == ['local-2'], repaired.explain()
    assert repaired.hosts(r'Register the init script to start at boot', 'changed') == ['local-2'], repaired.explain()
    replica_host = 'local-%d' % (DATA_PORTS.index(replica) + 1)
    assert repaired.hosts(r'Apply the settings of the data instance at runtime', 'changed') == [replica_host], \
        repaired.explain()
    assert deployment.data(replica).config_get('replica-priority') == {'replica-priority': '100'}
    assert sum(counters['changed'] for counters in repaired.recap.values()) == 3, repaired.explain()
    again = deployment.make('local')
    assert again.returncode == 0 and all(counters['changed'] == 0 for counters in again.recap.values()), \
        again.explain()


def test_check_mode_with_diff_reports_no_change_and_no_secret(deployment):
    checked = deployment.playbook('site.yml', '--check', '--diff', '-v',
                                  '-e', '@.local/source-redis-8.0.2.yml')
    assert checked.returncode == 0, checked.explain()
    assert all(counters['changed'] == 0 for counters in checked.recap.values()), checked.explain()
    assert deployment.password not in checked.output


def test_reruns_need_no_source_once_the_version_is_installed(deployment):
    """`ansible-playbook site.yml` as the README gives it: the inventory remembers the source make local
    fetched; without it (the vars file gone) the installed build still counts, as it was verified when it
    was built. Neither form compiles, downloads or changes anything, nor does --check."""
    plain = deployment.playbook('site.yml')
    assert plain.returncode == 0, plain.explain()
    assert plain.changed_total == 0 and not plain.ran(COMPILE), plain.explain()
    # Readable: the default callback with the checkout's ansible.cfg, at most 150 lines, ending with
    # the summary of what needs the operator.
    lines = plain.stdout.splitlines()
    assert len(lines) <= 150, '%d lines:\n%s' % (len(lines), plain.stdout)
    assert 'Nothing needs the operator.' in plain.stdout, plain.stdout
    source = deployment.checkout / '.local' / 'source-redis-8.0.2.yml'
    hidden = source.with_name('source-hidden.yml')
    source.rename(hidden)
    try:
        for args in ((), ('--check',)):
            rerun = deployment.playbook('site.yml', *args)
            assert rerun.returncode == 0, rerun.explain()
            assert rerun.changed_total == 0, rerun.explain()
            assert not rerun.ran(COMPILE) and not rerun.ran(r'Download and verify the source tarball'), rerun.explain()
    finally:
        hidden.rename(source)


def test_after_a_failover_a_rerun_changes_nothing_and_keeps_the_new_primary(deployment):
    old_primary = deployment.primary_port()
    pid = int(Path('/var/run/redis/redis_%d.pid' % old_primary).read_text())
    os.kill(pid, 9)
    new_primary = wait_until(lambda: deployment.agreed_primary_port() not in (None, old_primary)
                             and deployment.agreed_primary_port(), 60, 'the Sentinels to agree on a promoted replica')
    wait_until(lambda: deployment.data(new_primary).info('replication')['role'] == 'master', 30,
               'the promoted replica to be a primary')
    before = deployment.sentinel_state()

    rerun = deployment.make('local')
    assert rerun.returncode == 0, rerun.explain()
    assert all(counters['changed'] == 0 for counters in rerun.recap.values()), rerun.explain()
    assert 'is stopped and was left stopped' in rerun.stdout
    assert deployment.primary_port() == new_primary
    assert deployment.sentinel_state() == before

    started = subprocess.run(['/etc/init.d/redis_%d' % old_primary, 'start'], capture_output=True, text=True,
                             check=False)
    assert started.returncode == 0, started.stdout + started.stderr
    wait_until(lambda: deployment.data(old_primary).info('replication').get('master_port') == new_primary, 60,
               'the old primary to come back as a replica of the new one')
    wait_until(lambda: deployment.data(old_primary).info('replication')['master_link_status'] == 'up', 60,
               'the old primary to finish its sync')
    assert deployment.primary_port() == new_primary
    status = subprocess.run(['/etc/init.d/redis_%d' % old_primary, 'status'], capture_output=True, text=True,
                            check=False)
    assert status.returncode == 0 and 'is running' in status.stdout


def test_changing_maxmemory_applies_live_without_restart_or_failover(deployment):
    primary = deployment.primary_port()
    run_ids = {port: deployment.data(port).info('server')['run_id'] for port in DATA_PORTS}
    changed = deployment.make('local', extra_args='-e redis_maxmemory=100mb')
    assert changed.returncode == 0, changed.explain()
    assert not changed.ran(r'Restart .* with its control script')
    for port in DATA_PORTS:
        client = deployment.data(port)
        assert client.config_get('maxmemory')['maxmemory'] == '104857600'
        assert client.info('server')['run_id'] == run_ids[port]
        assert re.search(r'^maxmemory 100mb$', Path('/etc/redis/redis_%d.conf' % port).read_text(), re.M)
    assert deployment.primary_port() == primary
    again = deployment.make('local', extra_args='-e redis_maxmemory=100mb')
    assert all(counters['changed'] == 0 for counters in again.recap.values()), again.explain()


def test_a_setting_that_needs_a_restart_restarts_replicas_first_and_the_primary_after_a_failover(deployment):
    old_primary = deployment.primary_port()
    run_ids = {port: deployment.data(port).info('server')['run_id'] for port in DATA_PORTS}
    (deployment.checkout / '.local' / 'restart-vars.yml').write_text('redis_config:\n  databases: 32\n')

    # A client writes through Sentinel every millisecond meanwhile: the primary's role moves without
    # losing any write it acknowledged.
    with SentinelWriter(SENTINEL_PORTS, deployment.password) as writer:
        wait_until(lambda: len(writer.acknowledged) > 200, 30, 'the writer to write')
        restarted = deployment.make('local', extra_args='-e @.local/restart-vars.yml')
    assert restarted.returncode == 0, restarted.explain()
    order = [task.rsplit('| ', 1)[1] for task, _host, status in restarted.results
             if re.search(r'Restart the data instance with its control script \|', task) and status == 'changed']
    assert sorted(order) == ['redis_%d' % port for port in DATA_PORTS]
    assert order[-1] == 'redis_%d' % old_primary, order
    failover = [index for index, (task, _host, status) in enumerate(restarted.results)
                if re.search(r'Move the primary role away through Sentinel', task) and status == 'changed']
    primary_restart = [index for index, (task, _host, status) in enumerate(restarted.results)
                       if task.endswith('| redis_%d' % old_primary) and 'Restart the data instance' in task]
    assert failover and primary_restart and failover[0] < primary_restart[0]

    new_primary = wait_until(deployment.agreed_primary_port, 30, 'the Sentinels to agree on the new primary')
    assert new_primary != old_primary
    for port in DATA_PORTS:
        client = deployment.data(port)
        assert client.config_get('databases')['databases'] == '32'
        assert client.info('server')['run_id'] != run_ids[port]
    assert deployment.data(old_primary).info('replication')['master_port'] == new_primary
    lost = writer.lost_on(deployment.data(new_primary))
    print('rolling restart: %d acknowledged writes, %d lost, longest gap %.3f s'
          % (len(writer.acknowledged), len(lost), writer.longest_gap))
    assert lost == [], lost[:20]
    again = deployment.make('local', extra_args='-e @.local/restart-vars.yml')
    assert all(counters['changed'] == 0 for counters in again.recap.values()), again.explain()


PREFLIGHT_ERRORS = [
    ({'sentinel_quorum': 0}, 'sentinel_quorum is 0 with 3 Sentinels'),
    ({'sentinel_quorum': 4}, 'the quorum exceeds the number of Sentinels'),
    ({'sentinel_master_name': 'my master'}, 'sentinel_master_name "my master" may contain only letters'),
    ({'sentinel_master_name': 'mymaster\n'}, 'sentinel_master_name "mymaster\\n" may contain only letters'),
    ({'redis_port': 70000}, 'redis_port of local-1 is 70000, out of the range 1-65535'),
    ({'redis_port': 7000}, 'Port 7000 is used twice on one machine'),
    ({'redis_bootstrap_primary': 'elsewhere'}, 'redis_bootstrap_primary is elsewhere, which is not a host of group redis'),
    ({'redis_password': 'pass\nword'}, 'redis_password and sentinel_password may contain only printable ASCII'),
    # What Sentinel writes back unquoted when it rewrites its config file.
    ({'redis_password': 'pa ss#wo rd'}, 'redis_password and sentinel_password may contain only printable ASCII'),
    ({'sentinel_password': 'it\'s-"quoted"'}, 'sentinel_password may contain only printable ASCII characters other '
                                              'than space, the double quote'),
    ({'redis_password': 'back\\slash'}, 'Valkey 8.1.1 also writes requirepass and masterauth without escaping'),
    ({'redis_source_checksum': 'md5:abc'}, "redis_source_checksum must be 'sha256:' followed by 64 hexadecimal digits"),
]


@pytest.mark.parametrize('overrides, message', PREFLIGHT_ERRORS, ids=[m[:40] for _o, m in PREFLIGHT_ERRORS])
def test_bad_input_fails_before_any_change(deployment, overrides, message):
    failed = deployment.playbook('site.yml', '-v', '-e', '@.local/source-redis-8.0.2.yml', '-e', json.dumps(overrides))
    assert failed.returncode != 0
    assert message in failed.output, failed.explain()
    # The first play checks everything; nothing after it ran, nothing changed.
    assert 'PLAY [Build and install Redis]' not in failed.stdout
    assert all(counters['changed'] == 0 for counters in failed.recap.values())
    assert deployment.password not in failed.output
    for name in ('redis_password', 'sentinel_password'):
        if name in overrides:
            value = overrides[name]
            assert value not in failed.output and json.dumps(value)[1:-1] not in failed.output


def test_removing_one_host_keeps_what_the_others_use_and_the_sentinels_forget_it(deployment):
    """playbooks/remove.yml --limit one replica's host: its instances go; the build, the command
    links and the other instances of the machine stay; the Sentinels that stay forget it, one
    at a time, and still fail over. The primary's host cannot be removed while replicas stay."""
    primary = deployment.primary_port()
    by_port = {port: 'local-%d' % index for index, port in enumerate(DATA_PORTS, 1)}
    victim_port = max(port for port in DATA_PORTS if port != primary)
    victim = by_port[victim_port]
    victim_sentinel = SENTINEL_PORTS[DATA_PORTS.index(victim_port)]
    staying_sentinels = [port for port in SENTINEL_PORTS if port != victim_sentinel]

    refused = deployment.playbook('playbooks/remove.yml', '--limit', by_port[primary], '-e', 'redisops_remove_confirm=yes')
    assert refused.returncode != 0
    assert '%s runs the primary of mymaster' % by_port[primary] in refused.output, refused.explain()
    assert 'Nothing was removed' in refused.output
    assert deployment.data(primary).info('replication')['connected_slaves'] == 2

    started = time.monotonic()
    removed = deployment.playbook('playbooks/remove.yml', '--limit', victim, '-e', 'redisops_remove_confirm=yes')
    took = time.monotonic() - started
    assert removed.returncode == 0, removed.explain()
    assert not port_in_use(victim_port) and not port_in_use(victim_sentinel)
    for path in ('/etc/redis/redis_%d.conf' % victim_port, '/etc/init.d/redis_%d' % victim_port,
                 '/var/lib/redis/%d' % victim_port, '/etc/redis/sentinel_%d.conf' % victim_sentinel,
                 '/etc/init.d/sentinel_%d' % victim_sentinel):
        assert not Path(path).exists(), path
    # What the other instances of this machine run from stays.
    assert 'Kept the builds under /opt/redis' in removed.stdout, removed.explain()
    assert Path('/opt/redis/redis-8.0.2/bin/redis-server').is_file()
    assert os.readlink('/usr/local/bin/redis-server') == '/opt/redis/redis-8.0.2/bin/redis-server'
    assert deployment.data(primary).info('replication')['connected_slaves'] == 1
    # Two resets, 30 s apart, as the Redis docs say.
    assert took >= 30, took
    for port in staying_sentinels:
        client = deployment.sentinel(port)
        master = client.sentinel_master(MASTER)
        assert (master['num-slaves'], master['num-other-sentinels']) == (1, 1), (port, master)
        replicas = client.execute_command('SENTINEL', 'REPLICAS', MASTER)
        assert str(victim_port) not in json.dumps(replicas)
        sentinels = client.execute_command('SENTINEL', 'SENTINELS', MASTER)
        assert str(victim_sentinel) not in json.dumps(sentinels)
        assert client.execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith('OK 2 usable Sentinels')

    again = deployment.playbook('playbooks/remove.yml', '--limit', victim, '-e', 'redisops_remove_confirm=yes')
    assert again.returncode == 0, again.explain()
    assert all(counters['changed'] == 0 for counters in again.recap.values()), again.explain()

    # The two Sentinels that stay still agree on a failover.
    pid = int(Path('/var/run/redis/redis_%d.pid' % primary).read_text())
    os.kill(pid, 9)
    survivor = next(port for port in DATA_PORTS if port not in (primary, victim_port))
    wait_until(lambda: deployment.agreed_primary_port_of(staying_sentinels) == survivor, 60,
               'the two Sentinels that stay to promote %d' % survivor)
