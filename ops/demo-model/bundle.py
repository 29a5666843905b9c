#!/usr/bin/python3
"""Packs an exported checkpoint directory into the class-path resources of ops/demo-model:
demo-model.zip (deflate, fixed timestamps and order: the same input gives the same bytes) and demo-model.sha256
(sha256sum format, one line per file). dev.agentrt.demomodel.DemoModel unpacks and verifies them."""
import hashlib
import os
import sys
import zipfile

FILES = ["config.json", "dtypes.json", "model.safetensors"]


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: bundle.py CHECKPOINT_DIR RESOURCE_DIR")
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    lines = []
    zpath = os.path.join(dst, "demo-model.zip")
    with zipfile.ZipFile(zpath + ".tmp", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name in FILES:
            with open(os.path.join(src, name), "rb") as f:
                data = f.read()
            lines.append("%s  %s\n" % (hashlib.sha256(data).hexdigest(), name))
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    os.replace(zpath + ".tmp", zpath)
    with open(os.path.join(dst, "demo-model.sha256"), "w") as f:
        f.writelines(lines)
    print("%s: %.2f MB" % (zpath, os.path.getsize(zpath) / 1e6))
    print("".join(lines), end="")


if __name__ == "__main__":
    main()
