# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The environment of the tests' ansible and ansible-playbook runs."""

import os


def ansible_environment(collections_path, work_dir, cache_dir):
    """Environment for ansible-playbook runs that see the checkout as the collection,
    with their temporary files and log under work_dir and the roles' controller
    caches (e.g. redis_build's artifact cache, <cache_dir>/builds) in cache_dir."""
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_CONFIG=str(collections_path / 'ansible.cfg'),
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
        ANSIBLE_LOCAL_TEMP=str(work_dir / 'ansible-local-tmp'),
        ANSIBLE_LOG_PATH=str(work_dir / 'ansible.log'),
        REDISOPS_CACHE_DIR=str(cache_dir),
    )
    return env
