# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.build_status on this machine: a prefix with a fake server and a stamp,
a link directory with links, a plain file and free names, and the host values compared
with what getconf, nproc, uname and /etc/machine-id say. The C library string goes into
build keys of existing installs, so musl's is checked against the shell probe it replaced."""

import json
import os
import subprocess
import sys

import pytest

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.modules.build_status import libc_from_ldd  # noqa: E402

KEY = 'redis-8.0.2-x86_64-debian12-glibc2.36-0f3c5a1b2d4e6f78'
PARTS = {'flavor': 'redis', 'version': '8.0.2', 'libc': 'glibc 2.36', 'make_args': ['BUILD_TLS=yes']}


@pytest.fixture
def machine(tmp_path):
    """An install prefix with an executable bin/redis-server and its stamp, and a link directory."""
    prefix = tmp_path / 'opt' / 'redis-8.0.2'
    (prefix / 'bin').mkdir(parents=True)
    server = prefix / 'bin' / 'redis-server'
    server.write_text('#!/bin/sh\n')
    server.chmod(0o755)
    # Blanks around a line are dropped, as `read -r` dropped them.
    (prefix / '.redisops-build').write_text('%s  \n %s\n' % (KEY, json.dumps(PARTS, sort_keys=True)))
    links = tmp_path / 'bin'
    links.mkdir()
    (links / 'redis-server').symlink_to(server)
    (links / 'redis-benchmark').symlink_to('/nowhere/redis-benchmark')
    (links / 'redis-cli').write_text('a manual make install\n')
    return dict(prefix=prefix, server=server, links=links)


def arguments(machine, **extra):
    args = dict(prefix=str(machine['prefix']), server_binary='redis-server', link_dir=str(machine['links']),
                linked_commands=['redis-server', 'redis-cli', 'redis-benchmark', 'redis-sentinel'])
    args.update(extra)
    return args


def command_output(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.rstrip('\n')


def test_an_installed_prefix_reports_its_stamp_and_the_links_as_found(run_module, machine):
    run = run_module('build_status', arguments(machine))
    assert not run.failed and not run.changed, run.output
    result = run.result
    assert result['stamp'] == KEY
    assert result['stamp_parts'] == json.dumps(PARTS, sort_keys=True)
    assert result['installed_parts'] == PARTS
    # A link's target as it is written, '' for a file that is not a link, nothing for a free name.
    assert result['links'] == {'redis-server': str(machine['server']), 'redis-benchmark': '/nowhere/redis-benchmark',
                               'redis-cli': ''}


def test_check_mode_reports_the_same(run_module, machine):
    normal = run_module('build_status', arguments(machine)).result
    checked = run_module('build_status', arguments(machine), check=True).result
    assert not checked.get('failed'), checked
    for key in ('machine_id', 'hostname', 'libc', 'nproc', 'stamp', 'stamp_parts', 'installed_parts', 'links'):
        assert checked[key] == normal[key], key


def test_the_host_values_are_those_of_getconf_nproc_uname_and_machine_id(run_module, machine):
    result = run_module('build_status', arguments(machine)).result
    assert result['libc'] == command_output('getconf', 'GNU_LIBC_VERSION')
    assert result['nproc'] == int(command_output('nproc'))
    assert result['hostname'] == command_output('uname', '-n')
    with open('/etc/machine-id') as handle:
        assert result['machine_id'] == handle.read().rstrip('\n')
    assert result['machine_id']


def test_a_missing_prefix_has_no_stamp(run_module, machine, tmp_path):
    run = run_module('build_status', arguments(machine, prefix=str(tmp_path / 'opt' / 'redis-7.2.5')))
    assert not run.failed, run.output
    assert (run.result['stamp'], run.result['stamp_parts'], run.result['installed_parts']) == ('', '', {})


def test_a_stamp_counts_only_beside_an_executable_server(run_module, machine):
    machine['server'].chmod(0o644)
    assert run_module('build_status', arguments(machine)).result['stamp'] == ''
    machine['server'].chmod(0o755)
    # Valkey's server is another name: this prefix has none.
    assert run_module('build_status', arguments(machine, server_binary='valkey-server')).result['stamp'] == ''


def test_a_stamp_without_valid_parts_has_no_installed_parts(run_module, machine):
    (machine['prefix'] / '.redisops-build').write_text('%s\n{"flavor": "redis"\n' % KEY)
    result = run_module('build_status', arguments(machine)).result
    assert (result['stamp'], result['stamp_parts'], result['installed_parts']) == (KEY, '{"flavor": "redis"', {})
    (machine['prefix'] / '.redisops-build').write_text(KEY)
    result = run_module('build_status', arguments(machine)).result
    assert (result['stamp'], result['stamp_parts'], result['installed_parts']) == (KEY, '', {})


def test_no_linked_commands_need_no_link_dir(run_module, machine):
    run = run_module('build_status', dict(prefix=str(machine['prefix']), server_binary='redis-server'))
    assert not run.failed, run.output
    assert run.result['links'] == {}
    refused = run_module('build_status', dict(prefix=str(machine['prefix']), server_binary='redis-server',
                                              linked_commands=['redis-cli']))
    assert refused.failed and 'link_dir' in refused.msg


# The shell probe that build_status replaced, for the C library when getconf knows no glibc.
SHELL_LIBC = r'''ldd=$(ldd --version 2>&1 || true)
case "$ldd" in
  *musl*) version=${ldd##*Version }; echo "libc=musl ${version%%[!0-9.]*}" ;;
  *) echo "libc=unknown" ;;
esac
'''

MUSL_LDD = '''musl libc (x86_64)
Version %s
Dynamic Program Loader
Usage: /lib/ld-musl-x86_64.so.1 [options] [--] pathname [args]
'''


@pytest.mark.parametrize('output, libc', [
    (MUSL_LDD % '1.2.4', 'musl 1.2.4'),
    (MUSL_LDD % '1.2.4_git20230717', 'musl 1.2.4'),
    (MUSL_LDD % '1.1.24', 'musl 1.1.24'),
    ('musl libc (aarch64)\n', 'musl '),
    ('ldd (Debian GLIBC 2.36-9+deb12u4) 2.36\nCopyright (C) 2022 Free Software Foundation, Inc.\n', 'unknown'),
    ('', 'unknown'),
])
def test_the_c_library_from_ldd_is_what_the_shell_probe_printed(tmp_path, output, libc):
    assert libc_from_ldd(output) == libc
    # musl's ldd prints to stderr and exits 1.
    (tmp_path / 'output').write_text(output)
    ldd = tmp_path / 'ldd'
    ldd.write_text('#!/bin/sh\ncat %s >&2\nexit 1\n' % (tmp_path / 'output'))
    ldd.chmod(0o755)
    env = dict(os.environ, PATH='%s:%s' % (tmp_path, os.environ['PATH']))
    shell = subprocess.run(['/bin/sh', '-c', SHELL_LIBC], capture_output=True, text=True, env=env, check=True)
    assert shell.stdout.rstrip('\r\n') == 'libc=' + libc
