#!/usr/bin/env python3
"""inventory-extra.py PIGSTY_YML [EXTENSIONS]: adds to the demo inventory's pg-meta cluster a user
with a pre-hashed md5 password and most pg_users attributes, a user with a pre-hashed SCRAM
secret, and a database with most pg_databases attributes, for the sandbox's second-inventory
check (sandbox-demo.sh). With EXTENSIONS (names separated by ','), also a database `exts`
creating every one of them, `pg_extensions: [wal2json]` (an output plugin: nothing to create)
and `cron.database_name: exts` (pg_cron is created in that database only).
Prints the clear passwords as NAME=PASSWORD lines."""
import base64, hashlib, hmac, re, sys

path = sys.argv[1]
text = open(path).read()

def scram(password, salt=b"pigsty-sandbox-1", iterations=4096):
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client = hmac.new(salted, b"Client Key", "sha256").digest()
    stored = hashlib.sha256(client).digest()
    server = hmac.new(salted, b"Server Key", "sha256").digest()
    b64 = lambda b: base64.b64encode(b).decode()
    return "SCRAM-SHA-256$%d:%s$%s:%s" % (iterations, b64(salt), b64(stored), b64(server))

md5 = "md5" + hashlib.md5(b"Extra.Pass" + b"dbuser_extra").hexdigest()
users = [
    "{name: dbuser_extra, password: %s, createdb: true, connlimit: 5, expire_at: '2099-12-31',"
    " parameters: {work_mem: 8MB}, roles: [dbrole_readwrite], pgbouncer: true, pool_mode: session,"
    " pool_connlimit: 3, comment: extra user}" % md5,
    "{name: dbuser_scram, password: '%s', roles: [dbrole_readonly], comment: pre-hashed scram}" % scram("Scram.Pass"),
    "{name: dbrole_app, login: false, comment: a role without password}",
]
database = ("{name: extra, owner: dbuser_extra, revokeconn: true, connlimit: 20,"
            " parameters: {work_mem: 16MB}, schemas: [app], extensions: [{name: pg_trgm, schema: app}],"
            " pool_size: 10, pool_mode: transaction, comment: extra database}")

m = re.search(r"^( *)- \{name: dbuser_view.*$", text, re.M)
if not m:
    sys.exit("inventory-extra.py: no dbuser_view entry in " + path)
indent = m.group(1)
text = text[:m.end()] + "".join("\n%s- %s" % (indent, u) for u in users) + text[m.end():]
m = re.search(r"^( *)- \{name: meta, .*$", text, re.M)
if not m:
    sys.exit("inventory-extra.py: no meta database entry in " + path)
text = text[:m.end()] + "\n%s- %s" % (m.group(1), database) + text[m.end():]
if len(sys.argv) > 2:
    names = [n for n in sys.argv[2].split(",") if n]
    exts = "{name: exts, owner: dbuser_meta, extensions: [%s], comment: every extension of the bundle}" % (
        ", ".join("'%s'" % n for n in names))
    text = text[:m.end()] + "\n%s- %s" % (m.group(1), exts) + text[m.end():]
    c = re.search(r"^( *)pg_cluster: pg-meta$", text, re.M)
    if not c:
        sys.exit("inventory-extra.py: no 'pg_cluster: pg-meta' line in " + path)
    text = (text[:c.end()] + "\n%spg_extensions: [wal2json]" % c.group(1)
            + "\n%spg_parameters: {cron.database_name: exts}" % c.group(1) + text[c.end():])
open(path, "w").write(text)
print("dbuser_extra=Extra.Pass")
print("dbuser_scram=Scram.Pass")
