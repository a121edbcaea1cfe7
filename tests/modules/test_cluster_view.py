# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the primary is, and which conditions hold, decided on recorded
replies (plugins/module_utils/cluster_view.py): Redis 7.0's SENTINEL MASTER and
SENTINEL REPLICAS of three Sentinels, and INFO replication of three data
instances, a primary on 7000 and replicas on 7001 and 7002."""

import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils.cluster_view import (  # noqa: E402
    build_view,
    summary,
    table,
    unmet,
)
from ansible_collections.redisops.sentinel.plugins.filter.drill_report import drill_report  # noqa: E402
from ansible.errors import AnsibleFilterError  # noqa: E402
from ansible_collections.redisops.sentinel.plugins.module_utils.sentinel import (  # noqa: E402
    master_summary,
    replica_summary,
)

MASTER_REPLY = {'name': 'mymaster', 'ip': '127.0.0.1', 'port': '7000', 'flags': 'master', 'num-slaves': '2',
                'num-other-sentinels': '2', 'quorum': '2', 'config-epoch': '3', 'failover-state': 'none',
                'down-after-milliseconds': '5000'}
CKQUORUM_OK = 'OK 3 usable Sentinels. Quorum and failover authorization can be reached'
DATA_PORTS = (7000, 7001, 7002)
SENTINEL_PORTS = (26379, 26380, 26381)


def replica_reply(port, **changes):
    reply = {'name': '127.0.0.1:%d' % port, 'ip': '127.0.0.1', 'port': str(port), 'flags': 'slave',
             'master-link-status': 'ok', 'master-host': '127.0.0.1', 'master-port': '7000', 'slave-priority': '100',
             'slave-repl-offset': '52830'}
    reply.update(changes)
    return reply


def sentinel(index, master=None, reachable=True, ckquorum=True, replicas=None, monitors=True):
    """The report of the Sentinel on SENTINEL_PORTS[index], from recorded replies."""
    port = SENTINEL_PORTS[index]
    report = dict(name='s%d' % (index + 1), address='127.0.0.1:%d' % port, host='127.0.0.1', port=port,
                  reachable=reachable, error=None if reachable else 'Cannot connect to 127.0.0.1:%d: refused' % port,
                  monitors=reachable and monitors, master=None, replicas=[],
                  ckquorum=dict(ok=reachable and ckquorum, message=CKQUORUM_OK if ckquorum else 'NOQUORUM 1 usable'),
                  executable='/opt/redis/7.0.15/bin/redis-sentinel' if reachable else None,
                  version='7.0.15' if reachable else None)
    if reachable and monitors:
        reply = dict(MASTER_REPLY)
        reply.update(master or {})
        report['master'] = master_summary(reply)
        primary_port = int(reply['port'])
        report['replicas'] = [replica_summary(reply) for reply in
                              (replicas if replicas is not None else
                               [replica_reply(p, **{'master-port': str(primary_port)})
                                for p in DATA_PORTS if p != primary_port])]
    return report


def instance(port, role='replica', primary_port=7000, link='up', reachable=True, syncing=False):
    """The report of the data instance on port, from INFO replication and INFO server."""
    report = dict(name='db%d' % (DATA_PORTS.index(port) + 1), address='127.0.0.1:%d' % port, host='127.0.0.1',
                  port=port, reachable=reachable, error=None if reachable else 'Cannot connect', role=None,
                  primary_host=None, primary_port=None, link_status=None, sync_in_progress=None, offset=None,
                  executable=None, version=None, process_id=None)
    if reachable:
        report.update(role=role, offset=52830, executable='/opt/redis/7.0.15/bin/redis-server', version='7.0.15',
                      process_id=4242 + port)
        if role == 'replica':
            report.update(primary_host='127.0.0.1', primary_port=primary_port, link_status=link,
                          sync_in_progress=syncing)
    return report


def healthy_instances(primary_port=7000):
    return [instance(port, 'primary' if port == primary_port else 'replica', primary_port) for port in DATA_PORTS]


def healthy(**options):
    return build_view('mymaster', [sentinel(i) for i in range(3)], healthy_instances(), **options)


ALL_BUT_TARGETS = ('sentinels_reachable', 'majority', 'unanimous', 'ckquorum', 'sentinels_know_each_other',
                   'primary_known', 'primary_in_inventory', 'primary_healthy', 'promotable_replica',
                   'instances_reachable', 'replicas_follow', 'replicas_linked', 'sentinels_see_replicas')


def test_a_healthy_cluster_meets_every_condition_and_names_the_inventory_host():
    view = healthy()
    assert view['primary'] == dict(name='db1', host='127.0.0.1', port=7000, address='127.0.0.1:7000',
                                   in_inventory=True, source='sentinel')
    assert all(view['conditions'][condition] for condition in ALL_BUT_TARGETS), view['problems']
    assert view['problems'] == []
    assert view['linked_replicas'] == ['db2', 'db3'] and view['unlinked_replicas'] == []
    assert view['promotable_replicas'] == ['127.0.0.1:7001', '127.0.0.1:7002']
    assert view['master']['down_after_milliseconds'] == 5000
    assert [i['is_primary'] for i in view['instances']] == [True, False, False]


def test_two_of_three_are_a_majority_but_not_unanimous():
    view = build_view('mymaster', [sentinel(0), sentinel(1), sentinel(2, master={'port': '7001'})],
                      healthy_instances())
    assert view['agreement']['reported_by'] == 2 and view['agreement']['majority']
    assert view['conditions']['majority'] and not view['conditions']['unanimous']
    assert view['primary']['port'] == 7000
    [problem] = unmet(view, ['unanimous'])
    assert 'do not all agree on the primary of mymaster' in problem
    assert '"127.0.0.1:26381": "127.0.0.1:7001"' in problem


def test_unreachable_sentinels_count_as_not_agreeing():
    """One of three answering is no majority, even though every answer agrees."""
    view = build_view('mymaster', [sentinel(0), sentinel(1, reachable=False), sentinel(2, reachable=False)],
                      healthy_instances())
    assert view['agreement']['reported_by'] == 1 and view['agreement']['answered'] == 1
    assert view['primary'] is None
    assert not view['conditions']['primary_known']
    problems = unmet(view, ['sentinels_reachable', 'majority'])
    assert problems[0].startswith('1 of the 3 Sentinels answer (unreachable: 127.0.0.1:26380: Cannot connect')
    assert 'do not agree on the primary of mymaster: the most reported, 127.0.0.1:7000, has 1 of 3' in problems[1]


def test_a_tie_is_no_primary():
    sentinels = [sentinel(0), sentinel(1, master={'port': '7001'}), sentinel(2, reachable=False)]
    view = build_view('mymaster', sentinels, healthy_instances())
    assert view['primary'] is None and not view['conditions']['majority']
    # The stable order of the answer: the lower address first.
    assert view['agreement']['address'] == '127.0.0.1:7000'


def test_a_primary_outside_the_inventory_is_reported_by_address():
    view = build_view('mymaster', [sentinel(i, master={'port': '7009'}) for i in range(3)], healthy_instances())
    assert view['primary']['name'] == '127.0.0.1:7009' and not view['primary']['in_inventory']
    [problem] = unmet(view, ['primary_known'])
    assert problem == ('the primary of mymaster that the Sentinels report, 127.0.0.1:7009, is none of the data '
                       'instances (127.0.0.1:7000, 127.0.0.1:7001, 127.0.0.1:7002)')


def test_without_sentinels_the_replicas_decide_then_the_bootstrap_primary():
    nobody = [sentinel(i, reachable=False) for i in range(3)]
    moved = [instance(7000, 'replica', 7001), instance(7001, 'primary'), instance(7002, 'replica', 7001)]
    view = build_view('mymaster', nobody, moved, bootstrap=dict(host='127.0.0.1', port=7000, name='db1'))
    assert view['primary']['name'] == 'db2' and view['primary']['source'] == 'instances'
    fresh = [instance(port, 'primary') for port in DATA_PORTS]
    view = build_view('mymaster', nobody, fresh, bootstrap=dict(host='127.0.0.1', port=7000, name='db1'))
    assert view['primary']['name'] == 'db1' and view['primary']['source'] == 'bootstrap'
    assert view['conditions']['primary_known']


def test_without_sentinels_two_followed_primaries_are_unclear_and_say_what_each_answered():
    nobody = [sentinel(i, monitors=False) for i in range(3)]
    # Two replicas following each other and a primary nobody follows: no single one to choose.
    view = build_view('mymaster', nobody, [instance(7000, 'replica', 7001), instance(7001, 'replica', 7000),
                                           instance(7002, 'primary')],
                      bootstrap=dict(host='127.0.0.1', port=7000, name='db1'))
    assert view['primary'] is None and view['undecided'] == 'unclear'
    [problem] = unmet(view, ['primary_known'])
    assert problem.startswith('No Sentinel answered about mymaster')
    assert 'db1 (127.0.0.1:7000): replica of 127.0.0.1:7001, link up' in problem


def test_ckquorum_and_knowing_the_others_say_which_sentinel_fails():
    lonely = sentinel(2, master={'num-other-sentinels': '0'}, ckquorum=False)
    view = build_view('mymaster', [sentinel(0), sentinel(1), lonely], healthy_instances())
    problems = unmet(view, ['ckquorum', 'sentinels_know_each_other'])
    assert problems == ['2 of the 3 Sentinels answer OK to CKQUORUM (127.0.0.1:26381: NOQUORUM 1 usable)',
                        'not every Sentinel knows the 2 others (127.0.0.1:26381 knows 0)']


def test_a_primary_down_or_failing_over_is_not_healthy():
    view = build_view('mymaster', [sentinel(0, master={'flags': 'master,s_down'}), sentinel(1),
                                   sentinel(2, master={'failover-state': 'wait_start'})], healthy_instances())
    [problem] = unmet(view, ['primary_healthy'])
    assert '127.0.0.1:26379 flags it master,s_down' in problem
    assert '127.0.0.1:26381 flags it master, failover state wait_start' in problem


def test_no_promotable_replica_lists_what_sentinel_sees():
    replicas = [replica_reply(7001, **{'slave-priority': '0'}), replica_reply(7002, flags='slave,s_down')]
    view = build_view('mymaster', [sentinel(i, replicas=replicas) for i in range(3)], healthy_instances())
    [problem] = unmet(view, ['promotable_replica'])
    assert problem.startswith('no replica is linked, up and promotable (replica-priority above 0) as Sentinel '
                              '127.0.0.1:26379 sees it')
    assert '127.0.0.1:7001: slave, link ok, priority 0' in problem


def test_replicas_follow_accepts_a_link_down_that_replicas_linked_refuses():
    instances = [instance(7000, 'primary'), instance(7001), instance(7002, link='down')]
    view = build_view('mymaster', [sentinel(i) for i in range(3)], instances)
    assert view['conditions']['replicas_follow'] and not view['conditions']['replicas_linked']
    assert view['unlinked_replicas'] == ['db3']
    [problem] = unmet(view, ['replicas_linked'])
    assert problem == ('not every data instance is a linked replica of 127.0.0.1:7000: '
                       'db3 (127.0.0.1:7002): replica of 127.0.0.1:7000, link down')


def test_an_instance_that_does_not_answer_fails_reachable_and_follow():
    instances = [instance(7000, 'primary'), instance(7001), instance(7002, reachable=False)]
    view = build_view('mymaster', [sentinel(i) for i in range(3)], instances)
    assert unmet(view, ['instances_reachable']) == ['data instances do not answer: db3 (127.0.0.1:7002): no answer '
                                                    '(Cannot connect)']
    assert not view['conditions']['replicas_follow']


def test_primary_is_and_is_not_compare_the_agreed_primary():
    old = dict(host='127.0.0.1', port=7000)
    before = healthy(expected_primary=dict(host='127.0.0.1', port=7001), former_primary=old)
    assert not before['conditions']['primary_is'] and not before['conditions']['primary_is_not']
    assert unmet(before, ['primary_is_not']) == ['the primary is still 127.0.0.1:7000']
    moved = build_view('mymaster', [sentinel(i, master={'port': '7001'}) for i in range(3)],
                       healthy_instances(7001), expected_primary=dict(host='127.0.0.1', port=7001),
                       former_primary=old)
    assert moved['conditions']['primary_is'] and moved['conditions']['primary_is_not']
    # Still moving: one Sentinel of three reports the new primary.
    moving = build_view('mymaster', [sentinel(0, master={'port': '7001'}), sentinel(1, reachable=False),
                                     sentinel(2, reachable=False)], healthy_instances(7001), former_primary=old)
    assert not moving['conditions']['primary_is_not']
    assert unmet(moving, ['primary_is_not'])[0].startswith('the Sentinels do not agree on a new primary yet')


def test_sentinels_see_replicas_names_the_one_that_sees_a_replica_down():
    replicas = [replica_reply(7001), replica_reply(7002, flags='slave,s_down')]
    view = build_view('mymaster', [sentinel(0), sentinel(1, replicas=replicas), sentinel(2)], healthy_instances())
    assert unmet(view, ['sentinels_see_replicas']) == [
        'not every Sentinel sees every replica up: 127.0.0.1:26380 sees db3 as slave,s_down']


@pytest.mark.parametrize('conditions', [['majority', 'unanimous'], ['unanimous', 'majority']])
def test_unmet_reports_in_one_order_and_each_problem_once(conditions):
    view = build_view('mymaster', [sentinel(i, reachable=False) for i in range(3)], healthy_instances())
    problems = unmet(view, conditions + ['primary_known'])
    assert problems == unmet(view, ['majority', 'unanimous', 'primary_known'])
    assert len(problems) == len(set(problems))


def test_the_table_shows_each_instance_and_sentinel():
    view = build_view('mymaster', [sentinel(0), sentinel(1, reachable=False), sentinel(2, monitors=False)],
                      [instance(7000, 'primary'), instance(7001), instance(7002, reachable=False)])
    lines = table(view)
    assert lines[0] == 'Data instances of mymaster'
    assert lines[2].split() == ['db1', '127.0.0.1:7000', 'primary', '-', '-', '52830']
    assert lines[3].split() == ['db2', '127.0.0.1:7001', 'replica', '127.0.0.1:7000', 'up', '52830']
    assert lines[4].split()[:3] == ['db3', '127.0.0.1:7002', 'DOWN']
    assert 'Sentinels (the primary is agreed by 1 of 3)' in lines
    assert lines[-3].split()[:4] == ['s1', '127.0.0.1:26379', '127.0.0.1:7000', '2']
    assert lines[-2].split()[:3] == ['s2', '127.0.0.1:26380', 'DOWN']
    assert 'not monitored' in lines[-1]


def test_ipv6_addresses_are_bracketed():
    sentinels = [sentinel(i, master={'ip': '::1'}, replicas=[]) for i in range(3)]
    instances = [dict(instance(7000, 'primary'), host='::1', address='[::1]:7000')]
    view = build_view('mymaster', sentinels, instances)
    assert view['primary']['address'] == '[::1]:7000' and view['primary']['name'] == 'db1'


NEW = dict(server='/opt/redis/redis-8.0.2/bin/redis-server', sentinel='/opt/redis/redis-8.0.2/bin/redis-sentinel')
OLD_SERVER = '/opt/redis/7.0.15/bin/redis-server'


def test_an_old_replica_of_an_upgraded_primary_may_be_unlinked_but_not_an_upgraded_one():
    """The state an interrupted rolling upgrade leaves, and the one it must not accept."""
    instances = [instance(7000, 'primary'), instance(7001, link='down'), instance(7002)]
    instances[0]['executable'] = NEW['server']
    interrupted = build_view('mymaster', [sentinel(i) for i in range(3)], [dict(i) for i in instances],
                             binaries=NEW)
    assert interrupted['conditions']['replicas_linked_unless_upgrading']
    assert not interrupted['conditions']['replicas_linked']
    instances[1]['executable'] = NEW['server']
    broken = build_view('mymaster', [sentinel(i) for i in range(3)], [dict(i) for i in instances], binaries=NEW)
    assert unmet(broken, ['replicas_linked_unless_upgrading']) == [
        'not every data instance is a linked replica (or, running the old binary, a replica) of 127.0.0.1:7000: '
        'db2 (127.0.0.1:7001): replica of 127.0.0.1:7000, link down']
    # Before the primary is upgraded, an unlinked replica is just unlinked.
    instances[0]['executable'] = OLD_SERVER
    instances[1]['executable'] = OLD_SERVER
    before = build_view('mymaster', [sentinel(i) for i in range(3)], [dict(i) for i in instances], binaries=NEW)
    assert not before['conditions']['replicas_linked_unless_upgrading']


def test_runs_binaries_names_what_runs_something_else():
    sentinels = [sentinel(i) for i in range(3)]
    for report in sentinels:
        report['executable'] = NEW['sentinel']
    sentinels[2]['executable'] = '/opt/redis/7.0.15/bin/redis-sentinel'
    instances = healthy_instances()
    for report in instances:
        report['executable'] = NEW['server']
    instances[1]['executable'] = OLD_SERVER
    view = build_view('mymaster', sentinels, instances, binaries=NEW)
    assert unmet(view, ['runs_binaries']) == [
        'not everything runs %s and %s: db2 runs %s, the Sentinel of s3 runs /opt/redis/7.0.15/bin/redis-sentinel'
        % (NEW['server'], NEW['sentinel'], OLD_SERVER)]
    # Without binaries the conditions do not apply.
    assert 'runs_binaries' not in healthy()['conditions']


def test_the_summary_counts_what_runs_the_wanted_binaries_when_they_are_given():
    sentinels = [sentinel(i) for i in range(3)]
    for report in sentinels:
        report['executable'] = NEW['sentinel']
    instances = healthy_instances()
    instances[0]['executable'] = NEW['server']
    line = summary(build_view('mymaster', sentinels, instances, binaries=NEW))
    assert line.endswith('; 4 of 6 instances run %s and %s' % (NEW['server'], NEW['sentinel'])), line
    assert 'instances run' not in summary(healthy())


def drill_results():
    # What the module returns: the view without its name (the master's summary has it).
    before = {key: value for key, value in healthy().items() if key != 'name'}
    after = dict(before, waited=21.04)
    promoted = dict(primary=dict(name='db2', address='127.0.0.1:7001'), waited=6.23)
    client = dict(longest_gap=6.4182, acknowledged=912, lost=0, failures={'ConnectionError': 3, 'ReadOnlyError': 1},
                  timeline=['0.000 s ok via 127.0.0.1:7000', '2.010 s ConnectionError'])
    return client, before, promoted, after


def test_the_drill_report_says_who_was_promoted_the_gap_beside_down_after_and_the_writes():
    client, before, promoted, after = drill_results()
    assert drill_report(client, before, promoted, after, 'stop') == [
        'Failover drill of mymaster (stop through its service manager)',
        'old primary:  db1 (127.0.0.1:7000)',
        'promoted:     db2 (127.0.0.1:7001); all Sentinels agreed 6.2 s after it went down',
        'client write gap: 6.42 s (down-after-milliseconds 5000; gap minus down-after 1.42 s)',
        'writes: 912 acknowledged, 0 of them lost; failed attempts: ConnectionError 3, ReadOnlyError 1',
        'old primary db1 restarted and rejoined as a linked replica of db2 after 21.0 s',
        'client timeline (s since it started): 0.000 s ok via 127.0.0.1:7000; 2.010 s ConnectionError',
    ]


def test_the_drill_report_of_an_incomplete_result_is_a_filter_error_not_a_traceback():
    client, before, promoted, after = drill_results()
    del client['longest_gap']
    with pytest.raises(AnsibleFilterError, match="lacks 'longest_gap'"):
        drill_report(client, before, promoted, after)
