# shellcheck shell=bash disable=SC2034
# item 17: a broken RPM (a good lead, then a signature header cut after its counts) fails repo
# index naming it and a reason (exit 6), never "(null)"
expect=6
case_run() {
    mkdir "$WORK/repo"
    python3 - >"$WORK/repo/broken-1-1.noarch.rpm" <<'PY'
import struct, sys
lead = bytearray(96)  # rpm's lib/rpmlead.c: magic, version 3.0, binary, noarch, name, os, sigtype
lead[0:10] = bytes([0xED, 0xAB, 0xEE, 0xDB, 3, 0, 0, 0, 0, 1])
lead[10:20] = b"broken-1-1"
lead[78:82] = struct.pack(">hh", 1, 5)
sig = bytes([0x8E, 0xAD, 0xE8, 1, 0, 0, 0, 0]) + struct.pack(">ii", 3, 64) + bytes(8)
sys.stdout.buffer.write(bytes(lead) + sig)
PY
    pigsty repo index --key-dir "$SHARED/key" "$WORK/repo"
}
case_check() {
    grep -q "broken-1-1.noarch.rpm: not a readable RPM (truncated)" "$CASE_ERR" &&
        ! grep -q "(null)" "$CASE_ERR" && [ ! -e "$WORK/repo/repodata" ]
}
