# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/fetch-source and plugins/module_utils/sources.py, which it loads by its path,
without the network (loopback only): which tarballs are admitted to the cache, the
deb-src entries derived from a machine's apt sources, and a Debian fetch through a fake
apt whose messages are shown only when the fetch fails."""

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys

import pytest
import yaml

from tests.scripts.loopback_http import serving
from tests.support.paths import REPO

FETCH_SOURCE = REPO / 'scripts' / 'fetch-source'


def load_fetch_source():
    loader = importlib.machinery.SourceFileLoader('fetch_source', str(FETCH_SOURCE))
    spec = importlib.util.spec_from_loader('fetch_source', loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


fetch_source = load_fetch_source()
# The module_utils file, as the script loaded it by its path.
sources = fetch_source.sources

CONTENT = b'a tarball, as far as these tests are concerned\n'
CONTENT_SUM = hashlib.sha256(CONTENT).hexdigest()
ORIG = 'redis_8.0.2.orig.tar.gz'


def entry_recording(total):
    return {'flavor': 'redis', 'version': '8.0.2',
            'upstream_url': 'https://upstream.example/redis-8.0.2.tar.gz',
            'debian': {'package': 'redis', 'suite': 'trixie', 'version': '5:8.0.2-3+deb13u2'},
            'sha256': [{'sum': total, 'origin': 'debian-orig', 'file': ORIG}]}


def closed_port_url():
    """An upstream URL on loopback that refuses connections at once."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    return 'http://127.0.0.1:%d/redis-8.0.2.tar.gz' % port


def run_script(*arguments, env=None):
    return subprocess.run([sys.executable, str(FETCH_SOURCE)] + list(arguments), capture_output=True, text=True,
                          timeout=120, check=False, env=env)


def error_lines(text):
    """Lines that look like apt's errors or warnings, wherever they stand in a line."""
    return [line for line in text.splitlines() if re.search(r'(^|\s)[EW]: ', line)]


# ---------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------

def test_the_catalog_records_every_tarball_the_scenarios_use():
    sources.check_catalog(sources.CATALOG)
    for flavor, version in [('redis', '7.0.15'), ('redis', '8.0.2'), ('valkey', '8.1.1')]:
        entry = sources.find_entry(flavor, version)
        assert {r['origin'] for r in entry['sha256']} == {'upstream', 'debian-orig'}, (flavor, version)
    with pytest.raises(sources.Failure, match=r'redis 6\.0\.0 is not in the source catalog of redisops\.sentinel'
                                              r' .*\(known redis versions: 7\.0\.15, 8\.0\.2\)'):
        sources.find_entry('redis', '6.0.0')


def test_the_build_role_gets_the_upstream_sums_from_the_catalog():
    assert sources.recorded_checksums() == {
        'redis': {'7.0.15': 'sha256:98066f5363504b26c34dd20fbcc3c957990d764cdf42576c836fc021073f4341',
                  '8.0.2': 'sha256:e9296b67b54c91befbcca046d67071c780a1f7c9f9e1ae5ed94773c3bb9b542f'},
        'valkey': {'8.1.1': 'sha256:3355fbd5458d853ab201d2c046ffca9f078000587ccbe9a6c585110f146ad2c5'},
    }
    assert sources.recorded_checksums('debian-orig')['valkey'] == {
        '8.1.1': 'sha256:d9bbd82eecb82f359e649a0007ad3dc1b47cc15afa626348ca86b73c4ae2c7ee'}


@pytest.mark.parametrize('change, message', [
    (lambda e: e.update(flavor='keydb'), 'flavor must be one of redis, valkey'),
    (lambda e: e['sha256'][0].update(sum='ABC'), "'ABC' is not 64 lower-case hex digits"),
    (lambda e: e['sha256'][0].update(origin='mirror'), 'origin must be one of upstream, debian-orig'),
    (lambda e: e['sha256'][0].update(file='../x.tar.gz'), "file '../x.tar.gz' must be a plain file name"),
    (lambda e: e.pop('debian'), "missing 'debian'"),
])
def test_a_malformed_catalog_is_refused(change, message):
    entry = entry_recording(CONTENT_SUM)
    change(entry)
    with pytest.raises(sources.Failure, match=re.escape(message)):
        sources.check_catalog([entry], 'test.json')


def test_the_cache_dir_follows_redisops_cache_dir_then_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv('REDISOPS_CACHE_DIR', raising=False)
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'xdg'))
    assert sources.default_cache_dir() == str(tmp_path / 'xdg' / 'redisops-sentinel' / 'sources')
    monkeypatch.setenv('REDISOPS_CACHE_DIR', str(tmp_path / 'own'))
    assert sources.default_cache_dir() == str(tmp_path / 'own' / 'sources')


# ---------------------------------------------------------------------------
# Admission to the cache
# ---------------------------------------------------------------------------

def test_a_download_with_a_recorded_sum_is_admitted_to_the_cache(tmp_path):
    cache = tmp_path / 'cache'
    cache.mkdir()
    download = tmp_path / 'download.part'
    download.write_bytes(CONTENT)
    messages = []
    path, record = sources.admit(str(download), ORIG, 'a mirror', 'debian-orig', entry_recording(CONTENT_SUM),
                                 str(cache), messages.append, 'catalog.json')
    assert path == str(cache / ORIG)
    assert record['sum'] == CONTENT_SUM
    assert (cache / ORIG).read_bytes() == CONTENT
    assert messages == ['verified %s: sha256 %s is recorded as debian-orig' % (cache / ORIG, CONTENT_SUM)]


def test_a_download_with_an_unrecorded_sum_is_refused_and_kept_aside(tmp_path):
    cache = tmp_path / 'cache'
    cache.mkdir()
    download = tmp_path / 'download.part'
    download.write_bytes(CONTENT)
    with pytest.raises(sources.Failure) as refused:
        sources.admit(str(download), ORIG, 'a mirror', 'debian-orig', entry_recording('0' * 64), str(cache),
                      catalog_name='catalog.json')
    message = str(refused.value)
    assert 'has sha256 %s, which catalog.json does not record for redis 8.0.2' % CONTENT_SUM in message
    assert 'refusing it' in message
    assert "record it (in _TARBALLS of sources.py: ('redis', '8.0.2', '%s', 'debian-orig', '%s'))" \
        % (CONTENT_SUM, ORIG) in message
    # Nothing the build could pick up: the file waits in unverified/ only.
    assert not (cache / ORIG).exists()
    assert (cache / 'unverified' / ORIG).read_bytes() == CONTENT


def test_a_cached_tarball_that_changed_is_refused_not_replaced(tmp_path):
    (tmp_path / ORIG).write_bytes(CONTENT + b'tampered')
    with pytest.raises(sources.Failure, match='refusing it. Delete the file to fetch it again'):
        sources.find_cached(entry_recording(CONTENT_SUM), str(tmp_path), 'catalog.json')
    assert (tmp_path / ORIG).read_bytes() == CONTENT + b'tampered'


def test_check_mode_only_looks_in_the_cache(tmp_path):
    catalog = [entry_recording(CONTENT_SUM)]
    cache = tmp_path / 'cache'
    found = sources.obtain('redis', '8.0.2', cache_dir=str(cache), url=closed_port_url(), check_mode=True,
                           catalog=catalog)
    assert (found.cached, found.path, found.checksum, found.variables()) == (False, None, None, None)
    assert not cache.exists()
    cache.mkdir()
    (cache / ORIG).write_bytes(CONTENT)
    found = sources.obtain('redis', '8.0.2', cache_dir=str(cache), check_mode=True, catalog=catalog)
    assert (found.cached, found.path, found.checksum) == (True, str(cache / ORIG), 'sha256:' + CONTENT_SUM)
    assert sorted(os.listdir(str(cache))) == [ORIG]


def test_an_upstream_download_with_a_recorded_sum_is_fetched_once(tmp_path):
    entry = entry_recording(CONTENT_SUM)
    entry['sha256'][0].update(origin='upstream', file='redis-8.0.2.tar.gz')
    cache = tmp_path / 'cache'
    messages = []
    with serving({'/releases/redis-8.0.2.tar.gz': CONTENT}) as base:
        url = base + '/releases/redis-8.0.2.tar.gz'
        found = sources.obtain('redis', '8.0.2', cache_dir=str(cache), url=url, log=messages.append,
                               catalog=[entry])
        assert (found.cached, found.path, found.origin) == (False, str(cache / 'redis-8.0.2.tar.gz'), 'upstream')
        assert messages[0] == 'trying %s' % url
        again = sources.obtain('redis', '8.0.2', cache_dir=str(cache), url=url, catalog=[entry])
        assert (again.cached, again.path) == (True, found.path)
        assert base.requests == ['/releases/redis-8.0.2.tar.gz']
    assert sorted(os.listdir(str(cache))) == ['.lock', 'redis-8.0.2.tar.gz']


# ---------------------------------------------------------------------------
# The variables file
# ---------------------------------------------------------------------------

def test_the_vars_file_is_written_only_when_it_changes(tmp_path):
    path = tmp_path / 'src.yml'
    variables = sources.source_vars(entry_recording(CONTENT_SUM), '/cache/' + ORIG,
                                    entry_recording(CONTENT_SUM)['sha256'][0])
    assert sources.write_vars_file(str(path), variables, check_mode=True)[0] is True
    assert not path.exists()
    changed, before, after = sources.write_vars_file(str(path), variables)
    assert (changed, before) == (True, '')
    assert path.read_text() == after
    assert yaml.safe_load(after) == {
        'redis_flavor': 'redis', 'redis_version': '8.0.2', 'redis_source_archive': '/cache/' + ORIG,
        'redis_source_checksum': 'sha256:' + CONTENT_SUM, 'redis_source_origin': 'debian-orig'}
    assert sources.write_vars_file(str(path), variables) == (False, after, after)
    with pytest.raises(sources.Failure, match='cannot write'):
        sources.write_vars_file(str(tmp_path / 'missing' / 'src.yml'), variables)


# ---------------------------------------------------------------------------
# The machine's apt sources
# ---------------------------------------------------------------------------

def test_deb_src_entries_follow_the_machines_debian_entries_for_the_wanted_suite():
    deb822 = sources.parse_deb822(
        'Types: deb\n'
        'URIs: http://mirror.example/debian\n'
        'Suites: bookworm bookworm-updates\n'
        'Components: main\n'
        'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n'
        '\n'
        'Types: deb\n'
        'URIs: http://mirror.example/debian-security\n'
        'Suites: bookworm-security\n'
        'Components: main\n'
        '\n'
        '# A third-party repository signs with its own key: no source packages from it.\n'
        'Types: deb\n'
        'URIs: http://vendor.example/apt\n'
        'Suites: bookworm\n'
        'Components: main\n'
        'Signed-By: /usr/share/keyrings/vendor.gpg\n')
    stanzas = sources.derive_deb_src(deb822, 'trixie', 'bookworm')
    assert len(stanzas) == 2
    assert 'Types: deb-src\nURIs: http://mirror.example/debian\nSuites: trixie trixie-updates\nComponents: main\n' \
        in stanzas[0]
    assert 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' in stanzas[0]
    assert 'URIs: http://mirror.example/debian-security\nSuites: trixie-security\n' in stanzas[1]
    assert not any('vendor.example' in stanza for stanza in stanzas)


def test_one_line_sources_are_read_as_well():
    entries = sources.parse_one_line(
        'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] '
        'http://mirror.example/debian bookworm main contrib  # comment\n'
        '# deb http://commented.example/debian bookworm main\n')
    assert entries == [{'types': ['deb'], 'uris': ['http://mirror.example/debian'], 'suites': ['bookworm'],
                        'components': ['main', 'contrib'],
                        'extra': [('signed-by', '/usr/share/keyrings/debian-archive-keyring.gpg')]}]
    stanzas = sources.derive_deb_src(entries, 'bookworm', 'bookworm')
    assert 'Suites: bookworm\nComponents: main contrib\n' in stanzas[0]


def test_another_debian_revision_of_the_same_upstream_release_is_tried():
    debian = entry_recording(CONTENT_SUM)['debian']
    # The suite moved on from the catalog's revision; 8.1.0 is another upstream release.
    assert sources._candidates(debian, ['5:8.0.2-3+deb13u3', '5:8.1.0-1']) == ['5:8.0.2-3+deb13u3']
    assert sources._candidates(debian, ['5:8.0.2-3+deb13u2'])[0] == '5:8.0.2-3+deb13u2'
    assert sources._candidates(debian, ['5:8.1.0-1']) == []


# ---------------------------------------------------------------------------
# A Debian fetch through a fake apt: quiet on success, apt's messages on failure
# ---------------------------------------------------------------------------

FAKE_APT_GET = '''#!/bin/sh
# apt-get as a mirror without the .dsc of a security upload behaves: the orig
# tarball arrives, the rest is a 404 and the exit status is 100.
case " $* " in
  *" update "*)
    echo "Get:1 http://mirror.example/debian trixie InRelease"
    echo "W: Skipping acquire of configured file 'main/binary-amd64/Packages'"
    exit 0 ;;
  *" source "*)
    [ "$FAKE_APT_ORIG" = none ] || printf '%s' "$FAKE_APT_ORIG" > redis_8.0.2.orig.tar.gz
    echo "Get:2 http://mirror.example/debian trixie/main redis 5:8.0.2-3+deb13u3 (tar) [3860 kB]"
    echo "E: Failed to fetch http://mirror.example/debian/pool/main/r/redis/redis_8.0.2-3%2bdeb13u3.dsc  404  Not Found"
    echo "E: Failed to fetch some archives."
    exit 100 ;;
esac
exit 1
'''

FAKE_APT_CACHE = '''#!/bin/sh
printf 'Package: redis\\nVersion: 5:8.0.2-3+deb13u3\\n\\n'
'''


@pytest.fixture
def fake_debian(tmp_path, monkeypatch):
    """A machine with one Debian deb entry, and apt-get/apt-cache that serve redis 5:8.0.2-3+deb13u3
    (its orig tarball: $FAKE_APT_ORIG, CONTENT unless changed) and complain about its .dsc."""
    bin_dir = tmp_path / 'fake-bin'
    bin_dir.mkdir()
    for name, text in (('apt-get', FAKE_APT_GET), ('apt-cache', FAKE_APT_CACHE)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv('PATH', '%s:%s' % (bin_dir, os.environ['PATH']))
    monkeypatch.setenv('FAKE_APT_ORIG', CONTENT.decode())
    apt = tmp_path / 'apt'
    (apt / 'sources.list.d').mkdir(parents=True)
    (apt / 'sources.list').write_text('deb http://mirror.example/debian bookworm main\n')
    (tmp_path / 'os-release').write_text('ID=debian\nVERSION_CODENAME=bookworm\n')
    monkeypatch.setattr(sources, 'APT_SOURCES_LIST', str(apt / 'sources.list'))
    monkeypatch.setattr(sources, 'APT_SOURCES_PARTS', str(apt / 'sources.list.d'))
    monkeypatch.setattr(sources, 'OS_RELEASE', str(tmp_path / 'os-release'))
    catalog = tmp_path / 'catalog.json'
    catalog.write_text(json.dumps([entry_recording(CONTENT_SUM)]))
    return catalog


def test_a_debian_fetch_that_succeeds_prints_none_of_apts_errors(fake_debian, tmp_path, capsys):
    cache = tmp_path / 'cache'
    vars_file = tmp_path / 'src.yml'
    status = fetch_source.main(['--flavor', 'redis', '--version', '8.0.2', '--catalog', str(fake_debian),
                                '--cache-dir', str(cache), '--url', closed_port_url(),
                                '--vars-file', str(vars_file)])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out == '%s\n' % (cache / ORIG)
    assert (cache / ORIG).read_bytes() == CONTENT
    assert 'trying 5:8.0.2-3+deb13u3' in err
    assert 'verified %s' % (cache / ORIG) in err
    assert error_lines(err) == [], err
    assert 'Failed to fetch' not in err
    assert yaml.safe_load(vars_file.read_text())['redis_source_origin'] == 'debian-orig'
    # Only the tarball and the lock stay: no private apt tree, no partial download.
    assert sorted(os.listdir(str(cache))) == ['.lock', ORIG]


def test_an_upstream_that_answers_404_falls_back_to_debian(fake_debian, tmp_path):
    messages = []
    with serving({}) as base:
        found = sources.obtain('redis', '8.0.2', cache_dir=str(tmp_path / 'cache'), url=base + '/redis-8.0.2.tar.gz',
                               log=messages.append, catalog=json.loads(fake_debian.read_text()))
    assert (found.origin, found.cached) == ('debian-orig', False)
    assert 'upstream is out of reach (HTTP 404 Not Found); trying the Debian source package' in messages
    assert error_lines('\n'.join(messages)) == []


def test_a_debian_fetch_that_fails_shows_apts_errors(fake_debian, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('FAKE_APT_ORIG', 'none')
    status = fetch_source.main(['--flavor', 'redis', '--version', '8.0.2', '--catalog', str(fake_debian),
                                '--cache-dir', str(tmp_path / 'cache'), '--url', closed_port_url()])
    out, err = capsys.readouterr()
    assert status == 1
    assert out == ''
    error = [line for line in err.splitlines() if line.startswith('fetch-source: error: ')]
    assert len(error) == 1, err
    assert 'no source reachable for redis 8.0.2' in error[0]
    assert 'redis=5:8.0.2-3+deb13u3: E: Failed to fetch' in error[0]
    # After the error line, the whole of apt's output.
    transcript = err[err.index(error[0]):]
    assert 'the output of apt behind it' in transcript
    assert '  W: Skipping acquire' in transcript
    assert '  E: Failed to fetch some archives.' in transcript


def test_a_debian_orig_tarball_with_an_unrecorded_sum_is_refused(fake_debian, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('FAKE_APT_ORIG', 'something else')
    cache = tmp_path / 'cache'
    status = fetch_source.main(['--flavor', 'redis', '--version', '8.0.2', '--catalog', str(fake_debian),
                                '--cache-dir', str(cache), '--url', closed_port_url()])
    _, err = capsys.readouterr()
    assert status == 1
    assert 'refusing it. It is kept, unused, at %s' % (cache / 'unverified' / ORIG) in err
    assert not (cache / ORIG).exists()


# ---------------------------------------------------------------------------
# The command line, as make local, prepare-test-hosts and the role tests call it
# ---------------------------------------------------------------------------

def test_the_script_prints_only_the_path_of_a_cached_tarball(tmp_path):
    catalog = tmp_path / 'catalog.json'
    catalog.write_text(json.dumps([entry_recording(CONTENT_SUM)]))
    cache = tmp_path / 'cache'
    cache.mkdir()
    (cache / ORIG).write_bytes(CONTENT)
    vars_file = tmp_path / 'src.yml'
    arguments = ['--flavor', 'redis', '--version', '8.0.2', '--catalog', str(catalog), '--vars-file', str(vars_file)]
    # The cache from REDISOPS_CACHE_DIR, as the role tests' source_vars fixture relies on.
    env = dict(os.environ, REDISOPS_CACHE_DIR=str(tmp_path))
    completed = run_script(*(arguments + ['--cache-dir', str(cache)]))
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == '%s\n' % (cache / ORIG)
    assert 'using cached %s (debian-orig)' % (cache / ORIG) in completed.stderr
    assert yaml.safe_load(vars_file.read_text())['redis_source_checksum'] == 'sha256:' + CONTENT_SUM
    (tmp_path / 'sources').symlink_to(cache)
    assert run_script(*arguments, env=env).stdout == '%s\n' % (tmp_path / 'sources' / ORIG)


def test_the_script_refuses_a_tampered_cache_and_bad_arguments(tmp_path):
    catalog = tmp_path / 'catalog.json'
    catalog.write_text(json.dumps([entry_recording(CONTENT_SUM)]))
    (tmp_path / ORIG).write_bytes(b'tampered')
    completed = run_script('--flavor', 'redis', '--version', '8.0.2', '--catalog', str(catalog),
                           '--cache-dir', str(tmp_path))
    assert (completed.returncode, completed.stdout) == (1, '')
    assert completed.stderr.startswith('fetch-source: error: cached %s has sha256' % (tmp_path / ORIG))
    assert len(completed.stderr.splitlines()) == 1
    assert run_script('--flavor', 'keydb', '--version', '1.0').returncode == 2
    completed = run_script('--flavor', 'redis', '--version', '8.0.2', '--catalog', str(tmp_path / ORIG))
    assert completed.returncode == 1
    assert 'is not JSON' in completed.stderr

