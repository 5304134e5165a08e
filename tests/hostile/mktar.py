#!/usr/bin/env python3
"""mktar.py TREE KIND OUT.tgz: the bundle tree TREE (TREE/pigsty/...) packed with one hostile
entry added, for tests/hostile.sh. KIND:
  traversal  pigsty/../escaped (a regular file that would land beside the repository)
  absolute   /tmp/pigsty-hostile-absolute (an absolute path)
  symlink    pigsty/etc -> /etc (a link leaving the tree), then pigsty/etc/evil through it
  hardlink   pigsty/shadow, a hard link to /etc/shadow
  fifo       pigsty/fifo, a named pipe
  chardev    pigsty/null, a character device 1,3
  duplicate  pigsty/Packages twice: the second copy differs
The manifest and signatures stay those of TREE: the hostile entry is what is wrong.
"""
import io
import os
import sys
import tarfile

tree, kind, out = sys.argv[1], sys.argv[2], sys.argv[3]


def add_file(tar, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mode = 0o644
    tar.addfile(ti, io.BytesIO(data))


with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:
    tar.add(os.path.join(tree, "pigsty"), arcname="pigsty", recursive=False)
    for n in sorted(os.listdir(os.path.join(tree, "pigsty"))):
        p = os.path.join(tree, "pigsty", n)
        tar.add(p, arcname="pigsty/" + n)
    if kind == "traversal":
        add_file(tar, "pigsty/../escaped", b"escaped\n")
    elif kind == "absolute":
        add_file(tar, "/tmp/pigsty-hostile-absolute", b"absolute\n")
    elif kind == "symlink":
        ti = tarfile.TarInfo("pigsty/etc")
        ti.type = tarfile.SYMTYPE
        ti.linkname = "/etc"
        tar.addfile(ti)
        add_file(tar, "pigsty/etc/pigsty-hostile-evil", b"evil\n")
    elif kind == "hardlink":
        ti = tarfile.TarInfo("pigsty/shadow")
        ti.type = tarfile.LNKTYPE
        ti.linkname = "/etc/shadow"
        tar.addfile(ti)
    elif kind == "fifo":
        ti = tarfile.TarInfo("pigsty/fifo")
        ti.type = tarfile.FIFOTYPE
        tar.addfile(ti)
    elif kind == "chardev":
        ti = tarfile.TarInfo("pigsty/null")
        ti.type = tarfile.CHRTYPE
        ti.devmajor, ti.devminor = 1, 3
        tar.addfile(ti)
    elif kind == "duplicate":
        add_file(tar, "pigsty/Packages", b"Package: evil\nVersion: 1\nArchitecture: amd64\n\n")
    else:
        sys.exit("unknown kind " + kind)
os.chmod(out, 0o644)
