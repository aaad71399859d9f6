#!/usr/bin/env bash
# report end to end: a small demo run assessed against an earlier one (so /progress exists),
# `report` on 2 and 1 ranks (the same bytes), then the page rendered by headless Chromium: the
# screenshot is not blank and shows the role colours, the DOM holds every section and non-empty
# SVG charts, and nothing refers outside the file. Bad --run directories give a clear exit 2.
source "$(dirname "$0")/lib/common.bash"
S=$CH_SCRATCH
small=(--set world.persons=6000 --set organizations.count=4)

# ---- errors ----------------------------------------------------------------------------------
expect_exit 2 ch_mpirun 2 report --run /nonexistent/run
grep -q "run directory '/nonexistent/run' does not exist" "$S/last.err" || fail "missing run directory not named"
[[ $(grep -c "does not exist" "$S/last.err") == 1 ]] || fail "the error should be printed once, not per rank"
mkdir -p "$S/empty"
expect_exit 2 "$CH_BIN" report --run "$S/empty"
grep -q "no assessment.h5 in '$S/empty'" "$S/last.err" || fail "missing assessment.h5 not named"
expect_exit 2 "$CH_BIN" report --run "$S/empty" --top 0
expect_exit 2 "$CH_BIN" report --run "$S/empty" --out "$S/report.pdf"
grep -q "writes HTML" "$S/last.err" || fail "--out FILE.pdf: no hint that report writes HTML"

# ---- two runs: the second assessed against the first -----------------------------------------
ch_mpirun 2 run --scenario demo --out "$S/early" --until assess --log-level warn "${small[@]}" \
  --set world.months=6 --set 'enforcement.action_months=[4]' >/dev/null
ch_mpirun 2 run --scenario demo --out "$S/run" --until assess --previous "$S/early" --log-level warn "${small[@]}" >/dev/null

ch_mpirun 2 report --run "$S/run" --out "$S/report.html" --log-level warn
ch_mpirun 1 report --run "$S/run" --out "$S/report-1rank.html" --log-level warn
cmp -s "$S/report.html" "$S/report-1rank.html" || fail "the report differs between 1 and 2 ranks"
[[ $(stat -c %a "$S/report.html") == 640 ]] || fail "report mode is $(stat -c %a "$S/report.html"), want 640"
ls "$S"/*.partial >/dev/null 2>&1 && fail "a .partial file was left behind"
# Default output name; without --previous there is no progress section.
ch_mpirun 1 report --run "$S/early" --log-level warn
[[ -s $S/early/report.html ]] || fail "no RUN/report.html by default"
grep -q 'id="progress"' "$S/early/report.html" && fail "progress section without an earlier assessment"
grep -q 'id="progress"' "$S/report.html" || fail "no progress section with --previous"
# Self-contained: no scripts, links, external fonts or images.
if grep -Eqi 'https?:|<script|<link|<img|@import|url\(|src=' "$S/report.html"; then
  grep -Eoi '.{30}(https?:|<script|<link|<img|@import|url\(|src=).{30}' "$S/report.html" | head -3 >&2
  fail "the report refers to something outside itself"
fi

# ---- headless Chromium -----------------------------------------------------------------------
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[[ -n $CHROMIUM ]] || fail "chromium not found (scripts/setup.sh installs the Debian package 'chromium')"
# Root in a container: no sandbox, no GPU, no /dev/shm, and a HOME we may write to.
export HOME="$S/home" XDG_CONFIG_HOME="$S/home/.config" XDG_CACHE_HOME="$S/home/.cache" XDG_RUNTIME_DIR="$S/home/run"
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
browse() {
  timeout 180 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --no-default-browser-check --disable-extensions --disable-background-networking --hide-scrollbars \
    --user-data-dir="$S/home/profile" "$@"
}
browse --screenshot="$S/report.png" --window-size=1280,4000 "file://$S/report.html" >"$S/chromium.out" 2>&1 ||
  { tail -20 "$S/chromium.out" >&2; fail "chromium --screenshot failed"; }
browse --dump-dom "file://$S/report.html" >"$S/dom.html" 2>"$S/chromium-dom.err" ||
  { tail -20 "$S/chromium-dom.err" >&2; fail "chromium --dump-dom failed"; }

"$PY" - "$S/dom.html" <<'EOF'
import sys
from html.parser import HTMLParser

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.tags, self.classes, self.refs, self.text = set(), {}, {}, [], []
    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k, v in attrs:
            if k == "id":
                self.ids.add(v)
            if k == "class":
                for c in (v or "").split():
                    self.classes[c] = self.classes.get(c, 0) + 1
            if k in ("href", "src", "xlink:href", "action", "poster", "data"):
                self.refs.append(v or "")
    def handle_data(self, data):
        self.text.append(data)

d = Dom()
d.feed(open(sys.argv[1], encoding="utf-8").read())
want = ["provenance", "summary", "organizations", "packages", "org-1", "org-2", "corridors", "trends",
        "progress", "leads", "referrals"]
missing = [i for i in want if i not in d.ids]
assert not missing, f"sections missing from the DOM: {missing}"
orgs = sum(1 for i in d.ids if i.startswith("org-"))
# Organizations chart, a diagram and a monthly chart per organization, corridor bars and flows,
# three trend charts, two progress charts, referrals.
svgs = d.tags.get("svg", 0)
assert svgs >= 1 + 2 * orgs + 2 + 3 + 2 + 1, f"{svgs} svg elements for {orgs} organizations"
for cls, least in [("node", 3 * orgs), ("edge", orgs), ("bar", 5), ("line", 4), ("flow", 4), ("flow-node", 3)]:
    assert d.classes.get(cls, 0) >= least, f"only {d.classes.get(cls, 0)} elements of class {cls}"
text = " ".join(d.text)
assert "no data" not in text and "no members" not in text, "an empty chart"
assert "Dismantling index" in text and "Referrals per agency" in text
bad = [r for r in d.refs if not r.startswith("#")]
assert not bad, f"references outside the page: {bad[:5]}"
print(f"DOM: {len(d.ids)} ids, {orgs} organizations, {svgs} svg, {d.classes.get('node')} nodes, {d.classes.get('edge')} edges")
EOF

"$PY" - "$S/report.png" <<'EOF'
import sys
try:
    from PIL import Image
except ImportError:
    sys.exit("python3-pil is missing (scripts/setup.sh installs it)")
im = Image.open(sys.argv[1]).convert("RGB")
assert im.size == (1280, 4000), im.size
small = im.resize((320, 1000))
colours = small.getcolors(1 << 20)
assert colours and len(colours) > 200, f"only {len(colours or [])} distinct colours: blank or broken page"
background = max(colours)[1]
busy = sum(n for n, c in colours if sum(abs(a - b) for a, b in zip(c, background)) > 60)
assert busy > 0.03 * 320 * 1000, f"only {busy} non-background pixels"
# Text in the header (fonts work) and the role colours of the diagrams (SVG renders).
header = im.crop((0, 0, 1280, 200)).convert("L")
assert min(header.getdata()) < 80, "no dark text in the header"
pixels = set(im.getdata())
for name, rgb in [("recruiter", (0x1F, 0x77, 0xB4)), ("bar chart", (0x4E, 0x79, 0xA7))]:
    assert any(sum(abs(a - b) for a, b in zip(p, rgb)) < 12 for p in pixels), f"no {name} colour in the screenshot"
print(f"PNG: {len(colours)} colours (scaled), {busy} busy pixels")
EOF
echo OK
