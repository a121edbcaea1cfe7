# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures of the role tests: run the collection's roles with
`ansible-playbook`, as users do, against inventories of this machine.

Every fixture here is generic (no role's details); add new ones the same way,
each with a docstring saying what it gives and what it isolates.

(`collections_path` and `ansible_env`, whose REDISOPS_CACHE_DIR is the test's own so
that no test reads or fills the user's caches by accident, are in tests/conftest.py.)
- `source_vars` (session): `source_vars('redis', '8.0.2')` is a vars file written by
  scripts/fetch-source (real, verified tarballs from the user's source cache).
- `make_inventory`: writes an inventory of local hosts (127.0.0.1, local connection).
- `ansible_playbook`: runs a playbook and returns a `PlaybookRun` that knows the recap
  and, per task, which host ended in which status.
- `build_artifacts` (session): a store of redis_build artifacts shared by the tests of
  one session (or of many, with REDISOPS_TEST_BUILD_CACHE), so that a test that merely
  needs Redis installed does not compile it again.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.paths import BIN, REPO
from tests.support.playbook_run import PlaybookRun

PLAYBOOKS = Path(__file__).resolve().parent / 'playbooks'

# The compile tests go first: they fill the artifact store, from which every later test
# (and, under make test, the local default and the Molecule scenarios, see scripts/run-tests)
# takes its build instead of compiling the same build key again.
FIRST = 'test_redis_build.py'


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.path.name != FIRST)


@pytest.fixture(scope='session')
def source_vars(tmp_path_factory):
    """Factory: source_vars(flavor, version) -> Path of a vars file for `-e @file`.

    Runs scripts/fetch-source once per release and session. It uses the user's source
    cache (REDISOPS_CACHE_DIR as set when pytest started, else ~/.cache/redisops-sentinel),
    where the verified tarballs stay between runs; the vars file sets redis_flavor,
    redis_version, redis_source_archive and redis_source_checksum.
    """
    directory = tmp_path_factory.mktemp('source-vars')
    known = {}

    def get(flavor, version):
        if (flavor, version) not in known:
            path = directory / ('%s-%s.yml' % (flavor, version))
            completed = subprocess.run(
                [str(REPO / 'scripts' / 'fetch-source'), '--flavor', flavor, '--version', version,
                 '--vars-file', str(path)],
                capture_output=True, text=True, timeout=900, check=False)
            if completed.returncode != 0:
                pytest.fail('scripts/fetch-source could not provide %s %s:\n%s' % (flavor, version, completed.stderr))
            known[(flavor, version)] = path
        return known[(flavor, version)]

    return get


@pytest.fixture
def make_inventory(tmp_path):
    """Factory: make_inventory(hosts, groups=('redis',), common=None, name='hosts.yml') -> Path.

    `hosts` maps inventory host names to their host variables. Every host is this
    machine: ansible_connection local, ansible_host 127.0.0.1, and the Python running the
    tests. All hosts go into each group of `groups` (redis_common expects a `redis` group);
    `common` adds variables for all hosts.
    """

    def make(hosts, groups=('redis',), common=None, name='hosts.yml'):
        variables = {
            'ansible_connection': 'local',
            'ansible_host': '127.0.0.1',
            'ansible_python_interpreter': sys.executable,
        }
        variables.update(common or {})
        inventory = {'all': {'vars': variables,
                             'children': {group: {'hosts': {h: dict(v or {}) for h, v in hosts.items()}}
                                          for group in groups}}}
        path = tmp_path / name
        path.write_text(yaml.safe_dump(inventory, sort_keys=False))
        return path

    return make


@pytest.fixture
def ansible_playbook(ansible_env):
    """Factory: ansible_playbook(playbook, inventory, vars_files=(), extra_vars=None, check=False,
    diff=False, env=None, timeout=1800) -> PlaybookRun.

    `playbook` is a path, or a bare name of tests/roles/playbooks/. `extra_vars` is passed as
    one JSON `-e`; `env` overrides entries of `ansible_env`. It never raises on failure: the
    test asserts on the returned run (`run.explain()` makes a useful message).
    """
    def run(playbook, inventory, vars_files=(), extra_vars=None, check=False, diff=False, env=None,
            timeout=1800):
        playbook = Path(playbook)
        if not playbook.is_absolute() and not playbook.exists():
            playbook = PLAYBOOKS / playbook
        command = [str(BIN / 'ansible-playbook'), '-i', str(inventory), str(playbook)]
        for path in vars_files:
            command.extend(['-e', '@%s' % path])
        if extra_vars:
            command.extend(['-e', json.dumps(extra_vars)])
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        environment = dict(ansible_env)
        environment.update(env or {})
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=timeout,
                                   check=False)
        return PlaybookRun(command, completed)

    return run


@pytest.fixture(scope='session')
def build_artifacts(tmp_path_factory):
    """A store of redis_build artifacts (<build key>.tar.gz) for the whole session.

    `build_artifacts.seed(cache_dir)` copies the store into a test's artifact cache (the
    test then compiles only what the store lacks); `build_artifacts.keep(cache_dir)` adds a
    test's artifacts to the store. Set REDISOPS_TEST_BUILD_CACHE to a directory to keep the
    store between sessions; by default it lives and dies with the session.
    """
    persistent = os.environ.get('REDISOPS_TEST_BUILD_CACHE')
    if persistent:
        Path(persistent).mkdir(parents=True, exist_ok=True)
    return ArtifactStore(Path(persistent) if persistent else tmp_path_factory.mktemp('build-artifacts'))


class ArtifactStore:
    def __init__(self, directory):
        self.directory = directory

    def artifacts(self):
        return sorted(p.name for p in self.directory.glob('*.tar.gz'))

    def seed(self, cache_dir):
        cache_dir = Path(cache_dir)
        cache_dir.mkdir(parents=True, exist_ok=True)
        for artifact in self.directory.glob('*.tar.gz'):
            if not (cache_dir / artifact.name).exists():
                shutil.copy2(artifact, cache_dir / artifact.name)

    def keep(self, cache_dir):
        for artifact in Path(cache_dir).glob('*.tar.gz'):
            target = self.directory / artifact.name
            if not target.exists():
                # Copy under a temporary name and rename: another session may read the store.
                partial = self.directory / ('.%s.part' % artifact.name)
                shutil.copy2(artifact, partial)
                partial.replace(target)
