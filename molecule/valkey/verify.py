# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""valkey: the default scenario's checks with Valkey 8.1.1 built from source.
Kill the primary's container; the Sentinels (valkey-sentinel) promote a
replica, no acknowledged write is lost, the client reconnects, the old host
rejoins as a replica and converging again changes nothing."""

from cluster import check, main, say
from failover_checks import kill_primary_and_rejoin


def valkey_failover(cluster):
    """Check that the hosts really run Valkey, then the default scenario's failover checks."""
    for host in cluster.hosts:
        server = cluster.data(host).info('server')
        check(server.get('server_name') == 'valkey' and 'valkey_version' in server,
              '%s does not run Valkey: INFO server says %s'
              % (host.name, {key: server.get(key) for key in ('server_name', 'redis_version', 'executable')}))
        say('%s runs valkey %s (%s)' % (host.name, server['valkey_version'], server.get('executable', '?')))
    kill_primary_and_rejoin(cluster)


if __name__ == '__main__':
    main(valkey_failover)
