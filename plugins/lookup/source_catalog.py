# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: source_catalog
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
short_description: The SHA-256 sums of the collection's catalog of Redis and Valkey source tarballs
description:
  - Returns the sums the collection records for the source tarballs it accepts, the same catalog as the module
    M(redisops.sentinel.redis_source) and the playbook redisops.sentinel.fetch_source verify against.
  - 'The result is one mapping of flavor (a key for each of V(redis) and V(valkey)) to a mapping of version to
    C(sha256:<64 hex digits>), for example C({"redis": {"8.0.2": "sha256:e929..."}}).'
  - The role redisops.sentinel.redis_build takes from it the upstream sums it uses when C(redis_source_checksum)
    is not set, and the list of releases it knows.
  - Takes no terms. With C(lookup), the result is the mapping; with C(query), a list holding it.
options:
  origin:
    description:
      - Which tarballs' sums. V(upstream) are the projects' own release tarballs; V(debian-orig) are Debian's orig
        tarballs of the source packages, repacks with sums of their own.
      - A version with no tarball of that origin is left out.
    type: str
    choices: [upstream, debian-orig]
    default: upstream
'''

EXAMPLES = r'''
- name: Show the upstream sum the collection records for Redis 8.0.2
  ansible.builtin.debug:
    msg: "{{ lookup('redisops.sentinel.source_catalog').redis['8.0.2'] }}"

- name: List the Valkey releases with a recorded Debian orig tarball
  ansible.builtin.debug:
    msg: "{{ lookup('redisops.sentinel.source_catalog', origin='debian-orig').valkey.keys() | list }}"
'''

RETURN = r'''
_raw:
  description:
    - One mapping of flavor (V(redis), V(valkey)) to a mapping of version to C(sha256:<64 hex digits>).
  type: list
  elements: dict
  sample:
    - redis:
        "7.0.15": "sha256:98066f5363504b26c34dd20fbcc3c957990d764cdf42576c836fc021073f4341"
        "8.0.2": "sha256:e9296b67b54c91befbcca046d67071c780a1f7c9f9e1ae5ed94773c3bb9b542f"
      valkey:
        "8.1.1": "sha256:3355fbd5458d853ab201d2c046ffca9f078000587ccbe9a6c585110f146ad2c5"
'''

from ansible.errors import AnsibleError
from ansible.plugins.lookup import LookupBase

from ansible_collections.redisops.sentinel.plugins.module_utils.sources import recorded_checksums


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if terms:
            raise AnsibleError('redisops.sentinel.source_catalog takes no terms, got %s' % ', '.join(map(str, terms)))
        return [recorded_checksums(self.get_option('origin'))]
