# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""default: kill the primary's container; the Sentinels promote a replica, no
acknowledged write is lost, the client reconnects, the old host rejoins as a
replica and converging again changes nothing."""

from cluster import main
from failover_checks import kill_primary_and_rejoin

if __name__ == '__main__':
    main(kill_primary_and_rejoin)
