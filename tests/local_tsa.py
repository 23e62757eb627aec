"""A real RFC 3161 timestamping authority for the tests, made with OpenSSL:
its own root certificate and a signing certificate for time-stamping, and
``openssl ts -reply`` answering each request that arrives over HTTP (OpenSSL
has no server of its own; the signing is OpenSSL's)."""
from __future__ import annotations

import subprocess
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from core.cases.timestamps import QUERY_TYPE, REPLY_TYPE, Authority

CONFIG = """[ tsa ]
default_tsa = authority
[ authority ]
dir = {folder}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.crt
certs = $dir/ca.crt
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.4146.2.3
other_policies = 1.3.6.1.4.1.4146.2.3
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _run(*arguments: str, folder: Path) -> None:
    subprocess.run(["openssl", *arguments], cwd=folder, check=True, capture_output=True)


def make_certificates(folder: Path, name: str = "Autorité d’horodatage de test") -> None:
    """A root, and a certificate for time-stamping only that it signed (EKU timeStamping, critical)."""
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _run("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-subj", f"/CN={name} (racine)",
         "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign", folder=folder)
    _run("req", *curve, "-keyout", "tsa.key", "-out", "tsa.csr", "-subj", f"/CN={name}", folder=folder)
    (folder / "ext.cnf").write_text("extendedKeyUsage=critical,timeStamping\nkeyUsage=critical,digitalSignature\n"
                                    "basicConstraints=CA:FALSE\n")
    _run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
         "-out", "tsa.crt", "-days", "30", "-extfile", "ext.cnf", folder=folder)
    (folder / "serial").write_text("01\n")
    (folder / "tsa.cnf").write_text(CONFIG.format(folder=folder))


class LocalAuthority:
    """Started with ``with LocalAuthority(folder) as authority:``; ``authority.configured`` is what
    an administrator would set, ``authority.requests`` counts what it signed."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.requests = 0
        self.lock = threading.Lock()
        make_certificates(self.folder)

    def reply_to(self, query: bytes) -> bytes:
        with self.lock, tempfile.TemporaryDirectory() as work:  # one serial number at a time
            query_file, reply_file = Path(work, "q.tsq"), Path(work, "r.tsr")
            query_file.write_bytes(query)
            _run("ts", "-reply", "-config", str(self.folder / "tsa.cnf"), "-queryfile", str(query_file),
                 "-out", str(reply_file), folder=self.folder)
            self.requests += 1
            return reply_file.read_bytes()

    def __enter__(self) -> LocalAuthority:
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                query = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Type") != QUERY_TYPE:
                    self.send_error(415)
                    return
                reply = authority.reply_to(query)
                self.send_response(200)
                self.send_header("Content-Type", REPLY_TYPE)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *arguments):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tsr"
        self.configured = Authority(self.url, self.folder / "ca.crt")
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
