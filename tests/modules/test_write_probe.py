# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The write probe against real redis-server and redis-sentinel processes on
loopback: the client (plugins/module_utils/write_probe.py) counts lost writes,
failures by kind and gaps, and cleans up; redisops.sentinel.write_probe runs it
until told to stop, across a failover, and leaves no key behind."""

import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import pytest
import redis

from tests.support.ha_cluster import NAME
from tests.support.servers import PASSWORD, sentinel_lines, wait_until
from tests.support.writer import SentinelWriter, write_probe

SENTINEL_PASSWORD = 'Sentinel-only-pass-5b1e'


@pytest.fixture
def small(servers):
    """A primary and one Sentinel (quorum 1) that has its own password."""
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True, password=SENTINEL_PASSWORD)
    return primary, sentinel


def keys_with(client, prefix):
    return list(client.scan_iter(match=prefix + '*', count=1000))


@pytest.mark.parametrize('exc, kind', [
    (redis.ReadOnlyError("You can't write against a read only replica."), 'READONLY'),
    (redis.ResponseError('NOREPLICAS Not enough good replicas to write.'), 'NOREPLICAS'),
    # redis-py takes ERR out of the message.
    (redis.ResponseError('wrong number of arguments for \'set\' command'), 'ERR'),
    (redis.ConnectionError('Error 111 connecting to 127.0.0.1:1. Connection refused.'), 'ConnectionError'),
    (ValueError('not from redis-py'), 'ValueError'),
])
def test_failures_are_counted_by_error_code_or_class(exc, kind):
    assert write_probe.failure_kind(exc) == kind


def test_the_probe_counts_lost_writes_and_failures_by_kind_and_deletes_its_keys(small):
    primary, sentinel = small
    client = primary.client()
    with SentinelWriter([sentinel.port], PASSWORD, sentinel_password=SENTINEL_PASSWORD, prefix='unit:',
                        expire=300) as probe:
        wait_until(lambda: len(probe.acknowledged) > 100, 20, 'the probe to write')
        # No replica can acknowledge: every write is refused with NOREPLICAS until this is undone.
        client.config_set('min-replicas-to-write', 1)
        wait_until(lambda: probe.failures.get('NOREPLICAS', 0) > 20, 20, 'writes to be refused')
        client.config_set('min-replicas-to-write', 0)
        count = len(probe.acknowledged)
        wait_until(lambda: len(probe.acknowledged) > count + 100, 20, 'writes to go on')
    report = probe.report()
    json.dumps(report)
    assert report['acknowledged'] == len(probe.acknowledged) > 200
    assert report['errors'] == sum(report['failures'].values()) == probe.errors
    assert set(report['failures']) == {'NOREPLICAS'}, report['failures']
    via = 'ok via 127.0.0.1:%d' % primary.port
    outcomes = [line.split(' s ', 1)[1] for line in report['timeline']]
    assert outcomes == [via, 'NOREPLICAS: Not enough good replicas to write.', via], report['timeline']
    # The longest gap is the refusal, and it is where the timeline puts it.
    times = [float(line.split(' s ', 1)[0]) for line in report['timeline']]
    assert report['gap_start'] <= times[1] < times[2] <= report['gap_end']
    assert report['longest_gap'] == pytest.approx(report['gap_end'] - report['gap_start'], abs=0.002)
    assert probe.first_failure < probe.recovered_at
    assert report['rate'] > 0 and probe.is_alive() is False
    assert 0 < client.ttl('unit:%d' % probe.acknowledged[-1]) <= 300

    assert probe.lost_on(client) == []
    gone = probe.acknowledged[5:2500:7]
    client.delete(*[probe.key(number) for number in gone])
    assert probe.lost_on(client) == gone
    probe.delete_on(client)
    assert keys_with(client, 'unit:') == []


@pytest.mark.parametrize('retry', ['none', 'redis-py'])
def test_the_probe_survives_a_primary_that_goes_away(small, retry):
    primary, sentinel = small
    with SentinelWriter([sentinel.port], PASSWORD, sentinel_password=SENTINEL_PASSWORD, prefix='gone:', timeout=0.2,
                        retry=retry) as probe:
        wait_until(lambda: len(probe.acknowledged) > 50, 20, 'the probe to write')
        primary.kill()
        wait_until(lambda: probe.errors > 0, 30, 'writes to fail')
        time.sleep(0.5)
        assert probe.is_alive()
    # Once Sentinel counts the primary down, redis-py's look-up fails too (MasterNotFoundError).
    kinds = ('ConnectionError', 'TimeoutError', 'MasterNotFoundError')
    assert probe.failures and set(probe.failures) <= set(kinds), probe.failures
    assert probe.timeline[-1][1].startswith(kinds), probe.timeline


def test_a_probe_across_a_failover_reports_what_it_cost_and_leaves_no_key(ha_cluster, run_module, tmp_path):
    old = ha_cluster.primary_port()
    stop, ready = tmp_path / 'probe.stop', tmp_path / 'probe.ready'
    moved = {}

    def fail_over_then_stop():
        try:
            wait_until(ready.exists, 60, 'the probe to be ready')
            ha_cluster.sentinels[0].client().execute_command('SENTINEL', 'FAILOVER', NAME)
            wait_until(lambda: ha_cluster.by_port(old).client().info('replication')['role'] == 'slave', 60,
                       'the old primary to be demoted')
            moved['to'] = wait_until(lambda: len(ha_cluster.views()) == 1 and ha_cluster.primary_port() != old
                                     and ha_cluster.primary_port(), 60, 'the Sentinels to agree on the new primary')
            time.sleep(2)
        except AssertionError as exc:
            moved['error'] = str(exc)
        finally:
            stop.touch()

    mover = threading.Thread(target=fail_over_then_stop)
    mover.start()
    try:
        run = run_module('write_probe', ha_cluster.args(stop_file=str(stop), ready_file=str(ready), ready_after=200,
                                                        max_seconds=120, timeout=0.5))
    finally:
        mover.join(120)
    new = moved.get('to')
    assert new and new != old, 'no failover happened: %s' % moved.get('error')
    assert not run.failed, run.output
    assert run.changed is False
    report = run.result
    print('failover: %s' % {key: report[key] for key in ('acknowledged', 'lost', 'longest_gap', 'failures', 'rate')})
    print('\n'.join(report['timeline']))
    assert report['primary_at_start'] == dict(host='127.0.0.1', port=old)
    assert report['primary_at_end'] == dict(host='127.0.0.1', port=new)
    assert report['stopped_by'] == 'stop_file'
    assert report['acknowledged'] > 200
    # An unplanned failover may lose what the old primary acknowledged last: lost is counted, not zero.
    assert isinstance(report['lost'], int) and 0 <= report['lost'] <= report['acknowledged']
    assert report['errors'] == sum(report['failures'].values())
    assert re.match(r'^\d+\.\d{3} s ok via 127\.0\.0\.1:%d$' % old, report['timeline'][0]), report['timeline']
    assert re.match(r'^\d+\.\d{3} s ok via 127\.0\.0\.1:%d$' % new, report['timeline'][-1]), report['timeline']
    assert 0 < report['longest_gap'] == pytest.approx(report['gap_end'] - report['gap_start'], abs=0.002)
    assert '%(acknowledged)d writes acknowledged' % report in run.msg
    prefix = report['key_prefix']
    assert prefix.startswith('redisops:write-probe:') and prefix.endswith(':')
    assert keys_with(ha_cluster.by_port(new).client(), prefix) == []
    for server in ha_cluster.data:
        wait_until(lambda server=server: keys_with(server.client(), prefix) == [], 20,
                   'the deletions to reach %d' % server.port)
    assert not stop.exists() and not ready.exists()


def probe_directories():
    return set(glob.glob(os.path.join(tempfile.gettempdir(), 'redisops-write-probe-*')))


def test_a_started_probe_writes_in_the_background_until_it_is_stopped_and_leaves_nothing(small, run_module):
    primary, sentinel = small
    before = probe_directories()
    args = dict(name=NAME, sentinels=[dict(host='127.0.0.1', port=sentinel.port)], login_password=SENTINEL_PASSWORD,
                data_login_password=PASSWORD, max_seconds=60, ready_after=50)
    started = run_module('write_probe', dict(args, state='started'))
    assert not started.failed, started.output
    directory = started.result['probe']
    assert started.changed is False and started.result['primary_at_start'] == dict(host='127.0.0.1', port=primary.port)
    assert probe_directories() - before == {directory}
    with open(os.path.join(directory, 'pid')) as handle:
        pid = int(handle.read())
    # The module returned; its probe goes on writing.
    written = primary.client().dbsize()
    assert written >= 50
    wait_until(lambda: primary.client().dbsize() > written + 200, 20, 'the probe to go on writing')

    stopped = run_module('write_probe', dict(state='stopped', probe=directory))
    assert not stopped.failed, stopped.output
    report = stopped.result
    assert report['stopped_by'] == 'stop_file' and report['lost'] == 0, report
    assert report['acknowledged'] > written + 200
    assert report['primary_at_end'] == dict(host='127.0.0.1', port=primary.port)
    assert '%(acknowledged)d writes acknowledged' % report in stopped.msg
    assert probe_directories() == before
    assert primary.client().dbsize() == 0
    wait_until(lambda: not os.path.exists('/proc/%d' % pid), 10, 'the probe process to end')

    again = run_module('write_probe', dict(state='stopped', probe=directory))
    assert again.failed and 'is no directory of a running probe' in again.msg, again.msg


def test_a_started_probe_that_is_not_ready_in_time_is_stopped_and_reported(small, run_module):
    primary, sentinel = small
    before = probe_directories()
    refused = run_module('write_probe', dict(
        state='started', name=NAME, sentinels=[dict(host='127.0.0.1', port=sentinel.port)],
        login_password=SENTINEL_PASSWORD, data_login_password=PASSWORD, ready_after=10 ** 7, ready_timeout=2))
    assert refused.failed
    assert refused.msg.startswith('The probe did not have 10000000 writes acknowledged within 2 s: '), refused.msg
    assert refused.result['stopped_by'] == 'stop_file' and refused.result['acknowledged'] > 0
    assert probe_directories() == before
    assert primary.client().dbsize() == 0


BAD_INPUT = [
    (dict(interval_ms=0), 'interval_ms must be at least 1 millisecond, got 0'),
    (dict(timeout=0), 'timeout must be more than 0 seconds, got 0'),
    (dict(sentinels=[]), 'sentinels must list at least one Sentinel'),
    (dict(sentinels=[dict(host='127.0.0.1', port=70000)]), 'the port of sentinels entry 127.0.0.1 must be between 1'),
    (dict(key_prefix=' '), 'key_prefix must not be empty'),
    (dict(max_seconds=0), 'max_seconds must be at least 1, got 0'),
    (dict(state='stopped'), 'state=stopped needs probe, the probe a state=started task returned'),
    (dict(state='started', stop_file='/tmp/stop'), 'stop_file is for state=run'),
    (dict(state='started', ready_timeout=0), 'ready_timeout must be at least 1, got 0'),
]


@pytest.mark.parametrize('bad, message', BAD_INPUT, ids=['-'.join(bad) for bad, _message in BAD_INPUT])
def test_bad_input_is_refused_naming_the_option_before_anything_is_written(small, run_module, bad, message):
    primary, sentinel = small
    args = dict(name=NAME, sentinels=[dict(host='127.0.0.1', port=sentinel.port)], login_password=SENTINEL_PASSWORD,
                data_login_password=PASSWORD, max_seconds=5)
    args.update(bad)
    refused = run_module('write_probe', args)
    assert refused.failed
    assert message in refused.msg, refused.msg
    assert primary.client().dbsize() == 0


def test_a_stop_file_left_by_an_earlier_run_is_refused_and_check_mode_writes_nothing(small, run_module, tmp_path):
    primary, sentinel = small
    stop = tmp_path / 'stop'
    stop.touch()
    args = dict(name=NAME, sentinels=[dict(host='127.0.0.1', port=sentinel.port)], login_password=SENTINEL_PASSWORD,
                data_login_password=PASSWORD, stop_file=str(stop), max_seconds=5)
    refused = run_module('write_probe', args)
    assert refused.failed
    assert 'stop_file %s exists already' % stop in refused.msg, refused.msg
    stop.unlink()
    checked = run_module('write_probe', args, check=True)
    assert not checked.failed, checked.output
    assert checked.changed is False and 'wrote nothing' in checked.msg
    assert primary.client().dbsize() == 0


def test_a_wrong_data_password_fails_before_anything_is_written(small, run_module):
    primary, sentinel = small
    refused = run_module('write_probe', dict(name=NAME, sentinels=[dict(host='127.0.0.1', port=sentinel.port)],
                                             login_password=SENTINEL_PASSWORD, data_login_password='wrong-9c2d'))
    assert refused.failed
    assert refused.msg.startswith('Authentication or permission failure at 127.0.0.1:%d' % primary.port), refused.msg
    assert PASSWORD not in refused.output and 'wrong-9c2d' not in refused.output
    assert primary.client().dbsize() == 0


def test_without_redis_py_the_module_names_the_library(run_module, tmp_path):
    bare = tmp_path / 'bare'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(bare)], check=True)
    python = str(bare / 'bin' / 'python')
    refused = run_module('write_probe', dict(name=NAME, sentinels=[dict(host='127.0.0.1', port=26379)]),
                         extra_vars=dict(ansible_python_interpreter=python))
    assert refused.failed
    assert 'Failed to import the required Python library (redis)' in refused.msg, refused.msg
