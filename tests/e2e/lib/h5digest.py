"""Print one SHA-256 per dataset (path, dtype, shape, bytes) of HDF5 files, then a total.

Used by determinism tests: two runs agree when every dataset's content agrees; attributes such
as start times, rank and thread counts are deliberately left out.

With --attributes, every object's attributes count too (one line per object), except those
that legitimately vary between runs of the same inputs (io::volatile_attribute_names()) and
`inputs`: it holds SHA-256 digests of whole input files, which differ whenever an earlier stage
was run again, because those files carry their own start times.
"""
import hashlib
import sys

import h5py

VOLATILE = {"started_utc", "finished_utc", "ranks", "threads", "program_commit", "host", "inputs"}


def digests(path, with_attributes):
    out = []
    with h5py.File(path, "r") as f:
        def attributes(name, obj):
            kept = sorted((k, repr(v)) for k, v in obj.attrs.items() if k not in VOLATILE)
            if kept:
                out.append((name + "@attrs", hashlib.sha256(repr(kept).encode()).hexdigest()))

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                h = hashlib.sha256()
                h.update(str(obj.dtype).encode())
                h.update(str(obj.shape).encode())
                h.update(obj[()].tobytes())
                out.append((name, h.hexdigest()))
            if with_attributes:
                attributes(name, obj)
        if with_attributes:
            attributes("/", f)
        f.visititems(visit)
    return sorted(out)


args = sys.argv[1:]
with_attributes = "--attributes" in args
total = hashlib.sha256()
for p in (a for a in args if a != "--attributes"):
    for name, d in digests(p, with_attributes):
        print(f"{p.split('/')[-1]}:{name} {d}")
        total.update(f"{name} {d}".encode())
print(f"total {total.hexdigest()}")
