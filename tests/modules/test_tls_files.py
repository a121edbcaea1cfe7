# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The TLS logic of tls_certificates and tls_check (plugins/module_utils/tls_files.py and tls_issue.py):
building a CA and certificates, reading PEM, checking a certificate against its key, its CA, the time and
the addresses (SAN matching with wildcards and IPv6), and planning what tls_certificates makes in its
directory.

Expired and not-yet-valid certificates are made with explicit dates; the clock is the argument `now`."""

import datetime
import ipaddress
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils import tls_files, tls_issue  # noqa: E402
from ansible_collections.redisops.sentinel.plugins.module_utils.tls_files import (  # noqa: E402
    PemError,
    TlsError,
    check_files,
    check_request,
    covering_san,
    dns_matches,
    find_signer,
    is_signed_by,
    key_matches,
    load_certificates,
    load_private_key,
    parse_address,
    time_problem,
    validity,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.tls_issue import (  # noqa: E402
    apply_plan,
    build_ca,
    build_leaf,
    new_key,
    plan_certificates,
)

NOW = datetime.datetime(2026, 5, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
DAY = datetime.timedelta(days=1)
NAMES = dict(cert_file='redis_tls_cert_file', key_file='redis_tls_key_file', ca_file='redis_tls_ca_file')


class Ca:
    """A CA of the tests, with its key."""

    def __init__(self, name='test CA', start=NOW - DAY, end=NOW + 3650 * DAY, key=None):
        self.key = key or new_key()
        self.cert = build_ca(name, self.key, start, end)

    def leaf(self, name='redis-1', ips=('127.0.0.1',), dns=(), start=NOW - DAY, end=NOW + 365 * DAY, key=None):
        key = key or new_key()
        return build_leaf(name, self.cert, self.key, key, ips, dns, start, end), key


def pem(thing):
    if isinstance(thing, x509.Certificate):
        return tls_files.cert_pem(thing)
    return tls_files.key_pem(thing)


def key_body(key):
    """The base64 lines of a PEM key, which no output may contain."""
    return [line for line in pem(key).decode().splitlines() if not line.startswith('-----')]


@pytest.fixture(scope='module')
def ca():
    return Ca()


@pytest.fixture(scope='module')
def other_ca():
    return Ca('another CA')


@pytest.fixture
def files(tmp_path, ca):
    """Writes a certificate, its key and the CA file; returns (paths, key) for check_files."""
    def write(cert=None, key=None, ca_certs=None, cert_extra=(), name='redis'):
        if cert is None:
            cert, key = ca.leaf()
        paths = dict(cert_file=str(tmp_path / ('%s.crt' % name)), key_file=str(tmp_path / ('%s.key' % name)),
                     ca_file=str(tmp_path / ('%s-ca.crt' % name)))
        (tmp_path / ('%s.crt' % name)).write_bytes(pem(cert) + b''.join(pem(extra) for extra in cert_extra))
        (tmp_path / ('%s.key' % name)).write_bytes(pem(key))
        (tmp_path / ('%s-ca.crt' % name)).write_bytes(b''.join(pem(one) for one in (ca_certs or [ca.cert])))
        return paths, key
    return write


# Building


def test_the_ca_is_an_ec_p256_ca_that_signs_certificates(ca):
    assert isinstance(ca.cert.public_key(), ec.EllipticCurvePublicKey)
    assert ca.cert.public_key().curve.name == 'secp256r1'
    constraints = ca.cert.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    usage = ca.cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert ca.cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == 'test CA'
    assert is_signed_by(ca.cert, ca.cert)


def test_a_leaf_is_for_server_and_client_with_the_sans_asked_for(ca):
    cert, key = ca.leaf('both', ips=['127.0.0.1', '::1'], dns=['localhost', '*.redis.example'])
    assert key_matches(cert, key)
    assert is_signed_by(cert, ca.cert)
    assert not tls_files.is_ca(cert)
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(usage) == [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
    assert tls_files.sans(cert) == dict(ip=['127.0.0.1', '::1'], dns=['localhost', '*.redis.example'])
    assert tls_files.purposes_problem(cert) is None
    assert tls_files.not_after(cert) == NOW + 365 * DAY


def test_validity_starts_a_little_in_the_past():
    start, end = validity(10, NOW)
    assert start < NOW < end
    assert end - NOW == 10 * DAY


def test_keys_are_written_pkcs8_unencrypted_and_read_back(ca):
    cert, key = ca.leaf()
    data = pem(key)
    assert data.startswith(b'-----BEGIN PRIVATE KEY-----')
    assert key_matches(cert, load_private_key(data))


# Reading PEM


def test_an_encrypted_key_is_reported_as_encrypted(ca):
    key = new_key()
    for private_format in (serialization.PrivateFormat.PKCS8, serialization.PrivateFormat.TraditionalOpenSSL):
        data = key.private_bytes(serialization.Encoding.PEM, private_format,
                                 serialization.BestAvailableEncryption(b'secret-pass'))
        with pytest.raises(PemError, match='is an encrypted private key'):
            load_private_key(data)


def test_a_certificate_given_as_key_and_a_key_given_as_certificate_say_what_they_hold(ca):
    cert, key = ca.leaf()
    with pytest.raises(PemError) as raised:
        load_private_key(pem(cert))
    assert str(raised.value) == 'is not a PEM private key: it holds only a PEM CERTIFICATE'
    with pytest.raises(PemError) as raised:
        load_certificates(pem(key))
    assert str(raised.value) == 'is not a PEM certificate: it holds only a PEM PRIVATE KEY'
    with pytest.raises(PemError, match='no PEM block at all'):
        load_certificates(b'hello\n')


def test_a_broken_pem_certificate_does_not_parse_with_a_clear_message(ca):
    body = pem(ca.cert).decode().splitlines()
    broken = '\n'.join([body[0], body[1][:20] + 'AAAA' + body[1][24:]] + body[2:]) + '\n'
    with pytest.raises(PemError, match='holds a PEM certificate .number 1 in the file. that does not parse'):
        load_certificates(broken.encode())


def test_a_broken_key_never_quotes_its_content():
    data = pem(new_key())
    lines = data.decode().splitlines()
    broken = '\n'.join([lines[0], 'QUJD' * 16, lines[-1]]) + '\n'
    with pytest.raises(PemError) as raised:
        load_private_key(broken.encode())
    assert 'QUJD' not in str(raised.value)
    assert 'does not parse' in str(raised.value)


def test_a_file_of_several_certificates_gives_them_all_in_order(ca, other_ca):
    assert load_certificates(pem(ca.cert) + b'\n' + pem(other_ca.cert)) == [ca.cert, other_ca.cert]


# Keys and signatures


def test_a_wrong_key_does_not_match(ca):
    cert, dummy = ca.leaf()
    assert not key_matches(cert, new_key())


def test_a_certificate_from_another_ca_is_not_signed_by_this_one(ca, other_ca):
    cert, dummy = other_ca.leaf()
    assert not is_signed_by(cert, ca.cert)
    assert is_signed_by(cert, other_ca.cert)


def test_another_ca_of_the_same_name_did_not_sign_it(ca):
    twin = Ca('test CA')
    cert, dummy = twin.leaf()
    assert cert.issuer == ca.cert.subject
    assert not is_signed_by(cert, ca.cert)


def test_the_signer_is_found_among_several_cas_and_through_an_intermediate(ca, other_ca):
    cert, dummy = ca.leaf()
    assert find_signer(cert, [other_ca.cert, ca.cert]) == (ca.cert, [])
    intermediate_key = new_key()
    intermediate = build_leaf('intermediate', ca.cert, ca.key, intermediate_key, dns_names=['intermediate'],
                              start=NOW - DAY, end=NOW + 100 * DAY)
    # A CA certificate for the intermediate: the same builder, then signed again as a CA would be.
    intermediate = (x509.CertificateBuilder().subject_name(intermediate.subject).issuer_name(ca.cert.subject)
                    .public_key(intermediate_key.public_key()).serial_number(x509.random_serial_number())
                    .not_valid_before(NOW - DAY).not_valid_after(NOW + 100 * DAY)
                    .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                    .sign(ca.key, hashes.SHA256()))
    leaf = build_leaf('leaf', intermediate, intermediate_key, new_key(), ['127.0.0.1'], (), NOW - DAY, NOW + DAY)
    assert find_signer(leaf, [ca.cert]) == (None, [])
    assert find_signer(leaf, [other_ca.cert, ca.cert], [intermediate]) == (ca.cert, [intermediate])
    assert find_signer(leaf, [other_ca.cert], [intermediate]) == (None, [])


@pytest.mark.parametrize('scheme', ['pkcs1v15', 'pss'])
def test_the_signature_check_of_older_cryptography_verifies_rsa_and_ec_by_hand(scheme):
    """cryptography 38 (Debian 12) has no verify_directly_issued_by; the hand-made check must agree."""
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'rsa CA')])
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(rsa_key.public_key())
               .serial_number(1).not_valid_before(NOW - DAY).not_valid_after(NOW + DAY))
    if scheme == 'pss':
        try:
            rsa_ca = builder.sign(rsa_key, hashes.SHA256(),
                                  rsa_padding=padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.DIGEST_LENGTH))
        except TypeError:
            pytest.skip('this cryptography cannot sign with RSA-PSS')
    else:
        rsa_ca = builder.sign(rsa_key, hashes.SHA256())
    leaf = build_leaf('leaf', rsa_ca, rsa_key, new_key(), ['127.0.0.1'], (), NOW - DAY, NOW + DAY)
    tls_files._verify_signature(rsa_key.public_key(), leaf)
    tls_files._verify_signature(rsa_key.public_key(), rsa_ca)
    assert tls_files.key_type(rsa_ca.public_key()) == 'RSA 2048'
    ec_ca = Ca()
    ec_leaf, dummy = ec_ca.leaf()
    tls_files._verify_signature(ec_ca.cert.public_key(), ec_leaf)
    with pytest.raises(Exception):
        tls_files._verify_signature(ec_ca.cert.public_key(), leaf)


# Time


def test_an_expired_certificate_made_with_explicit_dates(ca):
    cert, dummy = ca.leaf(start=NOW - 400 * DAY, end=NOW - 35 * DAY)
    assert time_problem(cert, NOW) == 'expired on 2026-03-27T12:00:00Z (now is 2026-05-01T12:00:00Z)'
    assert tls_files.days_left(cert, NOW) == -35


def test_a_certificate_not_valid_yet(ca):
    cert, dummy = ca.leaf(start=NOW + DAY, end=NOW + 10 * DAY)
    assert time_problem(cert, NOW) == 'is not valid before 2026-05-02T12:00:00Z (now is 2026-05-01T12:00:00Z)'
    assert time_problem(cert, NOW + 2 * DAY) is None


# Addresses


@pytest.mark.parametrize('pattern, name, matches', [
    ('redis.example.com', 'redis.example.com', True),
    ('redis.example.com', 'REDIS.Example.com.', True),
    ('redis.example.com', 'other.example.com', False),
    ('*.example.com', 'redis.example.com', True),
    ('*.example.com', 'Redis.EXAMPLE.com', True),
    ('*.example.com', 'example.com', False),
    ('*.example.com', 'a.b.example.com', False),
    ('*.example.com', '.example.com', False),
    ('*.com', 'example.com', False),
    ('r*.example.com', 'redis.example.com', False),
    ('*.*.example.com', 'a.b.example.com', False),
    ('a.*.example.com', 'a.b.example.com', False),
])
def test_dns_names_and_wildcards(pattern, name, matches):
    assert dns_matches(pattern, name) is matches


@pytest.mark.parametrize('address', ['::1', '[::1]', '0:0:0:0:0:0:0:1', '0000::0001'])
def test_an_ipv6_san_covers_every_spelling_of_its_address(ca, address):
    cert, dummy = ca.leaf(ips=['::1'], dns=['localhost'])
    assert covering_san(tls_files.sans(cert), address) == 'IP ::1'


def test_ips_need_ip_sans_and_names_need_dns_sans(ca):
    cert, dummy = ca.leaf(ips=['127.0.0.1', '2001:db8::7'], dns=['127.0.0.2', '*.redis.example'])
    found = tls_files.sans(cert)
    assert covering_san(found, '127.0.0.1') == 'IP 127.0.0.1'
    assert covering_san(found, '2001:DB8:0::7') == 'IP 2001:db8::7'
    # A DNS SAN spelling an IP does not cover that IP, as TLS clients do not take it.
    assert covering_san(found, '127.0.0.2') is None
    # An IPv4-mapped IPv6 address is another address.
    assert covering_san(found, '::ffff:127.0.0.1') is None
    assert covering_san(found, 'a.redis.example') == 'DNS *.redis.example'
    assert covering_san(found, 'localhost') is None
    assert parse_address('[2001:db8::7]') == ipaddress.ip_address('2001:db8::7')
    assert parse_address('Host.Example.') == 'host.example'
    with pytest.raises(ValueError):
        parse_address('  ')


# check_files: every check, every problem in one report


def test_good_files_pass_with_their_facts(files, ca):
    paths, dummy = files()
    report = check_files(paths, NAMES, ['10.9.9.9', '127.0.0.1'], now=NOW)
    assert report.problems == [] and report.warnings == []
    facts = report.facts
    assert facts['subject'] == 'CN=redis-1'
    assert facts['issuer'] == 'CN=test CA'
    assert facts['signed_by'] == 'CN=test CA'
    assert facts['sans'] == dict(ip=['127.0.0.1'], dns=[])
    assert facts['covered'] == {'127.0.0.1': 'IP 127.0.0.1'}
    assert facts['not_after'] == '2027-05-01T12:00:00Z'
    assert facts['days_left'] == 365
    assert facts['key_type'] == 'EC secp256r1'
    assert len(facts['sha256_fingerprint'].split(':')) == 32


def test_missing_files_are_each_named_with_their_variable(tmp_path):
    paths = dict(cert_file=str(tmp_path / 'no.crt'), key_file=str(tmp_path / 'no.key'), ca_file=str(tmp_path))
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == [
        'redis_tls_cert_file %s does not exist.' % paths['cert_file'],
        'redis_tls_key_file %s does not exist.' % paths['key_file'],
        'redis_tls_ca_file %s is a directory, not a file.' % paths['ca_file'],
    ]
    assert report.facts == {}


def test_a_dangling_symbolic_link_says_where_it_points(tmp_path, files):
    paths, dummy = files()
    os.symlink(str(tmp_path / 'gone.crt'), str(tmp_path / 'link.crt'))
    paths['cert_file'] = str(tmp_path / 'link.crt')
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == ['redis_tls_cert_file %s is a symbolic link to %s, which does not exist.'
                               % (paths['cert_file'], tmp_path / 'gone.crt')]


def test_an_unreadable_file_names_the_user(ca):
    """As nobody, with the system Python, on a copy of tls_files.py in a directory nobody can enter."""
    if os.geteuid() != 0:
        pytest.skip('needs root, to read as nobody')
    try:
        pwd.getpwnam('nobody')
    except KeyError:
        pytest.skip('no user nobody')
    python = shutil.which('python3', path='/usr/bin:/bin')
    if python is None:
        pytest.skip('no system python3')
    directory = tempfile.mkdtemp(prefix='tls-files-test-')
    try:
        os.chmod(directory, 0o755)
        shutil.copy(tls_files.__file__, os.path.join(directory, 'tls_files.py'))
        key_file = os.path.join(directory, 'redis.key')
        dummy, key = ca.leaf()
        tls_issue.write_file(key_file, pem(key), 0o600)
        script = 'import sys; sys.path.insert(0, %r); import tls_files; print(tls_files.read_file(%r)[1])' % (
            directory, key_file)
        completed = subprocess.run([python, '-c', script], user='nobody', capture_output=True, text=True,
                                   check=False, cwd='/')
    finally:
        shutil.rmtree(directory)
    assert completed.stdout.strip().startswith('cannot be read by user nobody (permission denied): run the task '
                                               'as a user that can read it (become)'), \
        completed.stdout + completed.stderr


def test_a_wrong_key_is_named_and_never_shown(files, ca):
    cert, dummy = ca.leaf()
    other_key = new_key()
    paths, dummy = files(cert=cert, key=other_key)
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == [
        'redis_tls_key_file %s is not the key of the certificate in redis_tls_cert_file %s: their public keys '
        "differ (the certificate's is EC secp256r1). Give the key the certificate was made for."
        % (paths['key_file'], paths['cert_file'])]
    for line in key_body(other_key):
        assert line not in ' '.join(report.problems)


def test_an_encrypted_key_file_is_named(files, ca):
    cert, key = ca.leaf()
    paths, dummy = files(cert=cert, key=key)
    with open(paths['key_file'], 'wb') as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.BestAvailableEncryption(b'pass-phrase')))
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == ['redis_tls_key_file %s is an encrypted private key (it needs a password to be '
                               'read); give an unencrypted key, readable only by its user.' % paths['key_file']]


def test_a_certificate_of_another_ca_is_not_signed_by_the_ca_file(files, ca, other_ca):
    cert, key = other_ca.leaf()
    paths, dummy = files(cert=cert, key=key)
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == [
        'redis_tls_cert_file %s is not signed by any certificate in redis_tls_ca_file %s: it was issued by '
        '"CN=another CA", and that file holds "CN=test CA".' % (paths['cert_file'], paths['ca_file'])]
    assert 'signed_by' not in report.facts


def test_a_ca_of_the_same_name_but_another_key_is_told_apart(files, ca):
    cert, key = Ca('test CA').leaf()
    paths, dummy = files(cert=cert, key=key)
    report = check_files(paths, NAMES, now=NOW)
    assert len(report.problems) == 1
    assert 'a CA there has that name but its key did not sign the certificate' in report.problems[0]


def test_a_ca_file_of_several_certificates_finds_the_signer(files, ca, other_ca):
    paths, dummy = files(ca_certs=[other_ca.cert, ca.cert])
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == []
    assert report.facts['signed_by'] == 'CN=test CA'


def test_an_expired_certificate_gives_its_dates(files, ca):
    cert, key = ca.leaf(start=NOW - 400 * DAY, end=NOW - 35 * DAY)
    paths, dummy = files(cert=cert, key=key)
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == ['redis_tls_cert_file %s expired on 2026-03-27T12:00:00Z (now is '
                               '2026-05-01T12:00:00Z).' % paths['cert_file']]
    assert report.facts['days_left'] == -35
    assert report.warnings == []


def test_an_expired_ca_is_a_problem(files):
    old = Ca('old CA', start=NOW - 100 * DAY, end=NOW - DAY)
    cert, key = old.leaf(start=NOW - 50 * DAY, end=NOW + 50 * DAY)
    paths, dummy = files(cert=cert, key=key, ca_certs=[old.cert])
    report = check_files(paths, NAMES, now=NOW)
    assert report.problems == ['redis_tls_ca_file %s: the CA "CN=old CA" that signed the certificate expired on '
                               '2026-04-30T12:00:00Z (now is 2026-05-01T12:00:00Z).' % paths['ca_file']]


def test_a_certificate_expiring_soon_is_a_warning(files, ca):
    cert, key = ca.leaf(end=NOW + 10 * DAY)
    paths, dummy = files(cert=cert, key=key)
    report = check_files(paths, NAMES, warn_days=30, now=NOW)
    assert report.problems == []
    assert report.warnings == ['redis_tls_cert_file %s expires on 2026-05-11T12:00:00Z, in 10 days (warn_days 30): '
                               'renew it.' % paths['cert_file']]
    assert check_files(paths, NAMES, warn_days=10, now=NOW).warnings == []


def test_an_address_not_covered_lists_the_sans_it_has(files, ca):
    cert, key = ca.leaf(ips=['::1'], dns=['localhost', '*.redis.example'])
    paths, dummy = files(cert=cert, key=key)
    report = check_files(paths, NAMES, ['127.0.0.1', 'redis.example', 'a.b.redis.example'], now=NOW)
    assert report.problems == [
        'redis_tls_cert_file %s covers none of the addresses 127.0.0.1, redis.example, a.b.redis.example: its '
        'subjectAltName has IP ::1, DNS localhost, DNS *.redis.example (an IP needs an IP SAN, a name a DNS SAN; '
        'the subject CN does not count).' % paths['cert_file']]
    assert check_files(paths, NAMES, ['[::1]'], now=NOW).problems == []
    assert check_files(paths, NAMES, ['x.redis.example'], now=NOW).facts['covered'] == {
        'x.redis.example': 'DNS *.redis.example'}


def test_a_certificate_without_client_auth_is_a_warning(files, ca):
    key = new_key()
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'web')]))
            .issuer_name(ca.cert.subject).public_key(key.public_key()).serial_number(7)
            .not_valid_before(NOW - DAY).not_valid_after(NOW + 100 * DAY)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address('127.0.0.1'))]),
                           critical=False)
            .sign(ca.key, hashes.SHA256()))
    paths, dummy = files(cert=cert, key=key)
    report = check_files(paths, NAMES, ['127.0.0.1'], now=NOW)
    assert report.problems == []
    assert len(report.warnings) == 1 and 'lacks clientAuth' in report.warnings[0]


def test_every_problem_is_reported_at_once(files, ca, other_ca):
    cert, dummy = other_ca.leaf(start=NOW - 400 * DAY, end=NOW - DAY)
    wrong_key = new_key()
    paths, dummy = files(cert=cert, key=wrong_key)
    report = check_files(paths, NAMES, ['10.1.1.1'], now=NOW)
    assert [problem.split(' ')[0] for problem in report.problems] == [
        'redis_tls_key_file', 'redis_tls_cert_file', 'redis_tls_cert_file', 'redis_tls_cert_file']
    text = ' '.join(report.problems)
    assert 'is not the key' in text and 'expired on' in text and 'covers none' in text
    assert 'is not signed by any certificate in redis_tls_ca_file' in text
    for line in key_body(wrong_key):
        assert line not in text


def test_files_swapped_say_what_they_hold(files, ca):
    paths, dummy = files()
    swapped = dict(paths, cert_file=paths['key_file'], key_file=paths['cert_file'])
    report = check_files(swapped, NAMES, now=NOW)
    assert report.problems == [
        'redis_tls_cert_file %s is not a PEM certificate: it holds only a PEM PRIVATE KEY.' % paths['key_file'],
        'redis_tls_key_file %s is not a PEM private key: it holds only a PEM CERTIFICATE.' % paths['cert_file']]


# tls_certificates: options and plans


def request(directory, **changes):
    params = dict(dir=str(directory), ca_common_name='test CA', days=365, renew_before_days=30,
                  certificates=[dict(name='one', ip_addresses=['127.0.0.1'], dns_names=None),
                                dict(name='two', ip_addresses=['::1'], dns_names=['localhost'])])
    params.update(changes)
    return params


def issued(plan):
    return dict((leaf.name, leaf.reason) for leaf in plan.leaves if leaf.issue)


def test_bad_options_are_each_named(tmp_path):
    params = request(tmp_path, days=20, renew_before_days=20, ca_common_name='', certificates=[
        dict(name='../x', ip_addresses=None, dns_names=['a.example']),
        dict(name='ca', ip_addresses=['1.2.3'], dns_names=None),
        dict(name='ok', ip_addresses=None, dns_names=None),
        dict(name='ok', ip_addresses=None, dns_names=['*.com', 'bad_-.', 'ünï.example']),
    ])
    assert check_request(params) == [
        'renew_before_days (20) must be less than days (20), or every run would renew the certificates it has just '
        'made',
        'ca_common_name must have 1 to 64 characters',
        'certificates[0].name \'../x\' must be a file name stem of up to 64 letters, digits, ".", "_" and "-", not '
        'starting with "." or "-"',
        'certificates[1].name "ca" is taken by the CA (ca.crt and ca.key)',
        "certificates[1].ip_addresses: '1.2.3' is not an IP address",
        'certificates[2] (ok) needs ip_addresses or dns_names, or both',
        'certificates[3].name "ok" is given twice',
        "certificates[3].dns_names: '*.com' has a wildcard that needs two labels after it (*.example.com)",
        "certificates[3].dns_names: 'bad_-.' is not a host name (labels of letters, digits, \"-\" and \"_\", "
        'separated by dots; a wildcard only as the whole first label)',
        "certificates[3].dns_names: 'ünï.example' is not ASCII: give its IDNA form (xn--...)",
    ]
    assert check_request(request(tmp_path)) == []


def make(directory, now=NOW, **changes):
    params = request(directory, **changes)
    plan = plan_certificates(params, now=now)
    apply_plan(plan, params, now=now)
    return plan


def load(directory, name):
    return (load_certificates((directory / ('%s.crt' % name)).read_bytes())[0],
            load_private_key((directory / ('%s.key' % name)).read_bytes()))


def test_a_first_plan_makes_everything_and_a_second_nothing(tmp_path):
    directory = tmp_path / 'tls'
    plan = make(directory)
    assert plan.make_dir and plan.ca_reason == 'dir %s does not exist' % directory
    assert issued(plan) == dict(one='the CA is made anew', two='the CA is made anew')
    assert tls_files.file_mode(str(directory)) == 0o700
    for name in ('ca', 'one', 'two'):
        assert tls_files.file_mode(str(directory / ('%s.key' % name))) == 0o600
        assert tls_files.file_mode(str(directory / ('%s.crt' % name))) == 0o644
    ca_cert, ca_key = load(directory, 'ca')
    assert key_matches(ca_cert, ca_key) and tls_files.is_ca(ca_cert)
    assert tls_files.not_after(ca_cert) - NOW == 3650 * DAY
    for name in ('one', 'two'):
        cert, key = load(directory, name)
        assert key_matches(cert, key) and is_signed_by(cert, ca_cert)
    assert tls_files.sans(load(directory, 'two')[0]) == dict(ip=['::1'], dns=['localhost'])
    assert sorted(os.listdir(str(directory))) == ['ca.crt', 'ca.key', 'one.crt', 'one.key', 'two.crt', 'two.key']

    again = plan_certificates(request(directory), now=NOW + 10 * DAY)
    assert not again.changed and again.ca_reason is None and issued(again) == {}


def test_only_a_removed_leaf_is_issued_again(tmp_path):
    make(tmp_path)
    before = dict((name, (tmp_path / ('%s.crt' % name)).read_bytes()) for name in ('ca', 'one', 'two'))
    (tmp_path / 'one.crt').unlink()
    plan = make(tmp_path)
    assert plan.ca_reason is None
    assert issued(plan) == dict(one='one.crt does not exist')
    assert (tmp_path / 'ca.crt').read_bytes() == before['ca']
    assert (tmp_path / 'two.crt').read_bytes() == before['two']
    assert (tmp_path / 'one.crt').read_bytes() != before['one']


@pytest.mark.parametrize('damage, reason', [
    ('wrong key', 'one.key does not match one.crt'),
    ('no key', 'one.key does not exist'),
    ('other CA', 'one.crt is not signed by the CA in ca.crt'),
    ('garbage', 'one.crt is not a PEM certificate: it holds no PEM block at all (no -----BEGIN ...----- line)'),
])
def test_a_damaged_leaf_is_issued_again(tmp_path, damage, reason):
    make(tmp_path)
    if damage == 'wrong key':
        (tmp_path / 'one.key').write_bytes(pem(new_key()))
    elif damage == 'no key':
        (tmp_path / 'one.key').unlink()
    elif damage == 'other CA':
        cert, key = Ca().leaf('one', ips=['127.0.0.1'])
        (tmp_path / 'one.crt').write_bytes(pem(cert))
        (tmp_path / 'one.key').write_bytes(pem(key))
    else:
        (tmp_path / 'one.crt').write_bytes(b'garbage\n')
    plan = make(tmp_path)
    assert issued(plan) == dict(one=reason)
    cert, key = load(tmp_path, 'one')
    assert key_matches(cert, key) and is_signed_by(cert, load(tmp_path, 'ca')[0])


def test_a_leaf_is_renewed_within_renew_before_days_only(tmp_path):
    make(tmp_path)
    assert issued(plan_certificates(request(tmp_path), now=NOW + 334 * DAY)) == {}
    plan = make(tmp_path, now=NOW + 336 * DAY)
    assert issued(plan) == dict(
        one='one.crt expires on 2027-05-01T12:00:00Z, within renew_before_days (30)',
        two='two.crt expires on 2027-05-01T12:00:00Z, within renew_before_days (30)')
    assert plan.ca_reason is None
    assert tls_files.not_after(load(tmp_path, 'one')[0]) == NOW + (336 + 365) * DAY


def test_changed_sans_issue_the_certificate_again(tmp_path):
    make(tmp_path)
    certificates = [dict(name='one', ip_addresses=['127.0.0.1'], dns_names=['LocalHost']),
                    dict(name='two', ip_addresses=['0::1'], dns_names=['localhost.'])]
    plan = make(tmp_path, certificates=certificates)
    # Another spelling of the same SANs changes nothing.
    assert issued(plan) == dict(one='one.crt has the SANs IP 127.0.0.1, not the ones asked for')
    assert tls_files.sans(load(tmp_path, 'one')[0]) == dict(ip=['127.0.0.1'], dns=['LocalHost'])


def test_the_ca_is_made_again_only_when_missing_mismatched_or_expired(tmp_path):
    make(tmp_path)
    ca_pem = (tmp_path / 'ca.crt').read_bytes()
    # Expiring soon is not a reason: the CA is kept, with a warning once a certificate cannot outlive it.
    late = NOW + 3640 * DAY
    plan = plan_certificates(request(tmp_path), now=late)
    assert plan.ca_reason is None
    assert any('the CA' in warning and 'expires on' in warning for warning in plan.warnings)

    (tmp_path / 'ca.key').write_bytes(pem(new_key()))
    plan = make(tmp_path)
    assert plan.ca_reason == 'ca.key does not match ca.crt'
    assert issued(plan) == dict(one='the CA is made anew', two='the CA is made anew')
    assert (tmp_path / 'ca.crt').read_bytes() != ca_pem
    assert is_signed_by(load(tmp_path, 'one')[0], load(tmp_path, 'ca')[0])

    plan = plan_certificates(request(tmp_path), now=NOW + 3651 * DAY)
    assert plan.ca_reason.startswith('ca.crt expired on 2036-')
    (tmp_path / 'ca.crt').unlink()
    assert plan_certificates(request(tmp_path), now=NOW).ca_reason == 'ca.crt does not exist'


def test_a_leaf_that_would_not_outlive_the_ca_is_kept_with_a_warning(tmp_path):
    make(tmp_path, days=365)
    # The CA (3650 days) nearly over: a new leaf would end with it, so renewing it again is no use.
    late = NOW + 3630 * DAY
    plan = make(tmp_path, now=late)
    assert sorted(issued(plan)) == ['one', 'two']
    assert tls_files.not_after(load(tmp_path, 'one')[0]) == tls_files.not_after(load(tmp_path, 'ca')[0])
    again = plan_certificates(request(tmp_path), now=late + DAY)
    assert issued(again) == {} and not again.changed
    assert any('one.crt expires on' in warning and 'with the CA' in warning for warning in again.warnings)


@pytest.mark.parametrize('file_name, content, message', [
    ('ca.crt', b'not pem\n', 'is not a PEM certificate'),
    ('ca.key', 'encrypted', 'is an encrypted private key'),
    ('ca.crt', 'leaf', 'is not a CA certificate'),
])
def test_a_ca_that_is_not_usable_is_never_replaced(tmp_path, file_name, content, message):
    make(tmp_path)
    if content == 'encrypted':
        content = new_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.BestAvailableEncryption(b'pass-phrase'))
    elif content == 'leaf':
        content = (tmp_path / 'one.crt').read_bytes()
    (tmp_path / file_name).write_bytes(content)
    with pytest.raises(TlsError) as raised:
        plan_certificates(request(tmp_path), now=NOW)
    assert str(raised.value).startswith('%s %s' % (tmp_path / file_name, message))
    assert 'it is not replaced: remove it' in str(raised.value)
    assert (tmp_path / file_name).read_bytes() == content


def test_a_key_with_a_wider_mode_is_set_back_to_0600(tmp_path):
    make(tmp_path)
    os.chmod(str(tmp_path / 'two.key'), 0o644)
    os.chmod(str(tmp_path / 'ca.key'), 0o640)
    plan = make(tmp_path)
    assert plan.changed and issued(plan) == {}
    assert sorted(plan.modes) == [str(tmp_path / 'ca.key'), str(tmp_path / 'two.key')]
    assert tls_files.file_mode(str(tmp_path / 'two.key')) == 0o600
    assert tls_files.file_mode(str(tmp_path / 'ca.key')) == 0o600


def test_a_dir_that_is_a_file_is_refused(tmp_path):
    (tmp_path / 'file').write_text('x')
    with pytest.raises(TlsError, match='dir .*/file exists and is not a directory'):
        plan_certificates(request(tmp_path / 'file'), now=NOW)


def test_an_encrypted_ca_key_without_its_certificate_is_not_replaced_either(tmp_path):
    content = new_key().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.BestAvailableEncryption(b'pass-phrase'))
    (tmp_path / 'ca.key').write_bytes(content)
    with pytest.raises(TlsError, match='ca.key is an encrypted private key .*; it is not replaced'):
        plan_certificates(request(tmp_path), now=NOW)
    assert (tmp_path / 'ca.key').read_bytes() == content
    (tmp_path / 'ca.key').write_bytes(pem(new_key()))
    assert plan_certificates(request(tmp_path), now=NOW).ca_reason == 'ca.crt does not exist'
