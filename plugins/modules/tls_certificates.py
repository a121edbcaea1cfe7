#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: tls_certificates
short_description: Make a small private CA and the TLS certificates it signs, for tests and the local default
description:
  - Makes, in O(dir) on the host it runs on, a private CA (C(ca.crt), C(ca.key)) and one certificate and key per
    entry of O(certificates) (C(<name>.crt), C(<name>.key)), signed by that CA, for the C(tls-*) settings of
    Redis and Sentinel.
  - Meant for the controller (C(delegate_to=localhost) with C(run_once=true)), for the local default and the
    tests. B(In production, bring certificates of your own CA), and check them with redisops.sentinel.tls_check.
  - Keys are EC P-256 (PKCS#8 PEM, unencrypted, mode C(0600)); certificates are PEM, mode C(0644). The CA has
    C(basicConstraints CA:TRUE) and C(keyUsage keyCertSign, cRLSign), and is valid for ten times O(days).
    Each certificate has C(extendedKeyUsage serverAuth, clientAuth), since Redis presents the same certificate
    as a server and as a client (replication, Sentinel links), and the subjectAltName of its entry; its
    subject CN is its O(certificates[].name).
  - Safe to run again. An existing CA is kept as long as it is valid and its key matches it; it is made again
    (and with it every certificate) only when C(ca.crt) or C(ca.key) is missing, the key does not match, or
    the CA has expired. A file there that is not a CA (no PEM, not C(CA:TRUE), an encrypted key) is never
    replaced; the module fails and names it.
  - A certificate is (re)issued only when it or its key is missing or unreadable, the key does not match it, it
    is not signed by the CA, it expires within O(renew_before_days), or its subjectAltName differs from its
    entry. A certificate never outlives the CA. Files of names no longer listed are left in place.
  - Keys are never shown; the result holds paths only.
  - Needs the Python library C(cryptography) on the host that runs it (Debian's C(python3-cryptography)).
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
attributes:
  check_mode:
    support: full
    description:
      - Reads what is in O(dir) and reports what would be made (RV(certificates[].issued), RV(ca_issued),
        RV(messages)); writes nothing, not even O(dir).
  diff_mode:
    support: none
    description: Keys are never shown, and certificates are replaced whole; RV(messages) says why.
extends_documentation_fragment:
  - redisops.sentinel.attributes.changes
options:
  dir:
    description:
      - The directory of the CA and the certificates, created with mode C(0700) when missing (an existing one
        keeps its mode).
    type: path
    required: true
  ca_common_name:
    description:
      - The subject CN of a CA the module makes (1 to 64 characters). Changing it does not make the CA again.
    type: str
    default: redisops.sentinel test CA
  certificates:
    description:
      - The certificates to make, each with O(certificates[].ip_addresses) or O(certificates[].dns_names), or
        both.
      - When empty, only the CA is made.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The stem of its files, C(<name>.crt) and C(<name>.key), and its subject CN. Letters, digits, C(.),
            C(_) and C(-), up to 64; not C(ca).
        type: str
        required: true
      ip_addresses:
        description: IP addresses (IPv4 or IPv6) for its subjectAltName.
        type: list
        elements: str
      dns_names:
        description:
          - Host names for its subjectAltName; a wildcard only as the whole first label (C(*.example.com)).
        type: list
        elements: str
  days:
    description:
      - How long a certificate is valid when issued, in days (the CA ten times as long).
    type: int
    default: 365
  renew_before_days:
    description:
      - Issue a certificate again when it expires within this many days. Must be less than O(days).
    type: int
    default: 30
seealso:
  - module: redisops.sentinel.tls_check
'''

EXAMPLES = r'''
- name: Make a test CA and a certificate per instance, on the controller
  redisops.sentinel.tls_certificates:
    dir: "{{ playbook_dir }}/.local/tls"
    certificates:
      - name: "{{ inventory_hostname }}"
        ip_addresses: ["{{ ansible_host }}"]
        dns_names: ["{{ inventory_hostname }}"]
  delegate_to: localhost
  register: test_tls

- name: Copy them to the host
  ansible.builtin.copy:
    src: "{{ item.src }}"
    dest: /etc/redis/tls/{{ item.dest }}
    owner: redis
    mode: "{{ item.mode }}"
  loop:
    - {src: "{{ test_tls.ca_cert }}", dest: ca.crt, mode: "0644"}
    - {src: "{{ test_tls.certificates[inventory_hostname].cert }}", dest: redis.crt, mode: "0644"}
    - {src: "{{ test_tls.certificates[inventory_hostname].key }}", dest: redis.key, mode: "0600"}
'''

RETURN = r'''
ca_cert:
  description: Absolute path of the CA certificate (C(<dir>/ca.crt)).
  returned: success
  type: str
  sample: /home/user/tls/ca.crt
ca_key:
  description: Absolute path of the CA key (C(<dir>/ca.key)); the key itself is never returned.
  returned: success
  type: str
  sample: /home/user/tls/ca.key
ca_issued:
  description: Whether the CA was made (or, in check mode, would be).
  returned: success
  type: bool
  sample: false
certificates:
  description: One entry per O(certificates[].name).
  returned: success
  type: dict
  contains:
    cert:
      description: Absolute path of the certificate.
      type: str
    key:
      description: Absolute path of its key.
      type: str
    issued:
      description: Whether it was issued by this run (or, in check mode, would be).
      type: bool
    reason:
      description: Why it was (or would be) issued; null when kept.
      type: str
  sample:
    redis-1:
      cert: /home/user/tls/redis-1.crt
      key: /home/user/tls/redis-1.key
      issued: true
      reason: redis-1.crt does not exist
messages:
  description: What the module did or, in check mode, would do, and what it kept.
  returned: always
  type: list
  elements: str
  sample:
    - kept the CA /home/user/tls/ca.crt, valid until 2036-05-01T10:00:00Z
    - "issued /home/user/tls/redis-1.crt for IP 10.0.0.5, valid until 2027-05-01T10:00:00Z: redis-1.crt does not exist"
'''

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.redisops.sentinel.plugins.module_utils.tls_files import (
    refuse_bad_input_or_no_cryptography,
    TlsError,
    check_request,
    iso,
    not_after,
)
from ansible_collections.redisops.sentinel.plugins.module_utils.tls_issue import (
    apply_plan,
    describe_plan,
    plan_certificates,
)


def run(params, check_mode, log, warn):
    """The module's result for params (already checked); raises TlsError or OSError."""
    plan = plan_certificates(params)
    for text in plan.warnings:
        warn(text)
    if plan.ca_reason is None:
        log('kept the CA %s, valid until %s' % (plan.ca_cert_path, iso(not_after(plan.ca_cert))))
    for leaf in plan.leaves:
        if not leaf.issue:
            log('kept %s' % leaf.cert_path)
    if check_mode:
        describe_plan(plan, log)
    else:
        apply_plan(plan, params, log=log)
    return dict(
        changed=plan.changed,
        ca_cert=plan.ca_cert_path,
        ca_key=plan.ca_key_path,
        ca_issued=plan.ca_reason is not None,
        certificates=dict((leaf.name, dict(cert=leaf.cert_path, key=leaf.key_path, issued=leaf.issue,
                                           reason=leaf.reason)) for leaf in plan.leaves),
    )


def main():
    module = AnsibleModule(
        argument_spec=dict(
            dir=dict(type='path', required=True),
            ca_common_name=dict(type='str', default='redisops.sentinel test CA'),
            certificates=dict(type='list', elements='dict', default=[], options=dict(
                name=dict(type='str', required=True),
                ip_addresses=dict(type='list', elements='str'),
                dns_names=dict(type='list', elements='str'),
            )),
            days=dict(type='int', default=365),
            renew_before_days=dict(type='int', default=30),
        ),
        supports_check_mode=True,
    )
    refuse_bad_input_or_no_cryptography(module, check_request(module.params), 'to make certificates', messages=[])
    messages = []
    try:
        result = run(module.params, module.check_mode, messages.append, module.warn)
    except TlsError as exc:
        module.fail_json(msg=str(exc), messages=messages)
    except (IOError, OSError) as exc:
        module.fail_json(msg='cannot write in dir %s: %s' % (os.path.abspath(module.params['dir']), exc),
                         messages=messages)
    result['messages'] = messages
    module.exit_json(**result)


if __name__ == '__main__':
    main()
