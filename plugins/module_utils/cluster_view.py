# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One view of one primary's cluster: what every Sentinel and every data
instance says, where the primary is, and which conditions hold.

This is the one place where the collection decides where the primary is:

* when Sentinels report one, the address more than half of the listed
  Sentinels report (a majority of all of them, not of those that answered:
  two Sentinels of five cannot outvote three that are unreachable);
* when no Sentinel reports one (none deployed yet, all stopped, or a wrong
  password), the one primary that the replicas among the data instances
  follow; when no instance follows another, the inventory's bootstrap
  primary (a new cluster). Anything else is unclear, and nothing is chosen
  behind Sentinel's back.

The reads are in look(); everything after is pure, so that the policy is
tested on recorded replies.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

from ansible_collections.redisops.sentinel.plugins.module_utils.addresses import same_endpoint
from ansible_collections.redisops.sentinel.plugins.module_utils.client import RedisModuleError, RedisServer
from ansible_collections.redisops.sentinel.plugins.module_utils.command_log import CommandLog
from ansible_collections.redisops.sentinel.plugins.module_utils.endpoints import format_address
from ansible_collections.redisops.sentinel.plugins.module_utils.replication import replication_state
from ansible_collections.redisops.sentinel.plugins.module_utils.reply_values import int_or_none
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (
    master_summary,
    read_master,
    replica_summary,
    reply_to_dict,
)

DOWN_FLAGS = ('s_down', 'o_down', 'disconnected')

# The conditions a caller can require or wait for, in the order they are reported.
CONDITIONS = (
    'sentinels_reachable',
    'majority',
    'unanimous',
    'ckquorum',
    'sentinels_know_each_other',
    'primary_known',
    'primary_in_inventory',
    'primary_healthy',
    'primary_is',
    'primary_is_not',
    'promotable_replica',
    'instances_reachable',
    'replicas_follow',
    'replicas_linked',
    'replicas_linked_unless_upgrading',
    'sentinels_see_replicas',
    'runs_binaries',
)
# Conditions about the data instances: they need the instances option.
INSTANCE_CONDITIONS = ('primary_in_inventory', 'instances_reachable', 'replicas_follow', 'replicas_linked',
                       'replicas_linked_unless_upgrading', 'sentinels_see_replicas')
# Conditions about the binaries that run: they need the binaries option.
BINARY_CONDITIONS = ('replicas_linked_unless_upgrading', 'runs_binaries')


def data_params(params):
    """The login options for the data instances: data_login_* where given."""
    params = dict(params)
    if params.get('data_login_user') is not None:
        params['login_user'] = params['data_login_user']
    if params.get('data_login_password') is not None:
        params['login_password'] = params['data_login_password']
    return params


def _endpoint_fields(endpoint):
    address = format_address(endpoint['host'], endpoint['port'])
    return dict(name=endpoint.get('name') or address, address=address, host=endpoint['host'],
                port=int(endpoint['port']))


def _connect(params, endpoint, commands):
    log = CommandLog(commands, '%s: ' % format_address(endpoint['host'], endpoint['port']))
    return RedisServer(params, host=endpoint['host'], port=int(endpoint['port']), log=log)


def _ask(server, *args):
    """A read that goes into the command log, as the module lists every command it sends."""
    server.log.record(args)
    return server.read(*args)


def sentinel_report(address, master):
    """The report of a Sentinel that answered with this SENTINEL MASTER summary (None: it does not monitor
    the name), for callers that read Sentinels themselves."""
    return dict(name=address, address=address, host=None, port=None, reachable=True, error=None,
                monitors=master is not None, master=master, replicas=[], ckquorum=dict(ok=False, message=None),
                executable=None, version=None)


def read_sentinel(params, endpoint, name, commands):
    """What one Sentinel says about name; unreachable is a report too."""
    report = dict(_endpoint_fields(endpoint), reachable=False, error=None, monitors=False, master=None,
                  replicas=[], ckquorum=dict(ok=False, message=None), executable=None, version=None)
    server = None
    try:
        server = _connect(params, endpoint, commands)
        server.log.record(('SENTINEL', 'MASTER', name))
        raw = read_master(server, name)
        report['reachable'] = True
        server.log.record(('INFO', 'server'))
        info = server.info('server')
        report.update(executable=info.get('executable') or None, version=str(info.get('redis_version', '')))
        if raw is None:
            return report
        report.update(monitors=True, master=master_summary(raw))
        report['replicas'] = [replica_summary(reply_to_dict(entry))
                              for entry in _ask(server, 'SENTINEL', 'REPLICAS', name)]
        try:
            report['ckquorum'] = dict(ok=True, message=_ask(server, 'SENTINEL', 'CKQUORUM', name))
        except RedisModuleError as exc:
            if exc.reply is None:
                raise
            report['ckquorum'] = dict(ok=False, message=exc.reply)
    except RedisModuleError as exc:
        report.update(reachable=False, error=str(exc))
    finally:
        if server:
            server.close()
    return report


def read_instance(params, endpoint, commands):
    """What one data instance says of its replication and its process; unreachable is a report too."""
    report = dict(_endpoint_fields(endpoint), reachable=False, error=None, role=None, primary_host=None,
                  primary_port=None, link_status=None, sync_in_progress=None, offset=None, executable=None,
                  version=None, process_id=None)
    server = None
    try:
        server = _connect(params, endpoint, commands)
        server.log.record(('INFO', 'replication'))
        state = replication_state(server.info('replication'))
        server.log.record(('INFO', 'server'))
        info = server.info('server')
        report.update(reachable=True, role=state['role'], primary_host=state['primary_host'],
                      primary_port=state['primary_port'], link_status=state['link_status'],
                      sync_in_progress=state['sync_in_progress'], offset=state['master_repl_offset'],
                      executable=info.get('executable') or None, version=str(info.get('redis_version', '')),
                      process_id=int_or_none(info.get('process_id')))
    except RedisModuleError as exc:
        report['error'] = str(exc)
    finally:
        if server:
            server.close()
    return report


def look(params, commands):
    """One round of reads: every Sentinel, then every data instance; then the view."""
    sentinels = [read_sentinel(params, endpoint, params['name'], commands) for endpoint in params['sentinels']]
    login = data_params(params)
    instances = [read_instance(login, endpoint, commands) for endpoint in params.get('instances') or []]
    return build_view(params['name'], sentinels, instances, params.get('bootstrap_primary'),
                      params.get('primary'), params.get('not_primary'), params.get('binaries'))


# ---------------------------------------------------------------- the policy

def agreement_of(sentinels):
    """What the listed Sentinels say about the primary's address: the most reported one, and by how many."""
    votes = []
    views = {}
    for report in sentinels:
        if not report['reachable']:
            continue
        master = report['master']
        views[report['address']] = (format_address(master['ip'], master['port']) if master else None)
        if master:
            for vote in votes:
                if same_endpoint(vote['host'], vote['port'], master['ip'], master['port']):
                    vote['count'] += 1
                    break
            else:
                votes.append(dict(host=master['ip'], port=master['port'], count=1))
    # Most votes first; equal votes are broken by address only to keep the answer stable.
    votes.sort(key=lambda vote: (-vote['count'], format_address(vote['host'], vote['port'])))
    top = votes[0] if votes else None
    listed = len(sentinels)
    answered = len([report for report in sentinels if report['reachable']])
    reported_by = top['count'] if top else 0
    return dict(
        address=format_address(top['host'], top['port']) if top else None,
        host=top['host'] if top else None,
        port=top['port'] if top else None,
        reported_by=reported_by,
        answered=answered,
        listed=listed,
        majority=reported_by * 2 > listed,
        unanimous=listed > 0 and reported_by == listed,
        ckquorum_ok=len([report for report in sentinels if report['ckquorum']['ok']]),
        views=views,
    )


def _find(entries, host, port, host_key='host', port_key='port'):
    for entry in entries:
        if entry.get(host_key) and entry.get(port_key) and same_endpoint(entry[host_key], entry[port_key], host, port):
            return entry
    return None


def describe_instance(instance):
    if not instance['reachable']:
        return 'no answer (%s)' % instance['error']
    if instance['role'] == 'primary':
        return 'primary'
    return 'replica of %s, link %s%s' % (format_address(instance['primary_host'], instance['primary_port']),
                                         instance['link_status'], ', syncing' if instance['sync_in_progress'] else '')


def describe_instances(instances):
    return '; '.join('%s (%s): %s' % (i['name'], i['address'], describe_instance(i)) for i in instances)


def _primary_from_instances(instances, bootstrap):
    """(host, port, source) when no Sentinel reports a primary, or (None, None, 'unclear')."""
    replicas = [i for i in instances if i['reachable'] and i['role'] == 'replica']
    followed = [i for i in instances if i['reachable'] and i['role'] == 'primary'
                and _find(replicas, i['host'], i['port'], 'primary_host', 'primary_port')]
    if len(followed) == 1:
        return followed[0]['host'], followed[0]['port'], 'instances'
    if not replicas and bootstrap:
        return bootstrap['host'], int(bootstrap['port']), 'bootstrap'
    return None, None, 'unclear'


def decide_primary(name, agreement, instances, bootstrap):
    """The primary as {name, host, port, address, in_inventory, source}, or None; and why not."""
    if agreement['reported_by'] > 0:
        if not agreement['majority']:
            return None, None
        host, port, source = agreement['host'], agreement['port'], 'sentinel'
    elif not instances:
        return None, None
    else:
        host, port, source = _primary_from_instances(instances, bootstrap)
        if host is None:
            return None, 'unclear'
    known = _find(instances, host, port)
    address = format_address(host, port)
    return dict(name=known['name'] if known else address, host=host, port=port, address=address,
                in_inventory=known is not None, source=source), None


def _replicas_of(view):
    primary = view['primary']
    return [i for i in view['instances'] if not primary or not same_endpoint(i['host'], i['port'], primary['host'],
                                                                             primary['port'])]


def _follows(instance, primary):
    return (instance['reachable'] and instance['role'] == 'replica' and primary is not None
            and same_endpoint(instance['primary_host'], instance['primary_port'], primary['host'], primary['port']))


def _linked(instance, primary):
    return _follows(instance, primary) and instance['link_status'] == 'up' and not instance['sync_in_progress']


def promotable(replica):
    """Whether Sentinel would promote this replica as it sees it now."""
    return (not set(replica['flags']) & set(DOWN_FLAGS) and replica['master_link_status'] == 'ok'
            and bool(replica['replica_priority']))


def _agreeing_sentinel(view):
    """The first Sentinel that reports the agreed primary (its view of the replicas counts)."""
    primary = view['primary']
    for report in view['sentinels']:
        master = report['master']
        if primary and master and same_endpoint(master['ip'], master['port'], primary['host'], primary['port']):
            return report
    return None


def _unreachable(reports):
    return '; '.join('%s: %s' % (r['address'], r['error']) for r in reports if not r['reachable']) or 'none'


def _none_reports(view):
    return 'no Sentinel reports a primary of %s (unreachable: %s)' % (view['name'], _unreachable(view['sentinels']))


def _check_sentinels_reachable(view):
    agreement = view['agreement']
    problem = '%d of the %d Sentinels answer (unreachable: %s)' % (agreement['answered'], agreement['listed'],
                                                                   _unreachable(view['sentinels']))
    return agreement['answered'] == agreement['listed'], problem


def _disagreement(view):
    agreement = view['agreement']
    return ('the most reported, %s, has %d of %d Sentinels. Their answers: %s; unreachable: %s'
            % (agreement['address'], agreement['reported_by'], agreement['listed'],
               json.dumps(agreement['views'], sort_keys=True), _unreachable(view['sentinels'])))


def _check_majority(view):
    agreement = view['agreement']
    if agreement['reported_by'] == 0:
        return False, _none_reports(view)
    return agreement['majority'], ('the Sentinels do not agree on the primary of %s: %s'
                                   % (view['name'], _disagreement(view)))


def _check_unanimous(view):
    agreement = view['agreement']
    return agreement['unanimous'], ('the Sentinels do not all agree on the primary of %s: %s'
                                    % (view['name'], _disagreement(view)))


def _check_ckquorum(view):
    agreement = view['agreement']
    answers = '; '.join('%s: %s' % (r['address'], r['ckquorum']['message'] if r['reachable'] and r['monitors']
                                    else (r['error'] or 'does not monitor %s' % view['name']))
                        for r in view['sentinels'] if not r['ckquorum']['ok'])
    return (agreement['listed'] > 0 and agreement['ckquorum_ok'] == agreement['listed'],
            '%d of the %d Sentinels answer OK to CKQUORUM (%s)' % (agreement['ckquorum_ok'], agreement['listed'],
                                                                   answers))


def _check_sentinels_know_each_other(view):
    others = len(view['sentinels']) - 1
    short = ['%s knows %s' % (r['address'], r['master']['num_other_sentinels'] if r['master'] else 'none')
             for r in view['sentinels'] if not r['master'] or r['master']['num_other_sentinels'] != others]
    return not short, 'not every Sentinel knows the %d others (%s)' % (others, ', '.join(short))


def _check_primary_known(view):
    primary = view['primary']
    if primary is None:
        if view['agreement']['reported_by'] > 0:
            return _check_majority(view)
        if view['undecided'] == 'unclear':
            return False, ('No Sentinel answered about %s (are they stopped, or is the Sentinel password wrong?), '
                           'and the data instances do not show one primary that the replicas follow, so none is '
                           'chosen behind Sentinel\'s back. What each instance answered: %s'
                           % (view['name'], describe_instances(view['instances'])))
        return False, _none_reports(view)
    if view['instances'] and not primary['in_inventory']:
        return _check_primary_in_inventory(view)
    return True, ''


def _check_primary_in_inventory(view):
    primary = view['primary']
    if primary is None:
        return _check_primary_known(view)
    return primary['in_inventory'], ('the primary of %s that the %s report, %s, is none of the data instances (%s)'
                                     % (view['name'], 'Sentinels' if primary['source'] == 'sentinel' else 'instances',
                                        primary['address'],
                                        ', '.join(i['address'] for i in view['instances']) or 'none listed'))


def _check_primary_healthy(view):
    troubled = ['%s flags it %s%s' % (r['address'], ','.join(r['master']['flags']),
                                      ', failover state %s' % r['master']['failover_state']
                                      if r['master']['failover_state'] not in (None, '', 'none') else '')
                for r in view['sentinels'] if r['master']
                and (set(r['master']['flags']) & set(DOWN_FLAGS)
                     or r['master']['failover_state'] not in (None, '', 'none'))]
    return not troubled, 'the primary is down or failing over (%s)' % '; '.join(troubled)


def _check_primary_is(view):
    wanted, primary = view['expected_primary'], view['primary']
    holds = bool(wanted and primary and same_endpoint(primary['host'], primary['port'], wanted['host'],
                                                      wanted['port']))
    return holds, 'the primary is %s, not %s' % (primary['address'] if primary else 'not agreed',
                                                 format_address(wanted['host'], wanted['port']) if wanted else '?')


def _check_primary_is_not(view):
    former, primary = view['former_primary'], view['primary']
    holds = bool(former and primary and not same_endpoint(primary['host'], primary['port'], former['host'],
                                                          former['port']))
    return holds, ('the primary is still %s' % primary['address'] if primary
                   else 'the Sentinels do not agree on a new primary yet: %s' % _disagreement(view))


def _check_promotable_replica(view):
    report = _agreeing_sentinel(view)
    if report is None:
        return False, 'no Sentinel reports the agreed primary, so none can name a replica to promote'
    if any(promotable(replica) for replica in report['replicas']):
        return True, ''
    return False, ('no replica is linked, up and promotable (replica-priority above 0) as Sentinel %s sees it (%s)'
                   % (report['address'], ', '.join('%s: %s, link %s, priority %s' % (
                       format_address(r['ip'], r['port']), ','.join(r['flags']), r['master_link_status'],
                       r['replica_priority']) for r in report['replicas']) or 'it knows none'))


def _check_instances_reachable(view):
    down = [i for i in view['instances'] if not i['reachable']]
    return not down, 'data instances do not answer: %s' % describe_instances(down)


def _check_replicas(view, test, what):
    primary = view['primary']
    if primary is None:
        return False, _check_primary_known(view)[1]
    wrong = [i for i in _replicas_of(view) if not test(i, primary)]
    return not wrong, 'not every data instance is %s %s: %s' % (what, primary['address'], describe_instances(wrong))


def _check_replicas_follow(view):
    return _check_replicas(view, _follows, 'a replica of')


def _check_replicas_linked(view):
    return _check_replicas(view, _linked, 'a linked replica of')


def _upgrading(instance, view):
    """A replica an interrupted upgrade leaves unlinked: it runs another binary than the primary, which runs the
    new one, and it cannot load the newer primary's data until it runs the new one too."""
    server = view['binaries']['server']
    primary = next((i for i in view['instances'] if i['is_primary']), None)
    return (primary is not None and primary['executable'] == server and instance['reachable']
            and instance['executable'] != server)


def _check_replicas_linked_unless_upgrading(view):
    def fine(instance, primary):
        return _linked(instance, primary) or (_follows(instance, primary) and _upgrading(instance, view))
    return _check_replicas(view, fine, 'a linked replica (or, running the old binary, a replica) of')


def _check_runs_binaries(view):
    binaries = view['binaries']
    stale = ['%s runs %s' % (i['name'], i['executable'] or 'nothing that answers') for i in view['instances']
             if i['executable'] != binaries['server']]
    stale += ['the Sentinel of %s runs %s' % (r['name'], r['executable'] or 'nothing that answers')
              for r in view['sentinels'] if r['executable'] != binaries['sentinel']]
    problem = 'not everything runs %s and %s: %s' % (binaries['server'], binaries['sentinel'], ', '.join(stale))
    return not stale, problem


def _check_sentinels_see_replicas(view):
    if view['primary'] is None:
        return _check_primary_known(view)
    missing = []
    for report in view['sentinels']:
        for instance in _replicas_of(view):
            known = _find(report['replicas'], instance['host'], instance['port'], 'ip')
            if not report['reachable'] or known is None or set(known['flags']) & set(DOWN_FLAGS):
                missing.append('%s sees %s as %s' % (report['address'], instance['name'],
                                                     ','.join(known['flags']) if known else 'no replica'))
    return not missing, 'not every Sentinel sees every replica up: %s' % '; '.join(missing)


CHECKS = dict(
    sentinels_reachable=_check_sentinels_reachable,
    majority=_check_majority,
    unanimous=_check_unanimous,
    ckquorum=_check_ckquorum,
    sentinels_know_each_other=_check_sentinels_know_each_other,
    primary_known=_check_primary_known,
    primary_in_inventory=_check_primary_in_inventory,
    primary_healthy=_check_primary_healthy,
    primary_is=_check_primary_is,
    primary_is_not=_check_primary_is_not,
    promotable_replica=_check_promotable_replica,
    instances_reachable=_check_instances_reachable,
    replicas_follow=_check_replicas_follow,
    replicas_linked=_check_replicas_linked,
    replicas_linked_unless_upgrading=_check_replicas_linked_unless_upgrading,
    sentinels_see_replicas=_check_sentinels_see_replicas,
    runs_binaries=_check_runs_binaries,
)


def build_view(name, sentinels, instances, bootstrap=None, expected_primary=None, former_primary=None,
               binaries=None):
    """The whole view from the reports: agreement, primary, each instance's place, and every condition."""
    agreement = agreement_of(sentinels)
    primary, undecided = decide_primary(name, agreement, instances, bootstrap)
    view = dict(name=name, sentinels=sentinels, instances=instances, agreement=agreement, primary=primary,
                undecided=undecided, expected_primary=expected_primary, former_primary=former_primary,
                binaries=binaries)
    for instance in instances:
        instance.update(is_primary=bool(primary and same_endpoint(instance['host'], instance['port'],
                                                                  primary['host'], primary['port'])),
                        follows_primary=_follows(instance, primary), linked=_linked(instance, primary))
    agreeing = _agreeing_sentinel(view)
    view['master'] = agreeing['master'] if agreeing else None
    view['promotable_replicas'] = ([format_address(r['ip'], r['port']) for r in agreeing['replicas'] if promotable(r)]
                                   if agreeing else [])
    replicas = _replicas_of(view) if primary else []
    view['linked_replicas'] = [i['name'] for i in replicas if i['linked']]
    view['unlinked_replicas'] = [i['name'] for i in replicas if not i['linked']]
    view['conditions'] = {}
    view['problems'] = []
    for condition in CONDITIONS:
        if condition in INSTANCE_CONDITIONS and not instances:
            continue
        if condition == 'primary_is' and expected_primary is None:
            continue
        if condition == 'primary_is_not' and former_primary is None:
            continue
        if condition in BINARY_CONDITIONS and binaries is None:
            continue
        holds, problem = CHECKS[condition](view)
        view['conditions'][condition] = holds
        if not holds and problem not in view['problems']:
            view['problems'].append(problem)
    return view


def unmet(view, conditions):
    """The problems of the given conditions that do not hold, each once, in the order of CONDITIONS."""
    problems = []
    for condition in CONDITIONS:
        if condition in conditions and not view['conditions'].get(condition, False):
            holds, problem = CHECKS[condition](view)
            if not holds and problem not in problems:
                problems.append(problem)
    return problems


def table(view):
    """The view as the lines of a table, for people."""
    row = '{:<16} {:<22} {:<8} {:<22} {:<5} {:>10}'
    lines = ['Data instances of %s' % view['name'], row.format('HOST', 'ADDRESS', 'ROLE', 'PRIMARY', 'LINK', 'OFFSET')]
    for i in view['instances']:
        if i['reachable']:
            lines.append(row.format(i['name'], i['address'], i['role'],
                                    format_address(i['primary_host'], i['primary_port'])
                                    if i['role'] == 'replica' else '-', i['link_status'] or '-', i['offset']))
        else:
            lines.append(row.format(i['name'], i['address'], 'DOWN', '-', '-', '-') + '  ' + i['error'])
    agreement = view['agreement']
    sentinel_row = '{:<16} {:<22} {:<22} {:>8} {:>9}  {}'
    lines.extend(['', 'Sentinels (the primary is agreed by %d of %d)' % (agreement['reported_by'], agreement['listed']),
                  sentinel_row.format('HOST', 'ADDRESS', 'PRIMARY', 'REPLICAS', 'SENTINELS', 'CKQUORUM')])
    for r in view['sentinels']:
        if not r['reachable']:
            lines.append(sentinel_row.format(r['name'], r['address'], 'DOWN', '-', '-', r['error']))
        elif not r['master']:
            lines.append(sentinel_row.format(r['name'], r['address'], 'not monitored', '-', '-', '-'))
        else:
            master = r['master']
            lines.append(sentinel_row.format(r['name'], r['address'], format_address(master['ip'], master['port']),
                                             master['num_slaves'], master['num_other_sentinels'],
                                             r['ckquorum']['message']))
    return lines


def summary(view):
    """One line saying where the cluster stands."""
    agreement = view['agreement']
    primary = view['primary']
    where = ('the primary is %s (%s)' % (primary['name'], primary['address']) if primary
             else 'no primary is agreed')
    line = ('%s: %s; %d of %d Sentinels report it, %d answer OK to CKQUORUM; %d of %d replicas linked'
            % (view['name'], where, agreement['reported_by'] if primary and primary['source'] == 'sentinel' else 0,
               agreement['listed'], agreement['ckquorum_ok'], len(view['linked_replicas']),
               len(view['linked_replicas']) + len(view['unlinked_replicas'])))
    binaries = view.get('binaries')
    if binaries:
        running = [i['executable'] == binaries['server'] for i in view['instances']]
        running += [r['executable'] == binaries['sentinel'] for r in view['sentinels']]
        line += '; %d of %d instances run %s and %s' % (
            sum(running), len(running), binaries['server'], binaries['sentinel'])
    return line
