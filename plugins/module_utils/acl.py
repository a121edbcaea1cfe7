# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ACL users as redis_acl declares them: the input checks, ACL GETUSER replies
read into one shape, the comparison, and the commands, with their secrets.

Nothing here talks to a server, so that all of it can be tested on recorded
replies.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import hashlib
import re

from ansible_collections.redisops.sentinel.plugins.module_utils.client import validate_login
from ansible_collections.redisops.sentinel.plugins.module_utils.command_log import MASK, CommandLog, render_command
from ansible_collections.redisops.sentinel.plugins.module_utils.config_file import directive_arguments

# The scratch user that normalises and checks rules; a random hex suffix follows.
PROBE_PREFIX = 'redisops-probe-'
DEFAULT_USER = 'default'
# Rule tokens that give or take away passwords (>password, <password) or their hashes (#hash, !hash).
PASSWORD_TOKEN_PREFIXES = ('>', '<', '#', '!')
STATE_TOKENS = ('on', 'off')
NOPASS = 'nopass'
# Fields of ACL GETUSER that describe the permissions, in the root selector and in each selector.
RULE_FIELDS = ('keys', 'channels', 'commands')
NAME_REFUSED = re.compile(r'[\s\x00]')
# The forms of an ACL rule (ACL SETUSER's modifiers), besides passwords and
# on/off, which have checks of their own: keywords, in any case, and the
# prefixed rules of keys, channels and commands. A token that is none of them
# ("get" for "+get") is refused before anything changes; Redis itself judges
# the rest (command and category names) on a scratch user.
RULE_KEYWORDS = frozenset(('nopass', 'resetpass', 'reset', 'allkeys', 'resetkeys', 'allchannels', 'resetchannels',
                           'allcommands', 'nocommands', 'clearselectors', 'sanitize-payload', 'skip-sanitize-payload'))
RULE_FORM = re.compile(r'^(~.*|%(R|W|RW|WR)~.*|&.*|[+-]@?[^\s@|][^\s]*)$', re.I)

# Redis's answer to ACL SAVE when the server has no aclfile.
NO_ACL_FILE_REPLY = 'not configured to use an ACL file'

PERSIST_ACLFILE = 'aclfile'
PERSIST_REWRITE = 'rewrite'
PERSIST_NONE = 'none'
# On a Sentinel in auto mode: ACL SAVE, and SENTINEL FLUSHCONFIG when it has no aclfile.
PERSIST_TRY_ACLFILE = 'try-aclfile'


def password_hash(password):
    """The hash Redis keeps of a password: SHA-256, in lower-case hex, as ACL GETUSER shows it."""
    return hashlib.sha256(password.encode('utf-8')).hexdigest()


def unique(items):
    """items without repetitions, in their order."""
    seen = set()
    kept = []
    for item in items:
        if item not in seen:
            seen.add(item)
            kept.append(item)
    return kept


def rule_tokens(rules):
    """The arguments of ACL SETUSER for a rules string.

    Selectors ("(~key* +get)") are split at their spaces too: Redis joins the
    arguments from "(" to ")" again.
    """
    return (rules or '').split()


def _bare(token):
    """A token without the parentheses of a selector around it."""
    return token.strip('()')


def password_tokens(rules):
    """The tokens of rules that give or take away passwords or hashes."""
    return [token for token in rule_tokens(rules) if _bare(token).startswith(PASSWORD_TOKEN_PREFIXES)]


def malformed_tokens(rules):
    """The tokens of rules that are no ACL rule at all (passwords and on/off aside)."""
    malformed = []
    for token in rule_tokens(rules):
        bare = _bare(token)
        if not bare or bare.startswith(PASSWORD_TOKEN_PREFIXES) or bare.lower() in STATE_TOKENS:
            continue
        if bare.lower() not in RULE_KEYWORDS and not RULE_FORM.match(bare):
            malformed.append(bare)
    return malformed


def malformed_message(label, tokens):
    """What is wrong with rules that hold tokens of no rule's form, with a guess for a bare command name."""
    shown = unique(tokens)
    words = [token for token in shown if re.match(r'^[a-z][a-z0-9|-]*$', token, re.I)]
    return ('%s: rules hold %s, which %s no ACL rule%s: a rule is +command, -command, +@category, ~pattern, '
            '%%R~pattern, &pattern, allkeys, allchannels, allcommands, nocommands, reset, resetkeys, resetchannels '
            'or nopass, or a selector of those in parentheses'
            % (label, ', '.join('"%s"' % token for token in shown), 'is' if len(shown) == 1 else 'are',
               ' (did you mean +%s?)' % words[0] if words else ''))


def has_nopass(rules):
    return any(_bare(token).lower() == NOPASS for token in rule_tokens(rules))


def login_name(params):
    """The user the module logs in as: login_user, or default without it."""
    return params['login_user'] or DEFAULT_USER


def _label(index, entry, option='users'):
    return '%s[%d] (%s)' % (option, index, entry.get('name'))


def _entry_errors(index, entry, params, option):
    label = _label(index, entry, option)
    name = entry.get('name')
    errors = []
    if not name:
        return ['%s[%d]: name must not be empty' % (option, index)]
    if NAME_REFUSED.search(name):
        errors.append('%s: a user name must not contain spaces or control characters' % label)
    if name.startswith(PROBE_PREFIX):
        errors.append('%s: names starting with %s are the scratch users of this module' % (label, PROBE_PREFIX))
    if password_tokens(entry['rules']):
        errors.append('%s: rules must not hold passwords or password hashes (tokens starting with >, <, # or !): '
                      'give the passwords in passwords' % label)
    malformed = malformed_tokens(entry['rules'])
    if malformed:
        errors.append(malformed_message(label, malformed))
    states = [token for token in rule_tokens(entry['rules']) if token.lower() in STATE_TOKENS]
    if states:
        errors.append('%s: rules must not say %s: use enabled' % (label, ' or '.join(unique(states))))
    passwords = entry['passwords'] or []
    if any(not password for password in passwords):
        errors.append('%s: passwords must not hold an empty password' % label)
    nopass = has_nopass(entry['rules'])
    if nopass and passwords:
        errors.append('%s: rules say nopass (any password logs in) and passwords are given: give one or the other'
                      % label)
    if entry['enabled'] and not passwords and not nopass:
        errors.append('%s: an enabled user needs passwords (or nopass in rules, to let any password in)' % label)
    if not entry['enabled'] and name == login_name(params):
        if params['login_user']:
            errors.append('%s: refusing to disable the user this module logs in as (login_user): it would lock '
                          'itself out' % label)
        else:
            errors.append('%s: refusing to disable default while login_user is unset: the module logs in as '
                          'default and would lock itself out; log in as another user with the ACL commands' % label)
    return errors


def users_errors(users, params, option='users'):
    """Everything wrong with a list of users as redis_acl takes them (its defaults filled in).

    option names the list in the messages: the module's option, or the variable of a role that passes it on.
    params: the login options (login_user) of the module that will apply the list.
    """
    errors = []
    first_index = {}
    for index, entry in enumerate(users):
        errors.extend(_entry_errors(index, entry, params, option))
        name = entry.get('name')
        if name and name in first_index:
            errors.append('%s: the name is given twice (also %s[%d]): give each user once'
                          % (_label(index, entry, option), option, first_index[name]))
        first_index.setdefault(name, index)
    return errors


def input_errors(params):
    """Everything wrong with the options, before any connection."""
    return validate_login(params) + users_errors(params['users'], params) + bootstrap_errors(params)


def bootstrap_errors(params):
    """With bootstrap_password, the module may log in as default once to create login_user: the list must then
    let login_user in with login_password, or the next login (and the persistence) would fail."""
    if not params.get('bootstrap_password'):
        return []
    if not params['login_user']:
        return ['bootstrap_password needs login_user: it lets the module log in as default once, to create '
                'login_user']
    entries = [entry for entry in params['users'] if entry['name'] == params['login_user']]
    if not entries or not entries[0]['enabled'] or params['login_password'] not in (entries[0]['passwords'] or []):
        return ['bootstrap_password: users must list login_user (%s) enabled, with login_password among its '
                'passwords, so that the module can log in as it after the change' % params['login_user']]
    return []


def version_error(version, address):
    """Why a server of this version cannot take the module's commands, or None."""
    try:
        major = int(('%s' % (version,)).partition('.')[0])
    except ValueError:
        return None
    if major < 7:
        return ('%s runs Redis %s: redis_acl needs Redis 7.0 or later, where one ACL SETUSER changes a user at once '
                'or not at all; nothing was changed' % (address, version))
    return None


def lockout_errors(users, whoami):
    """Entries that would disable the user the connection is logged in as (ACL WHOAMI)."""
    return ['%s: refusing to disable %s, the user this module is logged in as: it would lock itself out'
            % (_label(index, entry), whoami)
            for index, entry in enumerate(users) if entry['name'] == whoami and not entry['enabled']]


def _pairs(reply):
    """A RESP2 flat field/value list or a RESP3 map as a dict."""
    if isinstance(reply, dict):
        return dict(reply)
    return dict(zip(reply[0::2], reply[1::2]))


def _text(value):
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    return '' if value is None else '%s' % (value,)


def _texts(value):
    return [_text(item) for item in (value or [])]


def _selector(reply):
    fields = _pairs(reply)
    return dict((field, _text(fields.get(field))) for field in RULE_FIELDS)


def parse_user(reply):
    """An ACL GETUSER reply (RESP2 list or RESP3 map) as a dict; None for a user that does not exist."""
    if reply is None:
        return None
    fields = _pairs(reply)
    user = dict((field, _text(fields.get(field))) for field in RULE_FIELDS)
    user['flags'] = _texts(fields.get('flags'))
    user['passwords'] = _texts(fields.get('passwords'))
    user['selectors'] = [_selector(selector) for selector in fields.get('selectors') or []]
    return user


def permissions(user):
    """What two users must share to have the same rules: all but on/off and the passwords."""
    return dict(
        flags=sorted(flag for flag in user['flags'] if flag not in STATE_TOKENS),
        selectors=user['selectors'],
        **dict((field, user[field]) for field in RULE_FIELDS)
    )


def is_enabled(user):
    return 'on' in user['flags']


def _rule_text(fields):
    return ' '.join(fields[field] for field in RULE_FIELDS if fields[field])


def rules_text(user):
    """The permissions of a parsed user as one rules string, selectors in parentheses, as shown in the diff."""
    parts = [_rule_text(user)] + ['(%s)' % _rule_text(selector) for selector in user['selectors']]
    return ' '.join(part for part in parts if part)


def user_view(user):
    """What the diff shows of a parsed user: never a password or a hash, only how many."""
    return dict(enabled=is_enabled(user), flags=list(user['flags']), rules=rules_text(user),
                passwords=len(user['passwords']))


def wanted_user(entry, probe):
    """The parsed user an entry makes, from the rules as the scratch user normalised them."""
    flags = ['on' if entry['enabled'] else 'off'] + [flag for flag in probe['flags'] if flag not in STATE_TOKENS]
    user = dict(probe, flags=flags, passwords=unique(password_hash(password) for password in entry['passwords'] or []))
    return user


def user_action(current, wanted):
    """created, updated or unchanged: what the module does to one listed user."""
    if current is None:
        return 'created'
    if permissions(current) != permissions(wanted) or is_enabled(current) != is_enabled(wanted) \
            or set(current['passwords']) != set(wanted['passwords']):
        return 'updated'
    return 'unchanged'


def probe_args(scratch, rules):
    """ACL SETUSER that applies rules to the scratch user, disabled and without passwords."""
    return ('ACL', 'SETUSER', scratch, 'reset') + tuple(rule_tokens(rules)) + ('off',)


def setuser_args(entry):
    """The one ACL SETUSER that makes a user exactly as the entry says, and the positions of its passwords.

    With reset first, the user has no other rules or passwords; Redis 7.0 and later apply all the arguments
    at once, or none when one is wrong, so the user is never half changed.
    """
    args = ('ACL', 'SETUSER', entry['name'], 'reset') + tuple(rule_tokens(entry['rules'])) \
        + ('on' if entry['enabled'] else 'off',)
    passwords = tuple('>' + password for password in unique(entry['passwords'] or []))
    secret_positions = tuple(range(len(args), len(args) + len(passwords)))
    return args + passwords, secret_positions


def purge_names(existing, users, whoami):
    """The users purge deletes: every one not listed but default and the one the module is logged in as."""
    listed = set(entry['name'] for entry in users)
    return sorted(name for name in existing if name not in listed and name not in (DEFAULT_USER, whoami))


def refused_rules_message(index, entry, reply):
    return '%s: Redis refuses the rules "%s": %s; nothing was changed' % (
        _label(index, entry), ' '.join(rule_tokens(entry['rules'])), reply)


def dropped_login_password(users, whoami, login_password):
    """A warning when the entry of the login user no longer accepts the password the module logged in with."""
    if not login_password:
        return None
    for entry in users:
        if entry['name'] == whoami and entry['enabled'] and not has_nopass(entry['rules']) \
                and login_password not in (entry['passwords'] or []):
            return ('the passwords of %s, the user this module logs in as, no longer include login_password: this '
                    'connection stays logged in, but later tasks must log in with one of the new passwords' % whoami)
    return None


def persistence(mode, sentinel, aclfile, config_file, address):
    """How the changes are persisted: (PERSIST_*, warning or None); raises ValueError when mode cannot work.

    aclfile: the server's aclfile ('' for none), None when unknown (a Sentinel, which has no CONFIG GET).
    config_file: the config file the server was started with ('' for none).
    """
    if mode == PERSIST_NONE:
        return PERSIST_NONE, None
    if sentinel:
        if mode == 'auto':
            if aclfile is None:
                return PERSIST_TRY_ACLFILE, None
            return (PERSIST_ACLFILE if aclfile else PERSIST_REWRITE), None
        return mode, None
    if mode == PERSIST_ACLFILE and not aclfile:
        raise ValueError('persist=aclfile, but %s has no aclfile (CONFIG GET aclfile is empty)' % address)
    if mode == PERSIST_REWRITE and aclfile:
        raise ValueError('persist=rewrite, but %s keeps its users in the ACL file %s, and CONFIG REWRITE writes '
                         'no users when there is one: use persist=aclfile or auto' % (address, aclfile))
    if mode == PERSIST_REWRITE and not config_file:
        raise ValueError('persist=rewrite, but %s runs without a config file for CONFIG REWRITE' % address)
    if aclfile:
        return PERSIST_ACLFILE, None
    if config_file:
        return PERSIST_REWRITE, None
    return PERSIST_NONE, ('%s has neither an aclfile nor a config file: the users are not persisted and a restart '
                          'loses them' % address)


def persist_command(method, sentinel):
    """The command of a persistence method."""
    if method in (PERSIST_ACLFILE, PERSIST_TRY_ACLFILE):
        return ('ACL', 'SAVE')
    return ('SENTINEL', 'FLUSHCONFIG') if sentinel else ('CONFIG', 'REWRITE')


def acl_file_of(config_text):
    """The aclfile a config file's text sets ('' for none); the last aclfile line wins, as when Redis reads it."""
    found = [arguments for arguments in directive_arguments(config_text, 'aclfile') if arguments]
    return found[-1][0] if found else ''


class AclCommandLog(CommandLog):
    """The command log of redis_acl: a password argument (>password) shows as >********."""

    def record(self, args, secret_positions=()):
        shown = [_masked(arg) if index in secret_positions else arg for index, arg in enumerate(args)]
        self.commands.append(self.prefix + render_command(shown))


def _masked(arg):
    return '>' + MASK if ('%s' % (arg,)).startswith('>') else MASK
