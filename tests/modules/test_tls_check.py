# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""redisops.sentinel.tls_certificates and redisops.sentinel.tls_check, run as users run them (a playbook
task on localhost), then the certificates they make used by Debian's redis-server (built with TLS): a
primary and its replica over TLS with client certificates required, and a renewed certificate taken by
CONFIG SET without a restart."""

import datetime
import os
import shutil
import socket
import ssl
import subprocess
import sys

import pytest
import redis
from cryptography import x509

from tests.support.certificates import issue, make_ca
from tests.support.paths import REPO
from tests.support.servers import ServerProcess, free_port, ipv6_loopback, wait_until

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils import tls_files  # noqa: E402

DEBIAN_REDIS = '/usr/bin/redis-server'
SYSTEM_PYTHON = '/usr/bin/python3'
DAY = datetime.timedelta(days=1)
VARIABLES = dict(cert_file='redis_tls_cert_file', key_file='redis_tls_key_file', ca_file='redis_tls_ca_file')
CERTIFICATES = [dict(name='primary', ip_addresses=['127.0.0.1']),
                dict(name='replica', ip_addresses=['::1'], dns_names=['localhost'])]


def key_body(path):
    """The base64 lines of a PEM key file, which no output may contain."""
    with open(str(path)) as handle:
        return [line for line in handle.read().splitlines() if line and not line.startswith('-----')]


def assert_no_key_material(run, *key_files):
    for key_file in key_files:
        for line in key_body(key_file):
            assert line not in run.output, 'key material of %s in the output' % key_file
            assert line not in repr(run.result), 'key material of %s in the result' % key_file


def snapshot(directory):
    return dict((name, (directory / name).read_bytes()) for name in sorted(os.listdir(str(directory))))


@pytest.fixture
def made(run_module, tmp_path):
    """The CA and the two certificates, made by tls_certificates in tmp_path/tls; the directory."""
    directory = tmp_path / 'tls'
    run = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES))
    assert not run.failed, run.output
    return directory


def check_args(directory, name='primary', **changes):
    args = dict(cert_file=str(directory / ('%s.crt' % name)), key_file=str(directory / ('%s.key' % name)),
                ca_file=str(directory / 'ca.crt'), variables=VARIABLES)
    args.update(changes)
    return args


# tls_certificates


def test_tls_certificates_makes_a_ca_and_two_certificates_then_keeps_them(run_module, tmp_path):
    directory = tmp_path / 'tls'
    run = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES))
    assert not run.failed, run.output
    assert run.changed and run.result['ca_issued']
    assert run.result['ca_cert'] == str(directory / 'ca.crt')
    assert sorted(run.result['certificates']) == ['primary', 'replica']
    for name in ('primary', 'replica'):
        entry = run.result['certificates'][name]
        assert entry['cert'] == str(directory / ('%s.crt' % name))
        assert entry['key'] == str(directory / ('%s.key' % name))
        assert entry['issued'] is True
    assert sorted(os.listdir(str(directory))) == ['ca.crt', 'ca.key', 'primary.crt', 'primary.key',
                                                  'replica.crt', 'replica.key']
    assert tls_files.file_mode(str(directory)) == 0o700
    for name in ('ca', 'primary', 'replica'):
        assert tls_files.file_mode(str(directory / ('%s.key' % name))) == 0o600
    replica = tls_files.load_certificates((directory / 'replica.crt').read_bytes())[0]
    assert tls_files.sans(replica) == dict(ip=['::1'], dns=['localhost'])
    assert_no_key_material(run, *(directory / ('%s.key' % name) for name in ('ca', 'primary', 'replica')))
    made_files = snapshot(directory)

    again = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES))
    assert not again.failed, again.output
    assert not again.changed and not again.result['ca_issued']
    assert [entry['issued'] for entry in again.result['certificates'].values()] == [False, False]
    assert snapshot(directory) == made_files

    (directory / 'replica.crt').unlink()
    renewed = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES))
    assert not renewed.failed, renewed.output
    assert renewed.changed and not renewed.result['ca_issued']
    assert renewed.result['certificates']['primary']['issued'] is False
    assert renewed.result['certificates']['replica'] == dict(
        cert=str(directory / 'replica.crt'), key=str(directory / 'replica.key'), issued=True,
        reason='replica.crt does not exist')
    now = snapshot(directory)
    for name in ('ca.crt', 'ca.key', 'primary.crt', 'primary.key'):
        assert now[name] == made_files[name], name
    assert now['replica.crt'] != made_files['replica.crt'] and now['replica.key'] != made_files['replica.key']
    assert_no_key_material(renewed, directory / 'replica.key')


def test_tls_certificates_in_check_mode_writes_nothing(run_module, tmp_path):
    directory = tmp_path / 'tls'
    run = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES), check=True)
    assert not run.failed, run.output
    assert run.changed and run.result['ca_issued']
    assert [entry['issued'] for entry in run.result['certificates'].values()] == [True, True]
    assert 'would make a CA in %s: dir %s does not exist' % (directory / 'ca.crt', directory) \
        in run.result['messages']
    assert not directory.exists()

    made = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES))
    assert not made.failed, made.output
    (directory / 'primary.key').unlink()
    before = snapshot(directory)
    run = run_module('tls_certificates', dict(dir=str(directory), certificates=CERTIFICATES), check=True)
    assert not run.failed, run.output
    assert run.changed and not run.result['ca_issued']
    assert run.result['certificates']['primary']['issued'] is True
    assert run.result['certificates']['replica']['issued'] is False
    assert 'would issue %s: primary.key does not exist' % (directory / 'primary.crt') in run.result['messages']
    assert snapshot(directory) == before


def test_tls_certificates_names_each_bad_option(run_module, tmp_path):
    run = run_module('tls_certificates', dict(dir=str(tmp_path / 'tls'), days=10, certificates=[
        dict(name='ca', ip_addresses=['127.0.0.1']), dict(name='web', ip_addresses=['300.1.1.1']),
        dict(name='empty')]))
    assert run.failed
    assert run.msg == ('renew_before_days (30) must be less than days (10), or every run would renew the '
                       'certificates it has just made; certificates[0].name "ca" is taken by the CA (ca.crt and '
                       "ca.key); certificates[1].ip_addresses: '300.1.1.1' is not an IP address; certificates[2] "
                       '(empty) needs ip_addresses or dns_names, or both')
    assert not (tmp_path / 'tls').exists()


# tls_check


@pytest.mark.parametrize('python', ['controller', 'debian'])
def test_tls_check_passes_on_the_made_certificates_with_their_facts(run_module, made, python):
    """With the controller's Python, and with Debian's /usr/bin/python3 and its python3-cryptography (38),
    which has no verify_directly_issued_by."""
    extra_vars = None
    if python == 'debian':
        if subprocess.run([SYSTEM_PYTHON, '-c', 'import cryptography'], check=False).returncode:
            pytest.skip('%s has no cryptography' % SYSTEM_PYTHON)
        extra_vars = dict(ansible_python_interpreter=SYSTEM_PYTHON)
    run = run_module('tls_check', check_args(made, 'replica', addresses=['10.0.0.9', '[::1]']),
                     extra_vars=extra_vars)
    assert not run.failed, run.output
    assert not run.changed
    assert run.result['problems'] == []
    cert = tls_files.load_certificates((made / 'replica.crt').read_bytes())[0]
    assert run.result['subject'] == 'CN=replica'
    assert run.result['issuer'] == 'CN=redisops.sentinel test CA'
    assert run.result['signed_by'] == 'CN=redisops.sentinel test CA'
    assert run.result['sans'] == dict(ip=['::1'], dns=['localhost'])
    assert run.result['covered'] == {'[::1]': 'IP ::1'}
    assert run.result['not_after'] == tls_files.iso(tls_files.not_after(cert))
    assert run.result['not_before'] == tls_files.iso(tls_files.not_before(cert))
    assert run.result['days_left'] in (364, 365)
    assert run.result['key_type'] == 'EC secp256r1'
    assert run.result['serial_number'] == '%X' % cert.serial_number
    openssl = shutil.which('openssl')
    if openssl:
        shown = subprocess.run([openssl, 'x509', '-noout', '-fingerprint', '-sha256', '-in', str(made / 'replica.crt')],
                               capture_output=True, text=True, check=True).stdout
        assert shown.strip().split('=', 1)[1] == run.result['sha256_fingerprint']
    assert_no_key_material(run, made / 'replica.key')


def _missing_file(directory):
    (directory / 'primary.key').unlink()
    return {}, ['redis_tls_key_file %s does not exist.' % (directory / 'primary.key')]


def _wrong_key(directory):
    return dict(key_file=str(directory / 'replica.key')), [
        'redis_tls_key_file %s is not the key of the certificate in redis_tls_cert_file %s: their public keys differ'
        % (directory / 'replica.key', directory / 'primary.crt')]


def _another_ca(directory):
    other = directory.parent / 'other-ca'
    make_ca(other, 'another CA')
    issue(directory, 'stranger', ca_dir=other)
    return dict(cert_file=str(directory / 'stranger.crt'), key_file=str(directory / 'stranger.key')), [
        'redis_tls_cert_file %s is not signed by any certificate in redis_tls_ca_file %s: it was issued by '
        '"CN=another CA", and that file holds "CN=redisops.sentinel test CA".'
        % (directory / 'stranger.crt', directory / 'ca.crt')]


def _expired(directory):
    now = tls_files.utcnow()
    issue(directory, 'old', start=now - 400 * DAY, end=now - 2 * DAY)
    return dict(cert_file=str(directory / 'old.crt'), key_file=str(directory / 'old.key')), [
        'redis_tls_cert_file %s expired on %s (now is ' % (directory / 'old.crt', tls_files.iso(now - 2 * DAY))]


def _not_covered(directory):
    return dict(addresses=['10.0.0.5', 'redis-1.example']), [
        'redis_tls_cert_file %s covers none of the addresses 10.0.0.5, redis-1.example: its subjectAltName has IP '
        '127.0.0.1 (an IP needs an IP SAN' % (directory / 'primary.crt')]


@pytest.mark.parametrize('damage', [_missing_file, _wrong_key, _another_ca, _expired, _not_covered],
                         ids=['missing file', 'wrong key', 'another CA', 'expired', 'address not covered'])
def test_tls_check_fails_naming_the_variable_and_the_file(run_module, made, damage):
    changes, expected = damage(made)
    args = check_args(made, **changes)
    args.setdefault('addresses', ['127.0.0.1'])
    run = run_module('tls_check', args)
    assert run.failed, run.output
    assert len(run.result['problems']) == 1, run.result['problems']
    assert run.result['problems'][0].startswith(expected[0]), run.result['problems']
    assert run.msg == '1 problem with the TLS files: %s' % run.result['problems'][0]
    keys = [path for path in made.iterdir() if path.suffix == '.key']
    assert_no_key_material(run, *keys)


def test_tls_check_lists_every_problem_in_one_failure(run_module, made):
    now = tls_files.utcnow()
    issue(made, 'old', start=now - 400 * DAY, end=now - 2 * DAY, ips=['192.0.2.1'])
    run = run_module('tls_check', check_args(made, 'old', key_file=str(made / 'primary.key'),
                                             ca_file=str(made / 'no-ca.crt'), addresses=['127.0.0.1']))
    assert run.failed
    problems = run.result['problems']
    assert [problem.split(' ')[0] for problem in problems] == [
        'redis_tls_ca_file', 'redis_tls_key_file', 'redis_tls_cert_file', 'redis_tls_cert_file']
    assert run.msg.startswith('4 problems with the TLS files: ')
    for problem in problems:
        assert problem in run.msg
    assert run.result['subject'] == 'CN=old' and run.result['days_left'] < 0
    assert_no_key_material(run, made / 'primary.key', made / 'old.key')


def test_tls_check_warns_when_the_certificate_expires_soon(run_module, made):
    now = tls_files.utcnow()
    issue(made, 'soon', end=now + 10 * DAY)
    run = run_module('tls_check', check_args(made, 'soon', addresses=['127.0.0.1']))
    assert not run.failed, run.output
    assert 'redis_tls_cert_file %s expires on' % (made / 'soon.crt') in run.output
    assert 'in 9 days (warn_days 30): renew it.' in run.output or 'in 10 days (warn_days 30)' in run.output
    quiet = run_module('tls_check', check_args(made, 'soon', warn_days=5))
    assert not quiet.failed and 'expires on' not in quiet.output


def test_an_encrypted_key_is_named_as_encrypted(run_module, made):
    from cryptography.hazmat.primitives import serialization
    key = tls_files.load_private_key((made / 'primary.key').read_bytes())
    encrypted = made / 'encrypted.key'
    encrypted.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.BestAvailableEncryption(b'a-pass-phrase-1')))
    # Without variables, the messages name the options.
    args = check_args(made, key_file=str(encrypted))
    del args['variables']
    run = run_module('tls_check', args)
    assert run.failed
    assert run.result['problems'] == ['key_file %s is an encrypted private key (it needs a password to be '
                                      'read); give an unencrypted key, readable only by its user.' % encrypted]
    assert_no_key_material(run, encrypted, made / 'primary.key')


@pytest.mark.parametrize('module', ['tls_check', 'tls_certificates'])
def test_without_cryptography_the_modules_say_to_install_it(run_module, made, tmp_path, module):
    bare = tmp_path / 'no-cryptography'
    subprocess.run([SYSTEM_PYTHON, '-m', 'venv', '--without-pip', str(bare)], check=True)
    args = check_args(made) if module == 'tls_check' else dict(dir=str(made), certificates=CERTIFICATES)
    run = run_module(module, args, extra_vars=dict(ansible_python_interpreter=str(bare / 'bin' / 'python')))
    assert run.failed
    assert 'Failed to import the required Python library (cryptography)' in run.msg
    assert 'ansible_python_interpreter. Install python3-cryptography on that host (apt-get install' in run.msg


# The certificates with a real redis-server


class TlsServer(ServerProcess):
    """A redis-server that speaks TLS only (port 0, tls-port), requires client certificates and replicates
    over TLS; its client() is a TLS client with a certificate of the same CA."""

    def __init__(self, directory, port, tls_dir, name, client_name, lines=(), host='127.0.0.1'):
        self.tls_dir = tls_dir
        self.host = host
        self.client_name = client_name
        tls_lines = ['port 0', 'tls-port %d' % port,
                     'tls-cert-file %s' % (tls_dir / ('%s.crt' % name)),
                     'tls-key-file %s' % (tls_dir / ('%s.key' % name)),
                     'tls-ca-cert-file %s' % (tls_dir / 'ca.crt'),
                     'tls-auth-clients yes', 'tls-replication yes']
        super(TlsServer, self).__init__(directory, port, tls_lines + list(lines))

    def start(self):
        # Debian's build, whatever else is on PATH (a redis_build of the role tests may be in /usr/local/bin).
        self.process = subprocess.Popen([DEBIAN_REDIS, str(self.config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_until(lambda: self.client().ping(), 10, 'port %d to answer PING over TLS' % self.port)
        return self

    def client(self, **kwargs):
        options = dict(host=self.host, port=self.port, socket_timeout=5, decode_responses=True, ssl=True,
                       ssl_ca_certs=str(self.tls_dir / 'ca.crt'), ssl_check_hostname=True,
                       ssl_certfile=str(self.tls_dir / ('%s.crt' % self.client_name)),
                       ssl_keyfile=str(self.tls_dir / ('%s.key' % self.client_name)))
        options.update(kwargs)
        return redis.Redis(**options)


@pytest.fixture
def tls_servers(tmp_path):
    started = []

    def start(*args, **kwargs):
        server = TlsServer(*args, **kwargs)
        started.append(server)
        try:
            return server.start()
        except AssertionError:
            raise AssertionError('redis-server did not answer over TLS; its log:\n%s' % server.log())

    yield start
    for server in started:
        server.kill()


def peer_certificate(host, port, tls_dir, client_name='primary'):
    """The certificate the server presents to a new TLS connection."""
    context = ssl.create_default_context(cafile=str(tls_dir / 'ca.crt'))
    context.load_cert_chain(str(tls_dir / ('%s.crt' % client_name)), str(tls_dir / ('%s.key' % client_name)))
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as raw:
        raw.settimeout(5)
        raw.connect((host, port))
        with context.wrap_socket(raw, server_hostname=host) as tls:
            return x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))


def test_the_certificates_work_with_redis_over_tls(run_module, made, tls_servers, tmp_path):
    if not os.access(DEBIAN_REDIS, os.X_OK):
        pytest.skip('no %s' % DEBIAN_REDIS)
    version = subprocess.run([DEBIAN_REDIS, '--version'], capture_output=True, text=True, check=True).stdout
    assert version.startswith('Redis server v='), version
    if not ipv6_loopback():
        pytest.skip('no IPv6 loopback for the replica')
    # The same preflight the roles would run, on both certificates.
    for name, addresses in (('primary', ['127.0.0.1']), ('replica', ['::1', 'localhost'])):
        run = run_module('tls_check', check_args(made, name, addresses=addresses))
        assert not run.failed, run.output

    primary = tls_servers(tmp_path / 'primary', free_port(), made, 'primary', client_name='primary')
    # The replica listens on ::1 too, and its certificate (IP ::1, DNS localhost) is checked there.
    replica_port = free_port()
    replica = tls_servers(tmp_path / 'replica', replica_port, made, 'replica', client_name='primary', host='::1',
                          lines=['bind 127.0.0.1 ::1', 'replicaof 127.0.0.1 %d' % primary.port])
    assert replica.client().ping()
    wait_until(lambda: replica.client().info('replication')['master_link_status'] == 'up', 20,
               'the replica to link to its primary over TLS')
    info = primary.client().info('replication')
    assert info['connected_slaves'] == 1
    assert info['slave0']['port'] == replica_port
    assert 'Redis version=%s' % version.split('v=')[1].split()[0] in primary.log()
    primary.client().set('over-tls', 'yes')
    wait_until(lambda: replica.client().get('over-tls') == 'yes', 10, 'the write to reach the replica')
    assert peer_certificate('::1', replica_port, made).subject.rfc4514_string() == 'CN=replica'

    # Plaintext to the TLS port: the server closes the connection.
    with pytest.raises(redis.ConnectionError):
        redis.Redis(host='127.0.0.1', port=primary.port, socket_timeout=3).ping()

    # A client certificate of another CA, and no client certificate at all, are refused.
    # (Of the same name as the real one: only the signature tells them apart.)
    other = tmp_path / 'other-ca'
    make_ca(other, 'redisops.sentinel test CA')
    issue(other, 'intruder')
    with pytest.raises(redis.ConnectionError):
        primary.client(ssl_certfile=str(other / 'intruder.crt'), ssl_keyfile=str(other / 'intruder.key')).ping()
    with pytest.raises(redis.ConnectionError):
        primary.client(ssl_certfile=None, ssl_keyfile=None).ping()
    # And the client refuses a server its CA did not sign.
    with pytest.raises(redis.ConnectionError):
        primary.client(ssl_ca_certs=str(other / 'ca.crt')).ping()
    refusals = ['wrong version number', 'certificate verify failed', 'peer did not return a certificate',
                'alert unknown ca']
    wait_until(lambda: all(refusal in primary.log() for refusal in refusals), 5,
               'the refusals in the log:\n%s' % primary.log())

    # A renewed certificate, taken by CONFIG SET without a restart.
    before = peer_certificate('127.0.0.1', primary.port, made)
    renewed_dir = tmp_path / 'renewed'
    renewed = issue(renewed_dir, 'primary', ca_dir=made, end=tls_files.utcnow() + 730 * DAY)
    check = run_module('tls_check', dict(check_args(renewed_dir, ca_file=str(made / 'ca.crt')),
                                         addresses=['127.0.0.1']))
    assert not check.failed, check.output
    pid = primary.process.pid
    assert primary.client().execute_command(
        'CONFIG', 'SET', 'tls-cert-file', str(renewed_dir / 'primary.crt'),
        'tls-key-file', str(renewed_dir / 'primary.key')) in (True, 'OK')
    after = peer_certificate('127.0.0.1', primary.port, made)
    assert before.serial_number != after.serial_number
    assert after.serial_number == renewed.serial_number
    assert tls_files.not_after(after) == tls_files.not_after(renewed) > tls_files.not_after(before)
    assert primary.process.pid == pid and primary.process.poll() is None
    assert primary.client().config_get('tls-cert-file')['tls-cert-file'] == str(renewed_dir / 'primary.crt')
    # The replica's link, made before, still stands, and new writes still flow over it.
    primary.client().set('after-renewal', 'yes')
    wait_until(lambda: replica.client().get('after-renewal') == 'yes', 10, 'a write after the renewal')
    assert replica.client().info('replication')['master_link_status'] == 'up'
