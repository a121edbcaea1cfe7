# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scale_out: a fourth host (a data instance and a Sentinel) added to a running
cluster after a failover follows the current primary, the existing Sentinels
count it, and nothing else restarts.

The test sequence deployed the members, the hosts of groups redis and sentinel
(scale_out-1..3); scale_out-4 is in group spare only, an empty container. Then:

1. the members' topology: the primary is the bootstrap one (the first of group
   redis), the others are linked replicas;
2. SENTINEL FAILOVER on a Sentinel: all three Sentinels agree on another
   primary and the old one becomes a linked replica of it;
3. the run_id of every data instance and Sentinel of the members is noted;
4. a converge with the scenario's inventory plus a small one that puts
   scale_out-4 in groups redis and sentinel, while a client writes through
   Sentinel;
5. scale_out-4 is a linked replica of the current primary (not the bootstrap
   one) and has its data; each of the 4 Sentinels counts 3 replicas and 3 other
   Sentinels, keeps quorum 2 and answers OK to CKQUORUM; the primary did not
   move; the converge changed nothing on the members, their instances and
   Sentinels kept their run_ids, the primary made exactly one full sync
   (scale_out-4's), the client had no failed or lost write; a converge again
   with the four hosts changes nothing and restarts nothing;
6. playbooks/remove.yml --limit scale_out-4 removes its replica and Sentinel
   (and the build of its machine); the three Sentinels that stay, reset one at
   a time 30 s apart, count 2 replicas and 2 other Sentinels, none of them
   scale_out-4's; killing the primary still fails over.
"""

import os
import tempfile
import time

import redis
import yaml

from cluster import MASTER, Cluster, Writer, check, inventory_group, main, molecule_inventory, say, wait_until

QUORUM = 2
KEYS = 100


def as_dict(reply):
    """A Sentinel reply of field/value pairs (a flat list) as a dict."""
    return reply if isinstance(reply, dict) else dict(zip(reply[0::2], reply[1::2]))


def master_state(cluster, host):
    """What host's Sentinel says of the monitored primary (SENTINEL MASTER)."""
    return as_dict(cluster.sentinel(host).execute_command('SENTINEL', 'MASTER', MASTER))


def replicas_seen(cluster, host):
    """What host's Sentinel says of each replica (SENTINEL REPLICAS), by address."""
    replies = cluster.sentinel(host).execute_command('SENTINEL', 'REPLICAS', MASTER)
    return dict((state['ip'], state) for state in map(as_dict, replies))


def processes(cluster):
    """INFO server of every data instance and Sentinel of the cluster, by (host name, 'data' or 'sentinel')."""
    seen = {}
    for host in cluster.hosts:
        seen[(host.name, 'data')] = cluster.data(host).info('server')
        seen[(host.name, 'sentinel')] = cluster.sentinel(host).info('server')
    return seen


def check_not_restarted(before, after, when):
    """The instances of before that have another run_id in after (a restart), as a failed check."""
    restarted = ['%s %s (pid %s -> %s)' % (name, kind, info['process_id'], after[(name, kind)]['process_id'])
                 for (name, kind), info in sorted(before.items()) if after[(name, kind)]['run_id'] != info['run_id']]
    check(not restarted, 'restarted %s: %s' % (when, ', '.join(restarted)))
    uptimes = ', '.join('%s %s/%s s' % (name, after[(name, 'data')]['uptime_in_seconds'],
                                        after[(name, 'sentinel')]['uptime_in_seconds'])
                        for name in sorted(set(name for name, _kind in before)))
    say('%s: the %d data instances and Sentinels kept their run_id and pid; uptimes now (data/Sentinel) %s'
        % (when, len(before), uptimes))


def answers(cluster, host):
    try:
        return cluster.data(host).ping()
    except (redis.RedisError, OSError):
        return False


def fail_over(cluster, primary):
    """SENTINEL FAILOVER on the last member's Sentinel; the new primary once all Sentinels
    agree on it and the old one is its linked replica."""
    asked = cluster.hosts[-1]
    wait_until(lambda: int(master_state(cluster, asked)['num-slaves']) == len(cluster.hosts) - 1, 60,
               'the Sentinel of %s to know the %d replicas' % (asked.name, len(cluster.hosts) - 1))
    started = time.monotonic()
    answer = cluster.sentinel(asked).execute_command('SENTINEL', 'FAILOVER', MASTER)
    check(answer in (True, 'OK'), 'SENTINEL FAILOVER on %s answered %r' % (asked.name, answer))

    def moved():
        addresses = set(cluster.sentinel_views().values())
        if len(addresses) == 1 and None not in addresses and primary.ip not in addresses:
            return cluster.host(addresses.pop())
        return None
    promoted = wait_until(moved, 60, 'all %d Sentinels to report a primary other than %s'
                          % (len(cluster.hosts), primary.name))
    agreed_after = time.monotonic() - started
    wait_until(lambda: cluster.role(primary) == ('slave', promoted.ip, 'up'), 60,
               '%s to become a linked replica of %s' % (primary.name, promoted.name))
    say('SENTINEL FAILOVER on %s: all %d Sentinels report %s after %.1f s; %s is its linked replica after %.1f s'
        % (asked.name, len(cluster.hosts), promoted.name, agreed_after, primary.name, time.monotonic() - started))
    check(cluster.check_topology() is promoted, 'the primary moved again after the failover')
    return promoted


def extra_inventory(directory, name):
    """An inventory file in directory that adds host name, defined as Molecule defines it, to groups redis
    and sentinel."""
    definition = molecule_inventory()['all']['hosts'][name]
    path = os.path.join(directory, 'scale_out.yml')
    with open(path, 'w') as stream:
        yaml.safe_dump({'redis': {'hosts': {name: definition}}, 'sentinel': {'hosts': {name: definition}}}, stream)
    return path


def check_sentinels_count(grown, new, primary):
    """Every Sentinel monitors primary with quorum 2 and counts all the replicas and the other Sentinels,
    new's replica among them, up and linked."""
    others = len(grown.hosts) - 1

    def counted():
        states = dict((host.name, master_state(grown, host)) for host in grown.hosts)
        if all(int(state['num-slaves']) == others and int(state['num-other-sentinels']) == others
               for state in states.values()):
            return states
        return None
    states = wait_until(counted, 60, 'every Sentinel to count %d replicas and %d other Sentinels' % (others, others))
    for name, state in sorted(states.items()):
        check(state['ip'] == primary.ip, 'the Sentinel of %s monitors %s, not %s' % (name, state['ip'], primary.ip))
        check(int(state['quorum']) == QUORUM, 'the Sentinel of %s has quorum %s, not %d'
              % (name, state['quorum'], QUORUM))

    def linked(host):
        replica = replicas_seen(grown, host).get(new.ip)
        return replica if replica and replica['flags'] == 'slave' and replica['master-link-status'] == 'ok' else None
    for host in grown.hosts:
        seen = wait_until(lambda host=host: linked(host), 30,
                          'the Sentinel of %s to see %s as a replica, up and linked' % (host.name, new.name))
        check(seen['master-host'] == primary.ip, 'the Sentinel of %s sees %s replicate %s'
              % (host.name, new.name, seen['master-host']))
    say('each of the %d Sentinels monitors %s with quorum %d and counts num-slaves %d, num-other-sentinels %d; '
        'all see %s as a replica (flags slave, link ok)'
        % (len(states), primary.name, QUORUM, others, others, new.name))


def scale_out(everyone):
    started = time.monotonic()
    redis_group, sentinel_group = inventory_group('redis'), inventory_group('sentinel')
    members = [name for name in redis_group if name in sentinel_group]
    spares = [host for host in everyone.hosts if host.name not in redis_group + sentinel_group]
    check(len(members) == 3 and members == sentinel_group and len(spares) == 1,
          'expected 3 hosts in groups redis and sentinel and 1 in neither: redis %s, sentinel %s, all %s'
          % (redis_group, sentinel_group, everyone.hosts))
    new = spares[0]
    check(not answers(everyone, new), '%s runs a data instance before it is added' % new.name)
    cluster = Cluster(members)
    say('members %s; %s is in no group of the site playbook and runs no instance'
        % (', '.join(members), new.name))

    bootstrap = cluster.host(redis_group[0])
    primary = cluster.check_topology()
    check(primary is bootstrap, 'the primary is %s, not the bootstrap primary %s' % (primary.name, bootstrap.name))
    promoted = fail_over(cluster, primary)
    check(promoted is not bootstrap, 'the failover left the primary on the bootstrap primary %s' % bootstrap.name)

    before = processes(cluster)
    full_syncs = int(cluster.data(promoted).info('stats')['sync_full'])
    writer = Writer(cluster)
    writer.start()
    wait_until(lambda: len(writer.acknowledged) > 50, 30, 'the Sentinel client to write')

    with tempfile.TemporaryDirectory(prefix='redisops-scale_out-') as directory:
        inventory = extra_inventory(directory, new.name)
        converge_started = time.monotonic()
        recap = cluster.converge(inventories=[inventory])
        took = time.monotonic() - converge_started
        time.sleep(1)
        check(writer.is_alive(), 'the writing client stopped')
        writer.stop()
        say('converged with %s added to groups redis and sentinel in %.0f s: changed %s'
            % (new.name, took, ', '.join('%s=%d' % item for item in sorted(recap.items()))))
        check(sorted(recap) == sorted(members + [new.name]), 'the converge ran on %s' % sorted(recap))
        check(recap[new.name] > 0, 'the converge changed nothing on %s' % new.name)
        changed = dict((name, recap[name]) for name in members if recap[name])
        check(not changed, 'adding %s changed the hosts already there: %s' % (new.name, changed))

        grown = Cluster(members + [new.name])
        new, promoted, bootstrap = grown.host(new.name), grown.host(promoted.name), grown.host(bootstrap.name)
        check(grown.check_topology() is promoted, 'the primary moved from %s when %s was added'
              % (promoted.name, new.name))
        role = grown.role(new)
        check(role == ('slave', promoted.ip, 'up'), '%s is %s, not a linked replica of %s'
              % (new.name, role, promoted.name))
        say('%s is a linked replica of the current primary %s (%s), not of the bootstrap primary %s (%s)'
            % (new.name, promoted.name, promoted.ip, bootstrap.name, bootstrap.ip))
        keys = grown.write_acknowledged(promoted, KEYS, 'scaled')
        wait_until(lambda: all(grown.data(new).mget(keys)), 30, '%s to have the %d keys written on %s'
                   % (new.name, len(keys), promoted.name))
        say('%s has the %d keys written on %s after it joined' % (new.name, len(keys), promoted.name))
        check_sentinels_count(grown, new, promoted)

        after = processes(grown)
        check_not_restarted(before, after, 'adding %s' % new.name)
        full_syncs_now = int(grown.data(promoted).info('stats')['sync_full'])
        check(full_syncs_now == full_syncs + 1, '%s made %d full syncs while %s was added, not 1 (that of %s)'
              % (promoted.name, full_syncs_now - full_syncs, new.name, new.name))
        say('%s made exactly one full sync (sync_full %d -> %d): the replicas already there were not resynced'
            % (promoted.name, full_syncs, full_syncs_now))
        lost = writer.lost(grown.data(promoted))
        check(writer.errors == 0 and not lost, 'the Sentinel client had %d failed writes and %d lost during the '
              'scale-out: %s' % (writer.errors, len(lost), writer.describe_timeline()))
        say('the Sentinel client wrote %d keys during the scale-out: no failed write, none lost, longest gap %.2f s'
            % (len(writer.acknowledged), writer.longest_gap))

        recap = grown.converge(inventories=[inventory])
        check(sorted(recap) == sorted(members + [new.name]) and all(changed == 0 for changed in recap.values()),
              'converging again with the four hosts changed something: %s' % recap)
        check(grown.agreed_primary() is promoted, 'the primary moved after converging again')
        check_not_restarted(after, processes(grown), 'converging again')
        say('converging again with the four hosts: changed=0 on %d hosts, the primary stayed %s'
            % (len(recap), promoted.name))
        scale_in(grown, new, promoted, inventory)
    say('verify took %.0f s' % (time.monotonic() - started))


def scale_in(grown, removed, primary, inventory):
    """playbooks/remove.yml --limit removed, a host with a replica and a Sentinel: both go, and with them
    the build of that machine, which no other instance uses; the three Sentinels that stay are reset one
    at a time, 30 s apart, and count 2 replicas and 2 other Sentinels, none of them the removed ones; a
    kill of the primary still fails over."""
    project = os.environ['MOLECULE_PROJECT_DIRECTORY']
    started = time.monotonic()
    recap, output = grown.playbook(os.path.join(project, 'playbooks', 'remove.yml'), {'redisops_remove_confirm': True},
                                   inventories=[inventory], args=['--limit', removed.name])
    took = time.monotonic() - started
    check(sorted(recap) == [removed.name], 'the removal ran on %s, not only on %s' % (sorted(recap), removed.name))
    check(not answers(grown, removed), '%s still runs a data instance after its removal' % removed.name)
    leftovers = grown.exec(removed, 'sh', '-c', 'ls -d /opt/redis/redis-* /etc/redis/*.conf /usr/local/bin/redis-server '
                           '/etc/systemd/system/redis_*.service /etc/systemd/system/sentinel_*.service 2>/dev/null',
                           check_rc=False).split()
    check(not leftovers, 'the removal left %s on %s' % (leftovers, removed.name))
    check('Kept the builds' not in output, 'the removal kept the build of %s, which nothing else uses' % removed.name)
    # Three resets, 30 s apart.
    check(took >= 60, 'the removal took %.0f s: the resets were not 30 s apart' % took)
    stayed = Cluster([host.name for host in grown.hosts if host is not removed])
    for host in stayed.hosts:
        state = master_state(stayed, host)
        check((int(state['num-slaves']), int(state['num-other-sentinels'])) == (2, 2),
              'the Sentinel of %s counts %s replicas and %s other Sentinels after the removal, not 2 and 2'
              % (host.name, state['num-slaves'], state['num-other-sentinels']))
        check(removed.ip not in replicas_seen(stayed, host), 'the Sentinel of %s still knows the replica of %s'
              % (host.name, removed.name))
        others = [as_dict(reply)['ip'] for reply in
                  stayed.sentinel(host).execute_command('SENTINEL', 'SENTINELS', MASTER)]
        check(removed.ip not in others, 'the Sentinel of %s still knows the Sentinel of %s' % (host.name, removed.name))
    check(stayed.check_topology() is stayed.host(primary.name), 'the primary moved during the removal')
    say('removed %s in %.0f s: its instances and its build are gone; the 3 Sentinels that stay count 2 replicas and '
        '2 other Sentinels, none of them on %s, and answer OK to CKQUORUM' % (removed.name, took, removed.name))

    old = stayed.host(primary.name)
    killed_at = time.monotonic()
    stayed.kill(old)
    survivors = [host for host in stayed.hosts if host is not old]
    promoted = wait_until(lambda: stayed.new_primary(old, survivors), stayed.down_after + 10,
                          'the Sentinels that stay to promote a replica within down-after + 10 s')
    say('killed %s after the removal; the Sentinels that stay promoted %s after %.1f s'
        % (old.name, promoted.name, time.monotonic() - killed_at))


if __name__ == '__main__':
    main(scale_out)
