# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.instance_status against a real redis-server (Debian's) run
by a control script, as the roles run it with redis_service_manager: none."""

import hashlib
import os
import signal
import subprocess

import pytest

from tests.support.servers import free_port, wait_until

DEBIAN_REDIS = '/usr/bin/redis-server'

CONTROL_SCRIPT = '''#!/bin/sh
# status as the roles' control script answers it: 0 when the pidfile's process lives.
pid=$(cat %(pidfile)s 2>/dev/null) && kill -0 "$pid" 2>/dev/null
'''


@pytest.fixture
def instance(tmp_path):
    """A redis-server on a free loopback port with a pidfile, its control script and its config."""
    if not os.path.exists(DEBIAN_REDIS):
        pytest.fail('%s is not installed: run `make test`, whose setup installs it' % DEBIAN_REDIS)
    port = free_port()
    pidfile = tmp_path / 'redis.pid'
    config = tmp_path / 'redis.conf'
    config.write_text('port %d\nbind 127.0.0.1\ndaemonize no\npidfile %s\ndir %s\nsave ""\n'
                      % (port, pidfile, tmp_path))
    control = tmp_path / 'redis_test'
    control.write_text(CONTROL_SCRIPT % dict(pidfile=pidfile))
    control.chmod(0o750)
    process = subprocess.Popen([DEBIAN_REDIS, str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    wait_until(lambda: pidfile.exists() and pidfile.read_text().strip(), 10, 'the pidfile %s' % pidfile)
    yield dict(process=process, pidfile=pidfile, config=config, control=control, dir=tmp_path)
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)


def arguments(instance, **extra):
    args = dict(name='redis_test', manager='none', control_path=str(instance['control']),
                definition_path=str(instance['control']), pidfile=str(instance['pidfile']))
    args.update(extra)
    return args


def test_a_running_instance_reports_its_binary_its_definition_and_its_files(run_module, instance):
    stamp = instance['dir'] / 'deployed'
    stamp.write_text('started\n')
    missing = instance['dir'] / 'absent.conf'
    run = run_module('instance_status', arguments(
        instance, paths=[str(instance['config']), str(missing)], started_stamp=str(stamp)))
    assert not run.failed and not run.changed, run.output
    facts = run.result['ansible_facts']
    assert facts['redis_instance_looked_at'] == 'redis_test'
    assert facts['redis_instance_running'] is True
    assert facts['redis_instance_running_binary'] == os.path.realpath(DEBIAN_REDIS)
    assert facts['redis_instance_existing_paths'] == [str(instance['config'])]
    assert facts['redis_instance_first_deploy'] is False
    assert facts['redis_instance_to_start'] is False
    assert facts['redis_instance_available'] is True
    # No start links, as manager none has none.
    assert facts['redis_instance_boot_registered'] is False
    definition = facts['redis_instance_definition_found']
    assert definition['sha1'] == hashlib.sha1(instance['control'].read_bytes()).hexdigest()
    assert definition['mode'] == '750'
    assert definition['owner'].count(':') == 1


def test_a_stopped_instance_is_available_only_when_the_role_will_start_it(run_module, instance):
    os.killpg(instance['process'].pid, signal.SIGKILL)
    instance['process'].wait(10)
    stamp = instance['dir'] / 'deployed'
    # Never started by the roles (no stamp): the first deploy starts it, except in check mode.
    first = run_module('instance_status', arguments(instance, started_stamp=str(stamp)))
    facts = first.result['ansible_facts']
    assert (facts['redis_instance_running'], facts['redis_instance_first_deploy'],
            facts['redis_instance_available'], facts['redis_instance_running_binary']) == (False, True, True, '')
    assert facts['redis_instance_to_start'] is True
    checked = run_module('instance_status', arguments(instance, started_stamp=str(stamp)), check=True)
    assert checked.result['ansible_facts']['redis_instance_available'] is False
    # Started before and found stopped: left stopped unless start_when_stopped.
    stamp.write_text('started\n')
    left = run_module('instance_status', arguments(instance, started_stamp=str(stamp)))
    assert left.result['ansible_facts']['redis_instance_available'] is False
    assert left.result['ansible_facts']['redis_instance_to_start'] is False
    started = run_module('instance_status', arguments(instance, started_stamp=str(stamp), start_when_stopped=True))
    assert started.result['ansible_facts']['redis_instance_available'] is True
    assert started.result['ansible_facts']['redis_instance_to_start'] is True


def test_an_absent_definition_has_an_empty_checksum(run_module, instance):
    run = run_module('instance_status', arguments(instance, definition_path=str(instance['dir'] / 'none.service')))
    assert run.result['ansible_facts']['redis_instance_definition_found'] == {'sha1': ''}


def test_a_control_script_that_is_missing_means_not_running(run_module, instance):
    run = run_module('instance_status', arguments(instance, control_path=str(instance['dir'] / 'nothing')))
    assert not run.failed, run.output
    assert run.result['ansible_facts']['redis_instance_running'] is False
