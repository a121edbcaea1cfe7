# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.redis_source and the playbook redisops.sentinel.fetch_source against
cache directories of the test's own, without the network.

A cache that holds a tarball is seeded with a real, verified one from the user's source
cache (${REDISOPS_CACHE_DIR:-~/.cache/redisops-sentinel}/sources as pytest started, which
scripts/prepare-test-hosts and the role tests fill); the tests that need one are skipped
when it is not there."""

import importlib.util
import json
import shutil
import subprocess

import pytest
import yaml

from tests.scripts.loopback_http import serving
from tests.support.paths import BIN, REPO


def load_sources():
    spec = importlib.util.spec_from_file_location('redisops_sentinel_sources',
                                                  str(REPO / 'plugins' / 'module_utils' / 'sources.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sources = load_sources()
USER_CACHE = sources.default_cache_dir()
# The smallest of the tarballs the catalog records.
FLAVOR, VERSION = 'redis', '7.0.15'


@pytest.fixture
def seeded_cache(tmp_path):
    """A cache directory holding the verified redis 7.0.15 tarball; (directory, its path, its record)."""
    entry = sources.find_entry(FLAVOR, VERSION)
    path, record = sources.find_cached(entry, USER_CACHE)
    if not path:
        pytest.skip('no verified %s %s tarball in %s (scripts/fetch-source --flavor %s --version %s fetches it)'
                    % (FLAVOR, VERSION, USER_CACHE, FLAVOR, VERSION))
    cache = tmp_path / 'seeded-cache'
    cache.mkdir()
    shutil.copyfile(path, str(cache / record['file']))
    return cache, cache / record['file'], record


def test_check_mode_reports_a_missing_tarball_as_a_change_and_fetches_nothing(run_module, tmp_path):
    cache = tmp_path / 'empty-cache'
    vars_file = tmp_path / 'src.yml'
    # An upstream that would answer at once if it were asked: it is not.
    run = run_module('redis_source', dict(flavor=FLAVOR, version=VERSION, cache_dir=str(cache),
                                          url='http://127.0.0.1:9/never.tar.gz', vars_file=str(vars_file)),
                     check=True, adhoc=True)
    assert not run.failed, run.output
    assert run.changed
    assert run.result['cached'] is False
    assert 'path' not in run.result and run.result['vars'] == {}
    assert not cache.exists()
    assert not vars_file.exists()
    assert not any(message.startswith('trying') for message in run.result['messages'])


def test_a_cached_tarball_is_reported_unchanged_in_check_mode(run_module, seeded_cache):
    cache, tarball, record = seeded_cache
    run = run_module('redis_source', dict(flavor=FLAVOR, version=VERSION, cache_dir=str(cache)), check=True,
                     adhoc=True)
    assert not run.failed, run.output
    assert not run.changed
    assert (run.result['cached'], run.result['path'], run.result['checksum'], run.result['origin']) == \
        (True, str(tarball), 'sha256:' + record['sum'], record['origin'])


def test_the_vars_file_is_written_once_and_only_outside_check_mode(run_module, seeded_cache, tmp_path):
    cache, tarball, record = seeded_cache
    vars_file = tmp_path / 'src.yml'
    args = dict(flavor=FLAVOR, version=VERSION, cache_dir=str(cache), vars_file=str(vars_file))
    checked = run_module('redis_source', args, check=True, diff=True, adhoc=True)
    assert not checked.failed, checked.output
    assert checked.changed
    assert not vars_file.exists()

    written = run_module('redis_source', args, adhoc=True)
    assert not written.failed, written.output
    assert written.changed
    assert written.result['cached'] is True
    expected = {'redis_flavor': FLAVOR, 'redis_version': VERSION, 'redis_source_archive': str(tarball),
                'redis_source_checksum': 'sha256:' + record['sum'], 'redis_source_origin': record['origin']}
    assert written.result['vars'] == expected
    assert yaml.safe_load(vars_file.read_text()) == expected
    assert written.result['vars_file'] == str(vars_file)

    again = run_module('redis_source', args, adhoc=True)
    assert not again.failed, again.output
    assert not again.changed
    assert not run_module('redis_source', args, check=True, adhoc=True).changed


def test_a_missing_tarball_is_downloaded_from_url_and_verified(run_module, seeded_cache, tmp_path):
    _, tarball, record = seeded_cache
    cache = tmp_path / 'cache'
    with serving({'/mirror/redis-7.0.15.tar.gz': tarball.read_bytes()}) as base:
        url = base + '/mirror/redis-7.0.15.tar.gz'
        run = run_module('redis_source', dict(flavor=FLAVOR, version=VERSION, cache_dir=str(cache), url=url),
                         adhoc=True)
        assert base.requests == ['/mirror/redis-7.0.15.tar.gz']
    assert not run.failed, run.output
    assert run.changed
    assert (run.result['cached'], run.result['path']) == (False, str(cache / record['file']))
    assert run.result['messages'][0] == 'trying %s' % url
    assert 'verified %s: sha256 %s is recorded as %s' % (cache / record['file'], record['sum'], record['origin']) \
        in run.result['messages']


def test_a_tampered_cached_tarball_fails_and_stays(run_module, tmp_path):
    entry = sources.find_entry(FLAVOR, VERSION)
    cache = tmp_path / 'cache'
    cache.mkdir()
    tampered = cache / entry['sha256'][-1]['file']
    tampered.write_bytes(b'not the tarball')
    for check in (True, False):
        # In a playbook: the result that `ansible --tree` writes does not say failed.
        run = run_module('redis_source', dict(flavor=FLAVOR, version=VERSION, cache_dir=str(cache)), check=check)
        assert run.failed
        assert 'refusing it. Delete the file to fetch it again' in run.msg
        assert '\n' not in run.msg
    assert tampered.read_bytes() == b'not the tarball'


def test_a_version_outside_the_catalog_fails_with_the_known_ones(run_module, tmp_path):
    run = run_module('redis_source', dict(flavor='valkey', version='7.2.5', cache_dir=str(tmp_path)))
    assert run.failed
    assert run.msg.startswith('valkey 7.2.5 is not in the source catalog of redisops.sentinel')
    assert '(known valkey versions: 8.1.1)' in run.msg


def fetch_source_playbook(ansible_env, cwd, *arguments):
    return subprocess.run([str(BIN / 'ansible-playbook'), 'redisops.sentinel.fetch_source'] + list(arguments),
                          env=ansible_env, cwd=str(cwd), capture_output=True, text=True, timeout=300, check=False)


def test_the_fetch_source_playbook_writes_the_vars_file_in_the_current_directory(ansible_env, seeded_cache,
                                                                                 tmp_path):
    cache, tarball, _ = seeded_cache
    work = tmp_path / 'work'
    work.mkdir()
    arguments = ['-e', 'redis_version=%s' % VERSION, '-e', 'redisops_source_cache_dir=%s' % cache]
    expected = work / ('source-%s-%s.yml' % (FLAVOR, VERSION))

    checked = fetch_source_playbook(ansible_env, work, '--check', *arguments)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert 'Check mode, nothing fetched or written; later: ansible-playbook redisops.sentinel.site -i <your inventory> -e @%s' % expected \
        in checked.stdout
    assert not expected.exists()

    done = fetch_source_playbook(ansible_env, work, *arguments)
    assert done.returncode == 0, done.stdout + done.stderr
    assert 'Sources of %s %s verified; build with: ansible-playbook redisops.sentinel.site -i <your inventory> -e @%s' % (FLAVOR, VERSION, expected) \
        in done.stdout
    assert yaml.safe_load(expected.read_text())['redis_source_archive'] == str(tarball)
    assert 'changed=1' in done.stdout

    again = fetch_source_playbook(ansible_env, work, *arguments)
    assert again.returncode == 0, again.stdout + again.stderr
    assert 'changed=0' in again.stdout


LOOKUP_PLAYBOOK = """
- name: Read the catalog's sums
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Keep what the lookup returns
      ansible.builtin.copy:
        content: "{{ {'upstream': lookup('redisops.sentinel.source_catalog'),
                      'debian': query('redisops.sentinel.source_catalog', origin='debian-orig')} | to_json }}"
        dest: %s
        mode: "0600"
"""


def test_the_source_catalog_lookup_returns_the_recorded_sums(ansible_env, tmp_path):
    playbook = tmp_path / 'lookup.yml'
    result = tmp_path / 'lookup.json'
    playbook.write_text(LOOKUP_PLAYBOOK % json.dumps(str(result)))
    completed = subprocess.run([str(BIN / 'ansible-playbook'), str(playbook)], env=ansible_env, capture_output=True,
                               text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert json.loads(result.read_text()) == {'upstream': sources.recorded_checksums(),
                                              'debian': [sources.recorded_checksums('debian-orig')]}
