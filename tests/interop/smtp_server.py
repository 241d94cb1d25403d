#!/usr/bin/env python3
"""An independent SMTP server for outcry's interop suite: aiosmtpd on 127.0.0.1, STARTTLS
required, AUTH required, every accepted message stored as a file.

Usage: smtp_server.py STORE_DIR PORT_FILE CA_FILE USER PASSWORD [--no-pipelining]

It offers PIPELINING (RFC 2920), as real servers do (aiosmtpd reads one command at a time
from its stream, so a pipelined group is served in order); --no-pipelining leaves it out.

Makes a test CA and a certificate for 127.0.0.1 with trustme, writes the CA to CA_FILE,
listens on a free port (written to PORT_FILE) and runs until killed. Each message is stored
as STORE_DIR/NNNNN.eml, its envelope as STORE_DIR/NNNNN.json.
"""
import asyncio
import json
import os
import ssl
import sys

import trustme
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Store:
    def __init__(self, directory, pipelining):
        self.directory = directory
        self.pipelining = pipelining
        self.count = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if not self.pipelining:
            return responses
        return responses[:-1] + ["250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        base = os.path.join(self.directory, f"{self.count:05d}")
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(base + ".json", "w", encoding="utf-8") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "login": session.auth_data.login.decode() if session.authenticated and isinstance(session.auth_data, LoginPassword) else None,
                    "ehlo": session.host_name,
                },
                f,
            )
        return "250 2.0.0 stored"


def main():
    store_dir, port_file, ca_file, user, password = sys.argv[1:6]
    ca = trustme.CA()
    ca.cert_pem.write_to_path(ca_file)
    server_cert = ca.issue_cert("127.0.0.1", "localhost")


    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_cert.configure_cert(context)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    handler = Store(store_dir, pipelining="--no-pipelining" not in sys.argv[6:])

    def factory():
        return SMTP(
            handler,
            hostname="127.0.0.1",
            tls_context=context,
            require_starttls=True,
            authenticator=authenticator,
            auth_required=True,
            auth_require_tls=True,
        )

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # aiosmtpd's Controller(port=0) does not report the port it got: use create_server.
    server = loop.run_until_complete(loop.create_server(factory, host="127.0.0.1", port=0))
    port = server.sockets[0].getsockname()[1]
    with open(port_file + ".tmp", "w") as f:
        f.write(str(port))
    os.replace(port_file + ".tmp", port_file)
    loop.run_forever()


if __name__ == "__main__":
    main()
