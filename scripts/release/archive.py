#!/usr/bin/env python3
"""Make a release archive from a keyward-cli wheel, so that the archive's
binary is the very one the wheel ships.

    archive.py WHEEL TARGET OUTDIR

writes OUTDIR/keyward-TARGET.tar.gz (.zip for Windows targets) holding
`keyward` (`keyward.exe`) at its top, and beside it a .sha256 file in
sha256sum's format. The archive's bytes depend only on the binary.
"""
import gzip
import hashlib
import io
import os
import sys
import tarfile
import zipfile


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wheel, target, outdir = sys.argv[1:]
    windows = "windows" in target
    exe = "keyward.exe" if windows else "keyward"
    with zipfile.ZipFile(wheel) as whl:
        names = [n for n in whl.namelist() if n.endswith(".data/scripts/" + exe)]
        if len(names) != 1:
            sys.exit(f"{wheel}: expected one {exe} under *.data/scripts/, found {names}")
        binary = whl.read(names[0])

    os.makedirs(outdir, exist_ok=True)
    name = f"keyward-{target}." + ("zip" if windows else "tar.gz")
    path = os.path.join(outdir, name)
    if windows:
        info = zipfile.ZipInfo(exe, date_time=(1980, 1, 1, 0, 0, 0))
        info.external_attr = 0o100755 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(path, "w") as z:
            z.writestr(info, binary)
    else:
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
            info = tarfile.TarInfo(exe)
            info.size, info.mode, info.mtime = len(binary), 0o755, 0
            tar.addfile(info, io.BytesIO(binary))
        with open(path, "wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=0, filename="") as gz:
            gz.write(buf.getvalue())

    digest = hashlib.sha256(open(path, "rb").read()).hexdigest()
    with open(path + ".sha256", "w", newline="\n") as f:
        f.write(f"{digest}  {name}\n")
    print(f"{name} {digest}")


if __name__ == "__main__":
    main()
