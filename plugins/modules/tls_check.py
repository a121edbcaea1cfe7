#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: tls_check
short_description: Check a TLS certificate, its key and its CA before Redis or Sentinel uses them
description:
  - Reads O(cert_file), O(key_file) and O(ca_file) on the host that runs it and makes every check below before
    failing once with all the problems (RV(problems)), each naming the variable of O(variables) and the file.
  - Each file exists and can be read by the user the module runs as.
  - They are PEM, a certificate (the first one of O(cert_file); the others may be its intermediates), an
    unencrypted private key (an encrypted one is reported as such), and one or more CA certificates.
  - The key is the certificate's (same public key).
  - The certificate is valid now (not before, not after; the message gives the dates).
  - It covers at least one of O(addresses); the message lists the SANs it has.
  - A certificate of O(ca_file) signed it (the signature is verified with that CA's public key, directly or
    through intermediates of O(cert_file)), and that CA is valid now.
  - Warns when the certificate expires within O(warn_days), and when its extendedKeyUsage lacks serverAuth
    or clientAuth, which Redis needs on both sides of replication and Sentinel links.
  - Never shows the key. Changes nothing.
  - Needs the Python library C(cryptography) on the host that runs it (Debian's C(python3-cryptography)).
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
extends_documentation_fragment:
  - redisops.sentinel.attributes.info
options:
  cert_file:
    description: The certificate, PEM, as for C(tls-cert-file).
    type: path
    required: true
  key_file:
    description: Its private key, PEM, as for C(tls-key-file).
    type: path
    required: true
  ca_file:
    description: The CA certificates, PEM, one or several, as for C(tls-ca-cert-file).
    type: path
    required: true
  addresses:
    description:
      - Addresses clients and peers use to reach the instance; the certificate must cover at least one.
      - An IP (IPv6 possibly in brackets) is covered by an equal IP SAN only; a name by a DNS SAN only, with the
        wildcard rules of TLS clients (C(*.example.com) covers C(a.example.com), not C(example.com) nor
        C(a.b.example.com)). Names are not resolved, and the subject CN does not count.
      - When empty, this check is skipped.
    type: list
    elements: str
    default: []
  variables:
    description:
      - The variable each file came from, for the messages, for example C(redis_tls_cert_file). Each defaults to
        the option's name.
    type: dict
    suboptions:
      cert_file:
        description: The variable of O(cert_file).
        type: str
      key_file:
        description: The variable of O(key_file).
        type: str
      ca_file:
        description: The variable of O(ca_file).
        type: str
  warn_days:
    description: Warn when the certificate expires within this many days.
    type: int
    default: 30
seealso:
  - module: redisops.sentinel.tls_certificates
'''

EXAMPLES = r'''
- name: Check the instance's certificate before Redis starts with it
  redisops.sentinel.tls_check:
    cert_file: "{{ redis_tls_cert_file }}"
    key_file: "{{ redis_tls_key_file }}"
    ca_file: "{{ redis_tls_ca_file }}"
    addresses: "{{ [ansible_host, inventory_hostname] }}"
    variables:
      cert_file: redis_tls_cert_file
      key_file: redis_tls_key_file
      ca_file: redis_tls_ca_file
  become: true
  register: redis_tls

- name: Show when it expires
  ansible.builtin.debug:
    msg: "{{ redis_tls.subject }} expires on {{ redis_tls.not_after }} ({{ redis_tls.days_left }} days)"
'''

RETURN = r'''
subject:
  description: The certificate's subject, RFC 4514.
  returned: when the certificate could be read
  type: str
  sample: CN=redis-1
issuer:
  description: Its issuer, RFC 4514.
  returned: when the certificate could be read
  type: str
  sample: CN=redisops.sentinel test CA
serial_number:
  description: Its serial number, hexadecimal.
  returned: when the certificate could be read
  type: str
  sample: 3A5F0C1D2E
sans:
  description: Its subjectAltName.
  returned: when the certificate could be read
  type: dict
  contains:
    ip:
      description: The IP addresses.
      type: list
      elements: str
    dns:
      description: The DNS names.
      type: list
      elements: str
  sample:
    ip: [127.0.0.1]
    dns: [localhost]
not_before:
  description: Start of its validity, UTC, ISO 8601.
  returned: when the certificate could be read
  type: str
  sample: "2026-05-01T10:00:00Z"
not_after:
  description: End of its validity, UTC, ISO 8601.
  returned: when the certificate could be read
  type: str
  sample: "2027-05-01T10:00:00Z"
days_left:
  description: Whole days until it expires; negative once expired.
  returned: when the certificate could be read
  type: int
  sample: 364
sha256_fingerprint:
  description: Its SHA-256 fingerprint, as C(openssl x509 -fingerprint -sha256) shows it.
  returned: when the certificate could be read
  type: str
  sample: "5E:1F:...:9A"
key_type:
  description: The type of its public key, for example V(EC secp256r1) or V(RSA 2048).
  returned: when the certificate could be read
  type: str
  sample: EC secp256r1
covered:
  description: Each address of O(addresses) the certificate covers, with the SAN that covers it.
  returned: when the certificate could be read and O(addresses) is not empty
  type: dict
  sample:
    127.0.0.1: IP 127.0.0.1
signed_by:
  description: The subject of the certificate of O(ca_file) that signed it.
  returned: when one did
  type: str
  sample: CN=redisops.sentinel test CA
chain:
  description: The subjects of the intermediates of O(cert_file) between it and that CA, usually none.
  returned: when a certificate of O(ca_file) signed it
  type: list
  elements: str
  sample: []
problems:
  description: Every problem found, one sentence each naming the variable and the file; the module fails when any.
  returned: always
  type: list
  elements: str
  sample:
    - >-
      redis_tls_cert_file /etc/redis/tls/redis.crt expired on 2026-01-01T00:00:00Z (now is 2026-05-01T10:00:00Z).
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.redisops.sentinel.plugins.module_utils.tls_files import (
    refuse_bad_input_or_no_cryptography,
    check_files,
    parse_address,
)

FILES = ('cert_file', 'key_file', 'ca_file')


def bad_input(params):
    errors = []
    for address in params['addresses']:
        try:
            parse_address(address)
        except ValueError:
            errors.append('addresses: an address is empty')
    if params['warn_days'] < 0:
        errors.append('warn_days must be 0 or more, got %d' % params['warn_days'])
    return errors


def main():
    module = AnsibleModule(
        argument_spec=dict(
            cert_file=dict(type='path', required=True),
            key_file=dict(type='path', required=True),
            ca_file=dict(type='path', required=True),
            addresses=dict(type='list', elements='str', default=[]),
            variables=dict(type='dict', options=dict((name, dict(type='str')) for name in FILES)),
            warn_days=dict(type='int', default=30),
        ),
        supports_check_mode=True,
    )
    refuse_bad_input_or_no_cryptography(module, bad_input(module.params), 'to check certificates', problems=[])
    given = module.params['variables'] or {}
    variables = dict((name, given.get(name) or name) for name in FILES)
    paths = dict((name, module.params[name]) for name in FILES)
    report = check_files(paths, variables, module.params['addresses'], module.params['warn_days'])
    for text in report.warnings:
        module.warn(text)
    result = dict(report.facts, changed=False, problems=report.problems)
    if report.problems:
        count = len(report.problems)
        module.fail_json(msg='%d problem%s with the TLS files: %s' % (count, '' if count == 1 else 's',
                                                                      ' '.join(report.problems)), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
