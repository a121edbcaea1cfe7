# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The `commands` every module returns: what it sent, secrets masked."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

MASK = '********'

_NEEDS_QUOTES = re.compile(r'[\s"\']')


def _render_argument(value):
    text = '%s' % (value,)
    if text == '' or _NEEDS_QUOTES.search(text):
        return '"%s"' % text.replace('\\', '\\\\').replace('"', '\\"')
    return text


def render_command(args, secret_positions=()):
    """One command as redis-cli would take it, with the secret arguments masked."""
    return ' '.join(MASK if index in secret_positions else _render_argument(arg)
                    for index, arg in enumerate(args))


class CommandLog:
    """Commands in the order they were sent (or, in check mode, would be).

    Several logs may share one list (commands), each naming its server with
    prefix ("10.0.0.5:6379: "), for a module that talks to several servers.
    """

    def __init__(self, commands=None, prefix=''):
        self.commands = commands if commands is not None else []
        self.prefix = prefix

    def record(self, args, secret_positions=()):
        self.commands.append(self.prefix + render_command(args, secret_positions))
