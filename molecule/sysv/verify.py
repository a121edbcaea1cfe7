# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sysv: hosts without systemd, where the instances run under the LSB init
scripts the roles install (/etc/init.d/redis_6379 and /etc/init.d/sentinel_26379).

1. The init scripts of a replica's data instance and of a Sentinel: status
   (0 running, 3 stopped), a stop that really ends the process and closes the
   port, a start, a restart that changes the process id; the Sentinel keeps
   its myid and its view (primary, replicas, Sentinels) across stop/start and
   restart.
2. The default scenario's failover: the primary's container is killed, the
   Sentinels promote a replica, no acknowledged write is lost, the client
   reconnects. With no init system, `podman start` brings the host back with
   nothing running: the check starts both instances through their init
   scripts, as the operator of such hosts does; the old primary rejoins as a
   replica, its Sentinel keeps its myid and learns the new primary, and
   converging again changes nothing.
"""

import re
import subprocess
import time

import redis

from cluster import DATA_PORT, MASTER, SENTINEL_PORT, check, main, say, wait_until
from failover_checks import kill_primary_and_rejoin

DATA = 'redis_%d' % DATA_PORT
SENTINEL = 'sentinel_%d' % SENTINEL_PORT
LSB_RUNNING = 0
LSB_STOPPED = 3


def script(cluster, host, name, action, expect_rc=0):
    """/etc/init.d/<name> <action> on host, checking its exit code; returns (output, seconds)."""
    started = time.monotonic()
    rc, output = cluster.service(host, name, action)
    elapsed = time.monotonic() - started
    output = output.strip()
    check(rc == expect_rc, '/etc/init.d/%s %s on %s exited %d, expected %d: %s'
          % (name, action, host.name, rc, expect_rc, output))
    return output, elapsed


def running_pid(cluster, host, name):
    """The pid that `/etc/init.d/<name> status` reports (exit code 0), checked against ps."""
    output = script(cluster, host, name, 'status', LSB_RUNNING)[0]
    match = re.search(r'\(pid (\d+)\)', output)
    check(match, 'status of %s on %s names no pid: %s' % (name, host.name, output))
    pid = int(match.group(1))
    command = process_command(host, pid)
    check(command and ('redis-server' in command if name == DATA else 'redis-sentinel' in command),
          'pid %d of %s on %s is not the instance: %r' % (pid, name, host.name, command))
    return pid


def process_command(host, pid):
    """The command line of pid on host, or None when there is no such process (a zombie counts as one)."""
    completed = subprocess.run(['podman', 'exec', host.name, 'ps', '-o', 'stat=,args=', '-p', str(pid)],
                               capture_output=True, text=True, timeout=60, check=False)
    return completed.stdout.strip() or None


def refuses_connections(client):
    """Nothing answers on the instance's port. Right after `podman start` the
    host's address may not route yet, so a connect that times out counts too."""
    try:
        client.ping()
    except (redis.ConnectionError, redis.TimeoutError):
        return True
    return False


def sentinel_state(cluster, host):
    """What a Sentinel knows: its myid, the primary, the replicas and the other Sentinels it has."""
    client = cluster.sentinel(host)
    primary = client.execute_command('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER)
    replicas = client.execute_command('SENTINEL', 'REPLICAS', MASTER)
    sentinels = client.execute_command('SENTINEL', 'SENTINELS', MASTER)
    return {
        'myid': client.execute_command('SENTINEL', 'MYID'),
        'primary': '%s:%s' % tuple(primary),
        'replicas': sorted('%s:%s' % (replica['ip'], replica['port']) for replica in map(as_dict, replicas)),
        'sentinels': sorted('%s:%s/%s' % (other['ip'], other['port'], other['runid']) for other in map(as_dict, sentinels)),
    }


def as_dict(reply):
    """A SENTINEL REPLICAS/SENTINELS entry: redis-py gives a flat list of names and values (RESP2)."""
    if isinstance(reply, dict):
        return reply
    return dict(zip(reply[::2], reply[1::2]))


def stop_and_check(cluster, host, name, client):
    """stop through the init script: the process is gone (not a zombie), the port refuses, status says 3."""
    pid = running_pid(cluster, host, name)
    output, elapsed = script(cluster, host, name, 'stop')
    check(process_command(host, pid) is None, '%s on %s: pid %d still exists after stop: %s'
          % (name, host.name, pid, process_command(host, pid)))
    check(refuses_connections(client), '%s on %s still answers after stop' % (name, host.name))
    status = script(cluster, host, name, 'status', LSB_STOPPED)[0]
    again = script(cluster, host, name, 'stop')[0]
    say('%s on %s: stop took %.1f s (%r), pid %d is gone, the port refuses connections, status exits 3 (%r), '
        'a second stop exits 0 (%r)' % (name, host.name, elapsed, output, pid, status, again))
    return pid


def start_and_check(cluster, host, name, old_pid):
    output, elapsed = script(cluster, host, name, 'start')
    pid = running_pid(cluster, host, name)
    check(pid != old_pid, '%s on %s started with the old pid %d' % (name, host.name, pid))
    again = script(cluster, host, name, 'start')[0]
    check(running_pid(cluster, host, name) == pid, 'a second start of %s on %s changed its pid' % (name, host.name))
    say('%s on %s: start took %.1f s (%r), status exits 0 with pid %d, a second start leaves it (%r)'
        % (name, host.name, elapsed, output, pid, again))
    return pid


def restart_and_check(cluster, host, name):
    before = running_pid(cluster, host, name)
    output, elapsed = script(cluster, host, name, 'restart')
    after = running_pid(cluster, host, name)
    check(after != before, 'restart of %s on %s kept pid %d' % (name, host.name, before))
    check(process_command(host, before) is None, 'the old process %d of %s on %s is still there after restart'
          % (before, name, host.name))
    say('%s on %s: restart took %.1f s (%r), pid %d -> %d' % (name, host.name, elapsed, output, before, after))
    return after


def check_data_script(cluster, host, primary):
    """The data instance of a replica through /etc/init.d/redis_6379."""
    client = cluster.data(host)
    run_id = client.info('server')['run_id']
    pid = stop_and_check(cluster, host, DATA, client)
    pid = start_and_check(cluster, host, DATA, pid)
    wait_until(lambda: cluster.role(host) == ('slave', primary.ip, 'up'), 60,
               '%s to be a linked replica of %s again after start' % (host.name, primary.name))
    restarted_run_id = cluster.data(host).info('server')['run_id']
    check(restarted_run_id != run_id, 'the run_id of %s did not change across stop/start' % host.name)
    restart_and_check(cluster, host, DATA)
    wait_until(lambda: cluster.role(host) == ('slave', primary.ip, 'up'), 60,
               '%s to be a linked replica of %s again after restart' % (host.name, primary.name))
    check(cluster.data(host).info('server')['run_id'] != restarted_run_id,
          'the run_id of %s did not change across restart' % host.name)
    say('%s is a linked replica of %s after stop, start and restart' % (host.name, primary.name))


def check_sentinel_script(cluster, host):
    """A Sentinel through /etc/init.d/sentinel_26379: it keeps its myid and its view."""
    def complete_view():
        state = sentinel_state(cluster, host)
        others = len(cluster.hosts) - 1
        return state if len(state['replicas']) == others and len(state['sentinels']) == others else None

    before = wait_until(complete_view, 30, 'the Sentinel of %s to know every replica and Sentinel' % host.name)
    say('Sentinel of %s before: myid %s, primary %s, replicas %s, %d other Sentinels'
        % (host.name, before['myid'], before['primary'], ', '.join(before['replicas']), len(before['sentinels'])))

    def same_view():
        state = sentinel_state(cluster, host)
        return state if state == before else None

    pid = stop_and_check(cluster, host, SENTINEL, cluster.sentinel(host))
    start_and_check(cluster, host, SENTINEL, pid)
    after = wait_until(same_view, 30, 'the Sentinel of %s to come back with the same myid and view' % host.name)
    say('Sentinel of %s after stop and start: same myid %s, primary, %d replicas and %d Sentinels'
        % (host.name, after['myid'], len(after['replicas']), len(after['sentinels'])))
    restart_and_check(cluster, host, SENTINEL)
    after = wait_until(same_view, 30, 'the Sentinel of %s to restart with the same myid and view' % host.name)
    say('Sentinel of %s after restart: same myid %s, primary, %d replicas and %d Sentinels'
        % (host.name, after['myid'], len(after['replicas']), len(after['sentinels'])))


def start_by_hand(cluster, host):
    """After `podman start` of a host without an init system nothing runs: a killed
    instance leaves its pidfile, so LSB status says 1 (dead, pidfile remains) or 3;
    the operator starts both instances through their init scripts."""
    for name, client in ((DATA, cluster.data(host)), (SENTINEL, cluster.sentinel(host))):
        rc, output = cluster.service(host, name, 'status')
        check(rc in (1, LSB_STOPPED), 'status of %s on the restarted %s exited %d: %s' % (name, host.name, rc, output))
        check(refuses_connections(client), '%s on the restarted %s answers before being started' % (name, host.name))
        say('%s on the restarted %s is not running: status exits %d (%s)' % (name, host.name, rc, output.strip()))
    for name in (DATA, SENTINEL):
        output, elapsed = script(cluster, host, name, 'start')
        say('%s on %s started through its init script in %.1f s (%s)' % (name, host.name, elapsed, output))


def sentinel_kept_its_myid(myid_before):
    """A check for after the rejoin: the old primary's Sentinel has its old myid and reports the new primary."""
    def check_myid(cluster, old_primary, promoted):
        wait_until(lambda: cluster.sentinel_views([old_primary])[old_primary.name] == promoted.ip, 60,
                   'the Sentinel of %s to learn the new primary' % old_primary.name)
        myid = cluster.sentinel(old_primary).execute_command('SENTINEL', 'MYID')
        check(myid == myid_before, 'the Sentinel of %s came back with myid %s instead of %s'
              % (old_primary.name, myid, myid_before))
        say('the Sentinel of %s kept its myid %s and reports the new primary %s'
            % (old_primary.name, myid, promoted.name))
    return check_myid


def checks(cluster):
    primary = cluster.check_topology()
    replica = [host for host in cluster.hosts if host is not primary][0]
    check_data_script(cluster, replica, primary)
    check_sentinel_script(cluster, replica)
    myid = cluster.sentinel(primary).execute_command('SENTINEL', 'MYID')
    kill_primary_and_rejoin(cluster, bring_back=start_by_hand, after_rejoin=sentinel_kept_its_myid(myid))
    cluster.check_topology()


if __name__ == '__main__':
    main(checks)
