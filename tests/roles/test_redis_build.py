# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.redis_build with real builds of the tarballs scripts/fetch-source
provides, on inventories of this machine (local connection).

Every test installs under its own temporary install root and link directory and
uses its own controller artifact cache (REDISOPS_CACHE_DIR, see conftest.ansible_env),
so nothing lands in /opt, /usr/local or the user's caches. Compiling costs minutes, so
only the tests that are about compiling start from an empty cache (8.0.2, 7.0.15, Valkey
8.1.1: three compiles per session); the others are seeded from the session's artifact
store (conftest.build_artifacts), filled by those three.
"""

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

# The task that runs make; its "changed" results are the compiles.
COMPILE = r'redis_build : Compile with make'
UNPACK = r'redis_build : Unpack the artifact$'
CHECK_MODE_REPORT = r'redis_build : Report what a real run would install \(check mode\)'
REDIS_COMMANDS = ['redis-server', 'redis-sentinel', 'redis-cli', 'redis-benchmark', 'redis-check-aof', 'redis-check-rdb']


def layout(base):
    """Host variables that put one "machine" (install root + link dir) under `base`."""
    return {'redis_install_root': str(base / 'opt'), 'redis_bin_link_dir': str(base / 'bin')}


def run_version(binary):
    completed = subprocess.run([str(binary), '--version'], capture_output=True, text=True, timeout=30, check=False)
    assert completed.returncode == 0, '%s --version failed: %s' % (binary, completed.stderr)
    return completed.stdout


def artifact_cache(env):
    """The role's default redis_build_cache_dir for this test's environment."""
    return Path(env['REDISOPS_CACHE_DIR']) / 'builds'


def artifacts_in(cache):
    return sorted(p.name for p in Path(cache).glob('*.tar.gz'))


def assert_installed(base, flavor, version, commands):
    """The prefix holds a stamped build whose server reports `version`, and each command is linked to it."""
    prefix = base / 'opt' / ('%s-%s' % (flavor, version))
    stamp = prefix / '.redisops-build'
    assert stamp.is_file(), 'no build stamp in %s' % prefix
    assert stamp.read_text().startswith('%s-%s-' % (flavor, version))
    assert 'v=%s ' % version in run_version(prefix / 'bin' / ('%s-server' % flavor))
    for command in commands:
        link = base / 'bin' / command
        assert link.is_symlink(), '%s is not a link' % link
        assert os.readlink(link) == str(prefix / 'bin' / command)
    # No scratch left behind by the build or the install.
    assert not list((base / 'opt').glob('.*')), list((base / 'opt').glob('.*'))
    return prefix


# 1 ------------------------------------------------------------------------------------------

def test_three_hosts_of_one_machine_compile_once_and_a_rerun_changes_nothing(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}, 'local-2': {}, 'local-3': {}}, common=layout(base))
    sources = source_vars('redis', '8.0.2')

    first = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert first.returncode == 0, first.explain()
    # Exactly one compile, by the first host; one install and one set of links for the machine.
    compiles = [host for task, host, status in first.results if re.search(COMPILE, task) and status != 'skipping']
    assert compiles == ['local-1'], first.explain()
    # The compile shows that it runs: when it started, how long so far, make's last line.
    assert re.search(r'Compile of redis 8\.0\.2 \(make -j\d+ BUILD_TLS=yes USE_SYSTEMD=yes\) on local-1 '
                     r'started at \d\d:\d\d:\d\d; no duration of it is recorded yet', first.stdout), first.explain()
    assert re.search(r'Compile of redis 8\.0\.2 .* on local-1: \d+ s so far; last: \S', first.stdout), first.explain()
    assert first.hosts(COMPILE, 'changed') == ['local-1']
    assert first.hosts(UNPACK, 'changed') == ['local-1']
    assert first.recap['local-2']['changed'] == 0 and first.recap['local-3']['changed'] == 0, first.recap
    cache = artifact_cache(ansible_env)
    assert len(artifacts_in(cache)) == 1, artifacts_in(cache)
    # Nothing else but the compile's duration, in particular no temporary (.part) file of the fetch.
    assert sorted(p.name for p in cache.iterdir()) == artifacts_in(cache) + ['timings.json']

    prefix = assert_installed(base, 'redis', '8.0.2', REDIS_COMMANDS)
    # The stamp: the build key, then its parts.
    key, parts = (prefix / '.redisops-build').read_text().splitlines()
    assert key + '.tar.gz' == artifacts_in(cache)[0]
    assert json.loads(parts)['version'] == '8.0.2'
    assert 'v=8.0.2 ' in run_version(base / 'bin' / 'redis-server')
    assert 'redis-cli 8.0.2' in run_version(base / 'bin' / 'redis-cli')
    # redis_build_tls defaults to true: a client built without TLS rejects --tls.
    tls = subprocess.run([str(base / 'bin' / 'redis-cli'), '--tls', '--version'], capture_output=True, text=True,
                         check=False)
    assert tls.returncode == 0 and '8.0.2' in tls.stdout, tls.stderr
    build_artifacts.keep(cache)

    artifact_mtime = (cache / artifacts_in(cache)[0]).stat().st_mtime_ns
    second = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert second.returncode == 0, second.explain()
    assert not second.ran(COMPILE), second.explain()
    assert not second.ran(UNPACK), second.explain()
    assert set(second.recap) == {'local-1', 'local-2', 'local-3'}
    assert second.changed_total == 0, second.recap
    assert (cache / artifacts_in(cache)[0]).stat().st_mtime_ns == artifact_mtime

    # Without any source variable (the upstream tarball's sum differs from the Debian orig
    # tarball's), the installed build of 8.0.2 still counts: nothing to fetch, nothing to do.
    unsourced = ansible_playbook('build.yml', inventory, extra_vars={'redis_version': '8.0.2'})
    assert unsourced.returncode == 0, unsourced.explain()
    assert not unsourced.ran(COMPILE) and not unsourced.ran(UNPACK), unsourced.explain()
    assert unsourced.changed_total == 0, unsourced.explain()
    checked = ansible_playbook('build.yml', inventory, extra_vars={'redis_version': '8.0.2'}, check=True)
    assert checked.returncode == 0 and checked.changed_total == 0, checked.explain()


# 2 ------------------------------------------------------------------------------------------

def test_two_machines_share_one_compile_and_a_cached_artifact_needs_none(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts):
    # Different install roots make different machine identities, as two hosts would.
    hosts = {'machine-a': layout(tmp_path / 'a'), 'machine-b': layout(tmp_path / 'b')}
    inventory = make_inventory(hosts)
    sources = source_vars('redis', '7.0.15')
    cache = artifact_cache(ansible_env)
    assert not cache.exists()

    run = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert run.returncode == 0, run.explain()
    assert run.hosts(COMPILE, 'changed') == ['machine-a'], run.explain()
    assert len([r for r in run.results if re.search(COMPILE, r[0]) and r[2] != 'skipping']) == 1
    # Each machine installed the one artifact itself.
    assert run.hosts(UNPACK, 'changed') == ['machine-a', 'machine-b'], run.explain()
    assert len(artifacts_in(cache)) == 1
    stamps = set()
    for name in ('a', 'b'):
        prefix = assert_installed(tmp_path / name, 'redis', '7.0.15', REDIS_COMMANDS)
        stamps.add((prefix / '.redisops-build').read_text())
    assert len(stamps) == 1, stamps
    build_artifacts.keep(cache)

    # A third machine with the artifact cached: nothing compiles anywhere.
    fresh = make_inventory({'machine-c': layout(tmp_path / 'c')}, name='hosts-c.yml')
    third = ansible_playbook('build.yml', fresh, vars_files=[sources])
    assert third.returncode == 0, third.explain()
    assert not third.ran(COMPILE), third.explain()
    assert not third.ran(r'redis_build : Install the build dependencies'), third.explain()
    assert third.hosts(UNPACK, 'changed') == ['machine-c']
    assert_installed(tmp_path / 'c', 'redis', '7.0.15', REDIS_COMMANDS)


# 3 ------------------------------------------------------------------------------------------

def test_checksum_mismatch_fails_before_building_with_both_sums(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}, 'local-2': {}}, common=layout(base))
    sources = source_vars('redis', '8.0.2')
    actual = yaml.safe_load(sources.read_text())['redis_source_checksum']
    wrong = 'sha256:' + '0123456789abcdef' * 4

    run = ansible_playbook('build.yml', inventory, vars_files=[sources], extra_vars={'redis_source_checksum': wrong})
    assert run.returncode != 0, run.explain()
    assert run.hosts(r': Check the variables of the play\'s roles and what this host needs', 'fatal') == [
        'local-1', 'local-2'], run.explain()
    assert 'Checksum mismatch for redis_source_archive' in run.output
    assert wrong in run.output and actual in run.output, run.explain()
    assert not run.ran(COMPILE) and not run.ran(r'redis_build : Copy the source tarball')
    assert run.changed_total == 0
    assert not base.exists() and not artifact_cache(ansible_env).exists()


def test_checksum_mismatch_of_a_download_fails_before_building_with_both_sums(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars):
    # No redis_source_archive: the host that compiles downloads redis_source_url (here a
    # file:// URL, upstream being out of reach) and get_url checks the sum.
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}}, common=layout(base))
    tarball = yaml.safe_load(source_vars('redis', '8.0.2').read_text())
    wrong = 'sha256:' + 'fedcba9876543210' * 4

    run = ansible_playbook('build.yml', inventory, extra_vars={
        'redis_version': '8.0.2', 'redis_source_url': 'file://' + tarball['redis_source_archive'],
        'redis_source_checksum': wrong})
    assert run.returncode != 0, run.explain()
    assert run.hosts(r'redis_build : Fail naming the source variables', 'fatal') == ['local-1'], run.explain()
    assert 'No verified source tarball from redis_source_url' in run.output
    assert wrong[len('sha256:'):] in run.output and tarball['redis_source_checksum'][len('sha256:'):] in run.output
    assert not run.ran(COMPILE) and not run.ran(UNPACK)
    assert not (base / 'opt' / 'redis-8.0.2').exists() and not artifact_cache(ansible_env).exists()


def test_malformed_checksum_fails_in_preflight_naming_the_variable(
        tmp_path, make_inventory, ansible_playbook, source_vars):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}}, common=layout(base))

    run = ansible_playbook('build.yml', inventory, vars_files=[source_vars('redis', '8.0.2')],
                           extra_vars={'redis_source_checksum': 'md5:5d41402abc4b2a76b9719d911017c592'})
    assert run.returncode != 0, run.explain()
    assert run.hosts(r': Check the variables of the play\'s roles and what this host needs', 'fatal') == [
        'local-1'], run.explain()
    assert "redis_source_checksum must be 'sha256:' followed by 64 hexadecimal digits" in run.output
    assert run.changed_total == 0 and not base.exists()


@pytest.mark.parametrize('extra_vars, message', [
    ({'redis_flavor': 'keydb'}, 'value of redis_flavor must be one of: redis, valkey'),
    ({'redis_source_archive': '/nonexistent/redis-8.0.2.tar.gz'},
     'redis_source_archive: no such file on the controller: /nonexistent/redis-8.0.2.tar.gz'),
    ({'redis_version': '9.9.9', 'redis_source_archive': '', 'redis_source_checksum': ''},
     'redis_source_checksum is required for redis 9.9.9'),
    ({'redis_make_args': ['MALLOC=libc', 'MALLOC=jemalloc']}, 'redis_make_args must be a list of make variables'),
], ids=['flavor', 'missing-archive', 'unknown-version', 'make-args'])
def test_preflight_entry_point_alone_rejects_bad_variables(
        tmp_path, make_inventory, ansible_playbook, source_vars, extra_vars, message):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}}, common=layout(base))

    run = ansible_playbook('build_preflight.yml', inventory, vars_files=[source_vars('redis', '8.0.2')],
                           extra_vars=extra_vars)
    assert run.returncode != 0, run.explain()
    assert message in run.output, run.explain()
    assert run.changed_total == 0 and not base.exists()


def test_preflight_entry_point_alone_passes_and_changes_nothing(
        tmp_path, make_inventory, ansible_playbook, source_vars):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}}, common=layout(base))

    run = ansible_playbook('build_preflight.yml', inventory, vars_files=[source_vars('valkey', '8.1.1')])
    assert run.returncode == 0, run.explain()
    assert run.hosts(r'redis_build : Check the build variables', 'ok') == ['local-1']
    assert run.changed_total == 0 and not base.exists()


# 4 ------------------------------------------------------------------------------------------

def test_changing_the_version_installs_beside_and_repoints_the_links(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}, 'local-2': {}}, common=layout(base))
    cache = artifact_cache(ansible_env)
    build_artifacts.seed(cache)
    seeded = artifacts_in(cache)

    for version in ('8.0.2', '7.0.15'):
        run = ansible_playbook('build.yml', inventory, vars_files=[source_vars('redis', version)])
        assert run.returncode == 0, run.explain()
        # The session's earlier tests normally left both artifacts; compile only what was missing.
        expected = [] if any(name.startswith('redis-%s-' % version) for name in seeded) else ['local-1']
        assert run.hosts(COMPILE, 'changed') == expected, run.explain()
        assert run.hosts(UNPACK, 'changed') == ['local-1']
    build_artifacts.keep(cache)

    old = base / 'opt' / 'redis-8.0.2'
    assert_installed(base, 'redis', '7.0.15', REDIS_COMMANDS)
    assert 'v=7.0.15 ' in run_version(base / 'bin' / 'redis-server')
    assert 'redis-cli 7.0.15' in run_version(base / 'bin' / 'redis-cli')
    # The previous version stays, whole and runnable, for a rollback.
    assert (old / '.redisops-build').read_text().startswith('redis-8.0.2-')
    assert 'v=8.0.2 ' in run_version(old / 'bin' / 'redis-server')

    # And back: 8.0.2 is already installed, so only the links move.
    back = ansible_playbook('build.yml', inventory, vars_files=[source_vars('redis', '8.0.2')])
    assert back.returncode == 0, back.explain()
    assert not back.ran(COMPILE) and not back.ran(UNPACK), back.explain()
    assert back.hosts(r'redis_build : Link the commands into the link directory', 'changed') == ['local-1']
    assert 'v=8.0.2 ' in run_version(base / 'bin' / 'redis-server')


def test_a_prefix_with_another_build_or_a_missing_binary_is_replaced_whole(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}}, common=layout(base))
    build_artifacts.seed(artifact_cache(ansible_env))
    sources = source_vars('redis', '8.0.2')
    assert ansible_playbook('build.yml', inventory, vars_files=[sources]).returncode == 0
    prefix = base / 'opt' / 'redis-8.0.2'
    key = (prefix / '.redisops-build').read_text()

    # Another build of the same version (as if other make arguments had made it): replaced,
    # by a rename, so nothing of the old tree survives.
    (prefix / '.redisops-build').write_text('redis-8.0.2-some-other-build\n')
    (prefix / 'bin' / 'left-by-the-old-build').write_text('')
    run = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert run.returncode == 0, run.explain()
    assert run.hosts(r'redis_build : Move the previous build of this version aside', 'changed') == ['local-1']
    assert not (prefix / 'bin' / 'left-by-the-old-build').exists()
    assert (prefix / '.redisops-build').read_text() == key
    assert_installed(base, 'redis', '8.0.2', REDIS_COMMANDS)

    # A stamp whose server is gone does not count as installed.
    (prefix / 'bin' / 'redis-server').unlink()
    run = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert run.returncode == 0 and run.hosts(UNPACK, 'changed') == ['local-1'], run.explain()
    assert not run.ran(COMPILE)
    assert_installed(base, 'redis', '8.0.2', REDIS_COMMANDS)

    # A regular file where a link should go is refused, not overwritten.
    (base / 'bin' / 'redis-cli').unlink()
    (base / 'bin' / 'redis-cli').write_text('#!/bin/sh\necho a hand-installed client\n')
    run = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert run.returncode != 0, run.explain()
    assert '%s exists and is not a link' % (base / 'bin' / 'redis-cli') in run.output
    assert (base / 'bin' / 'redis-cli').read_text().endswith('a hand-installed client\n')


# 5 ------------------------------------------------------------------------------------------

def test_valkey_builds_and_links_its_own_commands(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}, 'local-2': {}}, common=layout(base))

    # This host runs no systemd, but Debian ships libsystemd: the role builds with USE_SYSTEMD=yes,
    # the key of a systemd host's build too (the valkey scenario's, which then takes this artifact
    # instead of compiling it again: scripts/run-tests shares the store).
    run = ansible_playbook('build.yml', inventory, vars_files=[source_vars('valkey', '8.1.1')])
    assert run.returncode == 0, run.explain()
    assert run.hosts(COMPILE, 'changed') == ['local-1'], run.explain()
    build_artifacts.keep(artifact_cache(ansible_env))

    valkey_commands = ['valkey-server', 'valkey-sentinel', 'valkey-cli', 'valkey-benchmark', 'valkey-check-aof',
                       'valkey-check-rdb']
    prefix = assert_installed(base, 'valkey', '8.1.1', valkey_commands)
    key, parts = (prefix / '.redisops-build').read_text().splitlines()
    assert json.loads(parts)['make_args'] == ['BUILD_TLS=yes', 'USE_SYSTEMD=yes'], parts
    linked = subprocess.run(['ldd', str(prefix / 'bin' / 'valkey-server')], capture_output=True, text=True,
                            check=True).stdout
    assert 'libsystemd.so' in linked, linked
    assert 'Valkey server v=8.1.1 ' in run_version(base / 'bin' / 'valkey-server')
    assert 'v=8.1.1 ' in run_version(base / 'bin' / 'valkey-sentinel')
    assert 'valkey-cli 8.1.1' in run_version(base / 'bin' / 'valkey-cli')
    # Valkey's redis-* compatibility links stay in the versioned prefix, off PATH.
    assert (prefix / 'bin' / 'redis-server').exists()
    assert sorted(p.name for p in (base / 'bin').iterdir()) == sorted(valkey_commands)


# 6 ------------------------------------------------------------------------------------------

def test_check_mode_on_a_fresh_machine_compiles_nothing_and_does_not_fail(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}, 'local-2': {}, 'local-3': {}}, common=layout(base))

    run = ansible_playbook('build.yml', inventory, vars_files=[source_vars('redis', '8.0.2')], check=True, diff=True)
    assert run.returncode == 0, run.explain()
    assert not run.ran(COMPILE), run.explain()
    assert run.hosts(r'redis_build : Compile and store the artifact on the controller', 'skipping') == [
        'local-1', 'local-2', 'local-3']
    # It says what a real run would do, once for the machine.
    assert run.hosts(CHECK_MODE_REPORT, 'changed') == ['local-1'], run.explain()
    assert 'Would install redis-8.0.2-' in run.output and 'after local-1 compiles it' in run.output
    assert run.hosts(r'redis_build : Link the commands into the link directory', 'changed') == ['local-1']
    assert not base.exists(), list(base.rglob('*'))
    assert not artifact_cache(ansible_env).exists()


# Beyond the six scenarios: the non-root layout, and the remove entry point ----------------------

def _unprivileged_user():
    try:
        user = pwd.getpwnam('nobody')
    except KeyError:
        return None
    if os.geteuid() != 0 or not shutil.which('su') or not Path('/usr/bin/python3').exists():
        return None
    return user


@pytest.fixture
def unprivileged_host(tmp_path):
    """Host variables of an inventory host where every task runs as `nobody` (su), with its own
    redis_user_root (nobody's home does not exist), and the directory that must stay its own."""
    user = _unprivileged_user()
    if user is None:
        pytest.skip('needs root, su, /usr/bin/python3 and a "nobody" account')
    # pytest's tmp_path is private to root; nobody needs a directory it can reach.
    base = Path(tempfile.mkdtemp(prefix='redisops-nonroot-', dir='/tmp'))
    base.chmod(0o755)
    tree = base / 'tree'
    tree.mkdir()
    os.chown(tree, user.pw_uid, grp.getgrgid(user.pw_gid).gr_gid)
    yield {
        'ansible_become': True,
        'ansible_become_method': 'ansible.builtin.su',
        'ansible_become_user': 'nobody',
        'ansible_become_flags': '-s /bin/sh',
        # Modules need only the standard library; the test's venv is under /root.
        'ansible_python_interpreter': '/usr/bin/python3',
        'redis_user_root': str(tree),
    }, tree, user
    shutil.rmtree(base, ignore_errors=True)


def test_non_root_installs_under_its_own_tree_and_names_missing_build_tools(
        ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts, unprivileged_host):
    hostvars, tree, user = unprivileged_host
    inventory = make_inventory({'unprivileged': hostvars})
    sources = source_vars('redis', '8.0.2')
    cache = artifact_cache(ansible_env)

    # Nothing cached and USE_SYSTEMD=yes, whose headers (libsystemd-dev) this user cannot
    # install: it fails before compiling, naming the header and the package.
    if Path('/usr/include/systemd/sd-daemon.h').exists():
        pytest.skip('libsystemd-dev is installed here; the missing-header case cannot be shown')
    missing = ansible_playbook('build.yml', inventory, vars_files=[sources],
                               extra_vars={'redis_make_args': ['USE_SYSTEMD=yes']})
    assert missing.returncode != 0, missing.explain()
    assert 'missing: header <systemd/sd-daemon.h>' in missing.output, missing.explain()
    assert 'As nobody the role cannot install packages' in missing.output and 'libsystemd-dev' in missing.output
    assert not missing.ran(r'redis_build : Install the build dependencies with apt'), missing.explain()
    assert not missing.ran(COMPILE) and missing.changed_total == 0
    assert not list(tree.iterdir())

    # With the artifact cached (root's build: same key), it installs as nobody under its tree.
    build_artifacts.seed(cache)
    run = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert run.returncode == 0, run.explain()
    assert_installed(tree, 'redis', '8.0.2', REDIS_COMMANDS)
    for path in [tree / 'opt', tree / 'opt' / 'redis-8.0.2' / 'bin' / 'redis-server', tree / 'bin' / 'redis-cli']:
        assert path.lstat().st_uid == user.pw_uid, '%s is not owned by nobody' % path
    build_artifacts.keep(cache)

    again = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert again.returncode == 0 and again.changed_total == 0, again.explain()


def test_remove_entry_point_removes_builds_and_links_but_nothing_else(
        tmp_path, ansible_env, make_inventory, ansible_playbook, source_vars, build_artifacts):
    base = tmp_path / 'machine'
    inventory = make_inventory({'local-1': {}, 'local-2': {}}, common=layout(base))
    cache = artifact_cache(ansible_env)
    build_artifacts.seed(cache)
    sources = source_vars('redis', '8.0.2')
    install = ansible_playbook('build.yml', inventory, vars_files=[sources])
    assert install.returncode == 0, install.explain()
    # Someone else's files in the same directories.
    (base / 'bin' / 'other-tool').write_text('#!/bin/sh\n')
    (base / 'opt' / 'redis-unrelated').mkdir()

    playbook = tmp_path / 'remove.yml'
    playbook.write_text(
        '- name: Remove the build\n  hosts: all\n  gather_facts: true\n  gather_subset: [min]\n  tasks:\n'
        '    - name: Remove\n      ansible.builtin.include_role:\n        name: redisops.sentinel.redis_build\n'
        '        tasks_from: remove\n')
    run = ansible_playbook(playbook, inventory, vars_files=[sources])
    assert run.returncode == 0, run.explain()
    assert run.recap['local-2']['changed'] == 0
    assert sorted(p.name for p in (base / 'bin').iterdir()) == ['other-tool']
    assert sorted(p.name for p in (base / 'opt').iterdir()) == ['redis-unrelated']
    assert artifacts_in(cache), 'the artifact cache must survive a remove'
