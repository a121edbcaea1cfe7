# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The failover drill's report, from the results of its modules."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.errors import AnsibleFilterError

METHODS = {'kill': 'kill -9 of the process', 'stop': 'stop through its service manager'}


def _described(primary):
    return '%s (%s)' % (primary.get('name') or 'not in the inventory', primary.get('address'))


def drill_report(client, before, promoted, after, method='kill'):
    """The lines the drill prints.

    client: write_probe's result; before, promoted, after: sentinel_cluster's
    before the drill, once a replica was promoted, once the old primary rejoined.
    """
    try:
        old, new = before['primary'], promoted['primary']
        down_after = int(before['master']['down_after_milliseconds'])
        gap = float(client['longest_gap'])
        failures = ', '.join('%s %s' % item for item in sorted((client.get('failures') or {}).items())) or 'none'
        return [
            'Failover drill of %s (%s)' % (before['master']['name'], METHODS.get(method, method)),
            'old primary:  %s' % _described(old),
            'promoted:     %s; all Sentinels agreed %.1f s after it went down'
            % (_described(new), promoted['waited']),
            'client write gap: %.2f s (down-after-milliseconds %d; gap minus down-after %.2f s)'
            % (gap, down_after, gap - down_after / 1000.0),
            'writes: %s acknowledged, %s of them lost; failed attempts: %s'
            % (client['acknowledged'], client['lost'], failures),
            'old primary %s restarted and rejoined as a linked replica of %s after %.1f s' % (
                old.get('name'), new.get('name'), after['waited']),
            'client timeline (s since it started): %s' % '; '.join(client.get('timeline') or []),
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise AnsibleFilterError('drill_report: a result lacks %s' % exc)


class FilterModule(object):

    def filters(self):
        return {'drill_report': drill_report}
