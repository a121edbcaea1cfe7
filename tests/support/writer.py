# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's write probe (plugins/module_utils/write_probe.py) for the
tests: the module itself (write_probe), and SentinelWriter, a client writing
through Sentinels on loopback every millisecond."""

import sys

from tests.support.paths import REPO

sys.path.insert(0, str(REPO / 'collections'))

# pylint: disable=wrong-import-position
from ansible_collections.redisops.sentinel.plugins.module_utils import write_probe  # noqa: E402


def SentinelWriter(sentinel_ports, password, **options):  # pylint: disable=invalid-name
    """A write probe through the Sentinels on these loopback ports."""
    return write_probe.SentinelWriter([('127.0.0.1', port) for port in sentinel_ports], password, **options)
