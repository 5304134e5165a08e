#!/usr/bin/python3
# A client that writes continuously and records every acknowledged commit (the failover tests of
# Demo4SystemIT). Usage: writer.py DSN TABLE SECONDS LOG
# LOG lines: "ok ID EPOCH" after each acknowledged commit, "err ID EPOCH MESSAGE" after a failure,
# "done" at the end. One INSERT per transaction (autocommit); after an error it reconnects.
import sys
import time

import psycopg2

dsn, table, seconds, out = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
end = time.time() + seconds
conn = None
n = 0
with open(out, "w", buffering=1) as log:
    while time.time() < end:
        try:
            if conn is None:
                conn = psycopg2.connect(dsn)
                conn.autocommit = True
            n += 1
            with conn.cursor() as cur:
                cur.execute("INSERT INTO " + table + " (id) VALUES (%s)", (n,))
            log.write("ok %d %.3f\n" % (n, time.time()))
        except Exception as e:
            first = (str(e).strip().splitlines() or [type(e).__name__])[0]
            log.write("err %d %.3f %s\n" % (n, time.time(), first))
            try:
                conn.close()
            except Exception:
                pass
            conn = None
            time.sleep(0.1)
        time.sleep(0.005)
    log.write("done\n")
