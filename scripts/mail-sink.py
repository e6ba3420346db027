"""A local SMTP server that keeps what it receives, for trials and tests (aiosmtpd).

  mail-sink.py serve --port 2525 --dir .data/mail [--tls-cert C --tls-key K --user U --password P]
  mail-sink.py read --dir .data/mail [--to ADDRESS] [--all]

`serve` stores each message as one JSON file (envelope, headers, text and HTML parts decoded,
whether it came over TLS). Recipients whose local part starts with `tempfail-` are answered 451
twice, then accepted; `bounce-` is answered 550. With a certificate it offers STARTTLS and
requires it, with a user and password it requires AUTH as well. `read` prints the text part of
the latest message (or of all) to an address.
"""
import argparse, asyncio, email, email.policy, glob, json, os, ssl, sys, time


def serve(args):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    os.makedirs(args.dir, exist_ok=True)
    refused = {}

    class Keeper:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            local = address.split("@")[0].lower()
            if local.startswith("bounce-"):
                return "550 5.1.1 No such mailbox here"
            if local.startswith("tempfail-") and refused.get(address, 0) < 2:
                refused[address] = refused.get(address, 0) + 1
                return "451 4.3.0 Try again later"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
            text = message.get_body(("plain",))
            html = message.get_body(("html",))
            stored = {
                "mail_from": envelope.mail_from,
                "rcpt_tos": envelope.rcpt_tos,
                "tls": session.ssl is not None,
                "authenticated": bool(session.authenticated),
                "subject": str(message["subject"]),
                "headers": [[name, str(value)] for name, value in message.items()],
                "text": text.get_content() if text else None,
                "html": html.get_content() if html else None,
                "raw": envelope.original_content.decode("utf-8", "replace"),
                "received_at": time.time(),
            }
            name = f"{time.time_ns()}-{os.getpid()}.json"
            with open(os.path.join(args.dir, name + ".part"), "w") as out:
                json.dump(stored, out)
            os.rename(os.path.join(args.dir, name + ".part"), os.path.join(args.dir, name))
            return "250 Message accepted"

    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
        return AuthResult(success=ok)

    options = {}
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        options.update(tls_context=context, require_starttls=True)
    if args.user:
        options.update(authenticator=authenticate, auth_required=True)
    controller = Controller(Keeper(), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    print(f"mail-sink: listening on 127.0.0.1:{args.port}, keeping messages in {args.dir}", flush=True)
    try:
        asyncio.run(asyncio.Event().wait())
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


def read(args):
    messages = []
    for path in sorted(glob.glob(os.path.join(args.dir, "*.json"))):
        with open(path) as source:
            message = json.load(source)
        if args.to is None or args.to.lower() in [r.lower() for r in message["rcpt_tos"]]:
            messages.append(message)
    if not messages:
        print(f"mail-sink: no message{' to ' + args.to if args.to else ''} in {args.dir}", file=sys.stderr)
        sys.exit(1)
    for message in messages if args.all else messages[-1:]:
        print(f"To: {', '.join(message['rcpt_tos'])}\nSubject: {message['subject']}\n")
        print(message["text"])


parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
commands = parser.add_subparsers(dest="command", required=True)
serving = commands.add_parser("serve")
serving.add_argument("--port", type=int, default=2525)
serving.add_argument("--dir", required=True)
serving.add_argument("--tls-cert")
serving.add_argument("--tls-key")
serving.add_argument("--user")
serving.add_argument("--password")
reading = commands.add_parser("read")
reading.add_argument("--dir", required=True)
reading.add_argument("--to")
reading.add_argument("--all", action="store_true")
arguments = parser.parse_args()
serve(arguments) if arguments.command == "serve" else read(arguments)
