#!/usr/bin/env python3
"""The statements PostgreSQL logged after a marker, as a pgbench script.

    bench/captured-sql.py POSTGRES_LOG MARKER > script.sql

With log_min_duration_statement = 0, every execution of a prepared statement is logged as
`execute <name>: <sql>` followed by `DETAIL:  parameters: $1 = '...', ...`. This prints each
execution after the line holding MARKER, with its parameters written in as literals, so that
pgbench runs exactly the SQL the server ran for one request.

The server's own background statements (its heartbeat in `server_instances`, the maintenance
pass) belong to no request and are left out.
"""
import re
import sys

log_path, marker = sys.argv[1], sys.argv[2]
entry = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
with open(log_path, encoding="utf-8", errors="replace") as log:
    text = log.read()
text = text[text.rindex(marker):]

# Log entries start with a timestamp; continuation lines belong to the entry above.
entries, current = [], None
for line in text.splitlines():
    if entry.match(line):
        current = [line]
        entries.append(current)
    elif current is not None:
        current.append(line)

parameter = re.compile(r"\$(\d+) = (NULL|'(?:[^']|'')*')")
statements = []
for index, lines in enumerate(entries):
    body = "\n".join(lines)
    found = re.search(r"execute [^:]+: (.*)", body, re.S)
    if not found or "DETAIL:" in lines[0]:
        continue
    sql = found.group(1).strip()
    if "server_instances" in sql or "pg_try_advisory_xact_lock" in sql:
        continue
    values = {}
    if index + 1 < len(entries) and re.search(r"DETAIL:  parameters:", entries[index + 1][0], re.I):
        details = "\n".join(entries[index + 1])
        values = {int(n): v for n, v in parameter.findall(details)}
    # Highest numbers first, so that $1 does not eat the start of $10.
    for number in sorted(values, reverse=True):
        sql = sql.replace(f"${number}", values[number])
    statements.append(sql.rstrip(";") + ";")

if not statements:
    sys.exit("captured-sql: no statements logged after the marker")
print("\n".join(statements))
