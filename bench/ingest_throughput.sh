#!/usr/bin/env bash
# Ingest throughput against the cost of just reading the bytes: times `wc -l`, `cat > /dev/null`
# and `clearinghouse ingest` (1 and 2 ranks) on the same synthetic feeds, from page cache.
#
#   bench/ingest_throughput.sh BUILD_DIR/jobs/clearinghouse [ROWS] [WORKDIR]
#
# The feeds imitate the generator's layout: travel rows with names (a fifth of them accented),
# calls, subscribers and enforcement rows, ROWS (default 1,000,000) travel rows and as many calls.
set -euo pipefail
BIN="${1:?usage: $0 CLEARINGHOUSE [ROWS] [WORKDIR]}"
ROWS="${2:-1000000}"
WORK="${3:-$(mktemp -d)}"
MPIEXEC="${MPIEXEC:-mpiexec}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
mkdir -p "$WORK/feeds"

/usr/bin/python3 - "$WORK/feeds" "$ROWS" <<'PY'
import random, sys
out, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
given = ["José", "Łukasz", "Müller", "Ahmed", "Mohammed", "Muhammad", "Anna", "Olga", "Ivan",
         "Fatima", "Chen", "Maria", "John", "Aisha", "Yusuf", "Sofia", "Omar", "Elena", "Ali", "Nora"]
family = ["Khan", "Nowak", "Schmidt", "García", "Smith", "Ivanov", "Hussain", "Kowalski", "Rossi",
          "Ahmadi", "Öztürk", "Dubois", "Lee", "Haddad", "Novák", "Silva", "Popescu", "Ali"]
nat = ["PAK", "POL", "DEU", "ESP", "GBR", "RUS", "AFG", "SYR", "TUR", "ITA"]
air = ["KHI", "FRA", "LHR", "IST", "DXB", "WAW", "MAD", "JFK", "CDG", "DOH"]
rel = ["", "", "interpol", "europol;interpol", "frontex"]
def phone(): return "+92300%07d" % rnd.randrange(10**7)
with open(f"{out}/travel.csv", "w", encoding="utf-8") as f:
    f.write("record_id,agency,releasable_to,booking_ref,given_name,family_name,date_of_birth,sex,"
            "nationality,document_type,document_number,document_country,phone,email,payment_ref,"
            "carrier,flight_number,origin,destination,departure_utc\n")
    for i in range(n):
        g, fa = rnd.choice(given), rnd.choice(family)
        f.write(f"T{i},AGY{i%7},{rnd.choice(rel)},BK{i//3},{g},{fa},19{rnd.randrange(40,99)}-0{rnd.randrange(1,9)}-1{rnd.randrange(0,9)},"
                f"{rnd.choice('MF')},{rnd.choice(nat)},P,P{rnd.randrange(10**8):08d},{rnd.choice(nat)},{phone()},"
                f"{g.lower()}.{i}@example.com,PAY{i//5},LH,LH{rnd.randrange(1000)},{rnd.choice(air)},{rnd.choice(air)},"
                f"2025-03-{rnd.randrange(10,28)}T08:35:00Z\n")
with open(f"{out}/calls.csv", "w") as f:
    f.write("record_id,agency,releasable_to,caller,callee,start_utc,duration_s,caller_country,callee_country\n")
    for i in range(n):
        f.write(f"C{i},TEL{i%3},,{phone()},{phone()},2025-03-01T10:{i%60:02d}:00Z,{rnd.randrange(3600)},PAK,DEU\n")
with open(f"{out}/subscribers.csv", "w") as f:
    f.write("record_id,agency,releasable_to,phone,given_name,family_name,date_of_birth,nationality,document_number,registered_utc\n")
    for i in range(n // 10):
        f.write(f"S{i},TEL,,{phone()},{rnd.choice(given)},{rnd.choice(family)},1980-01-01,PAK,P{i:08d},2024-01-01T00:00:00Z\n")
with open(f"{out}/enforcement.csv", "w") as f:
    f.write("record_id,agency,releasable_to,date,action,document_number,given_name,family_name,location\n")
    for i in range(n // 100):
        f.write(f"E{i},POL,,2025-04-01,arrest,P{i:08d},{rnd.choice(given)},{rnd.choice(family)},Frankfurt\n")
PY

FILES=("$WORK"/feeds/{travel,calls,subscribers,enforcement}.csv)
cat "${FILES[@]}" > /dev/null  # warm the page cache
LINES=$(cat "${FILES[@]}" | wc -l)
BYTES=$(cat "${FILES[@]}" | wc -c)
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>&1; e=$(date +%s.%N); awk "BEGIN{print $e - $s}"; }
report() { printf '%-34s %7.3f s  %8.2f M rows/s  %8.1f MB/s\n' "$1" "$2" "$(awk "BEGIN{print $LINES / $2 / 1e6}")" "$(awk "BEGIN{print $BYTES / $2 / 1e6}")"; }
echo "feeds: $LINES lines, $((BYTES / 1000000)) MB in $WORK/feeds"
report "wc -l" "$(t wc -l "${FILES[@]}")"
report "cat > /dev/null" "$(t cat "${FILES[@]}")"
report "ingest, 1 rank, 1 thread" "$(t "$BIN" ingest --feeds "$WORK/feeds" --out "$WORK/r1.h5" --threads 1)"
report "ingest, 1 rank, 2 threads" "$(t "$BIN" ingest --feeds "$WORK/feeds" --out "$WORK/r1t2.h5" --threads 2)"
report "ingest, 2 ranks, 1 thread each" "$(t "$MPIEXEC" -n 2 "$BIN" ingest --feeds "$WORK/feeds" --out "$WORK/r2.h5" --threads 1)"
