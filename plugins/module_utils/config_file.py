# -*- coding: utf-8 -*-
# Copyright: (c) 2026, redisops.sentinel developers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and editing directives of a redis.conf file as Redis itself parses it.

Redis splits each line into arguments like a shell would (sdssplitargs): double
quotes with backslash escapes, single quotes, and a first word that names the
directive case-insensitively.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

_ESCAPES = {'n': '\n', 'r': '\r', 't': '\t', 'b': '\b', 'a': '\a'}
_HEX_DIGITS = '0123456789abcdefABCDEF'


def _double_quoted(line, start):
    """The argument in double quotes that opens at line[start], and the index after it."""
    characters = []
    index = start + 1
    while index < len(line):
        character = line[index]
        if character == '\\' and line[index + 1:index + 2] == 'x' \
                and len(line) > index + 3 and line[index + 2] in _HEX_DIGITS and line[index + 3] in _HEX_DIGITS:
            characters.append(chr(int(line[index + 2:index + 4], 16)))
            index += 4
        elif character == '\\' and index + 1 < len(line):
            following = line[index + 1]
            characters.append(_ESCAPES.get(following, following))
            index += 2
        elif character == '"':
            return ''.join(characters), index + 1
        else:
            characters.append(character)
            index += 1
    return None, index


def _single_quoted(line, start):
    characters = []
    index = start + 1
    while index < len(line):
        if line[index] == '\\' and line[index + 1:index + 2] == "'":
            characters.append("'")
            index += 2
        elif line[index] == "'":
            return ''.join(characters), index + 1
        else:
            characters.append(line[index])
            index += 1
    return None, index


def split_arguments(line):
    """The arguments of one config line, or None when its quotes are unbalanced."""
    arguments = []
    index = 0
    while True:
        while index < len(line) and line[index].isspace():
            index += 1
        if index >= len(line):
            return arguments
        if line[index] in '"\'':
            reader = _double_quoted if line[index] == '"' else _single_quoted
            argument, index = reader(line, index)
            # A closing quote must end the argument, as Redis requires.
            if argument is None or (index < len(line) and not line[index].isspace()):
                return None
        else:
            end = index
            while end < len(line) and not line[end].isspace():
                end += 1
            argument, index = line[index:end], end
        arguments.append(argument)


def quote_argument(text):
    """One argument written so that Redis reads it back unchanged."""
    if text and not any(character.isspace() or character in '"\'\\' or not character.isprintable()
                        for character in text):
        return text
    escaped = []
    for character in text:
        if character in '"\\':
            escaped.append('\\' + character)
        elif character.isprintable() and character not in '\r\n\t':
            escaped.append(character)
        else:
            escaped.append('\\x%02x' % ord(character))
    return '"%s"' % ''.join(escaped)


def _directive_of(line):
    """The lower-cased directive a line sets, or None for comments, blank and broken lines."""
    stripped = line.strip()
    if not stripped or stripped.startswith('#'):
        return None
    arguments = split_arguments(stripped)
    return arguments[0].lower() if arguments else None


def directive_arguments(text, name):
    """The arguments (after the name) of every line of text that sets directive name, in order."""
    found = []
    for line in text.splitlines():
        if _directive_of(line) == name:
            found.append(split_arguments(line.strip())[1:])
    return found


def replace_directive(text, name, new_lines):
    """text with the lines of directive name replaced by new_lines (strings), or them appended.

    The first line of the directive is replaced by all of new_lines and the
    others are removed, so that a directive set twice does not keep an old value.
    """
    result = []
    placed = False
    for line in text.splitlines():
        if _directive_of(line) != name:
            result.append(line)
        elif not placed:
            result.extend(new_lines)
            placed = True
    if not placed:
        result.extend(new_lines)
    return '\n'.join(result) + '\n'
