# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection to one Redis or Sentinel server, shared by every module.

The login options, their defaults and the error wording live here only, so
that the modules and their doc fragment cannot drift apart.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import traceback

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.redisops.sentinel.plugins.module_utils.command_log import (
    CommandLog,
    render_command,
)

REDIS_IMPORT_ERROR = None
try:
    import redis
    from redis import exceptions as redis_exceptions
except ImportError:
    HAS_REDIS = False
    REDIS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REDIS = True

REDIS_DEFAULT_PORT = 6379
SENTINEL_DEFAULT_PORT = 26379

# What the output shows instead of the value of an option the module does not know.
HIDDEN_UNKNOWN = '(hidden: not an option of this module)'


class RedisModuleError(Exception):
    """A failure already worded for the user: it names the server and never a secret.

    reply: the server's own error text when it answered one (for example
    "NOQUORUM ..."), None for connection and authentication failures.
    auth_failure: the server refused the login or the command for the user.
    """

    def __init__(self, message, reply=None, auth_failure=False):
        super(RedisModuleError, self).__init__(message)
        self.reply = reply
        self.auth_failure = auth_failure


def login_argument_spec(default_port):
    """Options to reach one server; documented by the redisops.sentinel.login doc fragment."""
    return dict(
        login_host=dict(type='str', default='localhost'),
        login_port=dict(type='int', default=default_port),
        login_user=dict(type='str'),
        # The variable redis-cli reads, so that a password never has to be written in the task.
        login_password=dict(type='str', no_log=True, fallback=(env_fallback, ['REDISCLI_AUTH'])),
        tls=dict(type='bool', default=False),
        ca_certs=dict(type='path'),
        certfile=dict(type='path'),
        keyfile=dict(type='path'),
        validate_certs=dict(type='bool', default=True),
        connect_timeout=dict(type='int', default=5),
    )


class LoginModule(AnsibleModule):
    """AnsibleModule that never shows the value of an option it does not know.

    A misspelt option (login_pasword=...) fails as unsupported, and AnsibleModule
    would print its value in the invocation of that failure: it cannot tell that
    the value is a password. The error names the option, which is all one needs.
    """

    def _load_params(self):
        super(LoginModule, self)._load_params()
        known = set(self.argument_spec)
        for spec in self.argument_spec.values():
            known.update(spec.get('aliases') or ())
        for name in list(self.params):
            if name not in known and not name.startswith('_ansible_'):
                self.params[name] = HIDDEN_UNKNOWN


def hide_values(module, value):
    """Mask every string in value wherever the module's output would show it, as no_log does.

    For secrets given where no no_log option expects them (requirepass in
    settings), which the module refuses and its invocation would otherwise show.
    """
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        for item in value:
            hide_values(module, item)
    elif value is not None and not isinstance(value, bool) and '%s' % (value,):
        module.no_log_values.add('%s' % (value,))


def refuse_bad_input(module, errors):
    """Stop before anything is sent when the options cannot work, or redis-py is missing."""
    if errors:
        module.fail_json(msg='; '.join(errors), commands=[])
    if not HAS_REDIS:
        module.fail_json(msg=missing_required_lib('redis'), exception=REDIS_IMPORT_ERROR, commands=[])


def run_on_server(module, work):
    """Log in with the module's login options, run work(module, server), exit with its result."""
    server = None
    try:
        server = RedisServer(module.params)
        result = work(module, server)
    except RedisModuleError as exc:
        module.fail_json(msg=str(exc), commands=server.log.commands if server else [])
    finally:
        if server:
            server.close()
    module.exit_json(**result)


def check_port(option, port):
    """Return an error message for a TCP port out of range, or None."""
    if port is not None and not 1 <= port <= 65535:
        return '%s must be between 1 and 65535, got %s' % (option, port)
    return None


def is_sentinel(server_info):
    """Whether an INFO server reply is a Sentinel's: its redis_mode in Redis, its server_mode in Valkey 8 and
    later, which no longer has redis_mode."""
    return server_info.get('server_mode', server_info.get('redis_mode')) == 'sentinel'


def validate_login(params):
    """Errors in the login options that redis-py would only report obscurely."""
    errors = []
    port_error = check_port('login_port', params['login_port'])
    if port_error:
        errors.append(port_error)
    if params['connect_timeout'] < 1:
        errors.append('connect_timeout must be at least 1 second, got %s' % params['connect_timeout'])
    if params['keyfile'] and not params['certfile']:
        errors.append('keyfile needs certfile')
    return errors


def _is_auth_failure(message):
    upper = message.upper()
    return (upper.startswith('NOAUTH') or upper.startswith('WRONGPASS') or upper.startswith('NOPERM')
            or 'AUTH' in upper and 'PASSWORD' in upper)


# What a client sees when the server ends a TLS session it has just accepted. With TLS 1.3 the
# server checks the client certificate only after the client's handshake is done, so a missing or
# untrusted one shows as an alert or, when the client writes first, as a bare EOF or reset.
_TLS_SESSION_ENDED = ('ALERT', 'EOF OCCURRED', 'CONNECTION RESET', 'CONNECTION CLOSED', 'BROKEN PIPE')
TLS_CLIENT_CERT_HINT = ('the server ended the TLS session, as one with tls-auth-clients yes does when the '
                        'client certificate is missing or not signed by a CA of its tls-ca-cert-file: '
                        'check certfile and keyfile')


def _tls_session_ended(message):
    upper = message.upper()
    return any(sign in upper for sign in _TLS_SESSION_ENDED)


def tls_options(params):
    """redis-py's connection arguments for the modules' TLS options (none when tls is off)."""
    if not params['tls']:
        return {}
    return dict(
        ssl=True,
        ssl_ca_certs=params['ca_certs'],
        ssl_certfile=params['certfile'],
        ssl_keyfile=params['keyfile'],
        ssl_cert_reqs='required' if params['validate_certs'] else 'none',
        ssl_check_hostname=params['validate_certs'],
    )


class RedisServer:
    """One open, authenticated connection, with the log of the commands it sent.

    Every failure comes out as RedisModuleError naming host:port, so that a
    module can hand it to fail_json unchanged.
    """

    def __init__(self, params, host=None, port=None, log=None):
        self.host = host if host is not None else params['login_host']
        self.port = port if port is not None else params['login_port']
        self.address = '%s:%s' % (self.host, self.port)
        self.log = log if log is not None else CommandLog()
        self.tls = bool(params['tls'])
        timeout = params['connect_timeout']
        kwargs = dict(
            host=self.host,
            port=self.port,
            username=params['login_user'],
            password=params['login_password'],
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            decode_responses=True,
        )
        kwargs.update(tls_options(params))
        self._client = redis.Redis(**kwargs)
        # Connecting eagerly turns a wrong password or a closed port into one
        # clear message before anything is read or changed.
        self.read('PING')

    def read(self, *args):
        """Send a command that changes nothing; it is not logged as a change."""
        return self._execute(args, ())

    def change(self, *args, secret_positions=(), dry_run=False):
        """Send a command that changes the server, and log it with secrets masked.

        secret_positions: indexes in args whose values must never be shown.
        dry_run: log the command without sending it (check mode).
        """
        self.log.record(args, secret_positions)
        if dry_run:
            return None
        return self._execute(args, secret_positions)

    def config_value(self, name, command=('CONFIG',)):
        """One CONFIG GET value ('' when unset); command=('SENTINEL', 'CONFIG') for a Sentinel."""
        reply = self.read(*(tuple(command) + ('GET', name)))
        # RESP2 replies with a flat name/value list, RESP3 with a map.
        values = reply if isinstance(reply, dict) else dict(zip(reply[0::2], reply[1::2]))
        return values.get(name, '')

    def info(self, section):
        try:
            return self._client.info(section)
        except Exception as exc:  # pylint: disable=broad-except
            raise self._error(('INFO', section), (), exc)

    def close(self):
        try:
            self._client.close()
        except Exception:  # pylint: disable=broad-except
            # Closing is best effort: the result is already known.
            pass

    def _execute(self, args, secret_positions):
        try:
            # Arguments are sent one by one, never as a single 'SENTINEL MASTERS'
            # string, so that redis-py applies none of its version-dependent reply
            # parsers: the modules parse replies themselves.
            return self._client.execute_command(*args)
        except Exception as exc:  # pylint: disable=broad-except
            raise self._error(args, secret_positions, exc)

    def _error(self, args, secret_positions, exc):
        message = str(exc) or exc.__class__.__name__
        if isinstance(exc, (redis_exceptions.ConnectionError, redis_exceptions.TimeoutError)) \
                and not isinstance(exc, redis_exceptions.AuthenticationError):
            if self.tls and _tls_session_ended(message):
                # Alone, "EOF occurred in violation of protocol" does not say which side to fix.
                message = '%s (%s)' % (message, TLS_CLIENT_CERT_HINT)
            return RedisModuleError('Cannot connect to %s: %s' % (self.address, message))
        if isinstance(exc, (redis_exceptions.AuthenticationError, redis_exceptions.NoPermissionError)) \
                or _is_auth_failure(message):
            return RedisModuleError(
                'Authentication or permission failure at %s (check login_user and login_password, or '
                'REDISCLI_AUTH when login_password is not set, and the ACL of that user): %s' % (self.address, message),
                auth_failure=True)
        if isinstance(exc, redis_exceptions.RedisError):
            return RedisModuleError('%s answered an error to %s: %s'
                                    % (self.address, render_command(args, secret_positions), message),
                                    reply=message)
        return RedisModuleError('Unexpected failure talking to %s: %s: %s'
                                % (self.address, exc.__class__.__name__, message))
