# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a module says when a TLS login fails, against real TLS redis-server and redis-sentinel processes.

Each refusal must be a plain failure: the message starts as the collection's other connection and login
errors do (client.py words them), names the cause, and the output shows no Traceback and no password.
A positive control on the same setup, with the right certificates and a user with every right, proves
that each refusal comes from the one thing its test gets wrong.
"""

import pytest

from tests.support.certificates import DAY, issue, make_ca, tls_files
from tests.support.servers import PASSWORD, free_port, sentinel_lines

MODULES = ('redis_replication', 'sentinel_info')

# The passwords of the ACL users the tests add; none may appear in any output.
WATCHER_PASSWORD = 'watcher-Pa55-only-ping-3b7e'
OPERATOR_PASSWORD = 'operator-Pa55-all-rights-c41f'
SECRETS = (PASSWORD, WATCHER_PASSWORD, OPERATOR_PASSWORD)

# watcher may only PING: the module's PING at login passes, so its refusal is the NOPERM of the next
# command, not a failed login. operator may do everything, as the default user does.
USERS = ['user watcher on >%s ~* &* +ping' % WATCHER_PASSWORD,
         'user operator on >%s ~* &* +@all' % OPERATOR_PASSWORD]


@pytest.fixture
def certs(tmp_path):
    """The CA the servers trust with its certificates (server, expired, client), and a client
    certificate of another CA."""
    trusted = tmp_path / 'trusted'
    make_ca(trusted, 'redisops test CA')
    # login_host defaults to localhost and the modules check the host name: the server certificates name it.
    issue(trusted, 'server', dns=('localhost',))
    now = tls_files.utcnow()
    issue(trusted, 'expired', dns=('localhost',), start=now - 30 * DAY, end=now - DAY)
    issue(trusted, 'client')
    other = tmp_path / 'other'
    make_ca(other, 'some other CA')
    issue(other, 'stranger')
    return dict(trusted=trusted, other=other)


@pytest.fixture
def tls_server(servers, certs):
    """start(module, ...) starts the server that module talks to, with TLS on a port of its own and the
    ACL users watcher and operator, and returns that TLS port.

    The plain port stays open only for ServerProcess's readiness check; the modules use the TLS port.
    """
    def start(module, server_cert='server', auth_clients='yes'):
        trusted = certs['trusted']
        tls_port = free_port()
        lines = ['tls-port %d' % tls_port,
                 'tls-cert-file %s' % (trusted / ('%s.crt' % server_cert)),
                 'tls-key-file %s' % (trusted / ('%s.key' % server_cert)),
                 'tls-ca-cert-file %s' % (trusted / 'ca.crt'),
                 'tls-auth-clients %s' % auth_clients] + USERS
        if module == 'sentinel_info':
            # A Sentinel with something to report: a plain primary it monitors.
            primary = servers(password=PASSWORD)
            servers(sentinel_lines(primary, password=PASSWORD) + lines, sentinel=True, password=PASSWORD)
        else:
            servers(lines, password=PASSWORD)
        return tls_port
    return start


def module_args(module, port, certs, client='client', user='operator', password=OPERATOR_PASSWORD):
    """The module's arguments over TLS to port, trusting the servers' CA and presenting the client
    certificate `client` ('stranger': the other CA's; None: none)."""
    args = dict(login_port=port, login_user=user, login_password=password, tls=True,
                ca_certs=str(certs['trusted'] / 'ca.crt'))
    if client:
        directory = certs['other'] if client == 'stranger' else certs['trusted']
        args.update(certfile=str(directory / ('%s.crt' % client)), keyfile=str(directory / ('%s.key' % client)))
    if module == 'redis_replication':
        args.update(role='primary')
    return args


def assert_clear_failure(outcome, prefix, causes):
    """A failure whose message starts with prefix and names every one of causes, with no Traceback
    and no password anywhere in what ansible printed or returned."""
    assert outcome.returncode != 0, outcome.output
    assert outcome.msg.startswith(prefix), outcome.msg
    for cause in causes:
        assert cause in outcome.msg, outcome.msg
    assert 'Traceback' not in outcome.output, outcome.output
    assert 'Traceback' not in outcome.result.get('exception', ''), outcome.result
    for secret in SECRETS:
        assert secret not in outcome.output and secret not in repr(outcome.result)


def run(run_module, module, args):
    """Run module ad hoc: one task, half the time of a playbook, with the same arguments and no_log.

    Its --tree result has no 'failed' key: the tests read ansible's exit code instead.
    """
    return run_module(module, args, adhoc=True)


@pytest.mark.parametrize('module', MODULES)
def test_right_certificates_and_full_rights_succeed(tls_server, certs, run_module, module):
    port = tls_server(module)
    outcome = run(run_module, module, module_args(module, port, certs))
    assert outcome.returncode == 0 and 'msg' not in outcome.result, outcome.output
    if module == 'redis_replication':
        assert outcome.result['replication']['role'] == 'primary'
    else:
        assert 'mymaster' in outcome.result['masters']
    for secret in SECRETS:
        assert secret not in outcome.output and secret not in repr(outcome.result)


@pytest.mark.parametrize('module', MODULES)
def test_expired_server_certificate_is_refused(tls_server, certs, run_module, module):
    # tls-auth-clients no: the server's certificate is the only thing wrong.
    port = tls_server(module, server_cert='expired', auth_clients='no')
    outcome = run(run_module, module, module_args(module, port, certs, client=None))
    assert_clear_failure(outcome, 'Cannot connect to localhost:%d' % port,
                         ('certificate verify failed', 'expired'))


@pytest.mark.parametrize('module', MODULES)
@pytest.mark.parametrize('client', ('stranger', None), ids=('client-of-another-ca', 'no-client-certificate'))
def test_refused_client_certificate_is_a_clear_failure(tls_server, certs, run_module, module, client):
    port = tls_server(module)
    outcome = run(run_module, module, module_args(module, port, certs, client=client))
    # The server's refusal reaches the client as an alert or a bare EOF, whichever comes first:
    # the message must point at the client certificate either way.
    assert_clear_failure(outcome, 'Cannot connect to localhost:%d' % port, ('tls-auth-clients', 'certfile'))


@pytest.mark.parametrize('module', MODULES)
def test_tls_user_without_rights_gets_noperm(tls_server, certs, run_module, module):
    port = tls_server(module)
    outcome = run(run_module, module, module_args(module, port, certs, user='watcher', password=WATCHER_PASSWORD))
    # redis-py drops the NOPERM code and keeps "... has no permissions to run the 'info' command".
    assert_clear_failure(outcome, 'Authentication or permission failure at localhost:%d' % port, ())
    assert 'NOPERM' in outcome.msg or 'no permissions' in outcome.msg
