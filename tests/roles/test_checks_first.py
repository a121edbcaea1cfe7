# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The roles used from an own playbook (the README's: the three roles in one play) check
every host first, and one host's failure stops them all before anything changes or a
misleading follow-on error hides it: a Python without redis-py, a port held by another
program, a download that fails on the host that compiles.

Each test's hosts are this machine under a layout of its own (a temporary tree, service
manager none, run as root by root), so nothing lands in /etc, /opt or /var.
"""

import socket
import subprocess
import sys

import pytest

PASSWORD = 'checks-first-5e1f'
# The upstream tarball's sum the role knows for 8.0.2; the URL below never answers.
UPSTREAM_8_0_2 = 'sha256:e9296b67b54c91befbcca046d67071c780a1f7c9f9e1ae5ed94773c3bb9b542f'


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def layout(base):
    """Host variables that keep everything of one "machine" under base."""
    return {'redis_install_root': str(base / 'opt'), 'redis_bin_link_dir': str(base / 'bin'),
            'redis_conf_dir': str(base / 'etc'), 'redis_data_root': str(base / 'lib'),
            'redis_log_dir': str(base / 'log'), 'redis_run_dir': str(base / 'run'),
            'redis_service_manager': 'none', 'redis_user': 'root', 'redis_group': 'root'}


def cluster(tmp_path, **per_host):
    """Three hosts (two data hosts and three Sentinels), each a machine of its own, on free ports."""
    hosts = {}
    for index in (1, 2, 3):
        variables = layout(tmp_path / ('machine-%d' % index))
        variables.update(redis_port=free_port(), sentinel_port=free_port(), redis_bind=['127.0.0.1'],
                         sentinel_bind=['127.0.0.1'], redis_address='127.0.0.1')
        variables.update(per_host.get('node-%d' % index, {}))
        hosts['node-%d' % index] = variables
    return hosts


def nothing_created(tmp_path):
    created = sorted(str(path.relative_to(tmp_path)) for path in tmp_path.glob('machine-*/*'))
    assert not created, 'the failed run created %s' % created


def test_a_python_without_redis_py_is_found_before_the_compile_and_stops_every_host(
        tmp_path, make_inventory, ansible_playbook, source_vars):
    bare = tmp_path / 'bare-venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(bare)], check=True)
    hosts = cluster(tmp_path, **{'node-2': {'ansible_python_interpreter': str(bare / 'bin' / 'python')}})
    inventory = make_inventory(hosts, groups=('redis', 'sentinel'), common={'redis_password': PASSWORD})
    run = ansible_playbook('deploy.yml', inventory, vars_files=[source_vars('redis', '8.0.2')])
    assert run.returncode != 0
    assert 'on node-2 has no redis-py' in run.output, run.explain()
    assert 'it is not the Python of the system, which the OS package python3-redis would serve' in run.output
    assert 'Stopped on every host: node-2 failed its checks' in run.output, run.explain()
    assert not run.ran(r'redis_build : Compile with make'), run.explain()
    assert run.changed_total == 0
    nothing_created(tmp_path)


def test_a_port_held_by_another_program_is_named_before_any_change(tmp_path, make_inventory, ansible_playbook,
                                                                  source_vars):
    with socket.socket() as holder:
        holder.bind(('127.0.0.1', 0))
        holder.listen()
        taken = holder.getsockname()[1]
        hosts = cluster(tmp_path, **{'node-3': {'redis_port': taken}})
        inventory = make_inventory(hosts, groups=('redis', 'sentinel'), common={'redis_password': PASSWORD})
        run = ansible_playbook('deploy.yml', inventory, vars_files=[source_vars('redis', '8.0.2')])
    assert run.returncode != 0
    assert 'redis_port %d (redis_%d on this host) is already in use by pid' % (taken, taken) in run.output, \
        run.explain()
    # This very test holds it: its program is named.
    assert 'pytest' in run.output or 'python' in run.output
    assert 'Stopped on every host: node-3 failed its checks' in run.output, run.explain()
    assert run.changed_total == 0
    nothing_created(tmp_path)


def test_a_download_that_cannot_work_stops_every_host_before_any_change(
        tmp_path, make_inventory, ansible_playbook, ansible_env):
    closed = free_port()
    hosts = cluster(tmp_path)
    common = {'redis_password': PASSWORD, 'redis_version': '8.0.2', 'redis_source_checksum': UPSTREAM_8_0_2,
              'redis_source_url': 'http://127.0.0.1:%d/redis-8.0.2.tar.gz' % closed}
    inventory = make_inventory(hosts, groups=('redis', 'sentinel'), common=common)
    run = ansible_playbook('deploy.yml', inventory)
    assert run.returncode != 0
    builders = run.hosts(r'redis_build : Fail naming the source variables, before anything changes', 'fatal')
    assert len(builders) == 1, run.explain()
    assert ('redis 8.0.2 must be compiled on %s, which cannot download redis_source_url http://127.0.0.1:%d/'
            % (builders[0], closed)) in run.output, run.explain()
    assert 'ansible-playbook redisops.sentinel.fetch_source -e redis_flavor=redis -e redis_version=8.0.2' in run.output
    # The hosts that waited for that build stopped at once (any_errors_fatal), with no error of their own.
    assert run.hosts(r'.', 'fatal') == builders, run.explain()
    assert all(run.recap[host]['failed'] == 0 for host in hosts if host not in builders), run.recap
    assert 'have not been seen in this run' not in run.output
    assert not run.ran(r"redis_server : Run this host's data instance"), run.explain()
    assert run.changed_total == 0
    nothing_created(tmp_path)
