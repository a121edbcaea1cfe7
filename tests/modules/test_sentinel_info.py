# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.sentinel_info against a real group of three Sentinels."""

import pytest

from tests.support.servers import PASSWORD, free_port, sentinel_lines, wait_until

SENTINEL_PASSWORD = 'sentinel-Pa55-0c1d'


@pytest.fixture
def group(servers, primary_and_replica):
    """A primary, its replica and three password-protected Sentinels that know each other."""
    primary, replica = primary_and_replica
    sentinels = [servers(sentinel_lines(primary, quorum=2, password=PASSWORD), sentinel=True,
                         password=SENTINEL_PASSWORD) for _index in range(3)]
    for sentinel in sentinels:
        wait_until(lambda: sentinel.client().sentinel_master('mymaster')['num-other-sentinels'] == 2
                   and sentinel.client().sentinel_master('mymaster')['num-slaves'] == 1, 30,
                   'Sentinel %d to see the other two Sentinels and the replica' % sentinel.port)
    return primary, replica, sentinels


def addresses(sentinels):
    return ['127.0.0.1:%d' % sentinel.port for sentinel in sentinels]


def test_one_sentinel_reports_its_view(group, run_module):
    primary, replica, sentinels = group
    view = run_module('sentinel_info', dict(login_port=sentinels[0].port, login_password=SENTINEL_PASSWORD))
    assert not view.failed, view.output
    assert not view.changed
    master = view.result['masters']['mymaster']
    assert master['address'] == '127.0.0.1:%d' % primary.port
    assert master['flags'] == ['master']
    assert (master['quorum'], master['num_slaves'], master['num_other_sentinels']) == (2, 1, 2)
    assert master['failover_state'] == 'none'
    assert [r['port'] for r in view.result['replicas']['mymaster']] == [replica.port]
    assert view.result['replicas']['mymaster'][0]['master_link_status'] == 'ok'
    assert sorted(s['port'] for s in view.result['sentinels']['mymaster']) == sorted(s.port for s in sentinels[1:])
    assert view.result['ckquorum']['mymaster']['ok'] is True
    assert view.result['ckquorum']['mymaster']['message'].startswith('OK 3 usable Sentinels')
    assert view.result['info']['sentinel_tilt'] == 0
    assert view.result['myid'] == sentinels[0].client().execute_command('SENTINEL', 'MYID')
    assert 'localhost:%d: SENTINEL CKQUORUM mymaster' % sentinels[0].port in view.result['commands']


def test_all_sentinels_agree(group, run_module):
    primary, _replica, sentinels = group
    view = run_module('sentinel_info', dict(login_password=SENTINEL_PASSWORD, name='mymaster',
                                            sentinels=addresses(sentinels[:2]) + [
                                                dict(host='127.0.0.1', port=sentinels[2].port)]))
    assert not view.failed, view.output
    agreement = view.result['agreement']['mymaster']
    assert agreement['address'] == '127.0.0.1:%d' % primary.port
    assert (agreement['ip'], agreement['port']) == ('127.0.0.1', primary.port)
    assert (agreement['reported_by'], agreement['answered'], agreement['listed']) == (3, 3, 3)
    assert agreement['consensus'] is True
    assert agreement['ckquorum_ok'] == 3
    assert view.result['unreachable_sentinels'] == []
    myids = [report['myid'] for report in view.result['reports']]
    assert len(set(myids)) == 3
    assert [report['address'] for report in view.result['reports']] == addresses(sentinels)


def test_unreachable_sentinels_are_listed_and_count_against_consensus(group, run_module):
    primary, _replica, sentinels = group
    sentinels[2].kill()
    args = dict(login_password=SENTINEL_PASSWORD, name='mymaster', sentinels=addresses(sentinels))
    one_down = run_module('sentinel_info', args)
    assert not one_down.failed, one_down.output
    agreement = one_down.result['agreement']['mymaster']
    assert (agreement['reported_by'], agreement['answered'], agreement['listed']) == (2, 2, 3)
    assert agreement['consensus'] is True
    assert [entry['address'] for entry in one_down.result['unreachable_sentinels']] == addresses(sentinels[2:])
    assert 'Cannot connect to 127.0.0.1:%d' % sentinels[2].port in one_down.result['unreachable_sentinels'][0]['error']

    sentinels[1].kill()
    two_down = run_module('sentinel_info', args)
    assert not two_down.failed, two_down.output
    agreement = two_down.result['agreement']['mymaster']
    assert (agreement['reported_by'], agreement['answered']) == (1, 1)
    assert agreement['consensus'] is False
    # The last Sentinel no longer reaches its quorum of 2 either.
    wait_until(lambda: not run_module('sentinel_info', args).result['ckquorum']['mymaster']['ok'], 30,
               'the remaining Sentinel to report NOQUORUM')


def test_disagreeing_sentinels_are_shown_view_by_view(servers, primary_and_replica, run_module):
    primary, replica = primary_and_replica
    right = [servers(sentinel_lines(primary, quorum=2, password=PASSWORD), sentinel=True) for _index in range(2)]
    wrong = servers(sentinel_lines(replica, quorum=2, password=PASSWORD), sentinel=True)
    view = run_module('sentinel_info', dict(name='mymaster', sentinels=addresses(right + [wrong]),
                                            check_quorum=False))
    agreement = view.result['agreement']['mymaster']
    assert agreement['address'] == '127.0.0.1:%d' % primary.port
    assert agreement['reported_by'] == 2
    assert agreement['consensus'] is True
    assert agreement['views']['127.0.0.1:%d' % wrong.port] == '127.0.0.1:%d' % replica.port
    assert view.result['ckquorum'] == {}


def test_no_quorum_and_unknown_names_are_reported_not_fatal(servers, run_module):
    primary = servers()
    lonely = servers(sentinel_lines(primary, quorum=2), sentinel=True)
    view = run_module('sentinel_info', dict(login_port=lonely.port))
    assert not view.failed, view.output
    assert view.result['ckquorum']['mymaster']['ok'] is False
    assert view.result['ckquorum']['mymaster']['message'].startswith('NOQUORUM')

    unknown = run_module('sentinel_info', dict(login_port=lonely.port, name='other'))
    assert not unknown.failed, unknown.output
    assert unknown.result['masters'] == {}
    assert unknown.result['ckquorum']['other'] == dict(ok=False, message='No such master with that name')


@pytest.mark.parametrize('args, message', [
    (dict(sentinels=['127.0.0.1:notaport']), 'has a port that is not a number'),
    (dict(sentinels=['127.0.0.1:70000']), 'must be between 1 and 65535'),
    (dict(sentinels=['::1']), 'as [address]:port'),
    (dict(sentinels=[dict(hostname='x')]), 'must be a dict with host and optional port'),
    (dict(sentinels=['127.0.0.1:26379', '127.0.0.1:26379']), 'lists 127.0.0.1:26379 twice'),
    (dict(sentinels=[]), 'sentinels must list at least one Sentinel'),
    (dict(name='bad name'), "name 'bad name' is not a valid Sentinel master name"),
])
def test_invalid_input_is_refused(run_module, args, message):
    refused = run_module('sentinel_info', args)
    assert refused.failed
    assert message in refused.msg
    assert refused.result['commands'] == []


def test_a_single_unreachable_sentinel_fails_clearly(run_module):
    port = free_port()
    refused = run_module('sentinel_info', dict(login_port=port))
    assert refused.failed
    assert refused.msg.startswith('Cannot connect to localhost:%d' % port)
