#!/usr/bin/env bash
# The heap asks for transparent huge pages (jobs/main.cpp): with the kernel's THP mode `madvise`
# (Debian's default) a stage's heap is in huge pages only because it asked, and CH_HUGE_PAGES=0
# turns the advice off. Checked through --metrics' huge_page_bytes_max (AnonHugePages at the end
# of the stage, max over ranks) of `generate` on the demo world, 2 ranks. Registered only for
# builds with tcmalloc, whose system allocator carries the advice.
source "$(dirname "$0")/lib/common.bash"

mode=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo never)
huge_bytes() {  # huge_bytes NAME [ENV...]: huge_page_bytes_max of a demo generate
  local name=$1
  shift
  env "$@" "$CH_MPIEXEC" $CH_MPIEXEC_FLAGS -x CH_HUGE_PAGES -n 2 "$CH_BIN" generate --scenario demo \
    --out "$CH_SCRATCH/$name" --log-level warn --metrics "$CH_SCRATCH/$name.jsonl"
  $PY -c 'import json, sys; print(json.loads(open(sys.argv[1]).readlines()[-1])["huge_page_bytes_max"])' \
    "$CH_SCRATCH/$name.jsonl"
}
advised=$(huge_bytes advised CH_HUGE_PAGES=1)
plain=$(huge_bytes plain CH_HUGE_PAGES=0)
echo "THP mode $mode: $advised bytes in huge pages with the advice, $plain without"
case $mode in
  madvise)
    ((advised >= 2 * 1024 * 1024)) || fail "the heap asked for huge pages but holds $advised bytes in them"
    ((plain == 0)) || fail "CH_HUGE_PAGES=0 still gave $plain bytes of huge pages" ;;
  always) ((advised > 0 && plain > 0)) || fail "THP is always on, yet the heap holds no huge pages" ;;
  *) ((advised == 0 && plain == 0)) || fail "THP is $mode, yet huge pages were reported" ;;
esac
