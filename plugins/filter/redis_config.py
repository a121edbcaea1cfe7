# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that write values into redis.conf and sentinel.conf safely."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible.module_utils.six import string_types

from ansible_collections.redisops.sentinel.plugins.module_utils.config_file import quote_argument


def redis_quote(value):
    """A value as one argument of a Redis config line, quoted and escaped when needed."""
    return quote_argument('%s' % (value,))


def redis_config_value(value):
    """A variable's value as the arguments of a Redis config directive."""
    if isinstance(value, bool):
        return 'yes' if value else 'no'
    if isinstance(value, (list, tuple)):
        return ' '.join(redis_config_value(item) for item in value)
    if isinstance(value, string_types):
        return quote_argument(value)
    return '%s' % (value,)


class FilterModule(object):

    def filters(self):
        return {
            'redis_quote': redis_quote,
            'redis_config_value': redis_config_value,
        }
