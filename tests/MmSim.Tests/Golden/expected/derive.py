#!/usr/bin/env python3
"""Writes the golden files of GoldenProcTests from numbers derived by hand.

Every number below is worked out on paper from the kernel formulas (comments give the steps);
every line is printed with the kernel's own format string (Python's % operator follows C printf).
Nothing here runs mmsim, so a golden test compares the C# model against an independent derivation.
Run from this folder:  python3 derive.py

Machine "small" (PageAllocOptions: pcp disabled, everything else default):
  DMA    PFN 0..4095     (PFN 0 reserved: present 4096, managed 4095)
  DMA32  PFN 4096..8191  (managed 4096)
  Normal PFN 8192..16383 (managed 8192); Movable empty; Device (ZONE_DEVICE) empty.
Boot frees the largest aligned blocks ascending: DMA gets 1,2,4,...,512 (orders 0..9) and
1024,2048,3072 (order 10); DMA32 4 and Normal 8 order-10 blocks; every pageblock MOVABLE.

Watermarks (mm/page_alloc.c, khugepaged):
  calculate_min_free_kbytes: nr_free_buffer_pages = 4095+4096+8192 = 16383 -> lowmem 65532 KiB,
    int_sqrt(65532*16 = 1048512) = 1023.  __setup_per_zone_wmarks: pages_min = 1023>>2 = 255 ...
  set_recommended_min_free_kbytes: 3 zones -> 512*3*2 + 512*3*9 = 16896, capped at
    nr_free_buffer_pages/20 = (4002+4003+8003)/20 = 800 pages = 3200 KiB > 1023 -> min_free_kbytes 3200.
  pages_min = 800, lowmem_pages = 16383:
    DMA    min 800*4095/16383 = 199, +max(199>>2=49, 4095*10/10000=4): low 248 high 297 promo 346
    DMA32  min 800*4096/16383 = 200, +50: 250 300 350
    Normal min 800*8192/16383 = 400, +100: 500 600 700
    Movable min clamp(0/1024, 32, 128) = 32, +max(0, 0): 32 32 32 32
  lowmem_reserve (ratios 256 256 32 0): DMA (0, 4096/256=16, 12288/256=48, 48, 48);
    DMA32 (0, 0, 8192/256=32, 32, 32); Normal and Movable all 0.
  pcp: batch = 1 everywhere (managed>>12 <= 2 -> rounddown_pow_of_two(2+1)-1 = 1 or <= 1 -> 1);
    high_min = low watermark (248/250/500), high_max = managed/8 (511/512/1024); high stays 0.
  vm stats threshold: managed < 128 MiB -> 2*fls(1)*(1+fls(0)) = 2.
  totalreserve_pages = min(48+297, 4095) + (32+300) + (0+600) + min(0+32, 0) = 1277.
"""

ORDERS = 11
MT = ["Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate"]
ZONES = ["DMA", "DMA32", "Normal"]
VMSTAT_NAMES = [l.split()[0] for l in open("../samples-6.18/vmstat")]
NODE_ITEMS = VMSTAT_NAMES[VMSTAT_NAMES.index("nr_inactive_anon"):VMSTAT_NAMES.index("nr_dirty_threshold")]
ZONE_ITEMS = VMSTAT_NAMES[:VMSTAT_NAMES.index("numa_hit")]
NUMA_ITEMS = VMSTAT_NAMES[VMSTAT_NAMES.index("numa_hit"):VMSTAT_NAMES.index("nr_inactive_anon")]


def buddyinfo(nr_free):
    out = ""
    for z in ZONES:
        out += "Node %d, zone %8s " % (0, z) + "".join("%6lu " % n for n in nr_free[z]) + "\n"
    return out


def pagetypeinfo(free_by_type, blocks, mixed):
    out = "Page block order: %d\n" % 9 + "Pages per block:  %lu\n" % 512 + "\n"
    out += "%-43s " % "Free pages count per migrate type at order" + "".join("%6d " % o for o in range(ORDERS)) + "\n"
    for z in ZONES:
        for mt in MT:
            counts = free_by_type.get((z, mt), [0] * ORDERS)
            out += "Node %4d, zone %8s, type %12s " % (0, z, mt) + "".join("%s%6lu " % ("", c) for c in counts) + "\n"
    for title, table in (("Number of blocks type ", blocks), ("Number of mixed blocks ", mixed)):
        out += "\n%-23s" % title + "".join("%12s " % mt for mt in MT) + "\n"
        for z in ZONES:
            out += "Node %d, zone %8s " % (0, z) + "".join("%12lu " % table[z].get(mt, 0) for mt in MT) + "\n"
    return out


def zone_head(name, free, boost, marks, spanned, present, managed, cma, prot):
    s = "\n  pages free     %lu" % free + "\n        boost    %lu" % boost
    for label, v in zip(["min", "low", "high", "promo"], marks):
        s += "\n        %-8s %lu" % (label, v + boost)
    s += "\n        spanned  %lu\n        present  %lu\n        managed  %lu\n        cma      %lu" % (spanned, present, managed, cma)
    s += "\n        protection: (%ld" % prot[0] + "".join(", %ld" % p for p in prot[1:]) + ")"
    return s


def zoneinfo(zones, node_stats):
    out = ""
    for z in zones:
        out += "Node %d, zone %8s" % (0, z["name"])
        if z["name"] == "DMA":
            out += "\n  per-node stats" + "".join("\n      %-12s %lu" % (n, node_stats.get(n, 0)) for n in NODE_ITEMS)
        out += zone_head(z["name"], z["free"], z["boost"], z["marks"], z["spanned"], z["present"], z["managed"], 0, z["prot"])
        if z["present"] == 0:
            out += "\n"
            continue
        out += "".join("\n      %-12s %lu" % (n, z["stats"].get(n, 0)) for n in ZONE_ITEMS)
        # NUMA events are per zone (zone->vm_numa_event); /proc/vmstat prints their sum.
        out += "".join("\n      %-12s %lu" % (n, z["stats"].get(n, 0)) for n in NUMA_ITEMS)
        out += "\n  pagesets"
        out += ("\n    cpu: %i\n              count:    %i\n              high:     %i\n              batch:    %i"
                "\n              high_min: %i\n              high_max: %i") % (0, 0, 0, 1, z["pcp"][0], z["pcp"][1])
        out += "\n  vm stats threshold: %d" % 2
        out += "\n  node_unreclaimable:  %u\n  start_pfn:           %lu" % (0, z["start"]) + "\n"
    return out


def vmstat(values):
    return "".join("%s %lu\n" % (n, values.get(n, 0)) for n in VMSTAT_NAMES[:-1]) + "nr_unstable 0\n"


def index_file(rows, fmt):
    return "".join("Node %d, zone %8s " % (0, z) + "".join(fmt % (int(i / 1000), int(abs(i) % 1000) * (1 if i >= 0 else -1)) for i in idx) + "\n"
                   for z, idx in rows)


def write(name, text):
    with open(name, "w", newline="\n") as f:
        f.write(text)


BASE_ZONES = {
    "DMA": dict(name="DMA", marks=[199, 248, 297, 346], spanned=4096, present=4096, managed=4095, prot=[0, 16, 48, 48, 48], pcp=(248, 511), start=0),
    "DMA32": dict(name="DMA32", marks=[200, 250, 300, 350], spanned=4096, present=4096, managed=4096, prot=[0, 0, 32, 32, 32], pcp=(250, 512), start=4096),
    "Normal": dict(name="Normal", marks=[400, 500, 600, 700], spanned=8192, present=8192, managed=8192, prot=[0, 0, 0, 0, 0], pcp=(500, 1024), start=8192),
}
EMPTY_ZONES = [
    dict(name="Movable", free=0, boost=0, marks=[32] * 4, spanned=0, present=0, managed=0, prot=[0] * 5),
    dict(name="Device", free=0, boost=0, marks=[0] * 4, spanned=0, present=0, managed=0, prot=[0] * 5),
]


def zones_with(state):
    return [dict(BASE_ZONES[z], **state[z]) for z in ZONES] + EMPTY_ZONES


# ---- boot: the booted machine, nothing allocated --------------------------------------------
boot_free = {"DMA": [1] * 10 + [3], "DMA32": [0] * 10 + [4], "Normal": [0] * 10 + [8]}
write("boot.buddyinfo", buddyinfo(boot_free))
write("boot.pagetypeinfo", pagetypeinfo(
    {(z, "Movable"): boot_free[z] for z in ZONES},
    {"DMA": {"Movable": 8}, "DMA32": {"Movable": 8}, "Normal": {"Movable": 16}},
    {z: {} for z in ZONES}))
write("boot.zoneinfo", zoneinfo(zones_with({
    # nr_free_pages_blocks counts free pages in blocks of order >= 9: DMA 512 + 3*1024.
    "DMA": dict(free=4095, boost=0, stats={"nr_free_pages": 4095, "nr_free_pages_blocks": 3584}),
    "DMA32": dict(free=4096, boost=0, stats={"nr_free_pages": 4096, "nr_free_pages_blocks": 4096}),
    "Normal": dict(free=8192, boost=0, stats={"nr_free_pages": 8192, "nr_free_pages_blocks": 8192}),
}), {}))
# Dirty limits: avail = 16383 - 1277 + 0 + 1 = 15107; ratio 20*4096/100 = 819, bg 409:
# thresh = 819*15107/4096 = 3020, bg = 409*15107/4096 = 1508. memmap: 1 section = 512 pages.
# pgfree: boot frees count PGFREE (__free_pages_ok): 16383.
write("boot.vmstat", vmstat({"nr_free_pages": 16383, "nr_free_pages_blocks": 15872, "nr_dirty_threshold": 3020,
                             "nr_dirty_background_threshold": 1508, "nr_memmap_boot_pages": 512, "pgfree": 16383}))
# unusable_free_index DMA, order o: (4095 - suitable<<o)*1000/4095 with suitable<<o = 4095 - (2^o - 1)
# for o <= 9 (the blocks below o are 1+2+...+2^(o-1)) and 3072 for o = 10.
dma_unusable = [(2 ** o - 1) * 1000 // 4095 for o in range(10)] + [1023 * 1000 // 4095]
write("boot.unusable_index", index_file([("DMA", dma_unusable), ("DMA32", [0] * 11), ("Normal", [0] * 11)], "%d.%03d "))
write("boot.extfrag_index", index_file([(z, [-1000] * 11) for z in ZONES], "%2d.%03d "))

# ---- ops: GoldenProcTests.RunOps (pcp disabled, so every request goes to the buddy lists) ----
# 1 m0 = GFP_KERNEL|GFP_DMA|__GFP_MOVABLE o0 -> DMA movable o0 list: PFN 1.
# 2-4 m1..m3 = same, o10 -> 1024, 2048, 3072 (heads of the movable o10 list).
# 5 u0 = GFP_KERNEL|GFP_DMA o0: no unmovable pages, __rmqueue_claim finds the movable o9 block 512,
#   claims it whole (order >= pageblock_order): block 512 becomes UNMOVABLE, expand leaves
#   513(o0) 514(o1) ... 768(o8) on the unmovable lists. u0 = 512.
# 6 r0 = GFP_KERNEL|GFP_DMA|__GFP_RECLAIMABLE o0: claim at o8 finds the unmovable 768 first
#   (fallbacks[RECLAIMABLE] = UNMOVABLE, MOVABLE); o8 < 9 so boost_watermark: max_boost =
#   297*15000/10000 = 445 -> max(512, 445) = 512, boost = 512. Block has 511 free pages >= 256:
#   the whole block moves to RECLAIMABLE (u0 stays inside: a mixed block); r0 = 513.
# 7 n0 = GFP_HIGHUSER_MOVABLE o3 -> Normal (Movable empty), splits o10 8192: n0 = 8192, leaves
#   8200(o3) 8208(o4) ... 8704(o9) on the movable lists.
# 8 free m2 (2048, o10); 9 free m0 (1, o0: its buddy PFN 0 is reserved, no merge).
ops_free = {"DMA": [1] + [2] * 8 + [0, 1], "DMA32": [0] * 10 + [4], "Normal": [0, 0, 0] + [1] * 7 + [7]}
write("ops.buddyinfo", buddyinfo(ops_free))
write("ops.pagetypeinfo", pagetypeinfo(
    {("DMA", "Movable"): [1] + [1] * 8 + [0, 1], ("DMA", "Reclaimable"): [0] + [1] * 8 + [0, 0],
     ("DMA32", "Movable"): ops_free["DMA32"], ("Normal", "Movable"): ops_free["Normal"]},
    {"DMA": {"Movable": 7, "Reclaimable": 1}, "DMA32": {"Movable": 8}, "Normal": {"Movable": 16}},
    {"DMA": {"Reclaimable": 1}, "DMA32": {}, "Normal": {}}))
# Node counters the test sets: THP items are kept in base pages and printed /512, pgpgin/out in
# sectors and printed /2.
node_stats = {"nr_inactive_file": 3000, "nr_active_file": 1000, "nr_slab_reclaimable": 5, "nr_dirty": 7,
              "nr_anon_transparent_hugepages": 1536 // 512, "nr_file_pmdmapped": 511 // 512}
write("ops.zoneinfo", zoneinfo(zones_with({
    # DMA free: 1 + 2*(2+4+...+256) + 1024 = 2045; blocks >= o9: the freed 1024.
    "DMA": dict(free=2045, boost=512, stats={"nr_free_pages": 2045, "nr_free_pages_blocks": 1024}),
    "DMA32": dict(free=4096, boost=0, stats={"nr_free_pages": 4096, "nr_free_pages_blocks": 4096}),
    # Normal free: 8192 - 8 = 8184; blocks >= o9: 512 + 7*1024 = 7680.
    "Normal": dict(free=8184, boost=0, stats={"nr_free_pages": 8184, "nr_free_pages_blocks": 7680, "numa_hit": 42}),
}), node_stats))
# avail = 14325 - 1277 + 3000 + 1000 + 1 = 17049: thresh 819*17049/4096 = 3408, bg 409*17049/4096 = 1702.
# pgalloc_dma = 1 + 3*1024 + 1 + 1 = 3075, pgalloc_normal = 8; pgfree = 16383 + 1024 + 1 = 17408.
write("ops.vmstat", vmstat(dict(node_stats, **{
    "nr_free_pages": 14325, "nr_free_pages_blocks": 12800, "numa_hit": 42,
    "nr_dirty_threshold": 3408, "nr_dirty_background_threshold": 1702, "nr_memmap_boot_pages": 512,
    "pgpgin": 9 // 2, "pgpgout": 10 // 2, "pgalloc_dma": 3075, "pgalloc_normal": 8, "pgfree": 17408})))
# DMA unusable, free 2045, nr_free [1,2,2,2,2,2,2,2,2,0,1]: unusable pages below order o are
# 1 + 2*(2+...+2^(o-1)) for o in 1..9 and 2045-1024 for o = 10.
dma_below = [0] + [1 + 2 * (2 ** o - 2) for o in range(1, 10)] + [1021]
normal_below = [0, 0, 0, 0] + [2 ** o - 8 for o in range(4, 11)]
write("ops.unusable_index", index_file([("DMA", [b * 1000 // 2045 for b in dma_below]), ("DMA32", [0] * 11),
                                        ("Normal", [b * 1000 // 8184 for b in normal_below])], "%d.%03d "))
write("ops.extfrag_index", index_file([(z, [-1000] * 11) for z in ZONES], "%2d.%03d "))

# ---- trace: RunOps with an FtraceWriter attached, then 10 (claim o10) and 11 (fails) ----------
def ctx(t_ns, ev, lat="....."):
    us = (t_ns + 500) // 1000
    return "%16s-%-7d " % ("mmsim", 1) + "[%03d] " % 0 + lat + " %5lu.%06lu: " % (us // 1000000, us % 1000000) + ev + ": "


def page(pfn):
    return "page=%016x pfn=0x%x" % (0xffffea0000000000 + pfn * 64, pfn) if pfn >= 0 else "page=%016x pfn=0x%x" % (0, 0)


def alloc(t, pfn, order, mt, gfp):
    return ctx(t, "mm_page_alloc") + page(pfn) + " order=%d migratetype=%d gfp_flags=%s\n" % (order, mt, gfp)


def free(t, pfn, order):
    return ctx(t, "mm_page_free") + page(pfn) + " order=%d\n" % order


def extfrag(t, pfn, ao, fo, amt, fmt, co):
    return ctx(t, "mm_page_alloc_extfrag", "d..1.") + page(pfn) + (
        " alloc_order=%d fallback_order=%d pageblock_order=%d alloc_migratetype=%d fallback_migratetype=%d fragmenting=%d change_ownership=%d\n"
        % (ao, fo, 9, amt, fmt, fo < 9, co))


T = [12_345_678_900, 12_345_679_499, 99_999_999_500, 123_456_000_000_000, 123_456_000_001_000, 123_456_000_002_000,
     123_456_000_003_000, 123_456_000_004_000, 123_456_000_005_000, 123_456_000_006_000, 123_456_999_999_499]
MOV = "GFP_KERNEL|GFP_DMA|__GFP_MOVABLE"
KER = "GFP_KERNEL|GFP_DMA"
write("ops.trace",
      alloc(T[0], 1, 0, 1, MOV) + alloc(T[1], 1024, 10, 1, MOV) + alloc(T[2], 2048, 10, 1, MOV) + alloc(T[3], 3072, 10, 1, MOV)
      + extfrag(T[4], 512, 0, 9, 0, 1, 1) + alloc(T[4], 512, 0, 0, KER)
      + extfrag(T[5], 513, 0, 8, 2, 0, 1) + alloc(T[5], 513, 0, 2, KER + "|__GFP_RECLAIMABLE")
      + alloc(T[6], 8192, 3, 1, "GFP_HIGHUSER_MOVABLE")
      + free(T[7], 2048, 10) + free(T[8], 1, 0)
      # 10: GFP_KERNEL|GFP_DMA o10 claims the freed movable o10 block 2048 whole.
      + extfrag(T[9], 2048, 10, 10, 0, 1, 1) + alloc(T[9], 2048, 10, 0, KER)
      # 11: same again: no o10 block left, the allocation fails (NULL page, pfn 0).
      + alloc(T[10], -1, 10, 0, KER))
