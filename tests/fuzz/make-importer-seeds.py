#!/usr/bin/env python3
"""Write the importer fuzzer's seed corpus (corpus-importer/): tiny archives of
our own making with the vendor's names and layouts, random bytes for images.

Each seed is one byte choosing the file name the harness gives the input
(0 .zip, 1 .tar, 2 .tar.gz, 3 sip.ld, 4 .tar.xz, 5 .tar.bz2, 6 a .bootrom.ld,
7 no extension) followed by the archive. Deterministic: run it again and the
files come out the same.
"""
import gzip
import io
import os
import random
import tarfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus-importer")
rng = random.Random(7)
IMAGE = bytes(rng.getrandbits(8) for _ in range(64))
DATE = (2020, 1, 1, 0, 0, 0)


def zip_bytes(entries, compression=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = compression
            z.writestr(info, data)
    return buf.getvalue()


def tar_bytes(entries, mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode, format=tarfile.USTAR_FORMAT) as t:
        for name, data, kind in entries:
            info = tarfile.TarInfo(name)
            info.mtime = 1577836800
            if kind == "link":
                info.type = tarfile.SYMTYPE
                info.linkname = data
                t.addfile(info)
            elif kind == "hard":
                info.type = tarfile.LNKTYPE
                info.linkname = data
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def seed(name, selector, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([selector]) + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    app = [("sip.ld", IMAGE), ("sip.ver", b"3.2.3\n"), ("sip.cfg", b"<sip/>"), ("phone1.cfg", b"<phone1/>")]
    seed("app-zip", 0, zip_bytes(app))
    seed("app-zip-deflate-top-folder", 0,
         zip_bytes([("spip_ssip_3_2_3/" + n, d) for n, d in app], zipfile.ZIP_DEFLATED))
    seed("split-zip", 0, zip_bytes([("2345-12360-001.sip.ld", IMAGE), ("sip.ver", b"3.2.3\n")]))
    seed("bootrom-tar", 1, tar_bytes([("bootrom.ld", IMAGE, "file"), ("bootrom.ver", b"4.2.3\n", "file")]))
    seed("split-tar-gz", 2, gzip.compress(tar_bytes([("2345-12360-001.sip.ld", IMAGE, "file"),
                                                     ("sip.ver", b"3.2.4\n", "file")]), mtime=0))
    seed("lone-ld", 3, IMAGE)
    seed("tar-xz", 4, tar_bytes([("sip.ld", IMAGE, "file")], "w:xz"))
    seed("tar-bz2", 5, tar_bytes([("sip.ld", IMAGE, "file")], "w:bz2"))
    seed("lone-bootrom", 6, IMAGE)
    seed("zip-slip", 0, zip_bytes([("sip.ld", IMAGE), ("../evil.ld", b"x"), ("/abs.ld", b"y")]))
    seed("tar-links", 1, tar_bytes([("sip.ld", IMAGE, "file"), ("evil.ld", "/etc/passwd", "link"),
                                     ("hard.ld", "sip.ld", "hard"), ("../up.ld", b"z", "file")]))
    seed("zip-in-zip", 0, zip_bytes([("inner.zip", zip_bytes(app)), ("readme.txt", b"hi")]))
    seed("truncated-zip", 0, zip_bytes(app)[:150])
    seed("no-extension-zip", 7, zip_bytes(app))


if __name__ == "__main__":
    main()
