# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""partition: the primary's host is cut off from the other hosts while a client
on the controller still reaches it directly (split brain), twice:

1. converged with redis_min_replicas_to_write: 0, the isolated primary
   acknowledges the client's writes while the Sentinels of the majority promote
   a replica; when the partition heals the old primary rejoins as a replica and
   the writes it acknowledged alone are gone. They are counted: the known hazard.
2. converged with the default (1 replica, max lag 10 s), the isolated primary
   refuses writes with NOREPLICAS within max-lag + 2 s of the cut; after healing
   there is exactly one primary, and the acknowledged writes lost (those of the
   seconds before the refusal) are counted.

It ends with the cluster healed and a converge with the default settings that
changes nothing.

The cut: iptables rules inside the isolated host's container drop every packet
from and to the other hosts' addresses (a chain of its own, jumped to first
from INPUT and OUTPUT, so that established connections are cut too and healing
is removing that chain). Packets from and to the controller (the podman
network's gateway) still pass: the client keeps reaching the isolated primary,
the other hosts' instances and Sentinels do not. DROP rather than REJECT, as a
real partition gives no answer either.
"""

import threading
import time

import redis

from cluster import DATA_PORT, SENTINEL_PORT, check, main, say, wait_until

CHAIN = 'REDISOPS_PARTITION'
# Writes acknowledged with WAIT 1 before each cut: they must survive it.
KEPT_KEYS = 100
# How long the isolated primary stays isolated after it is seen refusing (or,
# unprotected, after the failover), to show that it keeps doing so.
HOLD = 3.0


def cut_off(cluster, host, others):
    """Drop all traffic between host and others, in host's container; the time of the cut."""
    rules = ['*filter', ':%s - [0:0]' % CHAIN]
    for other in others:
        rules.append('-A %s -s %s -j DROP' % (CHAIN, other.ip))
        rules.append('-A %s -d %s -j DROP' % (CHAIN, other.ip))
    rules += ['-I INPUT 1 -j %s' % CHAIN, '-I OUTPUT 1 -j %s' % CHAIN, 'COMMIT', '']
    # iptables-restore applies all the rules at once; the container's clock is
    # the controller's (one kernel), so the date is the time of the cut.
    output = cluster.exec(host, 'sh', '-c', 'printf "%s" "$1" | iptables-restore --noflush && date +%s.%N',
                          'sh', '\n'.join(rules))
    return float(output.split()[-1])


def heal(cluster, host):
    """Remove the partition chain from host's container; the time of the healing."""
    output = cluster.exec(host, 'sh', '-c',
                          'iptables -D INPUT -j {0} && iptables -D OUTPUT -j {0} && iptables -F {0} && iptables -X {0} '
                          '&& date +%s.%N'.format(CHAIN))
    left = cluster.exec(host, 'iptables', '-S')
    check(CHAIN not in left, 'the partition rules are still in %s:\n%s' % (host.name, left))
    return float(output.split()[-1])


def reaches(cluster, source, target, port):
    """Whether a TCP connection from source's container to target:port opens within 2 s."""
    probe = ('import socket, sys\n'
             'try:\n'
             '    socket.create_connection((sys.argv[1], int(sys.argv[2])), 2).close()\n'
             '    print("reached")\n'
             'except OSError as exc:\n'
             '    print("unreachable", exc)\n')
    output = cluster.exec(source, 'python3', '-c', probe, target.ip, str(port), check_rc=False)
    return output.startswith('reached')


class DirectClient(threading.Thread):
    """A client on the controller connected straight to one data instance (no
    Sentinel), writing a new key every `interval` seconds and noting each outcome."""

    def __init__(self, cluster, host, prefix, interval=0.01):
        super(DirectClient, self).__init__(daemon=True)
        self.host = host
        self.prefix = prefix
        self.interval = interval
        self.client = redis.Redis(host=host.ip, port=DATA_PORT, password=cluster.password, decode_responses=True,
                                  socket_timeout=0.5, socket_connect_timeout=0.5)
        self.acknowledged = []  # (time, key) of every write answered OK
        self.errors = []  # (time, outcome) of every write that failed
        self.changes = []  # (time, outcome) at each change of outcome
        self._stop_event = threading.Event()

    def run(self):
        index = 0
        while not self._stop_event.is_set():
            key = '%s:%d' % (self.prefix, index)
            index += 1
            try:
                self.client.set(key, index)
                now, outcome = time.time(), 'OK'
                self.acknowledged.append((now, key))
            except (redis.RedisError, OSError) as exc:
                now, outcome = time.time(), '%s %s' % (exc.__class__.__name__, str(exc)[:50])
                self.errors.append((now, outcome))
            if not self.changes or self.changes[-1][1] != outcome:
                self.changes.append((now, outcome))
            time.sleep(self.interval)

    def stop(self):
        self._stop_event.set()
        self.join(10)

    def first_error(self, word, after):
        return next((at for at, outcome in self.errors if at >= after and word in outcome), None)

    def acknowledged_between(self, start, end):
        return [key for at, key in self.acknowledged if start <= at < end]

    def timeline(self, origin):
        return '; '.join('%+.2f s %s' % (at - origin, outcome) for at, outcome in self.changes)


def missing(client, keys):
    """The keys client's instance does not have."""
    absent = []
    for start in range(0, len(keys), 500):
        batch = keys[start:start + 500]
        absent.extend(key for key, value in zip(batch, client.mget(batch)) if value is None)
    return absent


def isolate_primary(cluster, label):
    """Cut the primary off, let the majority fail over, heal, and count what the
    isolated primary acknowledged and what of it survived."""
    primary = cluster.check_topology()
    others = [host for host in cluster.hosts if host is not primary]
    limits = cluster.data(primary).config_get('min-replicas-*')
    to_write, max_lag = int(limits['min-replicas-to-write']), int(limits['min-replicas-max-lag'])
    say('[%s] primary %s runs with min-replicas-to-write %d, min-replicas-max-lag %d s'
        % (label, primary.name, to_write, max_lag))
    kept = cluster.write_acknowledged(primary, KEPT_KEYS, label + ':kept')

    client = DirectClient(cluster, primary, label + ':direct')
    client.start()
    wait_until(lambda: len(client.acknowledged) >= 50, 30, 'the direct client to write on %s' % primary.name)
    cut_at = cut_off(cluster, primary, others)
    refused_at = None
    try:
        say('[%s] cut %s off from %s at 0.00 s (iptables DROP in its container)'
            % (label, primary.name, ', '.join(host.name for host in others)))
        for host in others:
            check(not reaches(cluster, host, primary, DATA_PORT), '%s still reaches %s:%d through the partition'
                  % (host.name, primary.name, DATA_PORT))
        check(not reaches(cluster, others[0], primary, SENTINEL_PORT), '%s still reaches the Sentinel of %s'
              % (others[0].name, primary.name))
        check(cluster.data(primary).ping(), 'the controller cannot reach %s' % primary.name)
        say('[%s] %s no longer reach %s (ports %d and %d); the controller still does (PING ok)'
            % (label, ' and '.join(host.name for host in others), primary.name, DATA_PORT, SENTINEL_PORT))

        promoted = wait_until(lambda: cluster.new_primary(primary, others), cluster.down_after + 30,
                              'the Sentinels of the majority to promote a replica')
        promoted_at = time.time()
        say('[%s] the Sentinels of %s promoted %s at %.2f s (down-after %.1f s)'
            % (label, ' and '.join(host.name for host in others), promoted.name, promoted_at - cut_at,
               cluster.down_after))

        if to_write == 0:
            time.sleep(HOLD)
        else:
            refused_at = wait_until(lambda: client.first_error('NOREPLICAS', cut_at), max_lag + 15,
                                    'the isolated primary to refuse writes with NOREPLICAS')
            say('[%s] the isolated %s answered NOREPLICAS from %.2f s after the cut (bound: max-lag %d s + 2 s)'
                % (label, primary.name, refused_at - cut_at, max_lag))
            check(refused_at - cut_at <= max_lag + 2, 'the isolated primary refused writes only %.2f s after the cut, '
                  'more than min-replicas-max-lag %d s + 2 s' % (refused_at - cut_at, max_lag))
            wait_until(lambda: time.time() >= max(refused_at, promoted_at) + HOLD, HOLD + 30, 'the hold to end')
        check(client.is_alive(), 'the direct client stopped')
    finally:
        healed_at = heal(cluster, primary)
    isolated = client.acknowledged_between(cut_at, healed_at)
    say('[%s] healed at %.2f s: %s acknowledged %d writes of the direct client while isolated; client timeline: %s'
        % (label, healed_at - cut_at, primary.name, len(isolated), client.timeline(cut_at)))

    wait_until(lambda: cluster.role(primary) == ('slave', promoted.ip, 'up'), 120,
               '%s to rejoin as a replica of %s' % (primary.name, promoted.name))
    demoted_at = time.time()
    time.sleep(0.5)
    client.stop()
    say('[%s] %s rejoined as a linked replica of %s %.1f s after the healing'
        % (label, primary.name, promoted.name, demoted_at - healed_at))

    new_primary = cluster.data(promoted)
    absent_kept = missing(new_primary, kept)
    check(not absent_kept, '%d writes acknowledged by a replica (WAIT 1) before the cut are missing on %s: %s'
          % (len(absent_kept), promoted.name, absent_kept[:5]))
    acknowledged = [key for _at, key in client.acknowledged]
    lost = set(missing(new_primary, acknowledged))
    at_of = dict((key, at) for at, key in client.acknowledged)
    before = client.acknowledged_between(0, cut_at)
    after_heal = client.acknowledged_between(healed_at, float('inf'))
    # Only what the isolated primary acknowledged alone is lost: writes
    # acknowledged a second or more before the cut had reached the replicas.
    early = sorted(key for key in lost if at_of[key] < cut_at - 1)
    check(not early, '%d writes acknowledged more than 1 s before the cut are lost: %s' % (len(early), early[:5]))
    still_on_old = [key for key, value in zip(sorted(lost), cluster.data(primary).mget(sorted(lost))) if value]
    check(not still_on_old, '%d lost writes are still on %s after it rejoined' % (len(still_on_old), primary.name))
    figures = dict(
        label=label, primary=primary.name, promoted=promoted.name, to_write=to_write, max_lag=max_lag,
        promoted_after=promoted_at - cut_at, isolated_for=healed_at - cut_at, rejoined_after=demoted_at - healed_at,
        acknowledged=len(acknowledged), acknowledged_before=len(before), acknowledged_isolated=len(isolated),
        acknowledged_after_heal=len(after_heal), lost=len(lost),
        lost_isolated=len(lost & set(isolated)), lost_after_heal=len(lost & set(after_heal)),
        refused_after=None if refused_at is None else refused_at - cut_at)
    say('[%s] the direct client had %d writes acknowledged by %s: %d before the cut, %d while isolated, %d after the '
        'healing; %d are lost now (%d of those acknowledged while isolated, %d after the healing), and gone from %s '
        'too; the %d writes acknowledged with WAIT 1 before the cut are all on %s'
        % (label, len(acknowledged), primary.name, len(before), len(isolated), len(after_heal), len(lost),
           figures['lost_isolated'], figures['lost_after_heal'], primary.name, len(kept), promoted.name))

    if to_write == 0:
        check(isolated, 'the isolated primary acknowledged no write with min-replicas-to-write 0')
        survivors = [key for key in isolated if key not in lost and at_of[key] > cut_at + 1]
        check(lost and not survivors, 'the hazard did not show: %d writes acknowledged by the isolated primary '
              'later than 1 s after the cut survived (%s), %d lost' % (len(survivors), survivors[:5], len(lost)))
    else:
        # While isolated it must keep refusing. After the healing it has been
        # seen to acknowledge a few writes (4 in one run) before Sentinel
        # demoted it, most likely because its replicas' acknowledgements from
        # before the switch reach it late and count as good replicas again.
        # They are counted and reported as lost after the healing.
        late = client.acknowledged_between(refused_at, healed_at)
        check(not late, '%s acknowledged %d writes while isolated after it first answered NOREPLICAS: %s'
              % (primary.name, len(late), late[:5]))
        primaries = [host.name for host in cluster.hosts if cluster.role(host)[0] == 'master']
        check(primaries == [promoted.name], 'after healing the primaries are %s, not only %s'
              % (primaries, promoted.name))
        say('[%s] after healing exactly one instance is a primary: %s' % (label, promoted.name))
    cluster.check_topology()
    return figures


def min_replicas_everywhere(cluster, expected):
    values = dict((host.name, int(cluster.data(host).config_get('min-replicas-to-write')['min-replicas-to-write']))
                  for host in cluster.hosts)
    check(set(values.values()) == {expected}, 'min-replicas-to-write is %s, not %d everywhere' % (values, expected))
    return values


def split_brain(cluster):
    started = time.monotonic()
    recap = cluster.converge({'redis_min_replicas_to_write': 0})
    min_replicas_everywhere(cluster, 0)
    say('converged with redis_min_replicas_to_write 0: recap changed %s; min-replicas-to-write 0 on every instance'
        % recap)
    unprotected = isolate_primary(cluster, 'min-replicas 0')

    recap = cluster.converge()
    min_replicas_everywhere(cluster, 1)
    say('converged with the default settings: recap changed %s; min-replicas-to-write 1 on every instance' % recap)
    protected = isolate_primary(cluster, 'default')

    primary = cluster.check_topology()
    recap = cluster.converge()
    check(recap and all(changed == 0 for changed in recap.values()), 'converging again changed something: %s' % recap)
    check(cluster.agreed_primary() is primary, 'the primary moved after converging again')
    say('converging again with the default settings: changed=0 on %d hosts, the primary stayed %s'
        % (len(recap), primary.name))

    say('summary:')
    for run in (unprotected, protected):
        say('  %(label)s: isolated %(primary)s for %(isolated_for).1f s; %(promoted)s promoted after '
            '%(promoted_after).1f s; the isolated primary acknowledged %(acknowledged_isolated)d writes while '
            'isolated and %(acknowledged_after_heal)d after the healing; %(lost)d acknowledged writes lost; rejoined '
            '%(rejoined_after).1f s after the healing' % run
            + ('' if run['refused_after'] is None else '; NOREPLICAS after %.2f s' % run['refused_after']))
    say('verify took %.0f s' % (time.monotonic() - started))


if __name__ == '__main__':
    main(split_brain)
