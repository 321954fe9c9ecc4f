#!/usr/bin/env bash
# Measures mmsim's speed and memory and writes docs/performance.md (issue 11 items 1 and 3).
#
# Usage: scripts/measure-performance.sh [OUTPUT.md]        (default: docs/performance.md)
#   SIZES="1 16 64 1024"  machine sizes in GiB for the scale tables (1024 = 1 TiB; needs ~6 GiB of RAM)
#   SKIP_BUILD=1          use the Release build already there
#
# Builds Release, then runs the CLI: every shipped scenario and preset once (one seed), the default
# `mmsim compare`, allocator-churn and the default scenario's workload at each machine size, and the
# default scenario and the thpchallenge preset at 1x, 2x and 4x their duration. Every figure comes from the
# runs' timing.json (wall time, boot time, engine events, memmap bytes per page, peak RSS) and proc/vmstat
# (pages allocated). Needs bash, awk, sed and the .NET SDK; nothing else. The scaled scenarios are generated
# into a temporary folder (never into scenarios/, whose files the determinism tests all run).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out_md=${1:-$root/docs/performance.md}
sizes=${SIZES:-1 16 64 1024}
work=$(mktemp -d "${TMPDIR:-/tmp}/mmsim-perf.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$root"

if [[ -z "${SKIP_BUILD:-}" ]]; then
  dotnet build mmsim.slnx -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
fi
mmsim_dll=$root/src/MmSim.Cli/bin/Release/net10.0/mmsim.dll
[[ -f $mmsim_dll ]] || { echo "measure-performance: $mmsim_dll not built" >&2; exit 1; }
mmsim() { dotnet "$mmsim_dll" "$@"; }

# One numeric field of a flat JSON file (timing.json).
jget() { sed -n "s/^ *\"$2\": *\([-0-9.eE+]*\).*/\1/p" "$1" | head -n 1; }

# Pages allocated during the run: the pgalloc_* lines of the run's /proc/vmstat.
pgalloc() { awk '/^pgalloc_/ { s += $2 } END { printf "%d", s }' "$1/proc/vmstat"; }

# Runs one scenario into $work/runs/TAG and prints one Markdown table row:
# | TAG | wall s | boot s | engine events | events/s | pages allocated | pages allocated/s | memmap B/page | peak RSS MiB | RSS B/page |
run_row() {
  local tag=$1 scenario=$2 dir=$work/runs/$1
  rm -rf "$dir"
  if ! mmsim run "$scenario" --out "$dir" >"$work/$tag.log" 2>&1; then
    echo "| $tag | failed: $(tail -n 1 "$work/$tag.log") |||||||||"
    return
  fi
  local t=$dir/timing.json
  local run boot events eps pages span memmap rss
  run=$(jget "$t" run_wall_seconds); boot=$(jget "$t" boot_wall_seconds)
  events=$(jget "$t" events_processed); eps=$(jget "$t" events_per_second)
  span=$(jget "$t" node_spanned_pages); memmap=$(jget "$t" memmap_bytes_per_page)
  rss=$(jget "$t" peak_rss_bytes); pages=$(pgalloc "$dir")
  awk -v tag="$tag" -v run="$run" -v boot="$boot" -v ev="$events" -v eps="$eps" -v pages="$pages" \
      -v span="$span" -v memmap="$memmap" -v rss="$rss" 'BEGIN {
    work = run - boot; if (work <= 0) work = 1e-9
    printf "| %s | %.2f | %.2f | %d | %s | %d | %.0f | %.1f | %.0f | %.1f |\n",
      tag, run, boot, ev, (ev > 0 ? sprintf("%.0f", eps) : "-"), pages, pages / work, memmap, rss / 1048576, rss / span }'
}

header='| run | run wall s | boot s | engine events | events/s | pages allocated | pages allocated/s (after boot) | memmap B/page | peak RSS MiB | peak RSS B/page |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|'

# allocator-churn at SIZE GiB: the x86-64 layout of the shipped file (DMA, DMA32 to 3 GiB, the PCI hole, Normal
# above 4 GiB), the CMA area at 1/64 of memory (256 MiB at 16 GiB), and operations in proportion to memory
# (2,000,000 at 16 GiB), so the fill reaches its 70 % and churns for the same share of memory at every size.
churn_at() {
  local gib=$1 f=$work/churn-${1}GiB.yaml
  local ops=$((2000000 * gib / 16)) cma=$((gib * 1024 / 64))
  {
    echo "version: 1"
    echo "name: allocator-churn-${gib}GiB"
    echo "seed: 1"
    echo "kernel: { release: 6.18 }"
    echo "machine:"
    echo "  zones:"
    echo "    - { name: DMA, size: 16MiB, reserved: 1MiB }"
    if ((gib < 4)); then
      echo "    - { name: DMA32, size: $((gib * 1024 - 16))MiB }"
      echo "  cma:"
      echo "    - { name: reserved, size: ${cma}MiB, zone: DMA32 }"
    else
      echo "    - { name: DMA32, size: 3056MiB }"
      echo "    - { name: Normal, start_pfn: 0x100000, size: $((gib - 3))GiB }"
      echo "  cma:"
      echo "    - { name: reserved, size: ${cma}MiB }"
    fi
    awk '/^workloads:/ { p = 1 } p' scenarios/allocator-churn.yaml | sed "s/ops: .*/ops: $ops/"
  } >"$f"
  echo "$f"
}

# The default scenario's workload on a machine of SIZE GiB: every size in the machine and the workloads (zones, the
# CMA area, files, the anonymous mapping, the FUSE server's backing, cma_alloc's pages) times SIZE / 512 MiB. Zones
# keep the default's shares (DMA32 1/2, Normal 1/4 with the CMA area of 1/8, Movable 1/4) up to 4 GiB; from 8 GiB
# DMA32 stops at 3 GiB below the PCI hole and Normal takes the rest. Memory blocks are 1 GiB from 8 GiB on, and the
# offline step takes the first block of ZONE_MOVABLE as the default's block 3 does. Rates stay as they are: the
# writers and the reader touch as many pages a second as on 512 MiB, while the THP process faults its (scaled)
# mapping in over the same fill_time, so its fault rate grows with the machine.
default_at() {
  local gib=$1 f=$work/default-${1}GiB.yaml
  local k=$((gib * 2)) movable=$((gib * 1024 / 4)) cma=$((gib * 1024 / 8)) machine block
  if ((gib < 8)); then
    local dma32=$((gib * 1024 / 2)) normal=$((gib * 1024 / 4))
    block=$(((dma32 + normal) / 128))
    machine="machine:
  zones:
    - { name: DMA32, size: ${dma32}MiB, reserved: 2MiB }
    - { name: Normal, size: ${normal}MiB }
    - { name: Movable, size: ${movable}MiB }
  cma:
    - { name: cma0, size: ${cma}MiB, zone: Normal }"
  else
    local normal=$((gib * 1024 - 3072 - movable))
    block=$(((4096 + normal) / 1024))
    machine="machine:
  memory_block_size: 1GiB
  zones:
    - { name: DMA32, size: 3GiB, reserved: 2MiB }
    - { name: Normal, start_pfn: 0x100000, size: ${normal}MiB }
    - { name: Movable, size: ${movable}MiB }
  cma:
    - { name: cma0, size: ${cma}MiB, zone: Normal }"
  fi
  awk -v k="$k" -v gib="$gib" -v machine="$machine" -v block="$block" '
    function times(line, re, unit,    out, tok, num) {
      out = ""
      while (match(line, re)) {
        tok = substr(line, RSTART, RLENGTH); num = tok; gsub(/[^0-9]/, "", num)
        sub(/[0-9]+[A-Za-z]*$/, "", tok)
        out = out substr(line, 1, RSTART - 1) tok sprintf("%d", num * k) unit
        line = substr(line, RSTART + RLENGTH)
      }
      return out line
    }
    /^machine:/ { print machine; skip = 1; next }
    skip && /^[a-z]/ { skip = 0 }
    skip { next }
    /^name:/ { print "name: default-" gib "GiB"; next }
    /^seeds:/ { next }
    /^#/ { next }
    {
      line = times($0, "size: [0-9]+MiB", "MiB")
      line = times(line, "pages: [0-9]+", "")
      sub(/block: 3,/, "block: " block ",", line)
      print line
    }' scenarios/default.yaml >"$f"
  echo "$f"
}

# SCENARIO with its duration times FACTOR.
duration_times() {
  local src=$1 factor=$2 name f
  name=$(basename "$src" .yaml)
  f=$work/$name-x$factor.yaml
  awk -v x="$factor" -v name="$name" '
    /^name:/ { print "name: " name "-x" x; next }
    /^duration:/ { d = $2; n = d; sub(/[a-z]+$/, "", n); u = d; sub(/^[0-9.]+/, "", u); print "duration: " n * x u; next }
    { print }' "$src" >"$f"
  echo "$f"
}

{
  echo "# Performance"
  echo
  echo "Written by \`scripts/measure-performance.sh\` (rerun it to refresh this file; \`SIZES=\"1 16\"\` skips the big machines)."
  echo "Wall times are of one process on a shared machine and vary by some tens of percent between reruns;"
  echo "the event and page counts are deterministic."
  echo
  echo "## Machine"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- nproc: $(nproc), CPU: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || echo unknown)"
  echo "- memory: $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null || echo unknown), load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
  echo "- dotnet: $(dotnet --version)"
  echo
  echo "## Columns"
  echo
  echo "- *run wall s*: the run (boot, untimed workloads, engine) without writing results; *boot s*: building the memory map and the kernel."
  echo "- *engine events*, *events/s*: events the engine dispatched and their rate over the engine phase (\`-\` when the scenario has no timed workload)."
  echo "- *pages allocated*: the pgalloc_* counters of /proc/vmstat; per second over the run after boot (page operations/s)."
  echo "- *memmap B/page*: the node's per-page and per-pageblock arrays (struct page and its side arrays), allocated size per spanned page."
  echo "- *peak RSS*: VmHWM of the process (runtime, model and workload); *peak RSS B/page*: that per spanned page. Budget: 24 B/page."
  echo
  echo "## Shipped scenarios and presets (one seed each)"
  echo
  echo "$header"
  for s in scenarios/*.yaml scenarios/presets/*.yaml scenarios/examples/*.yaml; do
    run_row "$(basename "$s" .yaml)" "$s"
  done
  echo
  echo "## Default compare"
  echo
  start=$(date +%s.%N)
  if mmsim compare --out "$work/compare" >"$work/compare.log" 2>&1; then status=ok; else status="failed (exit $?)"; fi
  end=$(date +%s.%N)
  echo "\`mmsim compare\` (every design on scenarios/default.yaml, its 5 seeds, \`--jobs\` = nproc): $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s wall, $status."
  echo
  echo "## Cost against machine size"
  echo
  echo "allocator-churn with operations in proportion to memory (2,000,000 at 16 GiB), and the default scenario's workload"
  echo "with every size scaled by machine/512 MiB (see \`churn_at\` and \`default_at\` in the script for the layouts)."
  echo
  echo "$header"
  for g in $sizes; do run_row "allocator-churn-${g}GiB" "$(churn_at "$g")"; done
  for g in $sizes; do run_row "default-${g}GiB" "$(default_at "$g")"; done
  echo
  echo "## Where the memory and the boot time go"
  echo
  echo "- The node costs 20 bytes per page: struct page (16: flags, two list links, owner) and page->index (4); 2 more for"
  echo "  folio_memcg ids once a folio is charged below the root memcg (scenarios with cgroups). Per-pageblock arrays add"
  echo "  2 bytes per 512 pages. \`PgData.MemmapBytes\` sums them; \`MemmapFootprintTests\` fails the build above 24 B/page."
  echo "- The memory map is never filled: an all-zero \`PageFrame\` is an empty frame, so the OS backs only frames the model"
  echo "  writes. At boot that is every pageblock head, because memblock's frees go through split_large_buddy at pageblock"
  echo "  order and merge into MAX_PAGE_ORDER blocks: about half of struct page's 4 KiB pages, 2 GiB at 1 TiB."
  echo "- Boot at 1 TiB takes 15-20 s on this machine, most of it the page faults of that first touch (sys time) and the"
  echo "  half million order-9 frees; it was about 50 s while the map was filled with its empty value first."
  echo "- Workload arrays (anonymous page tables, page-cache indexes, live-block lists) come on top of the node; at 1 TiB"
  echo "  the whole process, runtime included, stays near 20 B/page (see the size table)."
  echo
  echo "## Cost against simulated duration"
  echo
  echo "$header"
  for s in scenarios/default.yaml scenarios/presets/thpchallenge.yaml; do
    for x in 1 2 4; do run_row "$(basename "$s" .yaml)-x$x" "$(duration_times "$s" "$x")"; done
  done
} >"$work/performance.md"

mkdir -p "$(dirname "$out_md")"
mv "$work/performance.md" "$out_md.tmp" && mv "$out_md.tmp" "$out_md"
echo "measure-performance: wrote $out_md"
