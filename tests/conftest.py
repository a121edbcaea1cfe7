# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the module tests and the role tests.

- `collections_path` (session): the checkout seen by Ansible as redisops.sentinel.
- `ansible_env`: the environment of one test's ansible and ansible-playbook runs.
"""

import os

import pytest

from tests.support.paths import REPO


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """The checkout made visible to Ansible as the collection redisops.sentinel.

    An empty ansible.cfg next to it keeps the checkout's and the user's
    configuration out of the tests.
    """
    root = tmp_path_factory.mktemp('collections')
    namespace = root / 'ansible_collections' / 'redisops'
    namespace.mkdir(parents=True)
    (namespace / 'sentinel').symlink_to(REPO)
    (root / 'ansible.cfg').write_text('[defaults]\n')
    return root


@pytest.fixture
def ansible_env(collections_path, tmp_path):
    """Environment for ansible-playbook in one test.

    REDISOPS_CACHE_DIR is a fresh directory of the test, so roles' default controller
    caches (e.g. redis_build's artifact cache, <that dir>/builds) start empty and stay
    private to the test. Change entries freely: the dict is the test's own.
    """
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(collections_path),
        ANSIBLE_CONFIG=str(collections_path / 'ansible.cfg'),
        ANSIBLE_LOCALHOST_WARNING='false',
        ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_FORCE_COLOR='0',
        ANSIBLE_STDOUT_CALLBACK='ansible.builtin.default',
        ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local-tmp'),
        ANSIBLE_LOG_PATH=str(tmp_path / 'ansible.log'),
        REDISOPS_CACHE_DIR=str(tmp_path / 'redisops-cache'),
    )
    return env
