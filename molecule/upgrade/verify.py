# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""upgrade: the cluster converged on Redis 7.0.15 is moved to 8.0.2 by
playbooks/upgrade.yml (run as users run it, ansible-playbook
redisops.sentinel.upgrade -e @redis-8.0.2.yml) while a client writes through
Sentinel.

1. upgrade.yml refuses, changing nothing (no restart, no new build, links and
   services as they were), a tarball whose checksum is not the given one, and
   Sentinels that do not agree on the primary.
2. The upgrade: replicas first, one at a time, each back in sync before the
   next; SENTINEL FAILOVER; the old primary; the Sentinels one at a time (a
   monitor on the controller samples every instance throughout and checks that
   never two data instances, nor two Sentinels, were out at once). Then every
   instance and Sentinel runs 8.0.2 (INFO server redis_version and executable),
   exactly one primary with linked replicas, every Sentinel's CKQUORUM; the
   client's acknowledged writes lost and its longest write gap are printed.
3. upgrade.yml again changes nothing and restarts nothing, and a converge with
   redis_version 8.0.2 reports changed=0.
"""

import json
import os
import re
import subprocess
import threading
import time

import redis
import yaml

from cluster import MASTER, check, main, say, wait_until, Writer

NEW_VERSION = '8.0.2'
OLD_VERSION = '7.0.15'
PREFIX = '/opt/redis/redis-%s/bin'
ACKNOWLEDGED_KEYS = 200


def new_version_vars():
    """The verified tarball variables scripts/prepare-test-hosts wrote for the new version."""
    cache = os.environ.get('REDISOPS_CACHE_DIR') or os.path.expanduser('~/.cache/redisops-sentinel')
    path = os.path.join(cache, 'sources', 'vars', 'redis-%s.yml' % NEW_VERSION)
    check(os.path.isfile(path), 'no vars file %s: run scripts/prepare-test-hosts' % path)
    with open(path) as handle:
        return path, yaml.safe_load(handle)


def run_upgrade(*extra_vars):
    """ansible-playbook redisops.sentinel.upgrade with the scenario's inventory; (rc, output, recap, seconds).

    extra_vars: each a vars file path (given as @path) or a dict."""
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0')
    env.setdefault('ANSIBLE_CONFIG', os.path.join(os.environ['MOLECULE_EPHEMERAL_DIRECTORY'], 'ansible.cfg'))
    command = ['ansible-playbook', '-i', os.environ['MOLECULE_INVENTORY_FILE'], 'redisops.sentinel.upgrade']
    for extra in extra_vars:
        command.extend(['-e', '@' + extra if isinstance(extra, str) else json.dumps(extra)])
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600, check=False)
    output = re.sub(r'\x1b\[[0-9;]*m', '', completed.stdout + completed.stderr)
    recap = {}
    for line in output.splitlines():
        match = re.match(r'^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)', line)
        if match:
            recap[match.group(1)] = int(match.group(2))
    return completed.returncode, output, recap, time.monotonic() - started


def snapshot(cluster):
    """What an upgrade changes: running processes and binaries, installed prefixes, links, services, the primary."""
    state = {}
    for host in cluster.hosts:
        data = cluster.data(host).info('server')
        sentinel = cluster.sentinel(host).info('server')
        files = cluster.exec(host, 'sh', '-c', 'ls -d /opt/redis/redis-*; readlink /usr/local/bin/redis-server '
                             '/usr/local/bin/redis-sentinel; grep -h ^ExecStart /etc/systemd/system/redis_6379.service '
                             '/etc/systemd/system/sentinel_26379.service', check_rc=False)
        state[host.name] = dict(data=(data['run_id'], data['executable'], data['redis_version']),
                                sentinel=(sentinel['run_id'], sentinel['executable'], sentinel['redis_version']),
                                files=files.split())
    primary = cluster.agreed_primary()
    state['primary'] = primary.name if primary else None
    return state


def check_unchanged(cluster, before, what):
    after = snapshot(cluster)
    changed = dict((name, (before[name], after.get(name))) for name in before if before[name] != after.get(name))
    check(not changed, '%s changed the cluster: %s' % (what, changed))


def check_refused(cluster, label, expected, *extra_vars):
    """upgrade.yml fails with the expected message and changes nothing."""
    before = snapshot(cluster)
    rc, output, _recap, seconds = run_upgrade(*extra_vars)
    check(rc != 0, 'upgrade.yml did not fail with %s:\n%s' % (label, output[-3000:]))
    check(expected in output, 'upgrade.yml failed with %s, but not saying "%s":\n%s' % (label, expected, output[-3000:]))
    check('PLAY [Install the new version' not in output, 'upgrade.yml went on to the build with %s' % label)
    check_unchanged(cluster, before, 'upgrade.yml refusing %s' % label)
    message = next((line.strip() for line in output.splitlines() if expected in line), expected)
    say('refused %s in %.0f s, nothing changed (same processes, binaries, prefixes, links, units, primary): %s'
        % (label, seconds, message[:300]))


def make_one_sentinel_disagree(cluster, primary):
    """One Sentinel monitors a replica's address as the primary; returns a function that undoes it."""
    host = next(h for h in cluster.hosts if h is not primary)
    wrong = next(h for h in cluster.hosts if h is not primary and h is not host)
    client = cluster.sentinel(host)
    master = client.execute_command('SENTINEL', 'MASTER', MASTER)
    if isinstance(master, list):
        master = dict(zip(master[0::2], master[1::2]))
    kept = dict((name, master[name]) for name in ('down-after-milliseconds', 'failover-timeout', 'parallel-syncs'))

    def monitor(target):
        client.execute_command('SENTINEL', 'REMOVE', MASTER)
        client.execute_command('SENTINEL', 'MONITOR', MASTER, target.ip, 6379, master['quorum'])
        arguments = ['auth-pass', cluster.password]
        for name, value in kept.items():
            arguments.extend([name, value])
        client.execute_command('SENTINEL', 'SET', MASTER, *arguments)

    monitor(wrong)
    views = cluster.sentinel_views()
    check(views[host.name] == wrong.ip, 'the Sentinel of %s does not report %s: %s' % (host.name, wrong.name, views))
    say('the Sentinel of %s now reports %s as the primary, the others %s: %s'
        % (host.name, wrong.name, primary.name, views))

    def undo():
        monitor(primary)
        cluster.check_topology()
    return undo


class Monitor(threading.Thread):
    """Samples every data instance and Sentinel from the controller, to see how
    many were out (down, or a replica not in sync) at the same time."""

    def __init__(self, cluster, interval=0.25):
        super(Monitor, self).__init__(daemon=True)
        self.cluster = cluster
        self.interval = interval
        self.samples = []  # (time, {host: data state}, {host: sentinel up})
        self._stop_event = threading.Event()
        self.data = dict((host.name, cluster.data(host, timeout=0.5)) for host in cluster.hosts)
        self.sentinels = dict((host.name, cluster.sentinel(host, timeout=0.5)) for host in cluster.hosts)

    def _data_state(self, client):
        try:
            info = client.info('replication')
        except (redis.RedisError, OSError):
            return 'down'
        if info['role'] == 'master':
            return 'primary'
        return 'in sync' if info.get('master_link_status') == 'up' and not info.get('master_sync_in_progress') \
            else 'syncing'

    def _sentinel_up(self, client):
        try:
            return bool(client.ping())
        except (redis.RedisError, OSError):
            return False

    def run(self):
        while not self._stop_event.is_set():
            data = dict((name, self._data_state(client)) for name, client in self.data.items())
            sentinels = dict((name, self._sentinel_up(client)) for name, client in self.sentinels.items())
            self.samples.append((time.monotonic(), data, sentinels))
            time.sleep(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join(10)

    def most_out(self):
        """The largest number of data instances out at once (down or syncing), and of Sentinels down at once."""
        data_out = max(sum(state in ('down', 'syncing') for state in data.values()) for _t, data, _s in self.samples)
        sentinels_down = max(sum(not up for up in sentinels.values()) for _t, _d, sentinels in self.samples)
        return data_out, sentinels_down

    def two_primaries(self):
        """How long two instances reported role master at once (the promoted replica and the old primary,
        between SENTINEL FAILOVER and the REPLICAOF that follows it), from consecutive samples."""
        total = 0.0
        for (at, data, _s), (following, _d, _f) in zip(self.samples, self.samples[1:]):
            if sum(state == 'primary' for state in data.values()) > 1:
                total += following - at
        return total

    def outages(self):
        """Per host, the periods (start, end) its data instance was out, for the report."""
        periods = {}
        origin = self.samples[0][0] if self.samples else 0
        for name in self.data:
            current = None
            for at, data, _sentinels in self.samples:
                out = data[name] in ('down', 'syncing')
                if out and current is None:
                    current = at
                elif not out and current is not None:
                    periods.setdefault(name, []).append((current - origin, at - origin))
                    current = None
        return periods


def versions(cluster, version):
    """Every data instance and Sentinel runs version from its versioned prefix (INFO server)."""
    binaries = PREFIX % version
    for host in cluster.hosts:
        for kind, client, binary in (('data instance', cluster.data(host), binaries + '/redis-server'),
                                     ('Sentinel', cluster.sentinel(host), binaries + '/redis-sentinel')):
            info = client.info('server')
            check(info['redis_version'] == version and info['executable'] == binary,
                  'the %s of %s runs %s from %s, not %s from %s'
                  % (kind, host.name, info['redis_version'], info['executable'], version, binary))
    say('every data instance and Sentinel runs %s (INFO server redis_version) from %s (executable)'
        % (version, binaries))


def rolling_upgrade(cluster):
    started = time.monotonic()
    vars_path, new_vars = new_version_vars()
    primary = cluster.check_topology()
    versions(cluster, OLD_VERSION)

    bad_checksum = dict(new_vars, redis_source_checksum='sha256:' + '0' * 64)
    check_refused(cluster, 'a tarball whose checksum is not redis_source_checksum',
                  'Checksum mismatch for redis_source_archive', bad_checksum)
    undo = make_one_sentinel_disagree(cluster, primary)
    try:
        check_refused(cluster, 'Sentinels that do not agree on the primary',
                      'is not as required: the Sentinels do not all agree on the primary', vars_path)
    finally:
        undo()

    writer = Writer(cluster)
    writer.start()
    wait_until(lambda: len(writer.acknowledged) > 50, 30, 'the Sentinel client to write')
    keys = cluster.write_acknowledged(primary, ACKNOWLEDGED_KEYS, 'acknowledged')
    say('%d keys written and acknowledged by a replica (WAIT 1) on %s' % (len(keys), primary.name))
    before = dict((host.name, cluster.data(host).info('server')['run_id']) for host in cluster.hosts)
    monitor = Monitor(cluster)
    monitor.start()
    rc, output, recap, seconds = run_upgrade(vars_path)
    monitor.stop()
    check(rc == 0, 'upgrade.yml failed (rc %d):\n%s' % (rc, output[-6000:]))
    say('upgrade.yml took %.0f s; recap changed %s' % (seconds, recap))
    time.sleep(2)
    check(writer.is_alive(), 'the writing client stopped')

    new_primary = cluster.check_topology()
    check(new_primary is not primary, 'the primary is still %s: no failover happened' % primary.name)
    check('Move the primary role away through Sentinel, losing no write' in output,
          'upgrade.yml did not switch over')
    versions(cluster, NEW_VERSION)
    roles = dict((host.name, cluster.role(host)) for host in cluster.hosts)
    primaries = [name for name, role in roles.items() if role[0] == 'master']
    check(primaries == [new_primary.name], 'the primaries are %s' % primaries)
    check(all(role == ('slave', new_primary.ip, 'up') for name, role in roles.items() if name != new_primary.name),
          'the replicas are not all linked to %s: %s' % (new_primary.name, roles))
    restarted = [host.name for host in cluster.hosts if cluster.data(host).info('server')['run_id'] != before[host.name]]
    check(len(restarted) == len(cluster.hosts), 'not every data instance restarted: only %s' % restarted)
    say('exactly one primary, %s (was %s); the others are its linked replicas: %s'
        % (new_primary.name, primary.name, roles))

    data_out, sentinels_down = monitor.most_out()
    say('during the upgrade (%d samples, one every %.2f s or more) at most %d data instance was down or syncing at '
        'once and at most %d Sentinel down at once; two instances were primaries for %.1f s (the failover); data '
        'instances out (s from the start): %s'
        % (len(monitor.samples), monitor.interval, data_out, sentinels_down, monitor.two_primaries(),
           dict((name, ['%.1f-%.1f' % period for period in periods]) for name, periods in monitor.outages().items())))
    check(data_out <= 1, '%d data instances were out at the same time during the upgrade' % data_out)
    check(sentinels_down <= 1, '%d Sentinels were down at the same time during the upgrade' % sentinels_down)

    writer.stop()
    missing = [key for key, value in zip(keys, cluster.data(new_primary).mget(keys)) if value is None]
    check(not missing, '%d keys acknowledged with WAIT 1 are missing on %s: %s'
          % (len(missing), new_primary.name, missing[:5]))
    lost = writer.lost(cluster.data(new_primary))
    say('the client writing through Sentinel every 10 ms: %d writes acknowledged, %d of them lost, %d failed '
        'attempts, longest write gap %.2f s; all %d keys acknowledged with WAIT 1 are on %s'
        % (len(writer.acknowledged), len(lost), writer.errors, writer.longest_gap, len(keys), new_primary.name))
    say('client timeline: %s' % writer.describe_timeline())
    check(not lost, 'the switchover lost %d acknowledged writes: %s' % (len(lost), lost[:10]))

    before = snapshot(cluster)
    rc, output, recap, seconds = run_upgrade(vars_path)
    check(rc == 0, 'upgrade.yml failed when run again (rc %d):\n%s' % (rc, output[-6000:]))
    check(recap and all(changed == 0 for changed in recap.values()), 'upgrade.yml run again changed something: %s'
          % recap)
    check_unchanged(cluster, before, 'upgrade.yml run again')
    say('upgrade.yml run again: changed=0 on %d hosts in %.0f s, nothing restarted, the primary stayed %s'
        % (len(recap), seconds, new_primary.name))

    recap = cluster.converge({'redis_version': NEW_VERSION})
    check(recap and all(changed == 0 for changed in recap.values()),
          'converging with redis_version %s changed something: %s' % (NEW_VERSION, recap))
    check(cluster.agreed_primary() is new_primary, 'the primary moved after converging again')
    say('converging with redis_version %s: changed=0 on %d hosts, the primary stayed %s'
        % (NEW_VERSION, len(recap), new_primary.name))
    say('verify took %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    main(rolling_upgrade)
