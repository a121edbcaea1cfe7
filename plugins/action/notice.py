# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep what needs the operator for the summary at the end of the play, and optionally warn at once."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.plugins.action import ActionBase

ARGUMENT_SPEC = dict(
    msg=dict(type='str', required=True),
    warn=dict(type='bool', default=False),
)


def play_id(task_vars):
    """What tells this play from the others of the run (notices are facts, which outlive a play)."""
    return '%s|%s' % (task_vars.get('ansible_play_name', ''), ','.join(task_vars.get('ansible_play_hosts_all', [])))


class ActionModule(ActionBase):

    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        _validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        notices = list(task_vars.get('redisops_notices') or [])
        notice = dict(play=play_id(task_vars), host=task_vars.get('inventory_hostname'), msg=args['msg'],
                      warning=args['warn'])
        if notice not in notices:
            notices.append(notice)
        result.update(changed=False, msg=args['msg'], ansible_facts=dict(redisops_notices=notices))
        if args['warn']:
            result['warnings'] = [args['msg']]
        return result
