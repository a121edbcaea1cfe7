#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: redis_source
short_description: Fetch a verified Redis or Valkey source tarball into the controller's cache
description:
  - Provides the source tarball of O(flavor) O(version) in a cache directory on the controller, for
    C(redis_source_archive) of the role redisops.sentinel.redis_build, so that the hosts that compile need no
    internet access.
  - Looks in the cache first (no network at all). Otherwise downloads the upstream release tarball, and when
    upstream is out of reach, Debian's orig tarball of the source package named in the collection's catalog,
    with C(apt-get) and a private apt configuration whose only entries are C(deb-src) lines derived from the
    controller's own C(deb) entries; the system's apt configuration and package lists stay untouched. Another
    Debian revision of the same upstream version is accepted, as long as its orig tarball has a recorded sum.
  - B(Only tarballs whose SHA-256 the collection's catalog records are accepted.) A download with another sum is
    refused and kept aside, unused, in C(<cache_dir>/unverified); a cached file whose sum changed is refused and
    left in place, never replaced silently.
  - Run it on the controller (C(delegate_to=localhost) with C(run_once=true), or a play of C(hosts=localhost));
    the playbook redisops.sentinel.fetch_source does that and writes O(vars_file).
  - The output of apt is returned only when the whole fetch fails; a fetch that succeeds reports no apt messages.
version_added: 0.1.0
author:
  - redisops.sentinel developers (@redisops)
attributes:
  # Overrides the fragment's check_mode; its diff_mode (of O(vars_file)) holds as it is.
  check_mode:
    support: full
    description:
      - Looks in the cache only. A cached tarball is reported unchanged; a missing one is reported as a change
        and not downloaded. O(vars_file) is not written; it is reported changed when it would be.
extends_documentation_fragment:
  - redisops.sentinel.attributes.changes
options:
  flavor:
    description:
      - Which server the sources are of.
    type: str
    choices: [redis, valkey]
    default: redis
  version:
    description:
      - The upstream release, for example V(8.0.2). It must be in the collection's catalog (Redis 7.0.15 and
        8.0.2, Valkey 8.1.1).
    type: str
    required: true
  cache_dir:
    description:
      - Directory of the verified tarballs, created when missing.
      - Defaults to C(${REDISOPS_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/redisops-sentinel}/sources) in the
        environment of the module, that is the controller's when it runs there.
    type: path
  url:
    description:
      - Upstream URL to try instead of the catalog's, for example a mirror of the release tarball. What it
        serves must still have a recorded sum.
    type: str
  vars_file:
    description:
      - Also write the variables that hand the tarball to redisops.sentinel.redis_build (RV(vars)) to this YAML
        file, for C(ansible-playbook -e @file).
      - Give an absolute path. A relative one is resolved in the module's working directory, which for a task of
        a playbook on the controller (a local connection) is the playbook's directory.
      - Written only when its content changes.
    type: path
seealso:
  - name: The playbook redisops.sentinel.fetch_source
    description: Runs this module on the controller and writes the variables file.
    link: https://github.com/redisops/sentinel/blob/main/playbooks/fetch_source.yml
'''

EXAMPLES = r'''
- name: Fetch and verify the Redis 8.0.2 sources on the controller
  redisops.sentinel.redis_source:
    flavor: redis
    version: "8.0.2"
  delegate_to: localhost
  run_once: true
  register: redis_sources

- name: Build from them; the hosts need no internet access
  ansible.builtin.include_role:
    name: redisops.sentinel.redis_build
  vars:
    redis_flavor: "{{ redis_sources.vars.redis_flavor }}"
    redis_version: "{{ redis_sources.vars.redis_version }}"
    redis_source_archive: "{{ redis_sources.path }}"
    redis_source_checksum: "{{ redis_sources.checksum }}"

- name: Write the variables for a later ansible-playbook redisops.sentinel.site -e @/tmp/valkey-src.yml
  redisops.sentinel.redis_source:
    flavor: valkey
    version: "8.1.1"
    vars_file: /tmp/valkey-src.yml
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
path:
  description:
    - Absolute path of the verified tarball in the cache.
    - Not returned in check mode when the tarball is not in the cache yet.
  returned: success
  type: str
  sample: /home/user/.cache/redisops-sentinel/sources/redis_8.0.2.orig.tar.gz
checksum:
  description:
    - Its recorded sum, in the form C(redis_source_checksum) takes.
    - Not returned in check mode when the tarball is not in the cache yet.
  returned: success
  type: str
  sample: sha256:caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f
origin:
  description:
    - Where the tarball comes from, V(upstream) (the project's release tarball) or V(debian-orig) (Debian's
      orig tarball of the source package, a repack with its own sum).
    - Not returned in check mode when the tarball is not in the cache yet.
  returned: success
  type: str
  sample: debian-orig
cached:
  description: Whether the tarball was found in the cache (C(false) when it was fetched, or would be).
  returned: success
  type: bool
  sample: true
vars:
  description:
    - The variables for redisops.sentinel.redis_build, as O(vars_file) holds them.
    - Empty in check mode when the tarball is not in the cache yet.
  returned: success
  type: dict
  sample:
    redis_flavor: redis
    redis_version: 8.0.2
    redis_source_archive: /home/user/.cache/redisops-sentinel/sources/redis_8.0.2.orig.tar.gz
    redis_source_checksum: sha256:caf3c0069f06fc84c5153bd2a348b204c578de80490c73857bee01d9b5d7401f
    redis_source_origin: debian-orig
vars_file:
  description: Absolute path of O(vars_file).
  returned: when O(vars_file) is set
  type: str
  sample: /home/user/source-redis-8.0.2.yml
cache_dir:
  description: Absolute path of the cache directory used.
  returned: success
  type: str
  sample: /home/user/.cache/redisops-sentinel/sources
messages:
  description: What the module did, step by step (cache, download, Debian source package, verification).
  returned: always
  type: list
  elements: str
  sample:
    - using cached /home/user/.cache/redisops-sentinel/sources/redis_8.0.2.orig.tar.gz (debian-orig)
details:
  description: The output of apt behind a failed Debian fetch, one line an element.
  returned: on failure, when apt ran
  type: list
  elements: str
'''

import os
from urllib.error import URLError

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.urls import ConnectionError as UrlConnectionError, open_url

from ansible_collections.redisops.sentinel.plugins.module_utils.sources import (
    FLAVORS,
    Failure,
    obtain,
    write_vars_file,
)


def ansible_open_url(url, headers, timeout):
    """Ansible's open_url (proxies, certificates), raising only urllib's errors as sources.download expects."""
    try:
        return open_url(url, headers=headers, timeout=timeout, validate_certs=True)
    except UrlConnectionError as exc:
        raise URLError(str(exc))


def run(params, check_mode, log):
    """The module's result for params; raises Failure."""
    found = obtain(params['flavor'], params['version'], cache_dir=params['cache_dir'], url=params['url'],
                   log=log, check_mode=check_mode, open_url=ansible_open_url)
    result = dict(changed=not found.cached, cached=found.cached, cache_dir=found.cache_dir,
                  vars=found.variables() or {})
    if found.path:
        result.update(path=found.path, checksum=found.checksum, origin=found.origin)
    if params['vars_file']:
        vars_file = os.path.abspath(params['vars_file'])
        result['vars_file'] = vars_file
        if found.path:
            changed, before, after = write_vars_file(vars_file, result['vars'], check_mode)
            if changed:
                log('%s %s' % ('would write' if check_mode else 'wrote', vars_file))
                result['changed'] = True
                result['diff'] = dict(before=before, after=after, before_header=vars_file,
                                      after_header=vars_file)
        else:
            log('would write %s once the tarball is fetched' % vars_file)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            flavor=dict(type='str', choices=list(FLAVORS), default='redis'),
            version=dict(type='str', required=True),
            cache_dir=dict(type='path'),
            url=dict(type='str'),
            vars_file=dict(type='path'),
        ),
        supports_check_mode=True,
    )
    messages = []
    try:
        result = run(module.params, module.check_mode, messages.append)
    except Failure as exc:
        failure = dict(msg=str(exc), messages=messages)
        if exc.details:
            failure['details'] = exc.details
        module.fail_json(**failure)
    result['messages'] = messages
    if not module._diff:
        result.pop('diff', None)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
