#!/usr/bin/env bash
# The same damaged feeds ingested under 1, 2 and 4 ranks (and 1 vs 2 threads) give identical
# records.h5 content: a digest of every dataset and every non-volatile attribute must match.
# The feeds hold quoted newlines, accents, CRLF, duplicates far apart and a few bad rows of each
# kind, so rank boundaries fall inside quoted fields and duplicates cross ranks. Also checks the
# accounting (rows_read = kept + quarantined per source) and a few known outcomes.
set -euo pipefail
: "${CH_BIN:?}" "${CH_SCRATCH:?}"
MPIEXEC="${CH_MPIEXEC:-mpiexec}"
# The launcher flags arrive ';'-separated (a CMake list) or space-separated.
read -ra FLAGS <<< "${CH_MPIEXEC_FLAGS//;/ }"
rm -rf "$CH_SCRATCH" && mkdir -p "$CH_SCRATCH/feeds"
cd "$CH_SCRATCH"

/usr/bin/python3 - feeds <<'PY'
import random, sys
out = sys.argv[1]
rnd = random.Random(11)
given = ["José", "Łukasz", "Müller", "Mohammed", "Muhammad", "Olga", "\"Smith, Jr\"", "\"Multi\nLine\"", "Søren"]
family = ["Khan", "Nowak", "García", "Ivanov", "O'Brien", "Öztürk"]
def phone(): return "+92300%07d" % rnd.randrange(10**7)
def line(f, row, nl="\n"): f.write(row + nl)
with open(f"{out}/travel.csv", "w", encoding="utf-8", newline="") as f:
    line(f, "record_id,agency,releasable_to,booking_ref,given_name,family_name,date_of_birth,sex,"
            "nationality,document_type,document_number,document_country,phone,email,payment_ref,"
            "carrier,flight_number,origin,destination,departure_utc")
    for i in range(6000):
        rid = f"T{i}" if i % 997 != 5 else "T3"          # duplicates of an early id, far away
        rel = ["", "interpol", "europol;Interpol", "frontex"][i % 4] if i % 1013 != 7 else "nato"
        dob = f"19{50 + i % 49}-0{1 + i % 9}-1{i % 9}" if i % 1500 != 9 else "2090-01-01"
        ph = phone() if i % 1700 != 3 else "+92300"
        line(f, f"{rid},AGY{i % 5},{rel},BK{i // 3},{rnd.choice(given)},{rnd.choice(family)},{dob},"
                f"{'MF'[i % 2]},PAK,P,AB-{i:06d},PAK,{ph},p{i}@example.com,PAY{i // 7},LH,LH {i % 900},"
                f"KHI,FRA,2025-03-{10 + i % 18}T08:35:00Z", "\r\n" if i % 3 == 0 else "\n")
        if i % 800 == 1: line(f, "")
        if i % 2100 == 4: line(f, "too,few,columns")
with open(f"{out}/calls.csv", "w", newline="") as f:
    line(f, "record_id,agency,releasable_to,caller,callee,start_utc,duration_s,caller_country,callee_country")
    for i in range(8000):
        dur = str(i % 3600) if i % 2500 != 11 else "-5"
        line(f, f"C{i},TEL,,{phone()},{phone()},2025-03-01T10:{i % 60:02d}:00Z,{dur},PAK,DEU")
with open(f"{out}/subscribers.csv", "w", newline="") as f:
    line(f, "record_id,agency,releasable_to,phone,given_name,family_name,date_of_birth,nationality,document_number,registered_utc")
    for i in range(1500):
        dob = "1980-01-01" if i % 700 != 3 else "1980-13-45"
        line(f, f"S{i},TEL,,{phone()},{rnd.choice(given)},{rnd.choice(family)},{dob},PAK,AB{i:06d},2024-01-01T00:00:00Z")
with open(f"{out}/enforcement.csv", "w", newline="") as f:
    line(f, "record_id,agency,releasable_to,date,action,document_number,given_name,family_name,location,date_of_birth,phone")
    for i in range(300):
        line(f, f"E{i},POL,,2025-04-0{1 + i % 9},arrest,AB{i:06d},Mohammed,Khan,\"Frankfurt, Hbf\",1980-01-01,{phone()}")
PY

COMMON=(ingest --feeds feeds --set ingest.reference_date=2025-06-01 --log-level warn)
"$CH_BIN" "${COMMON[@]}" --out r1.h5 --threads 1
"$CH_BIN" "${COMMON[@]}" --out r1t2.h5 --threads 2
"$MPIEXEC" "${FLAGS[@]}" -n 2 "$CH_BIN" "${COMMON[@]}" --out r2.h5 --threads 1
"$MPIEXEC" "${FLAGS[@]}" -n 4 "$CH_BIN" "${COMMON[@]}" --out r4.h5 --threads 1

/usr/bin/python3 - r1.h5 r1t2.h5 r2.h5 r4.h5 <<'PY'
import hashlib, sys, h5py, numpy as np
VOLATILE = {"started_utc", "finished_utc", "ranks", "threads", "program_commit", "host"}
def digest(path):
    out = {}
    with h5py.File(path, "r") as f:
        for k, v in f.attrs.items():
            if k not in VOLATILE: out["@" + k] = hashlib.sha256(np.asarray(v).tobytes()).hexdigest()
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = hashlib.sha256(obj[()].tobytes()).hexdigest() + str(obj.dtype)
                for k, v in obj.attrs.items(): out[name + "@" + k] = str(v)
        f.visititems(visit)
    return out
ref = digest(sys.argv[1])
assert len(ref) > 60, len(ref)
for other in sys.argv[2:]:
    d = digest(other)
    diff = sorted(k for k in set(ref) | set(d) if ref.get(k) != d.get(k))
    assert not diff, f"{other} differs from {sys.argv[1]} in {diff}"
print(f"{len(ref)} datasets and attributes identical across 1/2/4 ranks and 1/2 threads")

with h5py.File(sys.argv[1], "r") as f:
    s = f["summary"]
    names = [f["summary/_dict/source"][c].decode() for c in s["source"][()]]
    read, kept, quar = s["rows_read"][()], s["kept"][()], s["quarantined"][()]
    assert (read == kept + quar).all(), (read, kept, quar)
    assert f["quarantine/line"].shape[0] == quar.sum()
    assert f["observations/obs"].shape[0] == kept[names.index("travel")] + kept[names.index("subscribers")] + kept[names.index("enforcement")]
    assert f["calls/line"].shape[0] == kept[names.index("calls")]
    assert (f["observations/obs"][()] == np.arange(f["observations/obs"].shape[0])).all()
    travel = names.index("travel")
    assert read[travel] == 6000 + 3, read[travel]           # 6000 rows + 3 short rows; blanks skipped
    assert s["blank_lines"][()][travel] == 8
    for reason, n in [("duplicate_record_id", 6), ("unknown_partner", 6), ("future_birth_date", 4),
                      ("invalid_phone", 4), ("wrong_column_count", 3)]:
        assert s[reason][()][travel] == n, (reason, s[reason][()][travel])
    assert s["invalid_number"][()][names.index("calls")] == 4
    # Kept duplicates: the first occurrence (line order) of T3 survives, later ones are quarantined.
    ids = f["observations/record_id"][()]
    assert (ids == b"T3").sum() == 1
    q = f["quarantine"]
    reasons = [f["quarantine/_dict/reason"][c].decode() for c in q["reason"][()]]
    lines = q["line"][()]
    # Quarantine rows in input order: files in order (calls, swept after the observation
    # sources, between travel and subscribers), lines ascending within a file.
    qfile = [names.index(f["quarantine/_dict/source"][c].decode()) for c in q["source"][()]]
    assert list(zip(qfile, lines)) == sorted(zip(qfile, lines)), "quarantine not in input order"
    assert {names.index(n) for n in ("travel", "calls", "subscribers")} <= set(qfile), set(qfile)
    dup_lines = [l for l, r in zip(lines, reasons) if r == "duplicate_record_id"]
    t3_line = f["observations/line"][()][list(ids).index(b"T3")]
    assert all(l > t3_line for l in dup_lines), (dup_lines, t3_line)
    # Segments point at travel observations.
    seg_obs = f["segments/obs"][()]
    src = f["observations/source"][()]
    travel_code = [c.decode() for c in f["observations/_dict/source"][()]].index("travel")
    assert (src[seg_obs] == travel_code).all() and len(seg_obs) == kept[travel]
print("accounting and outcomes as expected")
PY
