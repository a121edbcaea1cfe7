# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Certificates for the tests, made with the collection's own tls_issue (as tls_certificates makes
them) but with explicit dates and CAs: a CA of another name, an expired certificate, a renewal."""

import datetime
import sys

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils import tls_files, tls_issue  # noqa: E402

DAY = datetime.timedelta(days=1)


def make_ca(directory, common_name, days=30):
    """A CA (ca.crt, ca.key) in directory, valid from yesterday for days."""
    directory.mkdir(parents=True, exist_ok=True)
    key = tls_issue.new_key()
    now = tls_files.utcnow()
    tls_issue.write_file(str(directory / 'ca.key'), tls_files.key_pem(key), 0o600)
    tls_issue.write_file(str(directory / 'ca.crt'),
                         tls_files.cert_pem(tls_issue.build_ca(common_name, key, now - DAY, now + days * DAY)), 0o644)
    return directory / 'ca.crt'


def issue(directory, name, ca_dir=None, start=None, end=None, ips=('127.0.0.1',), dns=()):
    """<name>.crt and <name>.key in directory, signed by the CA of ca_dir (default: directory)."""
    ca_dir = ca_dir or directory
    ca_cert = tls_files.load_certificates((ca_dir / 'ca.crt').read_bytes())[0]
    ca_key = tls_files.load_private_key((ca_dir / 'ca.key').read_bytes())
    now = tls_files.utcnow()
    key = tls_issue.new_key()
    cert = tls_issue.build_leaf(name, ca_cert, ca_key, key, ips, dns, start or now - DAY, end or now + 365 * DAY)
    directory.mkdir(parents=True, exist_ok=True)
    tls_issue.write_file(str(directory / ('%s.key' % name)), tls_files.key_pem(key), 0o600)
    tls_issue.write_file(str(directory / ('%s.crt' % name)), tls_files.cert_pem(cert), 0o644)
    return cert
