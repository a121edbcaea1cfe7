# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the module tests and the role tests.

- `collections_path` (session): the checkout seen by Ansible as redisops.sentinel.
- `ansible_env`: the environment of one test's ansible and ansible-playbook runs.
"""

import pytest

from tests.support.ansible_env import ansible_environment
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
    caches start empty and stay private to the test. Change entries freely: the dict
    is the test's own.
    """
    return ansible_environment(collections_path, tmp_path, tmp_path / 'redisops-cache')
