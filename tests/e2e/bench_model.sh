#!/usr/bin/env bash
# bench/model.py on a hand-made scale file: a stage whose per-rank shuffle volume follows
# V·(p−1)/p² is predicted exactly at 4 ranks (ratio 1.00), one with a replicated exchange is not
# (0.50); replicated stages grow with the nodes in the projection, partitioned ones do not;
# a file without a 4-rank run is refused.
source "$(dirname "$0")/lib/common.bash"
MODEL="$CH_SOURCE_DIR/bench/model.py"
cd "$CH_SCRATCH" || exit 1

# V = 80 MB: 2 ranks send 80/2·1/2 = 20 MB each, 4 ranks 80/4·3/4 = 15 MB. "ghosts" sends 30 MB
# at 4 ranks instead (a replicated part that does not shrink).
"$PY" - <<'EOF'
import json
def m(stage, ranks, seconds, shuffle):
    return {"stage": stage, "ranks": ranks, "threads": 1, "seconds": seconds, "rows": 1000,
            "bytes": 0, "peak_rss_bytes_max": 1, "shuffle_bytes_max": shuffle}
runs = {str(p): [m("network", p, 2.0 / p, {1: 0, 2: 20e6, 4: 15e6}[p]),
                 m("ghosts", p, 1.0, {1: 0, 2: 20e6, 4: 30e6}[p]),
                 m("assess", p, 0.5, 0)] for p in (1, 2, 4)}
json.dump({"scenario": "t", "runs": runs}, open("scale.json", "w"))
d = json.load(open("scale.json")); del d["runs"]["4"]; json.dump(d, open("no4.json", "w"))
EOF
"$PY" "$MODEL" scale.json --nodes 10,100 --json model.json >model.out || fail "model.py failed"
grep -q '| network | 20.0 | 80.0 | 15.0 | 15.0 | 1.00 |' model.out || { cat model.out; fail "network volume not predicted"; }
grep -q '| ghosts | 20.0 | 80.0 | 15.0 | 30.0 | 0.50 |' model.out || { cat model.out; fail "ghosts ratio wrong"; }
"$PY" - <<'EOF'
import json
d = json.load(open("model.json"))["projection"]
# assess is replicated: 0.5 s on 1 node, 0.5 + 0.5·9 on 10 nodes.
assert abs(d["assess"]["10"] - 5.0) < 1e-9, d["assess"]
# network: 2 s compute + 80 MB·0.9/10 GB/s + 7 rounds·10·2 us.
want = 2.0 + 80e6 * 0.9 / 10e9 + 7 * 10 * 2e-6
assert abs(d["network"]["10"] - want) < 1e-9, (d["network"], want)
EOF
[[ $? == 0 ]] || fail "projection wrong"
expect_exit 1 "$PY" "$MODEL" no4.json
echo OK
