# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verified Redis and Valkey source tarballs in a cache on the controller.

The catalog below names every source tarball the collection hands to the build
and the only SHA-256 sums it accepts for them. obtain() looks for a tarball in
the cache, else downloads it from upstream, else takes Debian's orig tarball of
the source package through a private apt configuration whose only entries are
deb-src lines derived from the machine's own deb entries (so that no mirror is
named here and the system's apt configuration and package lists stay
untouched). Whatever arrives is refused unless its sum is in the catalog.

Used by the module redis_source, the lookup source_catalog and the source
repository's command-line fetcher, which loads this file by its path: standard library
only, no Ansible imports, and nothing is printed (progress goes to a log
callback, apt's output only into the Failure of a fetch that failed).
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import fcntl
import functools
import glob
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.parse
import urllib.request

FLAVORS = ('redis', 'valkey')
ORIGINS = ('upstream', 'debian-orig')
CATALOG_NAME = "the source catalog of redisops.sentinel (plugins/module_utils/sources.py)"

# The Redis and Valkey source tarballs, and the only SHA-256 sums accepted for
# them; CATALOG below is built from these two tables.
#
# Each release: flavor (redis or valkey), version (the upstream release),
# upstream_url (the release tarball, tried first), and the Debian source
# package used when upstream is out of reach: package name, suite, and the
# Debian version whose orig tarball was recorded below (another Debian
# revision of the same upstream version is accepted if the suite has moved
# on; its orig tarball still has to match a sum below).
_RELEASES = [
    # flavor, version, upstream_url, Debian package, suite, Debian version
    ('redis', '7.0.15', 'https://download.redis.io/releases/redis-7.0.15.tar.gz', 'redis', 'bookworm', '5:7.0.15-1~deb12u10'),
    ('redis', '8.0.2', 'https://download.redis.io/releases/redis-8.0.2.tar.gz', 'redis', 'trixie', '5:8.0.2-3+deb13u2'),
    ('valkey', '8.1.1', 'https://github.com/valkey-io/valkey/archive/refs/tags/8.1.1.tar.gz', 'valkey', 'trixie', '8.1.1+dfsg1-3+deb13u2'),
]

# Every accepted tarball: the release, its sum, where it comes from (upstream =
# the project's release tarball, debian-orig = Debian's *.orig.tar.* of the
# package above, which is repacked and so has a different sum) and the file
# name the cache keeps it under.
#
# To add a tarball: fetch it (the redisops.sentinel.fetch_source playbook);
# it refuses any tarball whose sum is not listed here
# and prints the sum, which you then check against the publisher before
# adding it.
_TARBALLS = [
    # flavor, version, sha256, origin, file
    # Redis's published sum (github.com/redis/redis-hashes, README); not
    # yet seen on a download here, upstream was out of reach when recorded.
    ('redis', '7.0.15', '98066f5363504b26c34dd20fbcc3c957990d764cdf42576c836fc021073f4341', 'upstream', 'redis-7.0.15.tar.gz'),
    # Debian's own orig tarball (not upstream's file), as listed in
    # bookworm's signed Sources index; the same for every 7.0.15-1~deb12uN.
    ('redis', '7.0.15', '4b1dc4ee6d622a09fff9c6777191209750fb5e5a725ef78ea012d6eef4c22982', 'debian-orig', 'redis_7.0.15.orig.tar.gz'),
    # Redis's published sum (github.com/redis/redis-hashes, README); not
    # yet seen on a download here, upstream was out of reach when recorded.
    ('redis', '8.0.2', 'e9296b67b54c91befbcca046d67071c780a1f7c9f9e1ae5ed94773c3bb9b542f', 'upstream', 'redis-8.0.2.tar.gz'),
    # Debian's own orig tarball (not upstream's file), as listed in
    # trixie's signed Sources index; the same for every 8.0.2-3* revision.
    ('redis', '8.0.2', 'caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f', 'debian-orig', 'redis_8.0.2.orig.tar.gz'),
    # Valkey's published sum (github.com/valkey-io/valkey-hashes, README);
    # not yet seen on a download here, upstream was out of reach when
    # recorded.
    ('valkey', '8.1.1', '3355fbd5458d853ab201d2c046ffca9f078000587ccbe9a6c585110f146ad2c5', 'upstream', 'valkey-8.1.1.tar.gz'),
    # Debian's own orig tarball (not upstream's file), as listed in
    # trixie's signed Sources index. "+dfsg1" only drops two macOS-only
    # hiredis files (deps/hiredis/adapters/macosx.h and
    # deps/hiredis/examples/example-macosx.c); the bundled jemalloc, lua
    # and hiredis are all still there.
    ('valkey', '8.1.1', 'd9bbd82eecb82f359e649a0007ad3dc1b47cc15afa626348ca86b73c4ae2c7ee', 'debian-orig', 'valkey_8.1.1+dfsg1.orig.tar.xz'),
]


def _catalog(releases, tarballs):
    """The tables above as catalog entries: one dict a release, with its tarballs under sha256."""
    return [{'flavor': flavor, 'version': version, 'upstream_url': url,
             'debian': {'package': package, 'suite': suite, 'version': debian_version},
             'sha256': [{'sum': total, 'origin': origin, 'file': name}
                        for tarball_flavor, tarball_version, total, origin, name in tarballs
                        if (tarball_flavor, tarball_version) == (flavor, version)]}
            for flavor, version, url, package, suite, debian_version in releases]


# A list of entries, each {'flavor', 'version', 'upstream_url', 'debian':
# {'package', 'suite', 'version'}, 'sha256': [{'sum', 'origin', 'file'}, ...]};
# check_catalog() says what else holds.
CATALOG = _catalog(_RELEASES, _TARBALLS)

# Short enough that an unreachable upstream costs little before the Debian
# fallback; urllib applies it to the connect and to every later read.
NET_TIMEOUT = 10
APT_SOURCES_LIST = '/etc/apt/sources.list'
APT_SOURCES_PARTS = '/etc/apt/sources.list.d'
OS_RELEASE = '/etc/os-release'
SHA256_RE = re.compile(r'^[0-9a-f]{64}$')
TARBALL_EXTS = ('.tar.gz', '.tar.xz', '.tar.bz2', '.tgz')


class Failure(Exception):
    """An error that ends the fetch with a one-line message.

    details holds the output of the commands behind it (apt's), for a caller
    to show with the message: it is kept only for a fetch that failed.
    """

    def __init__(self, message, details=None):
        super(Failure, self).__init__(message)
        self.details = list(details or [])


def _quiet(message):
    """The log callback of callers that want no progress messages."""


# ---------------------------------------------------------------------------
# The catalog
# ---------------------------------------------------------------------------

def check_catalog(entries, name=CATALOG_NAME):
    """Raise Failure unless entries is a well-formed catalog (a list like CATALOG)."""
    if not isinstance(entries, list):
        raise Failure('%s: expected a list of entries' % name)
    seen = set()
    for number, entry in enumerate(entries, 1):
        where = '%s: entry %d' % (name, number)
        _require(entry, ('flavor', 'version', 'upstream_url', 'debian', 'sha256'), where)
        where = '%s (%s %s)' % (where, entry['flavor'], entry['version'])
        if entry['flavor'] not in FLAVORS:
            raise Failure('%s: flavor must be one of %s' % (where, ', '.join(FLAVORS)))
        if (entry['flavor'], entry['version']) in seen:
            raise Failure('%s: listed twice' % where)
        seen.add((entry['flavor'], entry['version']))
        _require(entry['debian'], ('package', 'suite', 'version'), where + ' debian')
        if not isinstance(entry['sha256'], list) or not entry['sha256']:
            raise Failure('%s: sha256 must be a non-empty list' % where)
        for record in entry['sha256']:
            _require(record, ('sum', 'origin', 'file'), where + ' sha256')
            if not SHA256_RE.match(record['sum']):
                raise Failure('%s: %r is not 64 lower-case hex digits' % (where, record['sum']))
            if record['origin'] not in ORIGINS:
                raise Failure('%s: origin must be one of %s' % (where, ', '.join(ORIGINS)))
            if os.path.basename(record['file']) != record['file'] or record['file'].startswith('.'):
                raise Failure('%s: file %r must be a plain file name' % (where, record['file']))
    return entries


def _require(mapping, keys, where):
    if not isinstance(mapping, dict):
        raise Failure('%s: expected a mapping' % where)
    for key in keys:
        if key not in mapping or mapping[key] in (None, ''):
            raise Failure('%s: missing %r' % (where, key))
        if key not in ('debian', 'sha256') and not isinstance(mapping[key], str):
            raise Failure('%s: %r must be a single value' % (where, key))


def find_entry(flavor, version, catalog=None, catalog_name=CATALOG_NAME):
    """The catalog entry of flavor and version; Failure naming the known versions if none."""
    entries = CATALOG if catalog is None else catalog
    for entry in entries:
        if entry['flavor'] == flavor and entry['version'] == version:
            return entry
    known = sorted(e['version'] for e in entries if e['flavor'] == flavor)
    raise Failure('%s %s is not in %s (known %s versions: %s); add an entry with its '
                  'recorded sha256 first' % (flavor, version, catalog_name, flavor,
                                             ', '.join(known) or 'none'))


def recorded_checksums(origin='upstream', catalog=None):
    """{flavor: {version: 'sha256:<hex>'}} of the first tarball of each entry from origin."""
    result = dict((flavor, {}) for flavor in FLAVORS)
    for entry in CATALOG if catalog is None else catalog:
        for record in entry['sha256']:
            if record['origin'] == origin:
                result[entry['flavor']].setdefault(entry['version'], 'sha256:' + record['sum'])
    return result


def _recorded(entry):
    return ', '.join('%s (%s, %s)' % (r['sum'], r['origin'], r['file']) for r in entry['sha256'])


# ---------------------------------------------------------------------------
# Cache and verification
# ---------------------------------------------------------------------------

def default_cache_dir():
    """${REDISOPS_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/redisops-sentinel}/sources."""
    base = os.environ.get('REDISOPS_CACHE_DIR')
    if not base:
        xdg = os.environ.get('XDG_CACHE_HOME') or os.path.join(os.path.expanduser('~'), '.cache')
        base = os.path.join(xdg, 'redisops-sentinel')
    return os.path.join(base, 'sources')


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as handle:
        for block in iter(functools.partial(handle.read, 1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def cache_lock(cache_dir):
    """Exclusive use of cache_dir: a second run filling the same cache waits."""
    # Two runs filling the same cache would race on the temporary files and
    # the private apt tree; the second one simply waits.
    with open(os.path.join(cache_dir, '.lock'), 'a') as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def find_cached(entry, cache_dir, catalog_name=CATALOG_NAME):
    """(path, record) of the entry's tarball in the cache, (None, None) if absent.

    A file under a recorded name whose sum is not recorded for it is refused,
    never replaced."""
    names = []
    for record in entry['sha256']:
        if record['file'] not in names:
            names.append(record['file'])
    for name in names:
        path = os.path.join(cache_dir, name)
        if not os.path.isfile(path):
            continue
        records = [r for r in entry['sha256'] if r['file'] == name]
        actual = sha256_file(path)
        for record in records:
            if record['sum'] == actual:
                return path, record
        # Never repair silently: a changed file in the cache is either damage
        # or tampering, and either way someone should look.
        raise Failure('cached %s has sha256 %s, but %s records %s for it; refusing it. '
                      'Delete the file to fetch it again, or correct the record if it is '
                      'the record that is wrong'
                      % (path, actual, catalog_name,
                         ' or '.join('%s (%s)' % (r['sum'], r['origin']) for r in records)))
    return None, None


def admit(tmp_path, natural_name, source, origin, entry, cache_dir, log=_quiet,
          catalog_name=CATALOG_NAME):
    """Move a fresh download into the cache if its sum is recorded, else refuse it.

    A refused file is kept aside in <cache>/unverified, where nothing uses it."""
    actual = sha256_file(tmp_path)
    # mkstemp creates the file private; the cache follows the umask, as any
    # other download would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    for record in entry['sha256']:
        if record['sum'] == actual:
            dest = os.path.join(cache_dir, record['file'])
            os.replace(tmp_path, dest)
            log('verified %s: sha256 %s is recorded as %s' % (dest, actual, record['origin']))
            return dest, record
    quarantine = os.path.join(cache_dir, 'unverified')
    os.makedirs(quarantine, exist_ok=True)
    kept = os.path.join(quarantine, natural_name)
    os.replace(tmp_path, kept)
    raise Failure(
        '%s from %s has sha256 %s, which %s does not record for %s %s (recorded: %s); '
        'refusing it. It is kept, unused, at %s. Only if you have checked that sum against '
        'its publisher, record it (in _TARBALLS of sources.py: '
        "('%s', '%s', '%s', '%s', '%s'))"
        % (natural_name, source, actual, catalog_name, entry['flavor'], entry['version'],
           _recorded(entry), kept, entry['flavor'], entry['version'], actual, origin, natural_name))


# ---------------------------------------------------------------------------
# Upstream
# ---------------------------------------------------------------------------

def upstream_name(entry, url):
    path = urllib.parse.urlparse(url).path
    for ext in TARBALL_EXTS:
        if path.endswith(ext):
            return '%s-%s%s' % (entry['flavor'], entry['version'], ext)
    return '%s-%s.tar.gz' % (entry['flavor'], entry['version'])


def _temporary_download(cache_dir):
    handle, tmp_path = tempfile.mkstemp(dir=cache_dir, prefix='.download-', suffix='.part')
    return handle, tmp_path


def standard_open_url(url, headers, timeout):
    """GET url with the standard library (the default opener: certificates checked
    against the system's store, proxies from the environment); the response.

    The module passes Ansible's open_url instead; the command-line fetcher,
    which runs without Ansible, uses this."""
    return urllib.request.build_opener().open(urllib.request.Request(url, headers=headers), timeout=timeout)


def download(url, cache_dir, log=_quiet, open_url=None):
    """Download url to a temporary file in cache_dir and return its path.

    open_url(url, headers=..., timeout=...) makes the request (default
    standard_open_url); it raises urllib's errors."""
    log('trying %s' % url)
    handle, tmp_path = _temporary_download(cache_dir)
    headers = {'User-Agent': 'redisops-sentinel-fetch-source'}
    try:
        with os.fdopen(handle, 'wb') as out:
            opened = (open_url or standard_open_url)(url, headers=headers, timeout=NET_TIMEOUT)
            with contextlib.closing(opened) as resp:
                shutil.copyfileobj(resp, out, 1 << 16)
    except urllib.error.HTTPError as exc:
        os.unlink(tmp_path)
        raise Failure('HTTP %s %s' % (exc.code, exc.reason))
    except urllib.error.URLError as exc:
        os.unlink(tmp_path)
        reason = exc.reason
        if isinstance(reason, socket.timeout):
            reason = 'no answer within %d s' % NET_TIMEOUT
        raise Failure(str(getattr(reason, 'strerror', None) or reason))
    except (socket.timeout, OSError, http.client.HTTPException, ValueError) as exc:
        os.unlink(tmp_path)
        if isinstance(exc, socket.timeout):
            raise Failure('no data within %d s' % NET_TIMEOUT)
        raise Failure(str(exc) or exc.__class__.__name__)
    return tmp_path


# ---------------------------------------------------------------------------
# Debian source package through a private apt configuration
# ---------------------------------------------------------------------------

def machine_codename():
    try:
        with open(OS_RELEASE, encoding='utf-8') as handle:
            for line in handle:
                key, _sep, value = line.strip().partition('=')
                if key == 'VERSION_CODENAME':
                    return value.strip('"\'') or None
    except (IOError, OSError):
        pass
    return None


def parse_deb822(text):
    """Stanzas of a *.sources file as entries (types, uris, suites, components, extra)."""
    stanzas, fields = [], []
    for line in text.splitlines():
        if line.startswith('#'):
            continue
        if not line.strip():
            if fields:
                stanzas.append(fields)
            fields = []
            continue
        if line[0] in ' \t':
            if fields:
                # Continuation, e.g. a key block embedded in Signed-By: kept
                # verbatim so that it can be written out again unchanged.
                fields[-1] = (fields[-1][0], fields[-1][1] + '\n' + line)
            continue
        name, sep, value = line.partition(':')
        if sep:
            fields.append((name.strip(), value.strip()))
    if fields:
        stanzas.append(fields)
    entries = []
    for fields in stanzas:
        lookup = dict((name.lower(), value) for name, value in fields)
        if lookup.get('enabled', 'yes').strip().lower() == 'no':
            continue
        entries.append({
            'types': lookup.get('types', '').split(),
            'uris': lookup.get('uris', '').split(),
            'suites': lookup.get('suites', '').split(),
            'components': lookup.get('components', '').split(),
            'extra': [(n, v) for n, v in fields if n.lower() not in
                      ('types', 'uris', 'suites', 'components', 'enabled', 'architectures')],
        })
    return entries


_ONE_LINE_RE = re.compile(r'^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s*(.*)$')


def parse_one_line(text):
    """Lines of a sources.list file as the entries parse_deb822 returns."""
    entries = []
    for line in text.splitlines():
        line = line.split('#', 1)[0].strip()
        match = _ONE_LINE_RE.match(line)
        if not match:
            continue
        kind, options, uri, suite, components = match.groups()
        extra = []
        for option in (options or '').split():
            name, sep, value = option.partition('=')
            if sep and name.lower() not in ('arch', 'arch+', 'arch-'):
                # One-line option names are the deb822 field names; list
                # values are comma-separated there and blank-separated here.
                extra.append((name, value.replace(',', ' ')))
        entries.append({'types': [kind], 'uris': [uri], 'suites': [suite],
                        'components': components.split(), 'extra': extra})
    return entries


def read_system_entries(log=_quiet):
    """The entries of the machine's apt sources, each with the file it is in."""
    files = []
    if os.path.isfile(APT_SOURCES_LIST):
        files.append(APT_SOURCES_LIST)
    files += sorted(glob.glob(os.path.join(APT_SOURCES_PARTS, '*.list')))
    files += sorted(glob.glob(os.path.join(APT_SOURCES_PARTS, '*.sources')))
    entries = []
    for path in files:
        try:
            with open(path, encoding='utf-8', errors='replace') as handle:
                text = handle.read()
        except (IOError, OSError) as exc:
            log('skipping %s: %s' % (path, exc.strerror or exc))
            continue
        parsed = parse_deb822(text) if path.endswith('.sources') else parse_one_line(text)
        for entry in parsed:
            entry['file'] = path
        entries += parsed
    return entries


def _suite_suffix(suite, codename):
    """'' for the release itself, '-updates'/'-security'/... for its companions."""
    names = [codename] if codename else []
    names += ['oldoldstable', 'oldstable', 'stable', 'testing', 'unstable', 'sid']
    for name in names:
        if suite == name:
            return ''
        if suite.startswith(name + '-'):
            return suite[len(name):]
    return None


def _signed_by_debian(entry):
    # Third-party repositories (nodesource, cloud SDKs, ...) name their own
    # keyring file; Debian's archive and its mirrors name Debian's, or none.
    # An embedded key block cannot be told apart, so it is given the benefit
    # of the doubt: a wrong guess only costs a failed index download.
    for name, value in entry['extra']:
        if name.lower() == 'signed-by':
            return 'debian-archive' in value or 'BEGIN PGP' in value
    return True


def derive_deb_src(entries, target_suite, codename):
    """deb822 stanzas (text) of deb-src entries for target_suite, one per archive URI."""
    by_uri = {}
    order = []
    for entry in entries:
        if 'deb' not in entry['types'] or not _signed_by_debian(entry):
            continue
        for uri in entry['uris']:
            for suite in entry['suites']:
                suffix = _suite_suffix(suite, codename)
                if suffix is None:
                    continue
                if uri not in by_uri:
                    by_uri[uri] = {'suites': [], 'components': [], 'extra': entry['extra'],
                                   'files': []}
                    order.append(uri)
                slot = by_uri[uri]
                for value, key in [(target_suite + suffix, 'suites')] + \
                        [(c, 'components') for c in entry['components']] + \
                        [(entry.get('file', '?'), 'files')]:
                    if value not in slot[key]:
                        slot[key].append(value)
    stanzas = []
    for uri in order:
        slot = by_uri[uri]
        lines = ['# derived from the deb entry in %s' % ', '.join(slot['files']),
                 'Types: deb-src', 'URIs: %s' % uri,
                 'Suites: %s' % ' '.join(slot['suites']),
                 'Components: %s' % ' '.join(slot['components'] or ['main'])]
        lines += [('%s: %s' % (name, value)).rstrip(' ').replace(': \n', ':\n')
                  for name, value in slot['extra']]
        stanzas.append('\n'.join(lines) + '\n')
    return stanzas


def _apt_conf_string(value):
    if '"' in value or '\n' in value:
        raise Failure('cannot use the path %r in an apt configuration' % value)
    return '"%s"' % value


def write_private_apt(root, stanzas):
    """A self-contained apt tree under root; returns the config file to pass with -c."""
    for sub in ('etc/sources.list.d', 'etc/preferences.d', 'state/lists/partial',
                'cache/archives/partial'):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    open(os.path.join(root, 'etc/sources.list'), 'w').close()
    open(os.path.join(root, 'state/status'), 'w').close()
    with open(os.path.join(root, 'etc/sources.list.d/derived.sources'), 'w') as handle:
        handle.write('\n'.join(stanzas))
    settings = [
        ('Dir::Etc::SourceList', 'etc/sources.list'),
        ('Dir::Etc::SourceParts', 'etc/sources.list.d'),
        ('Dir::Etc::Preferences', 'etc/preferences'),
        ('Dir::Etc::PreferencesParts', 'etc/preferences.d'),
        ('Dir::State', 'state'),
        ('Dir::State::Lists', 'state/lists'),
        ('Dir::State::status', 'state/status'),
        ('Dir::Cache', 'cache'),
        ('Dir::Cache::Archives', 'cache/archives'),
    ]
    lines = [
        '// Written by redisops.sentinel to fetch a source package; removed again',
        '// when it is done. The system apt.conf(.d) is still read first (proxies,',
        '// Check-Valid-Until for snapshot mirrors, ...); everything apt would write',
        '// goes here instead, and the hooks that would refresh system caches after',
        '// an update are off.',
        '#clear APT::Update::Pre-Invoke;',
        '#clear APT::Update::Post-Invoke;',
        '#clear APT::Update::Post-Invoke-Success;',
    ]
    lines += ['%s %s;' % (key, _apt_conf_string(os.path.join(root, rel))) for key, rel in settings]
    lines += [
        'Dir::Cache::pkgcache "";',
        'Dir::Cache::srcpkgcache "";',
        'Acquire::Languages "none";',
        'APT::Get::Only-Source "true";',
    ]
    if os.geteuid() == 0:
        # apt would hand downloads to the _apt user, who cannot enter a
        # private cache in root's home; run them as root, as apt itself
        # falls back to with a warning.
        lines.append('APT::Sandbox::User "root";')
    conf = os.path.join(root, 'apt.conf')
    with open(conf, 'w') as handle:
        handle.write('\n'.join(lines) + '\n')
    return conf


class _AptRun(object):
    """apt-get and apt-cache with the private configuration, their output kept.

    Nothing is shown while they run: a fetch that succeeds prints none of
    apt's messages (a missing .dsc is an "E:" line even when the orig tarball
    arrived). transcript holds everything they printed, for the Failure of a
    fetch that did not succeed."""

    def __init__(self, conf, scratch):
        self.options = ['-c', conf, '-q']
        self.scratch = scratch
        self.transcript = []

    def __call__(self, command, *arguments, **kwargs):
        """Run an apt command; return (status, output).

        With messages_only=True the transcript keeps only its E: and W: lines
        (apt-cache showsrc prints whole Sources stanzas)."""
        env = dict(os.environ, LC_ALL='C', LANG='C', LANGUAGE='')
        env.pop('APT_CONFIG', None)
        # apt's signature checks write scratch files to TMPDIR; keep even
        # those inside the private tree.
        env['TMPDIR'] = self.scratch
        try:
            proc = subprocess.Popen([command] + self.options + list(arguments),
                                    cwd=kwargs.get('cwd'), env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    universal_newlines=True)
        except OSError as exc:
            raise Failure('cannot run %s: %s' % (command, exc.strerror or exc),
                          details=self.transcript)
        output = proc.communicate()[0]
        self.transcript.append('$ %s %s (exit status %d)'
                               % (command, ' '.join(arguments), proc.returncode))
        lines = [line for line in output.splitlines() if line.strip()]
        if kwargs.get('messages_only'):
            lines = [line for line in lines if line.startswith(('E:', 'W:'))]
        self.transcript += ['  ' + line for line in lines]
        return proc.returncode, output

    def fail(self, message):
        return Failure(message, details=self.transcript)


def apt_errors(output, none='no message'):
    """The first E: and W: lines of apt's output, joined on one line."""
    lines = [line.strip() for line in output.splitlines() if line.startswith(('E:', 'W:'))]
    return ' / '.join(lines[:3]) or none


def upstream_part(debian_version):
    version = debian_version.split(':', 1)[-1]
    return version.rsplit('-', 1)[0] if '-' in version else version


def _newest_first(versions):
    def compare(a, b):
        if a == b:
            return 0
        status = subprocess.call(['dpkg', '--compare-versions', a, 'gt', b],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        return -1 if status == 0 else 1
    return sorted(versions, key=functools.cmp_to_key(compare))


def _candidates(debian, versions):
    """The Debian versions of the source package to try, the catalog's first."""
    wanted = upstream_part(debian['version'])
    # Any Debian revision of the same upstream release carries the same
    # orig tarball, and stable suites replace revisions over time.
    candidates = _newest_first([v for v in versions if upstream_part(v) == wanted
                                and v != debian['version']])
    if debian['version'] in versions:
        candidates.insert(0, debian['version'])
    return candidates


def debian_fetch(entry, cache_dir, log=_quiet):
    """Download the Debian orig tarball; returns (temporary path, file name)."""
    debian = entry['debian']
    if not shutil.which('apt-get'):
        raise Failure('apt-get is not installed, so the Debian source package cannot be used')
    codename = machine_codename()
    stanzas = derive_deb_src(read_system_entries(log), debian['suite'], codename)
    if not stanzas:
        raise Failure('no Debian "deb" entry in %s or %s/*.list|*.sources to derive a '
                      'deb-src entry from' % (APT_SOURCES_LIST, APT_SOURCES_PARTS))
    root = tempfile.mkdtemp(dir=cache_dir, prefix='.apt-')
    try:
        scratch = os.path.join(root, 'tmp')
        os.mkdir(scratch)
        apt = _AptRun(write_private_apt(root, stanzas), scratch)
        log('fetching Debian source package %s %s from suite %s (deb-src derived from '
            'this machine\'s deb entries)' % (debian['package'], debian['version'],
                                              debian['suite']))
        for stanza in stanzas:
            fields = dict(line.split(': ', 1) for line in stanza.splitlines()
                          if line[:1].isalpha() and ': ' in line)
            log('deb-src %s %s %s' % (fields.get('URIs'), fields.get('Suites'),
                                      fields.get('Components')))
        # A suite that cannot be fetched is only a warning (or, for a missing
        # companion suite such as -updates of a new release, an error) for
        # apt-get update; the package may be listed all the same, so its
        # messages only matter if it is not.
        log('reading the package lists of suite %s into a private apt tree' % debian['suite'])
        update_errors = apt_errors(apt('apt-get', 'update')[1], none='')
        shown = apt('apt-cache', 'showsrc', '--only-source', debian['package'], messages_only=True)[1]
        versions = sorted(set(re.findall(r'^Version: (\S+)$', shown, re.M)))
        candidates = _candidates(debian, versions)
        if not versions:
            raise apt.fail('suite %s does not list source package %s%s'
                           % (debian['suite'], debian['package'],
                              ' (apt-get update: %s)' % update_errors if update_errors else ''))
        if not candidates:
            raise apt.fail('suite %s lists source package %s only in %s, none of them a '
                           'revision of upstream %s (the catalog names %s)'
                           % (debian['suite'], debian['package'], ', '.join(versions),
                              upstream_part(debian['version']), debian['version']))
        if candidates[0] != debian['version']:
            log('suite %s no longer lists %s %s; trying %s, Debian revision(s) of the same '
                'upstream %s' % (debian['suite'], debian['package'], debian['version'],
                                 ', '.join(candidates), upstream_part(debian['version'])))
        failures = []
        for version in candidates:
            work = tempfile.mkdtemp(dir=root, prefix='work-')
            request = '%s=%s' % (debian['package'], version)
            log('downloading the orig tarball of %s' % request)
            status, output = apt('apt-get', 'source', '--download-only', request, cwd=work)
            origs = [n for n in os.listdir(work)
                     if re.match(r'^[^_/]+_[^_/]+\.orig\.tar\.[a-z0-9]+$', n)]
            if len(origs) == 1:
                if status != 0:
                    # Mirrors sometimes lack the .dsc or the Debian diff of a
                    # security upload. Only the orig tarball is needed: apt
                    # checked it against the signed Sources index on arrival,
                    # and the catalog check follows.
                    log('using the orig tarball %s, which arrived; the rest of the source '
                        'package, which the build does not need, did not' % origs[0])
                handle, tmp_path = _temporary_download(cache_dir)
                os.close(handle)
                os.replace(os.path.join(work, origs[0]), tmp_path)
                return tmp_path, origs[0]
            if status != 0:
                failures.append('%s: %s' % (request, apt_errors(output)))
            else:
                failures.append('%s: no single orig tarball among %s'
                                % (request, ', '.join(sorted(os.listdir(work))) or 'nothing'))
        raise apt.fail('apt-get source failed: %s' % '; '.join(failures))
    finally:
        # Only the orig tarball is worth keeping: the lists are large and
        # are fetched fresh next time anyway.
        shutil.rmtree(root, ignore_errors=True)


# ---------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------

def fetch(entry, cache_dir, url=None, log=_quiet, catalog_name=CATALOG_NAME, open_url=None):
    """Download the entry's tarball into the cache: upstream, else Debian; (path, record)."""
    attempts, details = [], []
    url = url or entry['upstream_url']
    try:
        tmp_path = download(url, cache_dir, log, open_url)
    except Failure as exc:
        log('upstream is out of reach (%s); trying the Debian source package' % exc)
        attempts.append('upstream %s: %s' % (url, exc))
    else:
        return admit(tmp_path, upstream_name(entry, url), url, 'upstream', entry, cache_dir,
                     log, catalog_name)
    try:
        tmp_path, name = debian_fetch(entry, cache_dir, log)
    except Failure as exc:
        attempts.append('Debian source package %s: %s' % (entry['debian']['package'], exc))
        details = exc.details
    else:
        return admit(tmp_path, name, 'Debian source package %s (%s)'
                     % (entry['debian']['package'], entry['debian']['suite']),
                     'debian-orig', entry, cache_dir, log, catalog_name)
    raise Failure('no source reachable for %s %s: %s'
                  % (entry['flavor'], entry['version'], '; '.join(attempts)), details=details)


def _usable_cache_dir(cache_dir):
    try:
        os.makedirs(cache_dir, exist_ok=True)
    except OSError as exc:
        raise Failure('cannot create the cache directory %s: %s' % (cache_dir, exc.strerror or exc))
    if not os.access(cache_dir, os.W_OK | os.X_OK):
        raise Failure('the cache directory %s is not writable' % cache_dir)


class Obtained(object):
    """What obtain() found: the entry, and the tarball's path and record.

    path and record are None only in check mode, for a tarball that is not in
    the cache (and would be fetched)."""

    def __init__(self, entry, cache_dir, path, record, cached):
        self.entry = entry
        self.cache_dir = cache_dir
        self.path = path
        self.record = record
        self.cached = cached

    @property
    def checksum(self):
        return 'sha256:' + self.record['sum'] if self.record else None

    @property
    def origin(self):
        return self.record['origin'] if self.record else None

    def variables(self):
        """The variables for redisops.sentinel.redis_build, or None without a tarball."""
        if not self.record:
            return None
        return source_vars(self.entry, self.path, self.record)


def obtain(flavor, version, cache_dir=None, url=None, log=_quiet, check_mode=False,
           catalog=None, catalog_name=CATALOG_NAME, open_url=None):
    """The verified tarball of flavor and version (an Obtained), from the cache or fetched into it.

    cache_dir defaults to default_cache_dir(); url replaces the catalog's
    upstream URL; log(message) receives the progress; check_mode only looks in
    the cache (nothing is created, locked or fetched); catalog (a list like
    CATALOG) and catalog_name replace the collection's, for tests; open_url
    makes the upstream request (see download). Raises Failure with a one-line
    message."""
    entry = find_entry(flavor, version, catalog, catalog_name)
    cache_dir = os.path.abspath(os.path.expanduser(cache_dir or default_cache_dir()))
    if check_mode:
        path, record = find_cached(entry, cache_dir, catalog_name)
        if path:
            log('using cached %s (%s)' % (path, record['origin']))
        else:
            log('%s %s is not in the cache %s; it would be fetched' % (flavor, version, cache_dir))
        return Obtained(entry, cache_dir, path, record, cached=bool(path))
    _usable_cache_dir(cache_dir)
    with cache_lock(cache_dir):
        path, record = find_cached(entry, cache_dir, catalog_name)
        if path:
            log('using cached %s (%s)' % (path, record['origin']))
            return Obtained(entry, cache_dir, path, record, cached=True)
        # Left behind only by a run that was killed; the lock says no other
        # run is using them.
        for stale in glob.glob(os.path.join(cache_dir, '.download-*.part')):
            os.unlink(stale)
        for stale in glob.glob(os.path.join(cache_dir, '.apt-*')):
            shutil.rmtree(stale, ignore_errors=True)
        path, record = fetch(entry, cache_dir, url, log, catalog_name, open_url)
        return Obtained(entry, cache_dir, path, record, cached=False)


# ---------------------------------------------------------------------------
# The variables file
# ---------------------------------------------------------------------------

def source_vars(entry, archive, record):
    """The variables that hand the tarball to redisops.sentinel.redis_build, in file order."""
    return {
        'redis_flavor': entry['flavor'],
        'redis_version': entry['version'],
        'redis_source_archive': archive,
        'redis_source_checksum': 'sha256:' + record['sum'],
        'redis_source_origin': record['origin'],
    }


def vars_file_text(path, variables):
    text = ('---\n# Verified sources for redisops.sentinel.redis_build (fetch_source); '
            'use with ansible-playbook -e @%s\n' % os.path.basename(path))
    # JSON strings are valid YAML double-quoted scalars.
    return text + ''.join('%s: %s\n' % (key, json.dumps(value)) for key, value in variables.items())


def write_vars_file(path, variables, check_mode=False):
    """Write the variables to path (YAML) unless it holds them already.

    Returns (changed, before, after): the file's old text ('' if none) and new
    text. check_mode writes nothing."""
    after = vars_file_text(path, variables)
    try:
        with open(path, encoding='utf-8') as handle:
            before = handle.read()
    except (IOError, OSError, UnicodeDecodeError):
        before = ''
    if before == after:
        return False, before, after
    if check_mode:
        return True, before, after
    directory = os.path.dirname(os.path.abspath(path))
    tmp_path = None
    try:
        handle, tmp_path = tempfile.mkstemp(dir=directory, prefix='.vars-')
        with os.fdopen(handle, 'w') as out:
            out.write(after)
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    except (IOError, OSError) as exc:
        if tmp_path and os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise Failure('cannot write %s: %s' % (path, exc.strerror or exc))
    return True, before, after
