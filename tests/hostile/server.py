#!/usr/bin/env python3
"""server.py MODE DIR PORT: a hostile or broken HTTP server on 127.0.0.1 for tests/hostile.sh.

MODE:
  dir    serve the files under DIR (404 for what is not there)
  404    every request: 404 Not Found
  500    every request: 500 Internal Server Error
  html   every request: 200 with an HTML page (a captive portal or an error page)
  cut    files under DIR with their full Content-Length, but the connection closes halfway
  flood  every request: 200, no Content-Length, endless bytes until the client hangs up
  stall  every request: 200 with headers and 10 bytes, then nothing, the connection held open
Each request is logged to stderr as one line: METHOD PATH STATUS.
"""
import os
import socketserver
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODE, DIR, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def note(self, status):
        sys.stderr.write("%s %s %s\n" % (self.command, self.path, status))
        sys.stderr.flush()

    def do_HEAD(self):
        self.do_GET()

    def send(self, status, body, ctype="application/octet-stream", length=None):
        self.note(status)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        return body

    def file(self):
        p = os.path.normpath(os.path.join(DIR, self.path.split("?")[0].lstrip("/")))
        if not p.startswith(os.path.abspath(DIR)) or not os.path.isfile(p):
            return None
        with open(p, "rb") as f:
            return f.read()

    def do_GET(self):
        try:
            if MODE == "404":
                self.wfile.write(self.send(404, b"not found\n", "text/plain"))
            elif MODE == "500":
                self.wfile.write(self.send(500, b"internal error\n", "text/plain"))
            elif MODE == "html":
                self.wfile.write(self.send(200, b"<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>\n", "text/html"))
            elif MODE in ("dir", "cut"):
                data = self.file()
                if data is None:
                    self.wfile.write(self.send(404, b"not found\n", "text/plain"))
                elif MODE == "dir":
                    self.wfile.write(self.send(200, data))
                else:
                    self.wfile.write(self.send(200, data[: len(data) // 2], length=len(data)))
                    self.wfile.flush()
                    self.close_connection = True
            elif MODE == "flood":
                self.note(200)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Connection", "close")
                self.end_headers()
                block = b"Origin: flood\n" * 4096
                while True:
                    self.wfile.write(block)
            elif MODE == "stall":
                self.note(200)
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                self.wfile.write(b"-----BEGIN")
                self.wfile.flush()
                time.sleep(3600)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server(("127.0.0.1", PORT), Handler).serve_forever()
