# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""scripts/fetch-source without the network: which tarballs it admits to its
cache, and the deb-src entries it derives from a machine's apt sources."""

import hashlib
import importlib.machinery
import importlib.util

import pytest

from tests.support.paths import REPO


def load_fetch_source():
    loader = importlib.machinery.SourceFileLoader('fetch_source', str(REPO / 'scripts' / 'fetch-source'))
    spec = importlib.util.spec_from_loader('fetch_source', loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


fetch_source = load_fetch_source()

CONTENT = b'a tarball, as far as these tests are concerned\n'
CONTENT_SUM = hashlib.sha256(CONTENT).hexdigest()


def entry_recording(total):
    return {'flavor': 'redis', 'version': '8.0.2',
            'sha256': [{'sum': total, 'origin': 'debian-orig', 'file': 'redis_8.0.2.orig.tar.gz'}]}


def test_the_catalog_records_every_tarball_the_scenarios_use():
    entries = fetch_source.load_catalog(str(REPO / 'sources' / 'catalog.yml'))
    for flavor, version in [('redis', '7.0.15'), ('redis', '8.0.2'), ('valkey', '8.1.1')]:
        entry = fetch_source.find_entry(entries, flavor, version, 'catalog.yml')
        assert entry['sha256'], (flavor, version)
    with pytest.raises(fetch_source.Failure, match=r'redis 6\.0\.0 is not in catalog\.yml'):
        fetch_source.find_entry(entries, 'redis', '6.0.0', 'catalog.yml')


def test_a_download_with_a_recorded_sum_is_admitted_to_the_cache(tmp_path):
    cache = tmp_path / 'cache'
    cache.mkdir()
    download = tmp_path / 'download.part'
    download.write_bytes(CONTENT)
    path, record = fetch_source.admit(str(download), 'redis_8.0.2.orig.tar.gz', 'a mirror', 'debian-orig',
                                      entry_recording(CONTENT_SUM), str(cache), 'catalog.yml')
    assert path == str(cache / 'redis_8.0.2.orig.tar.gz')
    assert record['sum'] == CONTENT_SUM
    assert (cache / 'redis_8.0.2.orig.tar.gz').read_bytes() == CONTENT


def test_a_download_with_an_unrecorded_sum_is_refused_and_kept_aside(tmp_path):
    cache = tmp_path / 'cache'
    cache.mkdir()
    download = tmp_path / 'download.part'
    download.write_bytes(CONTENT)
    with pytest.raises(fetch_source.Failure) as refused:
        fetch_source.admit(str(download), 'redis_8.0.2.orig.tar.gz', 'a mirror', 'debian-orig',
                           entry_recording('0' * 64), str(cache), 'catalog.yml')
    message = str(refused.value)
    assert 'has sha256 %s, which catalog.yml does not record for redis 8.0.2' % CONTENT_SUM in message
    assert 'refusing it' in message
    # Nothing the build could pick up: the file waits in unverified/ only.
    assert not (cache / 'redis_8.0.2.orig.tar.gz').exists()
    assert (cache / 'unverified' / 'redis_8.0.2.orig.tar.gz').read_bytes() == CONTENT


def test_a_cached_tarball_that_changed_is_refused_not_replaced(tmp_path):
    (tmp_path / 'redis_8.0.2.orig.tar.gz').write_bytes(CONTENT + b'tampered')
    with pytest.raises(fetch_source.Failure, match='refusing it. Delete the file to fetch it again'):
        fetch_source.find_cached(entry_recording(CONTENT_SUM), str(tmp_path), 'catalog.yml')
    assert (tmp_path / 'redis_8.0.2.orig.tar.gz').read_bytes() == CONTENT + b'tampered'


def test_deb_src_entries_follow_the_machines_debian_entries_for_the_wanted_suite():
    deb822 = fetch_source.parse_deb822(
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
    stanzas = fetch_source.derive_deb_src(deb822, 'trixie', 'bookworm')
    assert len(stanzas) == 2
    assert 'Types: deb-src\nURIs: http://mirror.example/debian\nSuites: trixie trixie-updates\nComponents: main\n' \
        in stanzas[0]
    assert 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' in stanzas[0]
    assert 'URIs: http://mirror.example/debian-security\nSuites: trixie-security\n' in stanzas[1]
    assert not any('vendor.example' in stanza for stanza in stanzas)


def test_one_line_sources_are_read_as_well():
    entries = fetch_source.parse_one_line(
        'deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] '
        'http://mirror.example/debian bookworm main contrib  # comment\n'
        '# deb http://commented.example/debian bookworm main\n')
    assert entries == [{'types': ['deb'], 'uris': ['http://mirror.example/debian'], 'suites': ['bookworm'],
                        'components': ['main', 'contrib'],
                        'extra': [('signed-by', '/usr/share/keyrings/debian-archive-keyring.gpg')]}]
    stanzas = fetch_source.derive_deb_src(entries, 'bookworm', 'bookworm')
    assert 'Suites: bookworm\nComponents: main contrib\n' in stanzas[0]
