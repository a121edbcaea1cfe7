# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typing the strings Redis and Sentinel reply with."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


def int_or_none(value):
    """An integer field of a reply; None when the server did not send one."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
