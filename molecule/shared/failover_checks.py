# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of a failover by a killed primary, shared by the scenarios whose
hosts run the same topology (default, sysv, valkey)."""

import time

from cluster import CheckFailed, check, say, wait_until, Writer

ACKNOWLEDGED_KEYS = 200


def kill_primary_and_rejoin(cluster, bring_back=None, after_rejoin=None):
    """Topology, acknowledged writes, a killed primary's container, the failover,
    the client's reconnection, the old host's return and a converge that changes nothing.

    bring_back(cluster, host): what must happen after `podman start` of the old
    primary's container for its instances to run again (nothing where systemd
    starts them at boot). after_rejoin(cluster, old_primary, promoted): more
    checks once the old primary is a linked replica again."""
    primary = cluster.check_topology()
    writer = Writer(cluster)
    writer.start()
    wait_until(lambda: len(writer.acknowledged) > 50, 30, 'the Sentinel client to write')
    keys = cluster.write_acknowledged(primary, ACKNOWLEDGED_KEYS, 'acknowledged')
    say('%d keys written and acknowledged by a replica (WAIT 1) on %s' % (len(keys), primary.name))

    killed_at = time.monotonic()
    cluster.kill(primary)
    others = [host for host in cluster.hosts if host is not primary]
    # down-after + 10 s from the kill, not from when `podman kill` returned.
    deadline = cluster.down_after + 10 - (time.monotonic() - killed_at)
    promoted = wait_until(lambda: cluster.new_primary(primary, others), deadline,
                          'the Sentinels to promote a replica within down-after + 10 s')
    elapsed = time.monotonic() - killed_at
    say('killed %s; the Sentinels agreed on %s after %.1f s (down-after %.1f s)'
        % (primary.name, promoted.name, elapsed, cluster.down_after))
    wait_until(lambda: cluster.role(promoted)[0] == 'master', 30, '%s to be a primary' % promoted.name)

    missing = [key for key, value in zip(keys, cluster.data(promoted).mget(keys)) if value is None]
    check(not missing, '%d acknowledged keys are missing on the new primary: %s' % (len(missing), missing[:5]))
    say('all %d acknowledged keys are on the new primary' % len(keys))
    for host in others:
        if host is not promoted:
            wait_until(lambda host=host: cluster.role(host) == ('slave', promoted.ip, 'up'), 60,
                       '%s to follow the new primary' % host.name)
            say('%s follows the new primary' % host.name)

    try:
        wait_until(lambda: writer.recovered_at is not None and len(writer.acknowledged) > 0, 60,
                   'the Sentinel client to write again')
    except CheckFailed as exc:
        raise CheckFailed('%s; client timeline (kill at %.2f s): %s'
                          % (exc, killed_at - writer.started_at, writer.describe_timeline()))
    time.sleep(1)
    check(writer.is_alive(), 'the writing client stopped')
    say('the Sentinel client reconnected by itself: longest write gap %.2f s, %d failed attempts'
        % (writer.longest_gap, writer.errors))
    say('client timeline (kill at %.2f s): %s' % (killed_at - writer.started_at, writer.describe_timeline()))

    cluster.start(primary)
    if bring_back:
        bring_back(cluster, primary)
    wait_until(lambda: cluster.role(primary) == ('slave', promoted.ip, 'up'), 120,
               '%s to rejoin as a replica of %s' % (primary.name, promoted.name))
    say('%s came back and rejoined as a replica of %s' % (primary.name, promoted.name))
    if after_rejoin:
        after_rejoin(cluster, primary, promoted)
    writer.stop()
    lost = writer.lost(cluster.data(promoted))
    say('the client had %d writes acknowledged; %d of them are missing on the new primary (writes acknowledged '
        'by the killed primary after its last replication)' % (len(writer.acknowledged), len(lost)))

    recap = cluster.converge()
    check(recap and all(changed == 0 for changed in recap.values()), 'converging again changed something: %s' % recap)
    check(cluster.agreed_primary() is promoted, 'the primary moved back after converging again')
    say('converging again: changed=0 on %d hosts, the primary stayed %s' % (len(recap), promoted.name))
