# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The local default secured, as DEVELOPMENT.md gives it: `make local-secure` in a
fresh copy of the checkout deploys the local default over TLS only, with the
default user off and an application user `app`; the guide's redis-cli command
and redis-py snippet connect as `app`, a second run changes nothing, and `make
status` and `make local-clean` act on it. Runs after test_local_default (same
ports), reusing the build it leaves in the controller's cache.
"""

import re
import subprocess
import sys

import pytest
import redis

from tests.roles.test_local_default import LocalDeployment
from tests.support.local_default import DATA_PORTS, SENTINEL_PORTS, deployed
from tests.support.paths import REPO

GUIDE = (REPO / 'DEVELOPMENT.md').read_text()
SECTION = GUIDE.split('## The local default, secured', 1)[1].split('\n## ', 1)[0]


def fenced(language):
    return re.findall(r'```%s\n(.*?)```' % language, SECTION, re.S)


@pytest.fixture(scope='module')
def secure(tmp_path_factory):
    yield from deployed(tmp_path_factory, LocalDeployment, 'local-secure')


def secrets_of(local):
    return [path.read_text().strip() for path in (local.checkout / '.local').glob('*_password')]


def test_make_local_secure_runs_tls_only_with_default_off_and_the_app_user(secure):
    assert secure.first_run.returncode == 0, secure.first_run.explain()
    assert re.search(r'the primary is local-1 \(127\.0\.0\.1:7000\); 3 of 3 Sentinels report it, 3 answer OK',
                     secure.first_run.stdout), secure.first_run.explain()
    local_dir = secure.checkout / '.local'
    assert (local_dir / 'tls' / 'ca.crt').is_file() and (local_dir / 'app_password').is_file()
    for secret in secrets_of(secure):
        assert secret not in secure.first_run.output
    # No plaintext port, and default is off.
    for port in DATA_PORTS + SENTINEL_PORTS:
        with pytest.raises(redis.ConnectionError):
            redis.Redis(port=port, socket_timeout=3).ping()
    tls = dict(ssl=True, ssl_ca_certs=str(local_dir / 'tls' / 'ca.crt'), socket_timeout=5)
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(port=7000, password=secure.password, **tls).ping()
    app = redis.Redis(port=7000, username='app', password=(local_dir / 'app_password').read_text().strip(), **tls)
    with pytest.raises(redis.exceptions.NoPermissionError):
        app.flushall()


def test_the_guides_redis_cli_command_and_redis_py_snippet_connect_as_app(secure):
    commands = [line for block in fenced('sh') for line in block.splitlines() if 'redis-cli' in line]
    assert len(commands) == 1, commands
    found = subprocess.run(['bash', '-c', commands[0]], cwd=secure.checkout, capture_output=True, text=True,
                           timeout=30, check=False)
    assert (found.returncode, found.stdout.split()) == (0, ['127.0.0.1', '7000']), found
    snippets = fenced('python')
    assert len(snippets) == 1, snippets
    ran = subprocess.run([str(REPO / '.venv' / 'bin' / 'python'), '-c', snippets[0]], cwd=secure.checkout,
                         capture_output=True, text=True, timeout=60, check=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip() == "('127.0.0.1', 7000) b'hello'", ran.stdout


def test_a_second_run_changes_nothing_and_status_logs_in_as_it_does(secure):
    second = secure.make('local-secure')
    assert second.returncode == 0, second.explain()
    assert second.recap and all(counters['changed'] == 0 for counters in second.recap.values()), second.explain()
    assert 'localhost | SUCCESS' in second.stdout, second.stdout
    status = secure.make('status')
    assert status.returncode == 0, status.explain()
    assert '2 of 2 replicas linked' in status.stdout, status.explain()
    for secret in secrets_of(secure):
        assert secret not in second.output and secret not in status.output


if __name__ == '__main__':
    sys.exit(pytest.main([__file__]))
