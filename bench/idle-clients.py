#!/usr/bin/env python3
"""Idle keep-alive clients, as mobile apps and browsers behind office NATs leave them: COUNT
connections from ADDRESSES loopback addresses (127.0.1.1, 127.0.1.2, ...), each makes one
request and stays open. Then a new client's /healthz is measured with wrk while they are held,
and how many are still open is counted. Prints one JSON line.

  bench/idle-clients.py PORT SERVER_PID [--count 10000] [--addresses 40] [--seconds 5] [--row LABEL]
"""
import argparse, json, resource, socket, subprocess, time

parser = argparse.ArgumentParser()
parser.add_argument("port", type=int)
parser.add_argument("pid", type=int)
parser.add_argument("--count", type=int, default=10000)
parser.add_argument("--addresses", type=int, default=40)
parser.add_argument("--seconds", type=int, default=5)
parser.add_argument("--row", metavar="LABEL", help="print a row of bench/run.sh's table instead of JSON")
args = parser.parse_args()
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def status(field):
    """A field of the server's /proc status, in KiB or a count."""
    with open(f"/proc/{args.pid}/status") as file:
        for line in file:
            if line.startswith(field + ":"):
                return int(line.split()[1])


request = b"GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n"
held, refused = [], 0
started = time.monotonic()
for number in range(args.count):
    connection = socket.socket()
    connection.bind((f"127.0.1.{number % args.addresses + 1}", 0))
    connection.settimeout(5)
    try:
        connection.connect(("127.0.0.1", args.port))
        connection.sendall(request)
        answer = connection.recv(4096)
        if not answer.startswith(b"HTTP/1.1 200"):
            raise OSError(answer[:40])
        held.append(connection)
    except OSError:
        refused += 1
        connection.close()
opened = time.monotonic() - started
rss_idle = status("VmRSS")
threads = status("Threads")

# A new client while they are held: wrk's own connections from 127.0.0.1.
wrk = subprocess.run(
    ["wrk", "-t1", "-c8", f"-d{args.seconds}s", "--timeout", "5s", "--latency",
     f"http://127.0.0.1:{args.port}/healthz"], capture_output=True, text=True).stdout
rate = next((line.split()[1] for line in wrk.splitlines() if line.startswith("Requests/sec:")), "0")
p99 = next((line.split()[1] for line in wrk.splitlines() if line.strip().startswith("99%")), "n/a")
errors = next((line.strip() for line in wrk.splitlines() if "Socket errors" in line or "Non-2xx" in line), "")

# Still open: a closed connection reads as end of file at once.
still_open = 0
for connection in held:
    connection.setblocking(False)
    try:
        still_open += 0 if connection.recv(1) == b"" else 1
    except BlockingIOError:
        still_open += 1
    except OSError:
        pass
result = {
    "clients": args.count, "addresses": args.addresses, "held": still_open, "refused": refused,
    "opened_in_s": round(opened, 2), "threads": threads, "rss_mib_idle": round(rss_idle / 1024, 1),
    "rss_mib_peak": round(status("VmHWM") / 1024, 1), "new_client_req_s": rate, "new_client_p99": p99,
    "new_client_errors": errors}
if args.row:
    print(f"| {args.row} | {still_open} | {refused} | {threads} | {result['rss_mib_idle']} MiB | "
          f"{result['rss_mib_peak']} MiB | {rate} | {p99} {errors} |")
else:
    print(json.dumps(result))
for connection in held:
    connection.close()
