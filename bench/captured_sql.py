#!/usr/bin/env python3
"""The statements PostgreSQL logged after a marker, as a pgbench script.

    bench/captured_sql.py POSTGRES_LOG MARKER > script.sql

With log_min_duration_statement = 0, every execution of a prepared statement is logged as
`execute <name>: <sql>` followed by `DETAIL:  parameters: $1 = '...', ...`, and BEGIN and COMMIT
as `statement: BEGIN`. This prints each after the line holding MARKER, with the parameters
written in as literals, so that pgbench runs exactly the SQL the server ran for one request.
`parameterised` writes them as pgbench variables instead, to be run as the server runs them:
prepared once, with parameters (and so, after five runs, perhaps PostgreSQL's generic plan), or,
when the server ran one of them unnamed (planned for each execution's values), all planned for
each execution (`pgbench -M extended`).

pgbench reads `:name` anywhere in a command as a variable, string literals included; a literal
holding such a colon (a time, a JSON body) is written as an E'' string with the colon as \\072.

The server's own background statements (its heartbeat in `server_instances`, the maintenance
pass) belong to no request and are left out.
"""
import re
import sys

ENTRY = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
PARAMETER = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
LITERAL = re.compile(r"'(?:[^']|'')*'")
VARIABLE_LIKE = re.compile(r":[A-Za-z0-9_\x80-\U0010ffff]")


def pgbench_safe(sql):
    """The statement with every literal that pgbench would read a variable in escaped."""
    def escape(match):
        inner = match.group(0)[1:-1]
        if not VARIABLE_LIKE.search(inner):
            return match.group(0)
        return "E'" + inner.replace("\\", "\\\\").replace(":", "\\072") + "'"
    return LITERAL.sub(escape, sql)


def statements(log_text, marker):
    """The statements of log_text after its last line holding marker, each with its parameters
    (number to literal, NULL unquoted) and whether it ran unnamed (planned per execution)."""
    text = log_text[log_text.rindex(marker):]
    # Log entries start with a timestamp; continuation lines belong to the entry above.
    entries, current = [], None
    for line in text.splitlines():
        if ENTRY.match(line):
            current = [line]
            entries.append(current)
        elif current is not None:
            current.append(line)
    found_statements = []
    for index, lines in enumerate(entries):
        simple = re.search(r"statement: (BEGIN|COMMIT|ROLLBACK)\s*$", lines[0])
        if simple:
            found_statements.append((simple.group(1) + ";", {}, False))
            continue
        body = "\n".join(lines)
        found = re.search(r"execute ([^:]+): (.*)", body, re.S)
        if not found or "DETAIL:" in lines[0]:
            continue
        sql = found.group(2).strip()
        if "server_instances" in sql or "pg_try_advisory_xact_lock" in sql:
            continue
        values = {}
        if index + 1 < len(entries) and re.search(r"DETAIL:  parameters:", entries[index + 1][0], re.I):
            details = "\n".join(entries[index + 1])
            values = {int(n): v for n, v in PARAMETER.findall(details)}
        found_statements.append((sql.rstrip(";") + ";", values, found.group(1) == "<unnamed>"))
    # A transaction of the maintenance pass leaves its BEGIN and COMMIT alone.
    ends = ("COMMIT;", "ROLLBACK;")
    sqls = [sql for sql, _, _ in found_statements]
    return [found_statements[i] for i, sql in enumerate(sqls)
            if not (sql == "BEGIN;" and i + 1 < len(sqls) and sqls[i + 1] in ends)
            and not (sql in ends and i > 0 and sqls[i - 1] == "BEGIN;")]


def substituted(sql, values, value_of):
    """sql with each $n replaced by value_of(n, literal); highest numbers first, so that $1 does
    not eat the start of $10."""
    for number in sorted(values, reverse=True):
        sql = sql.replace(f"${number}", value_of(number, values[number]))
    return sql


def inlined(captured):
    """The statements with their parameters written in as literals."""
    return [pgbench_safe(substituted(sql, values, lambda _, literal: literal)) for sql, values, _ in captured]


def protocol(captured):
    """pgbench's -M for the statements: as the server plans them."""
    return "extended" if any(unnamed for _, _, unnamed in captured) else "prepared"


def parameterised(captured, prefix):
    """The statements with each parameter a pgbench variable named prefix + statement + number,
    and the variables' values for pgbench -D (NULL stays a literal: pgbench has no null)."""
    variables, lines = {}, []
    for index, (sql, values, _) in enumerate(captured):
        def variable(number, literal):
            if literal == "NULL":
                return "NULL"
            name = f"{prefix}s{index}p{number}"
            variables[name] = literal[1:-1].replace("''", "'")
            return ":" + name
        lines.append(substituted(pgbench_safe(sql), values, variable))
    return lines, variables


if __name__ == "__main__":
    log_path, marker = sys.argv[1], sys.argv[2]
    with open(log_path, encoding="utf-8", errors="replace") as log:
        captured = statements(log.read(), marker)
    if not captured:
        sys.exit("captured_sql: no statements logged after the marker")
    print("\n".join(inlined(captured)))
