# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A planned move of the primary role through Sentinel that loses no
acknowledged write.

Any Sentinel failover loses the writes the old primary acknowledges after the
replica it promotes stopped receiving them. A planned one need not:

1. check that every Sentinel reports the same primary, and that the candidate
   replicas are linked, acknowledged recently and promotable;
2. with a chosen replica, keep the others out of Sentinel's election
   (replica-priority 0, until the Sentinel that fails over has seen it);
3. pause writes on the old primary (CLIENT PAUSE ... WRITE, bounded, renewed
   while the move goes on, so that it never outlives this process by long);
   Just before the pause, wait for the moment in the failing-over Sentinel's
   INFO reads of the candidate that makes the pause short (see
   align_with_info_reads);
4. wait until every candidate has the old primary's replication offset;
5. SENTINEL FAILOVER, and wait until every Sentinel reports the new primary;
6. make the old primary a replica of it (what Sentinel does some seconds
   later anyway), so that it can no longer acknowledge a write;
7. lift the pause: the blocked clients get READONLY and find the new
   primary through Sentinel. Priorities are restored whatever happened.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import same_endpoint
from ansible_collections.redisops.sentinel.plugins.module_utils.client import RedisModuleError, RedisServer
from ansible_collections.redisops.sentinel.plugins.module_utils.cluster_view import (
    DOWN_FLAGS,
    build_view,
    data_params,
    sentinel_report,
    unmet,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.command_log import CommandLog
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import format_address
from ansible_collections.redisops.sentinel.plugins.module_utils.replication import replication_state
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (
    master_summary,
    read_master,
    replica_summary,
    reply_to_dict,
    request_failover,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.waiting import WaitTimeout, wait_for

# How often the module looks while writes are paused (seconds): the pause
# lasts until the last look that sees the move done.
PAUSED_POLL = 0.005
IDLE_POLL = 0.2

# Sentinel learns that the replica it promoted is a primary only from its next
# INFO reply of it: it reads a replica's INFO every 10 s, and every second once
# a failover of its primary is in progress (sentinelSendPeriodicCommands).
# Started at a random moment, the failover's first timer tick reads INFO at
# once, before the promotion (REPLICAOF NO ONE goes out on the third tick of
# Sentinel's 10-20 Hz timer, within 0.3 s), and the read that sees it comes a
# second later: writes stay paused about 1.1 s. Started INFO_PHASE seconds
# after Sentinel's last INFO reply of the candidate, the first tick reads
# nothing and the next read comes 1 - INFO_PHASE s after the start, after the
# promotion: writes stay paused about 0.6 s.
INFO_PHASE = 0.55
# The longest wait for that moment: Sentinel's INFO period of 10 s and a tick.
INFO_ALIGN_LIMIT = 11.0
INFO_ALIGN_POLL = 0.1


class SwitchoverRefused(RedisModuleError):
    """The switchover cannot be done safely; nothing was changed."""


class Clock:
    """The module's deadline, on the monotonic clock."""

    def __init__(self, timeout):
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout

    def left(self):
        return self.deadline - time.monotonic()


class Cluster:
    """Connections to the Sentinels and data instances of one primary, sharing one command log."""

    def __init__(self, params, commands):
        self.params = params
        self.data_params = data_params(params)
        self.commands = commands
        self.name = params['name']
        self.servers = {}
        self.sentinels = []
        unreachable = []
        for endpoint in params['sentinels']:
            try:
                self.sentinels.append(self._connect(params, endpoint['host'], endpoint['port']))
            except RedisModuleError as exc:
                unreachable.append(str(exc))
        wanted = params.get('min_sentinels') or len(params['sentinels'])
        if len(self.sentinels) < wanted:
            self.close()
            raise SwitchoverRefused('%d of the %d Sentinels answer, fewer than the %d needed (%s); nothing was changed'
                                    % (len(self.sentinels), len(params['sentinels']), wanted, '; '.join(unreachable)))

    def _connect(self, params, host, port):
        log = CommandLog(self.commands, '%s: ' % format_address(host, port))
        return RedisServer(params, host=host, port=port, log=log)

    def data(self, host, port):
        """The connection to a data instance, opened once."""
        key = (host, int(port))
        if key not in self.servers:
            self.servers[key] = self._connect(self.data_params, host, int(port))
        return self.servers[key]

    @property
    def leader(self):
        """The Sentinel that carries out the failover: the last one that answers.

        Clients ask the Sentinels in their listed order. The others take the
        new primary from the leader's hello messages as soon as it has seen
        the promotion, while the leader itself reports it in SENTINEL MASTERS
        only once every replica is reconfigured, a second or more later: a
        client that asks the first Sentinel finds the new primary sooner.
        """
        return self.sentinels[-1]

    def current_addresses(self):
        """SENTINEL GET-MASTER-ADDR-BY-NAME of each Sentinel: what clients are told the primary is now.

        Unlike SENTINEL MASTER, the leader answers with the promoted replica as soon as it saw it promoted.
        """
        addresses = []
        for sentinel in self.sentinels:
            reply = sentinel.read('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', self.name)
            addresses.append((reply[0], int(reply[1])) if reply else (None, None))
        return addresses

    def views(self):
        """Each Sentinel's summary of the primary, in the order of sentinels."""
        views = []
        for sentinel in self.sentinels:
            raw = read_master(sentinel, self.name)
            if raw is None:
                raise SwitchoverRefused('Sentinel %s does not monitor %s; nothing was changed'
                                        % (sentinel.address, self.name))
            views.append(master_summary(raw))
        return views

    def replicas(self, sentinel):
        return [replica_summary(reply_to_dict(entry)) for entry in sentinel.read('SENTINEL', 'REPLICAS', self.name)]

    def close(self):
        for server in self.sentinels + list(self.servers.values()):
            server.close()


def agreed_primary(cluster, views):
    """The one primary every Sentinel reports, healthy and not failing over; SwitchoverRefused otherwise.

    views: each Sentinel's SENTINEL MASTER summary, in the order of cluster.sentinels. The policy is
    cluster_view's, the one of every module and role.
    """
    reports = [sentinel_report(sentinel.address, view) for sentinel, view in zip(cluster.sentinels, views)]
    view = build_view(cluster.name, reports, [])
    problems = unmet(view, ['unanimous', 'primary_healthy'])
    if problems:
        raise SwitchoverRefused('%s; nothing was changed' % '; '.join(problems))
    return dict(host=view['primary']['host'], port=view['primary']['port'])


def _find(entries, host, port, host_key='ip', port_key='port'):
    for entry in entries:
        if entry.get(host_key) and entry.get(port_key) and same_endpoint(entry[host_key], entry[port_key], host, port):
            return entry
    return None


def replica_problems(known, primary_state, max_lag):
    """Why Sentinel would not, or should not, promote this replica now (empty when it can)."""
    problems = []
    flags = set(known['flags']) & set(DOWN_FLAGS)
    if flags:
        problems.append('Sentinel flags it %s' % ','.join(sorted(flags)))
    # Not Sentinel's master_link_status: Sentinel reads a replica's INFO every 10 s, so a link that came back
    # may still show err there, and Sentinel promotes such a replica anyway. The primary's own list says now.
    if not known['replica_priority']:
        problems.append('its replica-priority is 0 (never promoted)')
    linked = _find(primary_state['replicas'], known['ip'], known['port'])
    if linked is None:
        problems.append('the primary does not list it among its replicas')
    else:
        if linked['state'] != 'online':
            problems.append('the primary reports it %s' % linked['state'])
        if linked['lag'] is None or linked['lag'] > max_lag:
            problems.append('it acknowledged %s s ago (max_lag %s)' % (linked['lag'], max_lag))
    return problems


def info_phase_delay(info_refresh_ms):
    """Seconds to wait before the pause, given the ms since Sentinel's last INFO of the candidate.

    None when that moment has passed in this INFO period (look again later).
    """
    if info_refresh_ms is None:
        # A Sentinel that does not tell: start at once.
        return 0.0
    since = info_refresh_ms / 1000.0
    if since > INFO_PHASE:
        return None
    return round(INFO_PHASE - since, 3)


def sentinel_choice(replicas):
    """The replica Sentinel promotes among these, all caught up: sentinelSelectSlave's order.

    The lowest replica-priority, then the greatest offset (equal once writes are paused and every
    candidate caught up), then the smallest run id (a replica without one last).
    """
    return sorted(replicas, key=lambda r: (r['replica_priority'], r['runid'] is None,
                                           (r['runid'] or '').lower()))[0]


class Plan:
    """Who becomes the primary, and who is kept out of the election."""

    def __init__(self, primary, candidates, excluded, refusals):
        self.primary = primary
        self.candidates = candidates
        self.excluded = excluded
        self.refusals = refusals


def priorities_as_they_are(cluster, wait, timeout=INFO_ALIGN_LIMIT):
    """The failing-over Sentinel's replicas, once it sees each one's replica-priority as the replica has it.

    Sentinel reads a replica's INFO every 10 s and elects by what it read: a priority changed
    meanwhile (restored after a previous switchover, set by hand) must be seen before the plan
    relies on it. A replica that does not answer keeps Sentinel's view (the plan refuses it
    anyway). wait=False (check mode) looks once.
    """
    def look():
        known = cluster.replicas(cluster.leader)
        stale = []
        for replica in known:
            if set(replica['flags']) & set(DOWN_FLAGS):
                continue
            try:
                actual = int(cluster.data(replica['ip'], replica['port']).config_value('replica-priority'))
            except (RedisModuleError, ValueError):
                continue
            if actual != replica['replica_priority']:
                stale.append('%s has %s, Sentinel sees %s' % (format_address(replica['ip'], replica['port']),
                                                              actual, replica['replica_priority']))
        return known, stale

    try:
        known, _stale = wait_for(look, lambda state: not state[1], timeout, 'Sentinel %s seeing the replicas\' '
                                 'replica-priority as they are' % cluster.leader.address,
                                 lambda state: '; '.join(state[1]), interval=IDLE_POLL, wait=wait)
    except WaitTimeout as exc:
        raise SwitchoverRefused('%s; nothing was changed' % exc)
    return known


def plan(cluster, params, wait=True):
    views = cluster.views()
    primary = agreed_primary(cluster, views)
    moving_from = params.get('from_host')
    if moving_from is not None and not same_endpoint(primary['host'], primary['port'], moving_from,
                                                     params['from_port']):
        # The primary is elsewhere already: nothing to move away from.
        return None, primary
    target = None
    if params['to_host'] is not None:
        target = dict(host=params['to_host'], port=params['to_port'])
        if same_endpoint(target['host'], target['port'], primary['host'], primary['port']):
            return None, primary
    primary_state = replication_state(cluster.data(primary['host'], primary['port']).info('replication'))
    if primary_state['role'] != 'primary':
        raise SwitchoverRefused('the Sentinels report %s as the primary, but it is a replica; nothing was changed'
                                % format_address(primary['host'], primary['port']))
    known = priorities_as_they_are(cluster, wait)
    refusals = {}
    eligible = []
    for replica in known:
        problems = replica_problems(replica, primary_state, params['max_lag'])
        if problems:
            refusals[format_address(replica['ip'], replica['port'])] = problems
        else:
            eligible.append(replica)
    if target is not None:
        chosen = _find(known, target['host'], target['port'])
        if chosen is None:
            raise SwitchoverRefused('%s is not a replica of %s that Sentinel %s knows (it knows %s); nothing was '
                                    'changed' % (format_address(target['host'], target['port']), cluster.name,
                                                 cluster.leader.address,
                                                 ', '.join(format_address(r['ip'], r['port']) for r in known) or 'none'))
        problems = refusals.get(format_address(chosen['ip'], chosen['port']))
        if problems:
            raise SwitchoverRefused('%s cannot be promoted now: %s; nothing was changed'
                                    % (format_address(chosen['ip'], chosen['port']), '; '.join(problems)))
    else:
        if not eligible:
            raise SwitchoverRefused('no replica of %s can be promoted now (%s); nothing was changed' % (
                cluster.name, '; '.join('%s: %s' % (where, ', '.join(problems))
                                        for where, problems in sorted(refusals.items())) or 'Sentinel knows none'))
        if not params.get('short_pause', True) or len(eligible) == 1:
            return Plan(primary, eligible, [], refusals), primary
        # The short pause is timed to Sentinel's reads of one replica: name the one Sentinel itself would
        # choose, and keep the others out of the election as for a chosen one.
        chosen = sentinel_choice(eligible)
    excluded = [replica for replica in known if replica is not chosen and replica['replica_priority']]
    return Plan(primary, [chosen], excluded, refusals), primary


class WritePause:
    """CLIENT PAUSE ... WRITE on the old primary, renewed so that it lasts exactly as long as the move.

    Each pause ends by itself after pause_timeout milliseconds: if this
    process dies, the primary takes writes again within that time.
    """

    def __init__(self, server, pause_timeout):
        self.server = server
        self.pause_ms = pause_timeout
        self.started = None
        self.renewed = None
        self.ended = None
        self.lapsed = False

    def start(self):
        self.server.change('CLIENT', 'PAUSE', self.pause_ms, 'WRITE')
        self.started = self.renewed = time.monotonic()

    def keep(self):
        """Renew the pause when a third of it has gone; note whether it ran out meanwhile."""
        now = time.monotonic()
        if now - self.renewed >= self.pause_ms / 1000.0:
            self.lapsed = True
        if now - self.renewed >= self.pause_ms / 3000.0:
            # Renewals are the same command as the start: logged once.
            self.server.read('CLIENT', 'PAUSE', self.pause_ms, 'WRITE')
            self.renewed = time.monotonic()

    def end(self):
        if self.started is None or self.ended is not None:
            return
        self.server.change('CLIENT', 'UNPAUSE')
        self.ended = time.monotonic()

    @property
    def seconds(self):
        if self.started is None:
            return 0.0
        return round((self.ended or time.monotonic()) - self.started, 3)


def replica_offset(server):
    info = server.info('replication')
    return int(info.get('slave_repl_offset') or info.get('master_repl_offset') or 0)


class Switchover:
    """The move itself, once plan() found it safe; params are the module's."""

    def __init__(self, params, cluster, the_plan, clock, warnings):
        self.params = params
        self.cluster = cluster
        self.plan = the_plan
        self.clock = clock
        self.warnings = warnings
        self.primary_server = cluster.data(the_plan.primary['host'], the_plan.primary['port'])
        self.pause = WritePause(self.primary_server, self.params['pause_timeout'])
        self.priorities = []
        self.failover_sent = False
        self.offset = None
        # Whether the failover started at the chosen moment of Sentinel's INFO reads (align_with_info_reads).
        self.info_aligned = False
        # Seconds from the start of the pause to the end of each step.
        self.steps = {}

    def step(self, name):
        if self.pause.started is not None:
            self.steps[name] = round(time.monotonic() - self.pause.started, 3)

    def wait(self, what, check, paused, timeout=None):
        """Call check() until it returns a value, renewing the pause; the error carries the last state."""
        deadline = time.monotonic() + min(timeout if timeout is not None else self.clock.left(), self.clock.left())
        while True:
            value, state = check()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise RedisModuleError('%s did not happen in time; last seen: %s' % (what, state))
            if paused:
                self.pause.keep()
                time.sleep(PAUSED_POLL)
            else:
                time.sleep(IDLE_POLL)

    def exclude_others(self):
        """replica-priority 0 on the replicas that must not win, until the failing-over Sentinel has seen it."""
        for replica in self.plan.excluded:
            server = self.cluster.data(replica['ip'], replica['port'])
            original = server.config_value('replica-priority')
            server.change('CONFIG', 'SET', 'replica-priority', '0')
            self.priorities.append((server, original))
        if not self.plan.excluded:
            return

        def seen():
            known = self.cluster.replicas(self.cluster.leader)
            pending = [format_address(r['ip'], r['port']) for r in self.plan.excluded
                       if (_find(known, r['ip'], r['port']) or {}).get('replica_priority') != 0]
            return not pending, 'Sentinel %s still sees a priority above 0 on %s' % (
                self.cluster.leader.address, ', '.join(pending))
        # Sentinel reads replicas' INFO every 10 s.
        self.wait('Sentinel seeing replica-priority 0 on the replicas not chosen', seen, paused=False)

    def align_with_info_reads(self):
        """Return INFO_PHASE s after the failing-over Sentinel's last INFO reply of the one candidate.

        See INFO_PHASE. Only a wait before the pause: when the moment does not come within one INFO
        period, the switchover goes on without it (writes then pause about a second).
        """
        if not self.params.get('short_pause', True) or len(self.plan.candidates) != 1:
            return
        candidate = self.plan.candidates[0]
        deadline = time.monotonic() + min(INFO_ALIGN_LIMIT, self.clock.left() / 2)
        while time.monotonic() < deadline:
            known = _find(self.cluster.replicas(self.cluster.leader), candidate['ip'], candidate['port']) or {}
            delay = info_phase_delay(known.get('info_refresh'))
            if delay is not None:
                time.sleep(delay)
                self.info_aligned = True
                return
            time.sleep(INFO_ALIGN_POLL)

    def catch_up(self):
        """Pause writes, then wait until every candidate has the primary's offset."""
        self.pause.start()
        self.offset = replication_state(self.primary_server.info('replication'))['master_repl_offset']
        servers = [(self.cluster.data(c['ip'], c['port']), c) for c in self.plan.candidates]

        def caught_up():
            behind = [(server.address, replica_offset(server)) for server, _c in servers]
            behind = [(where, offset) for where, offset in behind if offset < self.offset]
            return not behind, 'the primary at offset %s, %s' % (self.offset, ', '.join(
                '%s at %s' % item for item in behind))
        self.wait('every candidate reaching the offset of the paused primary', caught_up, paused=True,
                  timeout=self.params['catch_up_timeout'])
        self.step('caught_up')

    def fail_over(self):
        if self.pause.lapsed:
            raise RedisModuleError('the write pause ran out before the failover could start (pause_timeout %s ms '
                                   'is too short for this network)' % self.params['pause_timeout'])
        sentinel = self.cluster.leader

        def accepted():
            refusal = request_failover(sentinel, self.cluster.name)
            return refusal is None, 'Sentinel %s answers %s' % (sentinel.address, refusal)
        # Bounded as the catch-up: a Sentinel that finds no replica to promote (NOGOODSLAVE) must not keep
        # writes paused for the whole timeout.
        self.wait('Sentinel %s accepting the failover' % sentinel.address, accepted, paused=True,
                  timeout=self.params['catch_up_timeout'])
        self.failover_sent = True
        self.step('failover_accepted')
        candidates = [self.cluster.data(c['ip'], c['port']) for c in self.plan.candidates]
        others = [self.cluster.data(r['ip'], r['port']) for r in self.plan.excluded]

        def primaries(servers):
            masters = []
            for server in servers:
                try:
                    if server.info('replication').get('role') == 'master':
                        masters.append(server.address)
                except RedisModuleError as exc:
                    # Sentinel's promotion ends with CLIENT KILL TYPE normal on the promoted replica: a
                    # connection it closed is not a failure; the next look connects again.
                    if exc.reply is not None:
                        raise
            return masters

        def promotion():
            promoted = primaries(candidates)
            if promoted:
                return promoted, None
            wrong = primaries(others)
            if wrong:
                raise RedisModuleError('Sentinel promoted %s, which was to be kept out of the election'
                                       % ', '.join(wrong))
            return [], 'no candidate is a primary yet'
        self.wait('Sentinel promoting a replica', promotion, paused=True)
        self.step('replica_promoted')

        def all_report_new_primary():
            addresses = self.cluster.current_addresses()
            host, port = addresses[0]
            promoted = host is not None and _find(self.plan.candidates, host, port)
            same = all(h is not None and same_endpoint(h, p, host, port) for h, p in addresses)
            return (dict(host=host, port=port) if promoted and same else None,
                    ', '.join('%s reports %s' % (sentinel.address, format_address(h, p) if h else 'no primary')
                              for sentinel, (h, p) in zip(self.cluster.sentinels, addresses)))
        new_primary = self.wait('every Sentinel reporting a new primary', all_report_new_primary, paused=True)
        self.step('sentinels_agree')
        return new_primary

    def demote_old_primary(self, new_primary):
        """The old primary follows the new one before its clients run again, as Sentinel would make it later."""
        state = replication_state(self.primary_server.info('replication'))
        if state['role'] == 'primary':
            self.primary_server.change('REPLICAOF', new_primary['host'], new_primary['port'])
        self.step('old_primary_demoted')

    def restore(self):
        """Lift the pause and restore the priorities; whatever fails here becomes a warning."""
        try:
            self.pause.end()
            self.step('unpaused')
        except RedisModuleError as exc:
            self.warnings.append('could not lift the write pause (it ends by itself within %s ms): %s'
                                 % (self.params['pause_timeout'], exc))
        for server, original in self.priorities:
            try:
                server.change('CONFIG', 'SET', 'replica-priority', original)
                # Sentinel's reconfiguration (SLAVEOF, then CONFIG REWRITE) may have written the 0 into the
                # config file meanwhile: a restart must not find it there.
                server.change('CONFIG', 'REWRITE')
            except RedisModuleError as exc:
                self.warnings.append('could not restore replica-priority %s on %s: %s' % (original, server.address,
                                                                                          exc))

    def run(self):
        try:
            self.exclude_others()
            self.align_with_info_reads()
            self.catch_up()
            new_primary = self.fail_over()
            self.demote_old_primary(new_primary)
        except RedisModuleError as exc:
            if self.failover_sent:
                exc = RedisModuleError('%s. The failover was started: the old primary takes writes again now, and '
                                       'Sentinel may still complete the move' % exc)
            else:
                exc = RedisModuleError('%s. No failover was started; the pause was lifted and the priorities '
                                       'restored' % exc)
            raise exc
        finally:
            self.restore()
        if self.pause.lapsed:
            self.warnings.append('the write pause ran out during the move: writes acknowledged by the old primary '
                                 'meanwhile may be lost (raise pause_timeout)')
        # Clients are told the new primary already; the Sentinel that fails over still reconfigures the
        # other replicas and ends the failover (+switch-master) a second or two later. Waiting for that,
        # with writes flowing again, returns a settled cluster: a next switchover, a restart, a check find
        # no failover in progress.
        self.wait('the failover ending on every Sentinel', lambda: self._failover_ended(new_primary), paused=False)
        self.step('failover_ended')
        if self.params.get('wait_for_old_primary', True):
            # The old primary is a replica now; its first sync from the new one is quick (same history).
            self.wait('the old primary linking to the new one', lambda: self._linked(new_primary), paused=False)
        return new_primary

    def _failover_ended(self, new_primary):
        views = self.cluster.views()
        ended = all(same_endpoint(view['ip'], view['port'], new_primary['host'], new_primary['port'])
                    and view['failover_state'] in (None, '', 'none') and 'failover_in_progress' not in view['flags']
                    for view in views)
        seen = ['%s reports %s, failover state %s' % (sentinel.address, format_address(view['ip'], view['port']),
                                                      view['failover_state'])
                for sentinel, view in zip(self.cluster.sentinels, views)]
        return ended, ', '.join(seen)

    def _linked(self, new_primary):
        state = replication_state(self.primary_server.info('replication'))
        linked = (state['role'] == 'replica' and state['link_status'] == 'up'
                  and same_endpoint(state['primary_host'], state['primary_port'], new_primary['host'],
                                    new_primary['port']))
        return linked, 'the old primary is a %s of %s:%s, link %s' % (
            state['role'], state['primary_host'], state['primary_port'], state['link_status'])
