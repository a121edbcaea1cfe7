# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and checking TLS certificates for Redis and Sentinel, shared by tls_certificates and tls_check.

- Reading: PEM certificates and keys, and the facts tls_check returns about a certificate.
- Checking: a certificate against its key, its CA file, the addresses it must cover (IP SANs for IPs, DNS
  SANs with the wildcard rules of Python's ssl for names) and the time; the options of tls_certificates.

Building certificates and planning what tls_certificates makes in its directory are in tls_issue, which
uses the import of cryptography below (HAS_CRYPTOGRAPHY) rather than one of its own.

Everything but read_file and file_mode is a function of bytes, objects and a time given by the caller,
so that the tests can make expired certificates and move the clock. Works with cryptography 38 (Debian 12's
python3-cryptography) and later. No text made here ever holds key material: only paths, names and the
reasons of a failure.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import errno
import ipaddress
import os
import pwd
import re
import stat
import traceback

CRYPTOGRAPHY_IMPORT_ERROR = None
try:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, SignatureAlgorithmOID
except ImportError:
    HAS_CRYPTOGRAPHY = False
    CRYPTOGRAPHY_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_CRYPTOGRAPHY = True

UTC = datetime.timezone.utc
DAY = datetime.timedelta(days=1)
# A certificate starts a little in the past, for hosts whose clock is slightly behind the one that made it.
BACKDATE = datetime.timedelta(minutes=5)
# How many intermediate certificates, after the first one of a certificate file, a chain may go through.
MAX_INTERMEDIATES = 4

PEM_BLOCK = re.compile(br'-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----', re.DOTALL)
FILE_STEM = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*$')
DNS_LABEL = re.compile(r'^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$')


def missing_cryptography_hint():
    """What to say after missing_required_lib('cryptography')."""
    return ('Install python3-cryptography on that host (apt-get install python3-cryptography on Debian and '
            'Ubuntu, dnf install python3-cryptography on Fedora and RHEL), or pip install cryptography for the '
            'Python that runs the module.')


def refuse_bad_input_or_no_cryptography(module, errors, reason, **extra):
    """Fail the module, at its edge, on input errors or without the cryptography library on this host.

    reason: what the library is needed for ('to check certificates'); extra: the result's fields.
    """
    # Imported here: the rest of this file runs without Ansible too (a test reads a file as another user
    # with it alone).
    from ansible.module_utils.basic import missing_required_lib
    if errors:
        module.fail_json(msg='; '.join(errors), **extra)
    if not HAS_CRYPTOGRAPHY:
        module.fail_json(msg='%s. %s' % (missing_required_lib('cryptography', reason=reason),
                                         missing_cryptography_hint()),
                         exception=CRYPTOGRAPHY_IMPORT_ERROR, **extra)


class TlsError(Exception):
    """A failure already worded for the user, naming the file or option; never holding key material."""


class PemError(ValueError):
    """What is wrong with the content of one file, worded to follow its name ("<file> holds no ...")."""


# Time


def utcnow():
    return datetime.datetime.now(UTC)


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def not_before(cert):
    value = getattr(cert, 'not_valid_before_utc', None)
    return value if value is not None else _aware(cert.not_valid_before)


def not_after(cert):
    value = getattr(cert, 'not_valid_after_utc', None)
    return value if value is not None else _aware(cert.not_valid_after)


def iso(moment):
    return moment.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')


def days_left(cert, now):
    """Whole days until the certificate expires; negative once expired."""
    return int((not_after(cert) - now).total_seconds() // 86400)


def validity(days, now=None):
    """(not_before, not_after) of a certificate made now for days days."""
    now = now or utcnow()
    return now - BACKDATE, now + days * DAY


def time_problem(cert, now):
    """Why the certificate is not valid at now, or None."""
    if now < not_before(cert):
        return 'is not valid before %s (now is %s)' % (iso(not_before(cert)), iso(now))
    if now > not_after(cert):
        return 'expired on %s (now is %s)' % (iso(not_after(cert)), iso(now))
    return None


# PEM


def pem_blocks(data):
    """[(label, block)] of every PEM block in data, in order."""
    return [(match.group(1).decode('ascii'), match.group(0)) for match in PEM_BLOCK.finditer(data)]


def _what_it_holds(blocks):
    labels = sorted(set(label for label, dummy in blocks))
    if not labels:
        return 'no PEM block at all (no -----BEGIN ...----- line)'
    return 'only %s' % ', '.join('a PEM %s' % label for label in labels)


def load_certificates(data):
    """Every PEM certificate in data, in order; raises PemError when there is none or one does not parse."""
    blocks = pem_blocks(data)
    certs = []
    for label, block in blocks:
        if label != 'CERTIFICATE':
            continue
        try:
            certs.append(x509.load_pem_x509_certificate(block))
        except ValueError as exc:
            raise PemError('holds a PEM certificate (number %d in the file) that does not parse: %s'
                           % (len(certs) + 1, exc))
    if not certs:
        raise PemError('is not a PEM certificate: it holds %s' % _what_it_holds(blocks))
    return certs


def load_private_key(data):
    """The first PEM private key in data; raises PemError when there is none, it is encrypted or it does not
    parse. The messages never quote the data."""
    blocks = pem_blocks(data)
    keys = [(label, block) for label, block in blocks if label.endswith('PRIVATE KEY')]
    if not keys:
        raise PemError('is not a PEM private key: it holds %s' % _what_it_holds(blocks))
    label, block = keys[0]
    encrypted = PemError('is an encrypted private key (it needs a password to be read); give an unencrypted '
                         'key, readable only by its user')
    if label == 'ENCRYPTED PRIVATE KEY' or b'Proc-Type: 4,ENCRYPTED' in block:
        raise encrypted
    try:
        return serialization.load_pem_private_key(block, password=None)
    except TypeError:
        raise encrypted
    except (ValueError, UnsupportedAlgorithm) as exc:
        # cryptography's messages describe the format, never the content.
        raise PemError('holds a PEM private key (%s) that does not parse: %s' % (label, exc))


def cert_pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def key_pem(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


# Facts


def _public_der(public_key):
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def key_matches(cert, private_key):
    """Whether private_key is the key of cert (same public key)."""
    return _public_der(cert.public_key()) == _public_der(private_key.public_key())


def key_type(public_key):
    if isinstance(public_key, rsa.RSAPublicKey):
        return 'RSA %d' % public_key.key_size
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return 'EC %s' % public_key.curve.name
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return 'Ed25519'
    if isinstance(public_key, ed448.Ed448PublicKey):
        return 'Ed448'
    if isinstance(public_key, dsa.DSAPublicKey):
        return 'DSA %d' % public_key.key_size
    return type(public_key).__name__


def fingerprint_sha256(cert):
    """As openssl x509 -fingerprint -sha256 shows it: AB:CD:..."""
    return ':'.join('%02X' % byte for byte in bytearray(cert.fingerprint(hashes.SHA256())))


def _extension(cert, kind):
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def sans(cert):
    """dict(ip=[...], dns=[...]) of the certificate's subjectAltName, as strings."""
    names = _extension(cert, x509.SubjectAlternativeName)
    if names is None:
        return dict(ip=[], dns=[])
    return dict(ip=[str(address) for address in names.get_values_for_type(x509.IPAddress)],
                dns=list(names.get_values_for_type(x509.DNSName)))


def describe_sans(found):
    listed = ['IP %s' % address for address in found['ip']] + ['DNS %s' % name for name in found['dns']]
    return ', '.join(listed) if listed else 'no subjectAltName at all'


def is_ca(cert):
    constraints = _extension(cert, x509.BasicConstraints)
    return bool(constraints and constraints.ca)


def serial_hex(cert):
    return '%X' % cert.serial_number


def describe(cert, now):
    """The facts tls_check returns about a certificate."""
    return dict(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial_number=serial_hex(cert),
        sans=sans(cert),
        not_before=iso(not_before(cert)),
        not_after=iso(not_after(cert)),
        days_left=days_left(cert, now),
        sha256_fingerprint=fingerprint_sha256(cert),
        key_type=key_type(cert.public_key()),
    )


# Addresses


def parse_address(text):
    """An ipaddress object for an IP (IPv6 possibly in brackets), else the name, lower case, without a final
    dot. Raises ValueError for an empty one."""
    text = (text or '').strip()
    bare = text[1:-1] if text.startswith('[') and text.endswith(']') else text
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    name = text.rstrip('.').lower()
    if not name:
        raise ValueError('an empty address')
    return name


def dns_matches(pattern, name):
    """Whether the DNS SAN pattern covers the host name, with the rules of Python's ssl (RFC 6125): a
    wildcard is a whole leftmost label, stands for exactly one label, and needs two labels after it;
    partial wildcards (f*.example.com) match nothing."""
    pattern = pattern.rstrip('.').lower()
    name = name.rstrip('.').lower()
    if '*' not in pattern:
        return pattern == name
    if not pattern.startswith('*.'):
        return False
    suffix = pattern[2:]
    if '*' in suffix or '.' not in suffix:
        return False
    head, dot, rest = name.partition('.')
    return bool(head and dot) and '*' not in head and rest == suffix


def covering_san(found, address):
    """The SAN of found (from sans()) that covers address, e.g. 'IP ::1' or 'DNS *.example.com', or None.
    An IP is covered by an IP SAN only and a name by a DNS SAN only, as TLS clients check them."""
    wanted = parse_address(address)
    if isinstance(wanted, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        for san in found['ip']:
            if ipaddress.ip_address(san) == wanted:
                return 'IP %s' % san
        return None
    for san in found['dns']:
        if dns_matches(san, wanted):
            return 'DNS %s' % san
    return None


# Signatures


def _verify_signature(issuer_public_key, cert):
    """cryptography < 40 has no verify_directly_issued_by: the same by hand. Raises on a bad signature."""
    algorithm = cert.signature_hash_algorithm
    if isinstance(issuer_public_key, rsa.RSAPublicKey):
        if cert.signature_algorithm_oid == SignatureAlgorithmOID.RSASSA_PSS:
            scheme = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=padding.PSS.AUTO)
        else:
            scheme = padding.PKCS1v15()
        issuer_public_key.verify(cert.signature, cert.tbs_certificate_bytes, scheme, algorithm)
    elif isinstance(issuer_public_key, ec.EllipticCurvePublicKey):
        issuer_public_key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(algorithm))
    elif isinstance(issuer_public_key, dsa.DSAPublicKey):
        issuer_public_key.verify(cert.signature, cert.tbs_certificate_bytes, algorithm)
    else:
        issuer_public_key.verify(cert.signature, cert.tbs_certificate_bytes)


def is_signed_by(cert, issuer):
    """Whether issuer's key signed cert and issuer's subject is cert's issuer."""
    if cert.issuer != issuer.subject:
        return False
    try:
        if hasattr(cert, 'verify_directly_issued_by'):
            cert.verify_directly_issued_by(issuer)
        else:
            _verify_signature(issuer.public_key(), cert)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def find_signer(cert, cas, intermediates=()):
    """(the certificate of cas that signed cert, directly or through intermediates, [the intermediates
    used]); (None, []) when none did."""
    current, chain = cert, []
    for dummy in range(MAX_INTERMEDIATES + 1):
        for ca in cas:
            if is_signed_by(current, ca):
                return ca, chain
        following = [candidate for candidate in intermediates
                     if candidate not in chain and candidate != current and is_signed_by(current, candidate)]
        if not following:
            break
        current = following[0]
        chain.append(current)
    return None, []


def purposes_problem(cert):
    """Why Redis could not use cert on both sides of a link (server and client), or None."""
    usage = _extension(cert, x509.ExtendedKeyUsage)
    if usage is None:
        return None
    missing = [label for oid, label in ((ExtendedKeyUsageOID.SERVER_AUTH, 'serverAuth'),
                                        (ExtendedKeyUsageOID.CLIENT_AUTH, 'clientAuth')) if oid not in usage]
    if not missing:
        return None
    return ('its extendedKeyUsage lacks %s; Redis presents the same certificate as a server and as a client '
            '(replication, Sentinel), unless tls-client-cert-file gives another one' % ' and '.join(missing))


# Files


def read_file(path):
    """(bytes, None), or (None, why it cannot be read: "does not exist", ...), for a message "<var> <path> ..."."""
    try:
        with open(path, 'rb') as handle:
            return handle.read(), None
    except (IOError, OSError) as exc:
        if exc.errno == errno.ENOENT:
            if os.path.islink(path):
                return None, 'is a symbolic link to %s, which does not exist' % os.readlink(path)
            return None, 'does not exist'
        if exc.errno == errno.EISDIR:
            return None, 'is a directory, not a file'
        if exc.errno == errno.EACCES:
            return None, ('cannot be read by user %s (permission denied): run the task as a user that can read '
                          'it (become), or change its owner or mode' % _user())
        return None, 'cannot be read: %s' % (exc.strerror or exc)


def _user():
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return 'uid %d' % os.geteuid()


def file_mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


# tls_check


class CheckReport(object):
    """What check_files found: facts of the certificate (empty when it could not be read), problems (each one
    sentence naming the variable and the file) and warnings."""

    def __init__(self):
        self.facts = {}
        self.problems = []
        self.warnings = []


def check_files(paths, variables, addresses=(), warn_days=30, now=None, read=read_file):
    """Every check of tls_check. paths and variables: dicts with the keys cert_file, key_file and ca_file,
    the files and the (user) variables they came from. Returns a CheckReport."""
    now = now or utcnow()
    report = CheckReport()

    def where(option):
        return '%s %s' % (variables[option], paths[option])

    def problem(option, text):
        report.problems.append('%s %s.' % (where(option), text))

    contents = {}
    for option in ('cert_file', 'key_file', 'ca_file'):
        data, why = read(paths[option])
        if why:
            problem(option, why)
        else:
            contents[option] = data

    cert = key = None
    intermediates = cas = ()
    if 'cert_file' in contents:
        try:
            certs = load_certificates(contents['cert_file'])
            cert, intermediates = certs[0], certs[1:]
        except PemError as exc:
            problem('cert_file', str(exc))
    if 'key_file' in contents:
        try:
            key = load_private_key(contents['key_file'])
        except PemError as exc:
            problem('key_file', str(exc))
    if 'ca_file' in contents:
        try:
            cas = load_certificates(contents['ca_file'])
        except PemError as exc:
            problem('ca_file', str(exc))

    if cert is None:
        return report
    try:
        report.facts = describe(cert, now)
    except (ValueError, x509.DuplicateExtension) as exc:
        problem('cert_file', 'holds a certificate whose extensions do not parse: %s' % exc)
        return report

    if key is not None and not key_matches(cert, key):
        report.problems.append('%s is not the key of the certificate in %s: their public keys differ (the '
                               "certificate's is %s). Give the key the certificate was made for."
                               % (where('key_file'), where('cert_file'), report.facts['key_type']))

    why = time_problem(cert, now)
    if why:
        problem('cert_file', why)
    elif report.facts['days_left'] < warn_days:
        report.warnings.append('%s expires on %s, in %d days (warn_days %d): renew it.'
                               % (where('cert_file'), report.facts['not_after'], report.facts['days_left'],
                                  warn_days))

    if addresses:
        covered = [covering_san(report.facts['sans'], address) for address in addresses]
        report.facts['covered'] = dict((address, san) for address, san in zip(addresses, covered) if san)
        if not any(covered):
            problem('cert_file', 'covers none of the addresses %s: its subjectAltName has %s (an IP needs an IP '
                                 'SAN, a name a DNS SAN; the subject CN does not count)'
                    % (', '.join(addresses), describe_sans(report.facts['sans'])))

    if cas:
        signer, chain = find_signer(cert, cas, intermediates)
        if signer is None:
            same_name = [ca for ca in cas if ca.subject == cert.issuer]
            text = ('%s is not signed by any certificate in %s: it was issued by "%s", and that file holds %s'
                    % (where('cert_file'), where('ca_file'), cert.issuer.rfc4514_string(),
                       ', '.join('"%s"' % ca.subject.rfc4514_string() for ca in cas)))
            if same_name:
                text += ('; a CA there has that name but its key did not sign the certificate (another CA of the '
                         'same name, for example one made again)')
            report.problems.append(text + '.')
        else:
            report.facts['signed_by'] = signer.subject.rfc4514_string()
            report.facts['chain'] = [link.subject.rfc4514_string() for link in chain]
            why = time_problem(signer, now)
            if why:
                report.problems.append('%s: the CA "%s" that signed the certificate %s.'
                                       % (where('ca_file'), signer.subject.rfc4514_string(), why))
    why = purposes_problem(cert)
    if why:
        report.warnings.append('%s: %s.' % (where('cert_file'), why))
    return report


# tls_certificates


def check_request(params):
    """Errors in tls_certificates' options, each naming the option."""
    errors = []
    if params['days'] < 1:
        errors.append('days must be at least 1, got %d' % params['days'])
    if params['renew_before_days'] < 0:
        errors.append('renew_before_days must be 0 or more, got %d' % params['renew_before_days'])
    elif params['renew_before_days'] >= params['days'] >= 1:
        errors.append('renew_before_days (%d) must be less than days (%d), or every run would renew the '
                      'certificates it has just made' % (params['renew_before_days'], params['days']))
    if not 1 <= len(params['ca_common_name'] or '') <= 64:
        errors.append('ca_common_name must have 1 to 64 characters')
    seen = set()
    for index, entry in enumerate(params['certificates'] or ()):
        where = 'certificates[%d]' % index
        name = entry.get('name') or ''
        if not FILE_STEM.match(name) or len(name) > 64:
            errors.append('%s.name %r must be a file name stem of up to 64 letters, digits, ".", "_" and "-", not '
                          'starting with "." or "-"' % (where, name))
        elif name.lower() == 'ca':
            errors.append('%s.name "%s" is taken by the CA (ca.crt and ca.key)' % (where, name))
        elif name in seen:
            errors.append('%s.name "%s" is given twice' % (where, name))
        seen.add(name)
        ips = entry.get('ip_addresses') or []
        dns_names = entry.get('dns_names') or []
        if not ips and not dns_names:
            errors.append('%s (%s) needs ip_addresses or dns_names, or both' % (where, name))
        for address in ips:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                errors.append('%s.ip_addresses: %r is not an IP address' % (where, address))
        for dns in dns_names:
            why = dns_name_problem(dns)
            if why:
                errors.append('%s.dns_names: %r %s' % (where, dns, why))
    return errors


def dns_name_problem(name):
    """Why name cannot be a DNS SAN, or None."""
    try:
        name.encode('ascii')
    except UnicodeError:
        return 'is not ASCII: give its IDNA form (xn--...)'
    labels = name.split('.')
    if labels[0] == '*':
        labels = labels[1:]
        if len(labels) < 2:
            return 'has a wildcard that needs two labels after it (*.example.com)'
    if not name or len(name) > 253 or not all(DNS_LABEL.match(label) for label in labels):
        return ('is not a host name (labels of letters, digits, "-" and "_", separated by dots; a wildcard '
                'only as the whole first label)')
    return None
