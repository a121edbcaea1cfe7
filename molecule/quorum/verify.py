# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""quorum: what 3 Sentinels with quorum 2 allow when some of them are down.

A failover needs two things: quorum (2) Sentinels that see the primary down to
mark it ODOWN, and a majority of ALL the Sentinels (2 of 3) voting for the
Sentinel that runs the failover. So:

1. the topology is sound;
2. with the Sentinel of a replica's host stopped and the primary's data
   instance killed (SIGKILL, as a crash; its Sentinel keeps running), the 2
   Sentinels left promote a replica within down-after + 10 s, and the writes
   acknowledged by a replica before are on it;
3. the Sentinel that was down while the primary moved learns the new primary
   when it starts, and the old primary, started again, becomes a linked
   replica of the new one;
4. with 2 Sentinels of 3 stopped, a killed primary is not replaced: the one
   Sentinel left sees it down (SDOWN) but neither marks it ODOWN nor promotes
   a replica, and the collection's sentinel_info module reports its CKQUORUM as
   not OK;
5. started again (the data instance first, so that the Sentinels find the
   primary up and have nothing to fail over), the cluster is sound with the
   same primary, sentinel_info reports CKQUORUM OK, and converging again
   changes nothing.

The cluster uses host names everywhere (redis_hostnames), as the Sentinel docs
say to when names are used at all: before the first step and after the last,
the Sentinels report the primary, the replicas and each other by name, their
config files name no address, and every data instance announces its name.

Sentinels are stopped and started with systemctl, as an operator would. A
data instance is killed with `systemctl kill --signal=SIGKILL`: no graceful
shutdown (which would let the replicas catch up first), and systemd does not
start it again (the role's units of data instances have Restart=no, the
default of redis_systemd_restart), so it stays down until started with
systemctl.
"""

import json
import os
import subprocess
import sys
import time

from cluster import MASTER, SENTINEL_PORT, check, main, say, wait_until

DATA = 'redis_6379'
SENTINEL = 'sentinel_26379'
ACKNOWLEDGED_KEYS = 200
QUORUM = 2


def control(cluster, host, name, action):
    """systemctl action name on host; fails the checks when it fails."""
    rc, output = cluster.service(host, name, action)
    check(rc == 0, '%s %s on %s failed (rc %d): %s' % (action, name, host.name, rc, output.strip()))


def answers(client):
    """Whether the server behind client answers PING."""
    try:
        return client.ping()
    except Exception:  # pylint: disable=broad-except
        return False


def stop_sentinel(cluster, host):
    control(cluster, host, SENTINEL, 'stop')
    wait_until(lambda: not answers(cluster.sentinel(host, timeout=1)), 15,
               'the Sentinel of %s to stop answering' % host.name)


def kill_data(cluster, host):
    """SIGKILL to host's data instance, which must then stay down."""
    cluster.exec(host, 'systemctl', 'kill', '--signal=SIGKILL', DATA)
    wait_until(lambda: not answers(cluster.data(host, timeout=1)), 15,
               'the data instance of %s to stop answering' % host.name)
    wait_until(lambda: cluster.service(host, DATA, 'is-active')[0] != 0, 15,
               'systemd to count the killed data instance of %s as down, not started again (Restart=no)'
               % host.name)


def all_sentinels_usable(cluster, what):
    """Wait until every Sentinel counts all of them usable (a Sentinel started
    again is SDOWN in the others' view until they hear from it); the wait in s."""
    started_at = time.monotonic()
    expected = 'OK %d usable Sentinels' % len(cluster.hosts)
    for host in cluster.hosts:
        client = cluster.sentinel(host)
        wait_until(lambda client=client: client.execute_command('SENTINEL', 'CKQUORUM', MASTER).startswith(expected),
                   30, 'the Sentinel of %s to count %d usable Sentinels %s' % (host.name, len(cluster.hosts), what))
    return time.monotonic() - started_at


def master_state(cluster, host):
    """SENTINEL MASTER mymaster as host's Sentinel answers it, as a dict of strings."""
    reply = cluster.sentinel(host).execute_command('SENTINEL', 'MASTER', MASTER)
    return dict(zip(reply[::2], reply[1::2]))


def sentinel_info(cluster, host):
    """The result of the collection's redisops.sentinel.sentinel_info module run
    from the controller against host's Sentinel (ad-hoc ansible on localhost)."""
    env = dict(os.environ, ANSIBLE_NOCOLOR='1', ANSIBLE_FORCE_COLOR='0', PY_COLORS='0',
               REDISOPS_TEST_LOGIN_PASSWORD=cluster.password)
    # The ansible.cfg Molecule wrote: it finds the collection in the checkout.
    env.setdefault('ANSIBLE_CONFIG', os.path.join(os.environ['MOLECULE_EPHEMERAL_DIRECTORY'], 'ansible.cfg'))
    arguments = {
        'login_host': host.ip,
        'login_port': SENTINEL_PORT,
        # From the environment, not on the command line.
        'login_password': "{{ lookup('ansible.builtin.env', 'REDISOPS_TEST_LOGIN_PASSWORD') }}",
        'name': MASTER,
    }
    command = ['ansible', 'localhost', '-i', 'localhost,', '-c', 'local',
               # The controller's python (the venv's, with redis-py).
               '-e', 'ansible_python_interpreter=%s' % sys.executable,
               '-m', 'redisops.sentinel.sentinel_info', '-a', json.dumps(arguments)]
    completed = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    output = completed.stdout
    check(completed.returncode == 0 and ' => ' in output,
          'sentinel_info against %s failed (rc %d):\n%s\n%s'
          % (host.name, completed.returncode, output[-3000:], completed.stderr[-2000:]))
    return json.loads(output.split(' => ', 1)[1])


def failover_with_two_sentinels(cluster, primary, stopped):
    """Step 2: the Sentinel of `stopped` (not the primary's host) is down; kill
    the primary's data instance and let the 2 running Sentinels fail over."""
    running = [host for host in cluster.hosts if host is not stopped]
    keys = cluster.write_acknowledged(primary, ACKNOWLEDGED_KEYS, 'acknowledged')
    say('%d keys written and acknowledged by a replica (WAIT 1) on %s' % (len(keys), primary.name))

    stop_sentinel(cluster, stopped)
    say('stopped the Sentinel of %s; Sentinels running: %s' % (stopped.name, ', '.join(h.name for h in running)))
    killed_at = time.monotonic()
    kill_data(cluster, primary)
    say('killed the data instance of %s (SIGKILL); its Sentinel keeps running' % primary.name)

    # down-after + 10 s from the kill, not from when the wait for it ended.
    promoted = wait_until(lambda: cluster.new_primary(primary, running),
                          cluster.down_after + 10 - (time.monotonic() - killed_at),
                          'the 2 running Sentinels to promote a replica within down-after + 10 s')
    elapsed = time.monotonic() - killed_at
    say('failover with 2 Sentinels of 3: the Sentinels of %s agreed on %s %.1f s after the kill '
        '(down-after %.1f s)' % (' and '.join(h.name for h in running), promoted.name, elapsed, cluster.down_after))
    wait_until(lambda: cluster.role(promoted)[0] == 'master', 30, '%s to be a primary' % promoted.name)

    missing = [key for key, value in zip(keys, cluster.data(promoted).mget(keys)) if value is None]
    check(not missing, '%d acknowledged keys are missing on the new primary: %s' % (len(missing), missing[:5]))
    say('%s is a primary and has all %d acknowledged keys' % (promoted.name, len(keys)))
    for host in cluster.hosts:
        if host not in (primary, promoted):
            wait_until(lambda host=host: cluster.role(host) == ('slave', promoted.address, 'up'), 60,
                       '%s to follow the new primary' % host.name)
            say('%s follows the new primary' % host.name)
    return promoted


def late_sentinel_and_old_primary(cluster, old_primary, promoted, late):
    """Step 3: the Sentinel that was down learns the new primary; the old primary rejoins."""
    views = cluster.sentinel_views()
    check(views[late.name] is None, 'the stopped Sentinel of %s answers: %s' % (late.name, views))
    control(cluster, late, SENTINEL, 'start')
    started_at = time.monotonic()
    wait_until(lambda: cluster.sentinel_views([late])[late.name] == promoted.address, 60,
               'the Sentinel of %s, started again, to report %s as primary' % (late.name, promoted.name))
    say('the Sentinel of %s, down while the primary moved, reported the new primary %s %.2f s after it started'
        % (late.name, promoted.name, time.monotonic() - started_at))
    say('every Sentinel counted the 3 usable %.1f s later' % all_sentinels_usable(cluster, 'after one started again'))

    control(cluster, old_primary, DATA, 'start')
    started_at = time.monotonic()
    wait_until(lambda: cluster.role(old_primary) == ('slave', promoted.address, 'up'), 120,
               '%s to rejoin as a replica of %s' % (old_primary.name, promoted.name))
    say('the old primary %s, started again, was a linked replica of %s after %.1f s'
        % (old_primary.name, promoted.name, time.monotonic() - started_at))


def no_failover_with_one_sentinel(cluster, primary):
    """Step 4: the Sentinels of the 2 other hosts stopped, the primary's data
    instance killed: the Sentinel left must not fail over. Returns the stopped
    Sentinels' hosts."""
    stopped = [host for host in cluster.hosts if host is not primary]
    for host in stopped:
        stop_sentinel(cluster, host)
    say('stopped the Sentinels of %s; only the Sentinel of %s runs'
        % (' and '.join(h.name for h in stopped), primary.name))
    kill_data(cluster, primary)
    # The point is to give the Sentinel left all the time a failover would
    # need (step 2 shows it takes less): not a timing assertion.
    time.sleep(cluster.down_after + 10)

    views = cluster.sentinel_views()
    check(views == dict((h.name, primary.address if h is primary else None) for h in cluster.hosts),
          'with 1 Sentinel of 3 running, the Sentinels report %s (expected %s, only from %s)'
          % (views, primary.address, primary.name))
    state = master_state(cluster, primary)
    flags = state['flags'].split(',')
    check('s_down' in flags, 'the Sentinel left does not see the killed primary down: flags %s' % flags)
    check('o_down' not in flags, 'the Sentinel left marked the primary ODOWN alone (quorum %s): flags %s'
          % (state['quorum'], flags))
    for host in stopped:
        role = cluster.role(host)
        check(role[:2] == ('slave', primary.address),
              '%s is no longer a replica of %s: %s' % (host.name, primary.name, role))
    say('%.0f s after the kill of the primary: the Sentinel left still reports %s (flags %s); %s are still replicas '
        'of it' % (cluster.down_after + 10, primary.name, state['flags'], ' and '.join(h.name for h in stopped)))

    result = sentinel_info(cluster, primary)
    ckquorum = result['ckquorum'][MASTER]
    check(ckquorum['ok'] is False, 'sentinel_info says CKQUORUM is OK with 1 Sentinel of 3 running: %s' % ckquorum)
    check(result['masters'][MASTER]['ip'] == primary.address,
          'sentinel_info reports the primary at %s, not %s' % (result['masters'][MASTER]['address'], primary.address))
    say('sentinel_info against the Sentinel left: ckquorum.%s.ok = %s, message "%s"'
        % (MASTER, ckquorum['ok'], ckquorum['message']))
    return stopped


def restore(cluster, primary, stopped):
    """Step 5: the data instance first (3 Sentinels finding the primary down
    would fail over), then the Sentinels; the cluster is sound with the same
    primary and converging again changes nothing."""
    control(cluster, primary, DATA, 'start')
    wait_until(lambda: cluster.role(primary)[0] == 'master', 60, '%s to be a primary again' % primary.name)
    for host in stopped:
        wait_until(lambda host=host: cluster.role(host) == ('slave', primary.address, 'up'), 60,
                   '%s to be a linked replica of %s again' % (host.name, primary.name))
    for host in stopped:
        control(cluster, host, SENTINEL, 'start')
    say('started the data instance of %s, then the Sentinels of %s; every Sentinel counted the 3 usable after %.1f s'
        % (primary.name, ' and '.join(h.name for h in stopped), all_sentinels_usable(cluster, 'after 2 started again')))
    check(cluster.check_topology() is primary, 'the primary moved while the Sentinels were started again')

    result = sentinel_info(cluster, primary)
    ckquorum = result['ckquorum'][MASTER]
    check(ckquorum['ok'] is True, 'sentinel_info says CKQUORUM is not OK with the 3 Sentinels running: %s' % ckquorum)
    say('sentinel_info with the 3 Sentinels running: ckquorum.%s.ok = %s, message "%s"'
        % (MASTER, ckquorum['ok'], ckquorum['message']))

    recap = cluster.converge()
    check(recap and set(recap) == set(h.name for h in cluster.hosts) and all(c == 0 for c in recap.values()),
          'converging again changed something: %s' % recap)
    check(cluster.agreed_primary() is primary, 'the primary moved after converging again')
    say('converging again: changed=0 on %d hosts, the primary stayed %s' % (len(recap), primary.name))


def sentinel_table(client, *command):
    return [dict(zip(entry[::2], entry[1::2])) for entry in client.execute_command('SENTINEL', *command)]


def names_everywhere(cluster, primary):
    """With host names everywhere (redis_hostnames): what the Sentinels tell clients and write in their
    config files, and what the data instances announce, name the hosts, never their addresses."""
    addresses = set(host.ip for host in cluster.hosts)
    for host in cluster.hosts:
        client = cluster.sentinel(host)
        reported = client.execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)[0]
        check(reported == primary.name, 'the Sentinel of %s reports the primary as %s, not %s'
              % (host.name, reported, primary.name))
        replicas = sorted(entry['ip'] for entry in sentinel_table(client, 'REPLICAS', MASTER))
        check(replicas == sorted(h.name for h in cluster.hosts if h is not primary),
              'the Sentinel of %s reports the replicas as %s' % (host.name, replicas))
        others = sorted(entry['ip'] for entry in sentinel_table(client, 'SENTINELS', MASTER))
        check(others == sorted(h.name for h in cluster.hosts if h is not host),
              'the Sentinel of %s reports the other Sentinels as %s' % (host.name, others))
        # Sentinel rewrites its file and may quote values ("quorum-1"): compared without quotes.
        written = [line.replace('"', '') for line in cluster.exec(host, 'cat', '/etc/redis/sentinel_26379.conf')
                   .splitlines() if line.startswith('sentinel ')]
        for wanted in ('sentinel resolve-hostnames yes', 'sentinel announce-hostnames yes',
                       'sentinel announce-ip %s' % host.name):
            check(wanted in written, 'the Sentinel config of %s lacks "%s"' % (host.name, wanted))
        leaked = [line for line in written if any(address in line.split() for address in addresses)]
        check(not leaked, 'the Sentinel config of %s names addresses: %s' % (host.name, leaked))
        announced = cluster.data(host).config_get('replica-announce-ip')['replica-announce-ip']
        check(announced == host.name, 'the data instance of %s announces %r' % (host.name, announced))
    say('host names everywhere: the Sentinels report %s and its replicas, and each other, by name; their config '
        'files name no address; every data instance announces its name' % primary.name)


def quorum_checks(cluster):
    primary = cluster.check_topology()
    names_everywhere(cluster, primary)
    state = master_state(cluster, primary)
    check(int(state['quorum']) == QUORUM and int(state['num-other-sentinels']) == len(cluster.hosts) - 1,
          'the Sentinels run with quorum %s and %s other Sentinels, not quorum %d of %d'
          % (state['quorum'], state['num-other-sentinels'], QUORUM, len(cluster.hosts)))
    say('quorum %s, %d Sentinels' % (state['quorum'], len(cluster.hosts)))

    late = next(host for host in cluster.hosts if host is not primary)
    promoted = failover_with_two_sentinels(cluster, primary, late)
    late_sentinel_and_old_primary(cluster, primary, promoted, late)
    check(cluster.check_topology() is promoted,
          'the primary moved after the late Sentinel and the old primary returned')

    stopped = no_failover_with_one_sentinel(cluster, promoted)
    restore(cluster, promoted, stopped)
    # After the failovers, which the Sentinels wrote into their files.
    names_everywhere(cluster, promoted)


if __name__ == '__main__':
    main(quorum_checks)
