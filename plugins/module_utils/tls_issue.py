# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issuing TLS certificates for Redis and Sentinel, for tls_certificates.

- Building: a small private CA (EC P-256, CA:TRUE, keyCertSign) and certificates it signs, for serverAuth
  and clientAuth both, since Redis presents one certificate on both sides of replication and Sentinel links.
- Planning: what tls_certificates has to make in its directory, from what is there, and making it.

Reading and checking the files (PEM, SANs, signatures, time) is tls_files', and so is the import of
cryptography: this module takes its names only when tls_files found cryptography (HAS_CRYPTOGRAPHY), so
that it imports without it and the module can say what to install. Everything but the planning, which
looks at the directory (and writes with files.write_file), is a function of objects and a time given by the caller. No text
made here ever holds key material: only paths, names and the reasons of a failure.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os

from ansible_collections.redisops.sentinel.plugins.module_utils.files import write_file
from ansible_collections.redisops.sentinel.plugins.module_utils.tls_files import (
    BACKDATE,
    DAY,
    HAS_CRYPTOGRAPHY,
    PemError,
    TlsError,
    cert_pem,
    describe_sans,
    file_mode,
    is_ca,
    is_signed_by,
    iso,
    key_matches,
    key_pem,
    load_certificates,
    load_private_key,
    not_after,
    not_before,
    read_file,
    sans,
    time_problem,
    utcnow,
    validity,
)

if HAS_CRYPTOGRAPHY:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# The CA outlives the certificates it signs.
CA_LIFETIME_FACTOR = 10
CA_CERT = 'ca.crt'
CA_KEY = 'ca.key'
CERT_MODE = 0o644
KEY_MODE = 0o600
DIR_MODE = 0o700


# Building


def new_key():
    return ec.generate_private_key(ec.SECP256R1())


def _common_name(text):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def build_ca(common_name, key, start, end, serial=None):
    """A self-signed CA certificate for key, valid from start to end."""
    name = _common_name(common_name)
    builder = (x509.CertificateBuilder()
               .subject_name(name)
               .issuer_name(name)
               .public_key(key.public_key())
               .serial_number(serial or x509.random_serial_number())
               .not_valid_before(start)
               .not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=True, crl_sign=True, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    return builder.sign(key, hashes.SHA256())


def build_leaf(name, ca_cert, ca_key, key, ip_addresses=(), dns_names=(), start=None, end=None, serial=None):
    """A certificate for key signed by the CA, for serverAuth and clientAuth, with the given SANs; valid from
    start to end (default: now, for a year)."""
    if start is None or end is None:
        start, end = validity(365)
    alt_names = ([x509.DNSName(dns) for dns in dns_names]
                 + [x509.IPAddress(ipaddress.ip_address(address)) for address in ip_addresses])
    builder = (x509.CertificateBuilder()
               .subject_name(_common_name(name))
               .issuer_name(ca_cert.subject)
               .public_key(key.public_key())
               .serial_number(serial or x509.random_serial_number())
               .not_valid_before(start)
               .not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                            key_encipherment=False, data_encipherment=False, key_agreement=False,
                                            key_cert_sign=False, crl_sign=False, encipher_only=False,
                                            decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                                     ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),
                              critical=False))
    if alt_names:
        builder = builder.add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
    return builder.sign(ca_key, hashes.SHA256())


# Planning


def _wanted_sans(entry):
    return (set(ipaddress.ip_address(address) for address in entry.get('ip_addresses') or ()),
            set(name.lower().rstrip('.') for name in entry.get('dns_names') or ()))


def _has_sans(cert):
    found = sans(cert)
    return (set(ipaddress.ip_address(address) for address in found['ip']),
            set(name.lower().rstrip('.') for name in found['dns']))


class LeafPlan(object):
    def __init__(self, entry, cert_path, key_path, reason=None):
        self.entry = entry
        self.name = entry['name']
        self.cert_path = cert_path
        self.key_path = key_path
        self.reason = reason

    @property
    def issue(self):
        return self.reason is not None


class Plan(object):
    """What tls_certificates makes: make_dir, ca_reason (None: the CA is kept), leaves, the key files whose
    mode is fixed, and warnings."""

    def __init__(self, directory):
        self.directory = directory
        self.ca_cert_path = os.path.join(directory, CA_CERT)
        self.ca_key_path = os.path.join(directory, CA_KEY)
        self.make_dir = False
        self.ca_reason = None
        self.ca_cert = None
        self.ca_key = None
        self.leaves = []
        self.modes = []
        self.warnings = []

    @property
    def changed(self):
        return bool(self.make_dir or self.ca_reason or self.modes or any(leaf.issue for leaf in self.leaves))


def _load_existing_ca(plan, read):
    """Sets plan.ca_cert and plan.ca_key from the directory, or plan.ca_reason; raises TlsError for files
    that are there but are not a usable CA, which the module never overwrites."""
    cert_data, cert_why = read(plan.ca_cert_path)
    key_data, key_why = read(plan.ca_key_path)
    for path, why in ((plan.ca_cert_path, cert_why), (plan.ca_key_path, key_why)):
        if why and why != 'does not exist':
            raise TlsError('%s %s' % (path, why))
    cert = key = None
    if not cert_why:
        try:
            cert = load_certificates(cert_data)[0]
        except PemError as exc:
            raise TlsError('%s %s; it is not replaced: remove it and %s to make a new CA there'
                           % (plan.ca_cert_path, exc, CA_KEY))
        if not is_ca(cert):
            raise TlsError('%s is not a CA certificate (no basicConstraints CA:TRUE); it is not replaced: remove it '
                           'and %s to make a new CA there' % (plan.ca_cert_path, CA_KEY))
    if not key_why:
        try:
            key = load_private_key(key_data)
        except PemError as exc:
            raise TlsError('%s %s; it is not replaced: remove it and %s to make a new CA there'
                           % (plan.ca_key_path, exc, CA_CERT))
    if cert is None:
        plan.ca_reason = '%s does not exist' % CA_CERT
        return
    if key is None:
        plan.ca_reason = '%s does not exist' % CA_KEY
        return
    if not key_matches(cert, key):
        plan.ca_reason = '%s does not match %s' % (CA_KEY, CA_CERT)
        return
    plan.ca_cert, plan.ca_key = cert, key


def _leaf_reason(leaf, ca_cert, renew_before_days, now, read, plan):
    """Why the leaf must be (re)issued, or None to keep it."""
    cert_data, cert_why = read(leaf.cert_path)
    key_data, key_why = read(leaf.key_path)
    if cert_why:
        return '%s.crt %s' % (leaf.name, cert_why)
    if key_why:
        return '%s.key %s' % (leaf.name, key_why)
    try:
        cert = load_certificates(cert_data)[0]
    except PemError as exc:
        return '%s.crt %s' % (leaf.name, exc)
    try:
        key = load_private_key(key_data)
    except PemError as exc:
        return '%s.key %s' % (leaf.name, exc)
    if not key_matches(cert, key):
        return '%s.key does not match %s.crt' % (leaf.name, leaf.name)
    if not is_signed_by(cert, ca_cert):
        return '%s.crt is not signed by the CA in %s' % (leaf.name, CA_CERT)
    if now < not_before(cert):
        return '%s.crt is not valid before %s' % (leaf.name, iso(not_before(cert)))
    if not_after(cert) - now < renew_before_days * DAY:
        if not_after(cert) >= not_after(ca_cert) - BACKDATE:
            # A new one could not last longer: it ends with the CA.
            plan.warnings.append('%s.crt expires on %s with the CA (%s); remove %s and %s to make a new CA and new '
                                 'certificates' % (leaf.name, iso(not_after(cert)), plan.ca_cert_path, CA_CERT,
                                                   CA_KEY))
        else:
            return '%s.crt expires on %s, within renew_before_days (%d)' % (
                leaf.name, iso(not_after(cert)), renew_before_days)
    if _has_sans(cert) != _wanted_sans(leaf.entry):
        return '%s.crt has the SANs %s, not the ones asked for' % (leaf.name, describe_sans(sans(cert)))
    if file_mode(leaf.key_path) != KEY_MODE:
        plan.modes.append(leaf.key_path)
    return None


def plan_certificates(params, now=None, read=read_file):
    """The Plan of tls_certificates for its options (already checked with check_request); raises TlsError."""
    now = now or utcnow()
    directory = os.path.abspath(params['dir'])
    plan = Plan(directory)
    if os.path.exists(directory):
        if not os.path.isdir(directory):
            raise TlsError('dir %s exists and is not a directory' % directory)
        _load_existing_ca(plan, read)
    else:
        plan.make_dir = True
        plan.ca_reason = 'dir %s does not exist' % directory
    if plan.ca_cert is not None:
        why = time_problem(plan.ca_cert, now)
        if why:
            plan.ca_reason = '%s %s' % (CA_CERT, why)
            plan.ca_cert = plan.ca_key = None
        else:
            if file_mode(plan.ca_key_path) != KEY_MODE:
                plan.modes.append(plan.ca_key_path)
            if not_after(plan.ca_cert) - now < params['renew_before_days'] * DAY:
                plan.warnings.append('the CA %s expires on %s; remove %s and %s to make a new CA and new certificates'
                                     % (plan.ca_cert_path, iso(not_after(plan.ca_cert)), CA_CERT, CA_KEY))
    for entry in params['certificates'] or ():
        leaf = LeafPlan(entry, os.path.join(directory, entry['name'] + '.crt'),
                        os.path.join(directory, entry['name'] + '.key'))
        if plan.ca_reason:
            leaf.reason = 'the CA is made anew'
        else:
            leaf.reason = _leaf_reason(leaf, plan.ca_cert, params['renew_before_days'], now, read, plan)
        plan.leaves.append(leaf)
    return plan


def apply_plan(plan, params, now=None, log=lambda message: None):
    """Make what plan says, in its directory: keys first, so that an interrupted run leaves a certificate
    whose key does not match, which the next run issues again."""
    now = now or utcnow()
    if plan.make_dir:
        os.makedirs(plan.directory, DIR_MODE)
        os.chmod(plan.directory, DIR_MODE)
        log('made %s (mode 0700)' % plan.directory)
    if plan.ca_reason:
        start, end = validity(params['days'] * CA_LIFETIME_FACTOR, now)
        plan.ca_key = new_key()
        plan.ca_cert = build_ca(params['ca_common_name'], plan.ca_key, start, end)
        write_file(plan.ca_key_path, key_pem(plan.ca_key), KEY_MODE)
        write_file(plan.ca_cert_path, cert_pem(plan.ca_cert), CERT_MODE)
        log('made the CA "%s" in %s, valid until %s: %s'
            % (params['ca_common_name'], plan.ca_cert_path, iso(end), plan.ca_reason))
    for path in plan.modes:
        os.chmod(path, KEY_MODE)
        log('set the mode of %s to 0600' % path)
    for leaf in plan.leaves:
        if not leaf.issue:
            continue
        start, end = validity(params['days'], now)
        end = min(end, not_after(plan.ca_cert))
        key = new_key()
        cert = build_leaf(leaf.name, plan.ca_cert, plan.ca_key, key, leaf.entry.get('ip_addresses') or (),
                          leaf.entry.get('dns_names') or (), start, end)
        write_file(leaf.key_path, key_pem(key), KEY_MODE)
        write_file(leaf.cert_path, cert_pem(cert), CERT_MODE)
        log('issued %s for %s, valid until %s: %s' % (leaf.cert_path, describe_sans(sans(cert)), iso(end),
                                                      leaf.reason))


def describe_plan(plan, log):
    """Log what apply_plan would do (check mode)."""
    if plan.make_dir:
        log('would make %s (mode 0700)' % plan.directory)
    if plan.ca_reason:
        log('would make a CA in %s: %s' % (plan.ca_cert_path, plan.ca_reason))
    for path in plan.modes:
        log('would set the mode of %s to 0600' % path)
    for leaf in plan.leaves:
        if leaf.issue:
            log('would issue %s: %s' % (leaf.cert_path, leaf.reason))
