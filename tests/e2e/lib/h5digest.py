"""Print one SHA-256 per dataset (path, dtype, shape, bytes) of HDF5 files, then a total.

Used by determinism tests: two runs agree when every dataset's content agrees; attributes such
as start times, rank and thread counts are deliberately left out.
"""
import hashlib
import sys

import h5py


def digests(path):
    out = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                h = hashlib.sha256()
                h.update(str(obj.dtype).encode())
                h.update(str(obj.shape).encode())
                h.update(obj[()].tobytes())
                out.append((name, h.hexdigest()))
        f.visititems(visit)
    return sorted(out)


total = hashlib.sha256()
for p in sys.argv[1:]:
    for name, d in digests(p):
        print(f"{p.split('/')[-1]}:{name} {d}")
        total.update(f"{name} {d}".encode())
print(f"total {total.hexdigest()}")
