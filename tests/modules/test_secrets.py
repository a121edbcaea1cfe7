# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""No secret, anywhere: however a module fails, before its arguments are parsed or after, ad hoc or in a
playbook, at -vvv, a password given the documented way (a variable from a vars file passed with -e @file,
or REDISCLI_AUTH in the environment of ansible) appears nowhere in what ansible prints or logs, in any
form redis-py or Ansible could print it (raw, JSON-escaped, repr, shell-quoted).

The documented wrong ways (a literal password on the ad-hoc command line, REDISCLI_AUTH set with the
environment keyword) are shown to print it: they are why the documentation forbids them.
"""

import itertools
import json
import shlex
import subprocess
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest

from tests.support.paths import BIN
from tests.support.servers import PASSWORD, free_port, sentinel_lines

PLAIN = 'PlainSecret-5d2e91c4'
# A space, both quotes, a backslash and shell characters: escaped differently by JSON, repr and sh.
TRICKY = 'p@ss w0rd"\'\\#$%'
SECRETS = dict(
    plain=dict(login=PLAIN, other='OtherSecret-8b17e3a0'),
    tricky=dict(login=TRICKY, other='auth p@ss"\'\\#$% 2'),
)
DELIVERIES = ('vars_file', 'redis_cli_auth')
MODULES = ('redis_info', 'redis_replication', 'redis_config', 'sentinel_info', 'sentinel_monitor',
           'sentinel_failover')
SENTINEL_MODULES = ('sentinel_info', 'sentinel_monitor', 'sentinel_failover')
LOGIN = '{{ redis_password }}'
OTHER = '{{ other_secret }}'
# What the modules need besides the login options to do real work.
BASE_ARGS = dict(
    redis_info={},
    redis_replication=dict(role='primary'),
    redis_config=dict(settings={'maxmemory-policy': 'noeviction'}),
    sentinel_info={},
    sentinel_monitor=dict(name='nevermonitored', state='absent'),
    sentinel_failover=dict(name='mymaster', from_host='192.0.2.1', from_port=6379),
)


def printed_forms(secret):
    """The secret as it could be printed: raw, escaped, quoted, and every 8 characters of it."""
    forms = set([secret, json.dumps(secret)[1:-1], json.dumps(json.dumps(secret))[1:-1], repr(secret)[1:-1],
                 repr(repr(secret))[1:-1], shlex.quote(secret), urllib.parse.quote(secret),
                 urllib.parse.quote_plus(secret), secret.encode('unicode_escape').decode('ascii')])
    forms.update(secret[start:start + 8] for start in range(len(secret) - 7))
    return forms


def leaks(text, secrets):
    return sorted(form for secret in secrets for form in printed_forms(secret) if form in text)


def set_password(server, password):
    """Give a running server (or Sentinel) a password that redis.conf could not take unquoted."""
    server.client().execute_command('ACL', 'SETUSER', 'default', 'resetpass', '>' + password)
    server.password = password
    return server


@pytest.fixture
def make_cluster(servers):
    """Servers whose password is the secret, and others whose password is not."""
    def make(secret):
        watched = servers()
        cluster = dict(
            redis=set_password(servers(password=PASSWORD), secret),
            # A server that refuses INFO, and one that refuses REPLICAOF.
            no_info=set_password(servers(['rename-command INFO ""'], password=PASSWORD), secret),
            no_replicaof=set_password(servers(['rename-command REPLICAOF ""'], password=PASSWORD), secret),
            # A Sentinel monitoring a primary with no replica: a failover gets NOGOODSLAVE.
            sentinel=set_password(servers(sentinel_lines(watched), sentinel=True, password=PASSWORD), secret),
            # Logging in there with the secret is a wrong password.
            other_redis=servers(password=PASSWORD),
            other_sentinel=servers(sentinel_lines(watched), sentinel=True, password=PASSWORD),
            watched=watched,
        )
        return cluster
    return make


class Case:
    """One call of a module that must fail, and the start of the message it must fail with."""

    def __init__(self, module, label, args, message):
        self.module = module
        self.label = label
        self.args = args
        self.message = message

    def __repr__(self):
        return '%s: %s' % (self.module, self.label)


def failing_cases(cluster, delivery):
    """Every way each module is made to fail; login_password is a variable unless REDISCLI_AUTH gives it."""
    closed = free_port()
    login = {} if delivery == 'redis_cli_auth' else dict(login_password=LOGIN)

    def server_of(module, other=False):
        if module in SENTINEL_MODULES:
            return cluster['other_sentinel' if other else 'sentinel']
        return cluster['other_redis' if other else 'redis']

    cases = []
    for module in MODULES:
        port = server_of(module).port
        base = dict(BASE_ARGS[module], login_port=port, **login)
        cases += [
            # Before the arguments are parsed.
            Case(module, 'wrong type', dict(base, login_port='notaport'),
                 "argument 'login_port' is of type str and we were unable to convert to int"),
            Case(module, 'unknown option', dict(base, bogus_option='1'),
                 'Unsupported parameters for (redisops.sentinel.%s) module: bogus_option' % module),
            Case(module, 'misspelt password option', dict(BASE_ARGS[module], login_port=port, login_pasword=LOGIN),
                 'Unsupported parameters for (redisops.sentinel.%s) module: login_pasword' % module),
            # After.
            Case(module, 'connection refused', dict(base, login_host='127.0.0.1', login_port=closed,
                                                    connect_timeout=2),
                 'Cannot connect to 127.0.0.1:%d' % closed),
            Case(module, 'wrong password', dict(base, login_port=server_of(module, other=True).port),
                 'Authentication or permission failure at localhost:%d' % server_of(module, other=True).port),
        ]
    redis, sentinel = cluster['redis'].port, cluster['sentinel'].port
    cases += [
        Case('redis_replication', 'missing required option', dict(login_port=redis, role='replica', **login),
             'role is replica but all of the following are missing: primary_host'),
        Case('sentinel_monitor', 'missing required option', dict(login_port=sentinel, **login),
             'missing required arguments: name'),
        Case('sentinel_failover', 'missing required option', dict(login_port=sentinel, **login),
             'missing required arguments: name'),
        # Secrets where no no_log option expects them: refused, and hidden all the same.
        Case('redis_config', 'a password in settings', dict(login_port=redis, settings=dict(requirepass=OTHER),
                                                            **login),
             'settings: put requirepass in secret_settings'),
        Case('redis_config', 'a user line in settings', dict(login_port=redis, settings=dict(
            user='app on >%s ~* +@all' % OTHER), **login),
             'settings: refusing to set user'),
        Case('sentinel_monitor', 'auth-pass in options', dict(login_port=sentinel, name='mymaster',
                                                              options={'auth-pass': OTHER}, **login),
             'options must not set auth-pass: use the auth_pass option'),
        Case('sentinel_info', 'a password in a sentinels entry', dict(login_port=sentinel, sentinels=[
            dict(host='127.0.0.1', port=sentinel, password=OTHER)], **login),
             'a sentinels entry must be a dict with host and optional port, not password'),
        Case('sentinel_info', 'credentials in a sentinels address', dict(login_port=sentinel, sentinels=[
            'default:%s@127.0.0.1:%d' % (OTHER, sentinel)], **login),
             'a sentinels entry looks like an address with credentials'),
        # Commands the server refuses, some after a secret was sent (it is logged masked).
        Case('redis_info', 'refused command', dict(login_port=cluster['no_info'].port, **login),
             'localhost:%d answered an error to INFO replication' % cluster['no_info'].port),
        Case('redis_replication', 'refused command', dict(login_port=cluster['no_replicaof'].port,
                                                          primary_host='127.0.0.1', primary_port=closed,
                                                          primary_auth=OTHER, wait_for_sync=False, **login),
             'localhost:%d answered an error to REPLICAOF 127.0.0.1 %d' % (cluster['no_replicaof'].port, closed)),
        Case('redis_config', 'refused command', dict(login_port=redis, settings={'maxmemory-policy': 'bogus'},
                                                     secret_settings=dict(masterauth=OTHER), **login),
             'localhost:%d answered an error to CONFIG SET maxmemory-policy bogus' % redis),
        Case('sentinel_info', 'refused command', dict(login_port=redis, **login),
             'localhost:%d answered an error to SENTINEL MASTERS' % redis),
        Case('sentinel_monitor', 'refused command', dict(login_port=sentinel, name='mymaster', primary_host='127.0.0.1',
                                                         primary_port=cluster['watched'].port, quorum=1,
                                                         auth_pass=OTHER, update_auth='always',
                                                         options={'bogus-param': 1}, **login),
             'localhost:%d answered an error to SENTINEL SET mymaster bogus-param 1' % sentinel),
        Case('sentinel_failover', 'refused command', dict(login_port=sentinel, name='mymaster', timeout=1, **login),
             'Sentinel localhost:%d could not start a failover of mymaster within 1 s: NOGOODSLAVE' % sentinel),
    ]
    return cases


def adhoc_arguments(args):
    """key=value, as the README writes them, when every value is flat; JSON otherwise."""
    if any(isinstance(value, (dict, list)) for value in args.values()):
        return json.dumps(args)
    return ' '.join('%s=%s' % (name, value) for name, value in args.items())


class Ansible:
    """Runs ansible and ansible-playbook as users do, and keeps everything they printed and logged."""

    def __init__(self, ansible_env, tmp_path, secrets, delivery):
        self.tmp_path = tmp_path
        self.env = dict(ansible_env)
        if delivery == 'redis_cli_auth':
            self.env['REDISCLI_AUTH'] = secrets['login']
        self.vars_file = tmp_path / 'secrets.yml'
        # JSON is YAML, and escapes every character YAML would need escaped.
        self.vars_file.write_text('redis_password: %s\nother_secret: %s\n'
                                  % (json.dumps(secrets['login']), json.dumps(secrets['other'])))
        # Runs may be concurrent: next() of a count is atomic.
        self.numbers = itertools.count(1)

    def run(self, command, env=None):
        log = self.tmp_path / ('ansible-%d.log' % next(self.numbers))
        run_env = dict(env if env is not None else self.env, ANSIBLE_LOG_PATH=str(log))
        completed = subprocess.run(command, env=run_env, capture_output=True, text=True, timeout=300, check=False)
        return Output(command, completed, log.read_text() if log.exists() else '')

    def adhoc(self, module, args, verbosity=3, env=None):
        return self.run([str(BIN / 'ansible'), 'localhost', '-m', 'redisops.sentinel.%s' % module,
                         '-e', '@%s' % self.vars_file, '-a', adhoc_arguments(args), '-' + 'v' * verbosity], env=env)

    def playbook(self, tasks, verbosity=3, env=None):
        playbook = self.tmp_path / ('playbook-%d.yml' % next(self.numbers))
        playbook.write_text(json.dumps([dict(name='Modules of the collection', hosts='localhost',
                                             gather_facts=False, tasks=tasks)], indent=2))
        return self.run([str(BIN / 'ansible-playbook'), str(playbook), '-e', '@%s' % self.vars_file,
                         '-' + 'v' * verbosity], env=env)


def _json_after(text, marker):
    start = text.index(marker) + len(marker)
    return json.JSONDecoder().raw_decode(text[start:].lstrip())[0]


class Output:
    """Everything one ansible run printed (stdout, stderr) and logged (ANSIBLE_LOG_PATH)."""

    def __init__(self, command, completed, log):
        self.command = command
        self.stdout = completed.stdout
        self.everything = completed.stdout + completed.stderr + log
        self.log = log

    def adhoc_result(self):
        """The result the call printed; the callback leaves 'failed' out and says FAILED! instead."""
        for marker, failed in (('localhost | FAILED! => ', True), ('localhost | SUCCESS => ', False),
                               ('localhost | CHANGED => ', False)):
            if marker in self.stdout:
                return dict(_json_after(self.stdout, marker), failed=failed)
        raise AssertionError('no result in the output of %s:\n%s' % (self.command, self.everything))

    def task_blocks(self):
        """What stdout shows of each task, in order."""
        return self.stdout.split('\nTASK [')[1:]

    def task_results(self):
        """The result of each task, by task name, as the default callback printed them."""
        results = {}
        for block in self.task_blocks():
            name = block[:block.index(']')]
            for marker, failed in (('fatal: [localhost]: FAILED! => ', True), ('ok: [localhost] => ', False),
                                   ('changed: [localhost] => ', False)):
                if marker in block:
                    results[name] = dict(_json_after(block, marker), failed=failed)
                    break
        return results


def check_failed(case, result, output):
    assert result.get('failed'), '%r did not fail:\n%s' % (case, output.everything)
    assert result['msg'].startswith(case.message) or case.message in result['msg'], \
        '%r failed with another message: %s' % (case, result['msg'])
    assert 'Traceback' not in output.everything, output.everything


@pytest.fixture(params=[(kind, delivery) for kind in sorted(SECRETS) for delivery in DELIVERIES],
                ids='-'.join)
def failing(request, make_cluster, ansible_env, tmp_path):
    """The calls that must fail, and ansible set up to give them the password one documented way."""
    kind, delivery = request.param
    secrets = SECRETS[kind]
    cluster = make_cluster(secrets['login'])
    return SimpleNamespace(secrets=secrets, delivery=delivery, cases=failing_cases(cluster, delivery),
                           ansible=Ansible(ansible_env, tmp_path, secrets, delivery))


def leaking(texts, secrets):
    """{name: the forms of a secret found in its text} for each (name, text) that shows one."""
    found = dict((name, leaks(text, secrets.values())) for name, text in texts)
    return dict((name, forms) for name, forms in found.items() if forms)


def test_failing_adhoc_calls_never_show_a_password(failing):
    cases = failing.cases
    with ThreadPoolExecutor(max_workers=4) as pool:
        outputs = list(pool.map(lambda case: failing.ansible.adhoc(case.module, case.args), cases))
    for case, output in zip(cases, outputs):
        check_failed(case, output.adhoc_result(), output)
        # -vvv does print the invocation, and the log is written: the search below looks at real output.
        assert 'module_args' in output.everything and 'redisops.sentinel.%s' % case.module in output.log
        if failing.delivery == 'vars_file' and case.module == 'redis_info' and case.label == 'wrong type':
            # A failed ad-hoc call prints its arguments as given (cut after some characters): the template only.
            assert "'login_password': '{{ redis_password" in output.everything, output.everything
    found = leaking([(repr(case), output.everything) for case, output in zip(cases, outputs)], failing.secrets)
    assert not found, 'these calls printed a secret: %s' % found
    by_label = dict(((case.module, case.label), output.adhoc_result()) for case, output in zip(cases, outputs))
    assert 'CONFIG SET masterauth ********' in by_label[('redis_replication', 'refused command')]['commands']
    assert 'SENTINEL SET mymaster auth-pass ********' in by_label[('sentinel_monitor', 'refused command')]['commands']


def test_failing_playbook_tasks_never_show_a_password(failing):
    tasks = [{'name': '%d %r' % (index, case), 'redisops.sentinel.%s' % case.module: case.args, 'ignore_errors': True}
             for index, case in enumerate(failing.cases)]
    output = failing.ansible.playbook(tasks)
    results = output.task_results()
    for task, case in zip(tasks, failing.cases):
        assert task['name'] in results, 'no result for %r:\n%s' % (case, output.everything)
        check_failed(case, results[task['name']], output)
    assert 'module_args' in output.everything and 'redisops.sentinel.sentinel_failover' in output.log
    found = leaking(zip([task['name'] for task in tasks], output.task_blocks()), failing.secrets)
    assert not found, 'these tasks printed a secret: %s' % found
    found = leaking([('the whole output', output.everything)], failing.secrets)
    assert not found, '%s\n%s' % (found, output.everything)


@pytest.mark.parametrize('kind', sorted(SECRETS))
def test_redis_cli_auth_logs_every_module_in(make_cluster, ansible_env, tmp_path, kind):
    secrets = SECRETS[kind]
    cluster = make_cluster(secrets['login'])
    ansible = Ansible(ansible_env, tmp_path, secrets, 'redis_cli_auth')
    ports = dict((module, cluster['sentinel' if module in SENTINEL_MODULES else 'redis'].port) for module in MODULES)

    alone = ansible.adhoc('redis_info', dict(login_port=ports['redis_info']))
    result = alone.adhoc_result()
    assert not result.get('failed'), alone.everything
    assert result['replication']['role'] == 'primary'

    tasks = [{'name': module, 'redisops.sentinel.%s' % module: dict(BASE_ARGS[module], login_port=ports[module])}
             for module in MODULES]
    output = ansible.playbook(tasks)
    results = output.task_results()
    for module in MODULES:
        assert module in results and not results[module].get('failed'), output.everything
    assert results['sentinel_failover']['primary']['port'] == cluster['watched'].port
    for run in (alone, output):
        assert not leaks(run.everything, secrets.values()), run.everything


def test_login_password_wins_over_redis_cli_auth(make_cluster, ansible_env, tmp_path):
    secrets = SECRETS['tricky']
    cluster = make_cluster(secrets['login'])
    port = cluster['redis'].port
    ansible = Ansible(ansible_env, tmp_path, secrets, 'vars_file')

    wrong_in_environment = ansible.adhoc('redis_info', dict(login_port=port, login_password=LOGIN),
                                         env=dict(ansible.env, REDISCLI_AUTH=PASSWORD))
    assert not wrong_in_environment.adhoc_result().get('failed'), wrong_in_environment.everything

    right_in_environment = ansible.adhoc('redis_info', dict(login_port=port, login_password=OTHER),
                                         env=dict(ansible.env, REDISCLI_AUTH=secrets['login']))
    refused = right_in_environment.adhoc_result()
    assert refused.get('failed')
    assert refused['msg'].startswith('Authentication or permission failure at localhost:%d' % port)
    assert 'REDISCLI_AUTH' in refused['msg']

    for run in (wrong_in_environment, right_in_environment):
        assert not leaks(run.everything, secrets.values()), run.everything


def test_an_empty_login_password_ignores_redis_cli_auth(servers, ansible_env, tmp_path):
    open_server = servers()
    ansible = Ansible(ansible_env, tmp_path, SECRETS['plain'], 'redis_cli_auth')
    with_auth = ansible.adhoc('redis_info', dict(login_port=open_server.port))
    # Redis refuses AUTH when it has no password: REDISCLI_AUTH is used.
    assert with_auth.adhoc_result().get('failed'), with_auth.everything
    without = ansible.adhoc('redis_info', {'login_port': open_server.port, 'login_password': ''})
    assert not without.adhoc_result().get('failed'), without.everything


def test_a_literal_password_on_the_adhoc_command_line_is_printed(ansible_env, tmp_path):
    """The documented wrong way, and the reason for the rule: ansible prints a failed ad-hoc call's arguments."""
    ansible = Ansible(ansible_env, tmp_path, SECRETS['plain'], 'vars_file')
    port = free_port()
    output = ansible.run([str(BIN / 'ansible'), 'localhost', '-m', 'redisops.sentinel.redis_info',
                          '-a', 'login_password=%s login_host=127.0.0.1 login_port=%d' % (PLAIN, port)])
    assert output.adhoc_result()['msg'].startswith('Cannot connect to 127.0.0.1:%d' % port)
    # Not the module's result, which no_log masks, but ansible's own error message, even without -v. It shows the
    # first 120 characters of the task: arguments after the first few are cut off.
    assert "'args': {'login_password': '%s'" % PLAIN in output.everything, output.everything


def test_redis_cli_auth_set_with_the_environment_keyword_is_printed_at_vvv(ansible_env, tmp_path):
    """The other documented wrong way: Ansible puts a task's environment into the command it prints."""
    ansible = Ansible(ansible_env, tmp_path, SECRETS['plain'], 'vars_file')
    port = free_port()
    output = ansible.playbook([{'name': 'environment', 'environment': dict(REDISCLI_AUTH=LOGIN),
                                'redisops.sentinel.redis_info': dict(login_host='127.0.0.1', login_port=port),
                                'ignore_errors': True}])
    assert output.task_results()['environment']['msg'].startswith('Cannot connect to 127.0.0.1:%d' % port)
    assert 'REDISCLI_AUTH=%s' % PLAIN in output.everything, output.everything
