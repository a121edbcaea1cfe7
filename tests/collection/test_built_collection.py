# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection as users get it: the tarball `ansible-galaxy collection build` makes
from this checkout, as Galaxy would receive it.

- Galaxy's own importer (galaxy-importer, in the virtualenv `make importer-venv` makes)
  accepts it with no error and no warning;
- it holds what a user runs and reads, and none of the development tooling;
- every role has a README with an example, saying where its variables are documented;
- no shipped document names a file that does not ship.
"""

import os
import re
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml

from tests.support.paths import BIN, REPO

IMPORTER_CONFIG = Path(__file__).resolve().parent / 'galaxy-importer.cfg'
# What a checkout has and the collection must not (galaxy.yml's build_ignore).
DEVELOPMENT_ONLY = ('tests/', 'molecule/', 'scripts/', 'bench/', 'inventories/', 'sources/', 'collections/',
                    '.config/', '.ci/', '.local/', 'Makefile', 'DEVELOPMENT.md', 'ansible.cfg', 'site.yml',
                    'pytest.ini', 'requirements.txt', 'requirements-test.txt', 'requirements-importer.txt',
                    '.ansible-lint', '.gitignore')
# Names of checkout-only files and directories, as documents would write them.
CHECKOUT_PATH = re.compile(
    r'(?<![\w./~$-])((?:scripts|sources|tests|molecule|bench|inventories|collections|\.config|\.ci|\.local)/[\w./<>*-]*'
    r'|(?<!playbooks/)site\.yml|ansible\.cfg|pytest\.ini|Makefile|DEVELOPMENT\.md|galaxy\.yml'
    r'|requirements[\w-]*\.txt'
    # The Makefile's own targets (a bare `make test` may be Redis's, which redis_build runs).
    r'|make (?:local|local-clean|status|sanity|lint|importer-venv|prerequisites|venv|test-[a-z-]+))(?![\w-])')
# Relative paths inside the collection, which must exist in it.
COLLECTION_PATH = re.compile(r'(?<![\w./~$-])((?:playbooks|roles|plugins|meta)/[\w./-]*[\w/])')
URL = re.compile(r'https?://\S+')


@pytest.fixture(scope='module')
def tarball(tmp_path_factory):
    output = tmp_path_factory.mktemp('dist')
    subprocess.run([str(BIN / 'ansible-galaxy'), 'collection', 'build', '--output-path', str(output), str(REPO)],
                   check=True, capture_output=True, text=True)
    built = sorted(output.glob('redisops-sentinel-*.tar.gz'))
    assert len(built) == 1, built
    return built[0]


@pytest.fixture(scope='module')
def members(tarball):
    with tarfile.open(tarball) as archive:
        return {member.name: (archive.extractfile(member).read().decode('utf-8', 'replace') if member.isfile() else None)
                for member in archive.getmembers()}


def importer_python():
    configured = os.environ.get('REDISOPS_IMPORTER_PYTHON')
    python = Path(configured) if configured else REPO / '.venv-importer' / 'bin' / 'python'
    if not python.exists():
        pytest.fail('galaxy-importer is not installed at %s: run `make importer-venv` (make test does)' % python)
    return python


def test_galaxy_importer_accepts_the_tarball_without_error_or_warning(tarball, tmp_path):
    python = importer_python()
    env = dict(os.environ, GALAXY_IMPORTER_CONFIG=str(IMPORTER_CONFIG), HOME=str(tmp_path),
               # Its own ansible-doc and ansible-lint, not the test virtualenv's.
               PATH='%s:%s' % (python.parent, os.environ.get('PATH', '')))
    # It writes importer_result.json into the working directory.
    completed = subprocess.run([str(python), '-m', 'galaxy_importer.main', str(tarball)], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=900, check=False)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert 'Importer processing completed successfully' in output, output
    complaints = [line for line in output.splitlines() if re.match(r'\s*(WARNING|ERROR)\b', line)]
    assert not complaints, '\n'.join(complaints)


def test_the_tarball_holds_what_users_run_and_read_and_no_development_tooling(members):
    top = {name.split('/', 1)[0] for name in members}
    assert {'README.md', 'CHANGELOG.md', 'COPYING', 'meta', 'playbooks', 'plugins', 'roles'} <= top, top
    shipped_dev = sorted(name for name in members for dev in DEVELOPMENT_ONLY
                         if name == dev.rstrip('/') or name.startswith(dev))
    assert not shipped_dev, shipped_dev


def test_every_role_has_a_readme_with_an_example_and_where_its_variables_are(members):
    roles = sorted({name.split('/')[1] for name in members if name.startswith('roles/') and name.count('/') >= 2})
    assert roles, 'no roles in the tarball'
    for role in roles:
        readme = members.get('roles/%s/README.md' % role)
        assert readme, 'roles/%s has no README.md' % role
        assert readme.startswith('# redisops.sentinel.%s\n' % role), role
        assert '```yaml' in readme, 'roles/%s/README.md has no example' % role
        assert 'meta/argument_specs.yml' in readme and 'ansible-doc -t role redisops.sentinel.%s' % role in readme, \
            'roles/%s/README.md does not say where its variables are documented' % role


def documents(members):
    """Every shipped text a user reads: the Markdown files, the playbooks' and roles' YAML
    (header comments, argument specs) and the plugins' documentation."""
    for name, text in sorted(members.items()):
        if text is not None and re.search(r'\.(md|yml|yaml|py|j2)$', name):
            yield name, text


def test_no_shipped_document_names_a_file_that_does_not_ship(members):
    problems = []
    for name, text in documents(members):
        for number, line in enumerate(text.splitlines(), 1):
            line = URL.sub('', line)
            for match in CHECKOUT_PATH.finditer(line):
                problems.append('%s:%d names %s, which is not in the collection' % (name, number, match.group(1)))
            for match in COLLECTION_PATH.finditer(line):
                path = match.group(1).rstrip('/.')
                if '<' in path or '*' in path:
                    continue
                # A role's own files (meta/argument_specs.yml) may be named relative to the role.
                if not any(other == path or other.startswith(path + '/') or other.endswith('/' + path)
                           for other in members):
                    problems.append('%s:%d names %s, which is not in the collection' % (name, number, path))
    assert not problems, '\n'.join(problems)


def test_galaxy_metadata_names_the_readme_and_ignores_what_the_checks_above_expect():
    galaxy = yaml.safe_load((REPO / 'galaxy.yml').read_text())
    assert galaxy['readme'] == 'README.md'
    for dev in DEVELOPMENT_ONLY:
        assert dev.rstrip('/') in galaxy['build_ignore'], dev
