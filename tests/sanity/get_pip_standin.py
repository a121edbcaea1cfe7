# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the pip bootstrap script that ansible-test downloads.

ansible-test fetches get-pip from a host that machines without general
internet access cannot reach, and looks for a cached copy first. This script
does the same job with what Python ships: ensurepip installs the bundled pip,
which then installs the version ansible-test asked for from the package index
pip is configured to use.
"""

import subprocess
import sys

# get-pip's own switches have no meaning for `pip install`.
OWN_SWITCHES = ('--no-setuptools', '--no-wheel')


def main():
    # In a child process: ensurepip points PIP_CONFIG_FILE at /dev/null in its
    # own environment, which would hide the machine's pip configuration (index,
    # certificates) from the install below.
    subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'], stdout=subprocess.DEVNULL)
    arguments = [argument for argument in sys.argv[1:] if argument not in OWN_SWITCHES]
    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + arguments)


if __name__ == '__main__':
    main()
