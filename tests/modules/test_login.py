# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the three modules share: logging in, TLS, errors, secrets, documentation."""

import subprocess
import sys

import pytest

from tests.support.paths import BIN
from tests.support.servers import PASSWORD, WRONG_PASSWORD, free_port, sentinel_lines

MODULES = ('redis_replication', 'sentinel_monitor', 'sentinel_info')


def minimal_args(module, port):
    """Arguments that make each module do real work against the server on port."""
    if module == 'redis_replication':
        return dict(login_port=port, role='primary')
    if module == 'sentinel_monitor':
        return dict(login_port=port, name='mymaster', state='absent')
    return dict(login_port=port)


@pytest.fixture
def protected(servers):
    """A password-protected Redis server and a password-protected Sentinel."""
    primary = servers(password=PASSWORD)
    sentinel = servers(sentinel_lines(primary, password=PASSWORD), sentinel=True, password=PASSWORD)
    return dict(redis_replication=primary, sentinel_monitor=sentinel, sentinel_info=sentinel)


@pytest.mark.parametrize('module', MODULES)
def test_wrong_password_is_a_clear_failure(protected, run_module, module):
    server = protected[module]
    refused = run_module(module, dict(minimal_args(module, server.port), login_password=WRONG_PASSWORD))
    assert refused.failed
    assert refused.msg.startswith('Authentication or permission failure at localhost:%d' % server.port)
    assert 'invalid username-password pair' in refused.msg
    assert 'Traceback' not in refused.output


@pytest.mark.parametrize('module', MODULES)
def test_missing_password_is_a_clear_failure(protected, run_module, module):
    server = protected[module]
    refused = run_module(module, minimal_args(module, server.port))
    assert refused.failed
    assert refused.msg.startswith('Authentication or permission failure at localhost:%d' % server.port)
    assert 'NOAUTH' in refused.msg or 'Authentication required' in refused.msg


@pytest.mark.parametrize('module', MODULES)
def test_unreachable_server_is_a_clear_failure(run_module, module):
    port = free_port()
    refused = run_module(module, dict(minimal_args(module, port), login_host='127.0.0.1', connect_timeout=2))
    assert refused.failed
    assert refused.msg.startswith('Cannot connect to 127.0.0.1:%d' % port)
    assert 'Traceback' not in refused.output


def test_acl_user_without_permission_gets_noperm(servers, run_module):
    server = servers(['user watcher on >watcher-pass ~* +ping +info'], password=PASSWORD)
    refused = run_module('redis_replication', dict(login_port=server.port, login_user='watcher',
                                                   login_password='watcher-pass', primary_host='127.0.0.1',
                                                   primary_port=free_port()))
    assert refused.failed
    assert refused.msg.startswith('Authentication or permission failure at localhost:%d' % server.port)
    assert 'NOPERM' in refused.msg or 'no permissions' in refused.msg


@pytest.mark.parametrize('module', MODULES)
def test_no_secret_appears_with_vvv(protected, run_module, module):
    server = protected[module]
    args = dict(minimal_args(module, server.port), login_password=PASSWORD)
    if module == 'redis_replication':
        args.update(primary_auth='masterauth-secret-41d0')
    if module == 'sentinel_monitor':
        args.update(state='present', primary_host='127.0.0.1', primary_port=protected['redis_replication'].port,
                    quorum=1, auth_pass='auth-pass-secret-88e1', update_auth='always')
    for adhoc in (True, False):
        outcome = run_module(module, args, verbosity=3, adhoc=adhoc)
        assert not outcome.failed, outcome.output
        # -vvv does print the module invocation: the check below looks at real output.
        assert 'login_port' in outcome.output
        for secret in (PASSWORD, 'masterauth-secret-41d0', 'auth-pass-secret-88e1'):
            assert secret not in outcome.output
    if module == 'sentinel_monitor':
        assert 'SENTINEL SET mymaster auth-pass ********' in outcome.result['commands']


def test_secrets_stay_out_of_the_ansible_log(protected, run_module, tmp_path):
    run_module('redis_replication', dict(login_port=protected['redis_replication'].port, login_password=PASSWORD,
                                         role='primary', primary_auth='masterauth-secret-41d0'), verbosity=3)
    log = (tmp_path / 'ansible.log').read_text()
    assert 'redis_replication' in log
    assert PASSWORD not in log and 'masterauth-secret-41d0' not in log


def test_missing_redis_library_is_reported(servers, run_module, tmp_path):
    bare = tmp_path / 'bare-venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(bare)], check=True)
    check = subprocess.run([str(bare / 'bin' / 'python'), '-c', 'import redis'], capture_output=True, check=False)
    assert check.returncode != 0, 'the bare virtualenv unexpectedly has redis-py'
    for module in MODULES:
        refused = run_module(module, minimal_args(module, 6379),
                             extra_vars=dict(ansible_python_interpreter=str(bare / 'bin' / 'python')))
        assert refused.failed
        assert 'Failed to import the required Python library (redis)' in refused.msg, refused.msg


def make_certificates(directory):
    """A throwaway CA and a server certificate for localhost and 127.0.0.1."""
    def openssl(*args):
        subprocess.run(('openssl',) + args, cwd=directory, check=True, capture_output=True)
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt',
            '-days', '2', '-subj', '/CN=redisops test CA')
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr',
            '-subj', '/CN=localhost')
    (directory / 'san.ext').write_text('subjectAltName=DNS:localhost,IP:127.0.0.1\n')
    openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
            '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext')
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other.key', '-out', 'other-ca.crt',
            '-days', '2', '-subj', '/CN=some other CA')
    return directory


def test_tls_connection_verifies_the_server(servers, run_module, tmp_path):
    certs = make_certificates(tmp_path)
    tls_port = free_port()
    servers(['tls-port %d' % tls_port, 'tls-cert-file %s' % (certs / 'server.crt'),
             'tls-key-file %s' % (certs / 'server.key'), 'tls-ca-cert-file %s' % (certs / 'ca.crt'),
             'tls-auth-clients no'], password=PASSWORD)
    args = dict(login_port=tls_port, login_password=PASSWORD, role='primary', tls=True)

    verified = run_module('redis_replication', dict(args, ca_certs=str(certs / 'ca.crt')))
    assert not verified.failed, verified.output
    assert verified.result['replication']['role'] == 'primary'

    untrusted = run_module('redis_replication', dict(args, ca_certs=str(certs / 'other-ca.crt')))
    assert untrusted.failed
    assert untrusted.msg.startswith('Cannot connect to localhost:%d' % tls_port)
    assert 'certificate verify failed' in untrusted.msg

    unverified = run_module('redis_replication', dict(args, ca_certs=str(certs / 'other-ca.crt'),
                                                      validate_certs=False))
    assert not unverified.failed, unverified.output


@pytest.mark.parametrize('module', MODULES)
def test_ansible_doc_renders_every_module(ansible_env, module):
    rendered = subprocess.run([str(BIN / 'ansible-doc'), 'redisops.sentinel.%s' % module], env=ansible_env,
                              capture_output=True, text=True, check=False)
    assert rendered.returncode == 0, rendered.stderr
    for option in ('login_host', 'login_password', 'ca_certs', 'validate_certs', 'connect_timeout'):
        assert option in rendered.stdout
    default_port = '6379' if module == 'redis_replication' else '26379'
    port_section = rendered.stdout[rendered.stdout.index('login_port'):]
    assert 'default: %s' % default_port in port_section[:400]
    assert 'RETURN VALUES' in rendered.stdout and 'commands' in rendered.stdout
