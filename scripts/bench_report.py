#!/usr/bin/python3
"""Tables, ratios, PASS/FAIL, results.json and bench.png for scripts/bench.sh.

bench_report.py --raw RAW.jsonl --machine MACHINE.json --out DIR [--elapsed S]

RAW holds one JSON object per measurement (one capture run, or one
start-up, or one scale round); every figure printed here is a median over
the repetitions of such rows, or a ratio of two such medians. Standard
library only.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys

CONTENDERS = ["none", "nscap", "nscap-ng", "nscap-b", "nscap-b-ng", "tcpdump",
              "dumpcap", "floor", "floor-dump", "write"]
THROUGHPUT = [
    ("file64", "file, 1,000,000 x 64-byte frames"),
    ("file1500", "file, 200,000 x 1514-byte frames (1500-byte IP)"),
    ("stream64", "stream -w - | drain, 1,000,000 x 64 B"),
    ("tshark", "stream -w - | tshark -i - -q, 64 B (one run)"),
]
STREAM_LABEL = {
    "nscap": "nscap -w -",
    "nscap-b": "nscap-b -w -",
    "tcpdump": "tcpdump -U --immediate-mode -w -",
    "dumpcap": "dumpcap -w -",
    "floor": "floor: libpcap immediate, write(2)",
}
FILE_LABEL = {
    "none": "(no capture)",
    "nscap": "nscap -w FILE.pcap",
    "nscap-ng": "nscap -w FILE.pcapng",
    "nscap-b": "nscap-b -w FILE.pcap",
    "nscap-b-ng": "nscap-b -w FILE.pcapng",
    "tcpdump": "tcpdump -w FILE",
    "dumpcap": "dumpcap -P -w FILE",
    "floor": "floor: libpcap, 1 copy, write(2)",
    "floor-dump": "floor: libpcap, pcap_dump",
    "write": "write(2) alone: the file, no capture",
}


def median(values):
    vals = [v for v in values if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, spec="{:.0f}", none="-"):
    if v is None:
        return none
    return spec.format(v)


def table(headers, rows):
    cols = list(zip(*([headers] + rows))) if rows else [[h] for h in headers]
    widths = [max(len(str(c)) for c in col) for col in cols]
    out = []
    line = "  ".join(
        str(h).ljust(w) if i == 0 else str(h).rjust(w)
        for i, (h, w) in enumerate(zip(headers, widths))
    )
    out.append(line)
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        out.append(
            "  ".join(
                str(c).ljust(w) if i == 0 else str(c).rjust(w)
                for i, (c, w) in enumerate(zip(r, widths))
            )
        )
    return "\n".join(out)


def per_row(r):
    """Figures derived from one raw row."""
    d = dict(r)
    cap = r.get("captured")
    cpu = r.get("cpu_window_s")
    if cap and cpu is not None and cap > 0:
        d["ns_per_pkt"] = cpu * 1e9 / cap
    else:
        d["ns_per_pkt"] = None
    if r.get("user_s") is not None and r.get("sys_s") is not None:
        d["cpu_s"] = r["user_s"] + r["sys_s"]
    else:
        d["cpu_s"] = None
    if cap is not None and r.get("sent"):
        d["missing"] = max(0, r["sent"] - cap)
    if r.get("ring_kb") is not None and r.get("pss_kb") is not None:
        # memory a capturer costs the machine: its proportional share of
        # what it maps outside the ring, plus the whole ring
        d["mem_kb"] = r["pss_kb"] - r.get("ring_pss_kb", 0) + r["ring_kb"]
        d["mem_rss_kb"] = r["rss_kb"] - r.get("ring_rss_kb", 0) + r["ring_kb"]
    if r.get("start_ns") and r.get("end_ns"):
        d["exec_to_exit_ms"] = (r["end_ns"] - r["start_ns"]) / 1e6
        if r.get("first_ts_ns"):
            d["exec_to_first_ms"] = (r["first_ts_ns"] - r["start_ns"]) / 1e6
        if r.get("first_read_ns"):
            d["exec_to_read_ms"] = (r["first_read_ns"] - r["start_ns"]) / 1e6
    return d


KEYS = [
    "sent", "send_pps", "captured", "tool_captured", "received", "dropped",
    "cpu_window_s", "cpu_s", "ns_per_pkt", "maxrss_kb", "rss_kb", "pss_kb",
    "ring_kb", "mem_kb", "mem_rss_kb", "lat_n", "lat_p50_us", "lat_p99_us",
    "lat_max_us", "exec_to_exit_ms", "exec_to_first_ms", "exec_to_read_ms",
    "missing",
    "processes", "hwm_kb", "wall_s", "loc_per_s", "cpu_ms_per_s",
]


def quantile(v, q):
    """Nearest rank, as bench_latency computes it; v sorted."""
    if not v:
        return None
    i = max(int(q * len(v) + 0.999999) - 1, 0)
    return v[min(i, len(v) - 1)]


def medians(rows):
    """{(workload, contender): {key: median, 'n': reps, ...}}"""
    groups = {}
    for r in rows:
        groups.setdefault((r["workload"], r["contender"]), []).append(r)
    out = {}
    for key, rs in groups.items():
        ok = [r for r in rs if r.get("ok")]
        m = {"n": len(ok), "runs": len(rs)}
        for k in KEYS:
            m[k] = median([r.get(k) for r in ok])
        m["multi"] = any(r.get("multi") for r in ok)
        # CPU a packet by repetition: contenders alternate within one, so
        # a ratio per repetition compares runs minutes apart at most
        m["by_rep"] = {r.get("rep"): r.get("ns_per_pkt") for r in ok
                       if r.get("ns_per_pkt") is not None}
        # drops by repetition: "zero drops" holds only if none dropped in
        # any (a median of 0 hid a repetition that dropped 7 %)
        m["drops"] = [r["dropped"] for r in sorted(ok, key=lambda r:
                                                   r.get("rep") or 0)
                      if r.get("dropped") is not None]
        # latency: every packet of every run, pooled (one run's p99 is one
        # of its ten slowest packets; over all runs' packets, steadier)
        pool = sorted(v for r in ok for v in (r.get("lat_us") or []))
        m["pool"] = pool
        m["pool_n"] = len(pool) or None
        m["pool_p50_us"] = quantile(pool, 0.50)
        m["pool_p99_us"] = quantile(pool, 0.99)
        # start-up: each start, for how far the ratio of medians moves
        m["starts"] = {k: [r[k] for r in ok if r.get(k) is not None]
                       for k in ("exec_to_read_ms", "exec_to_exit_ms")}
        out[key] = m
    return out


def ratio_interval(a, b, stat, least, rounds=400, seed=1):
    """How far the ratio stat(a) / stat(b) moves by chance: resample a and
    b with replacement (a bootstrap), rounds times; the 5th and 95th
    percentiles of the ratios. It takes the values as independent: a
    guide, not a test. Seeded, so the same rows print the same interval.
    None with fewer than least values on either side."""
    if len(a) < least or len(b) < least:
        return None
    rnd = random.Random(seed)
    ratios = []
    for _ in range(rounds):
        sa = stat(sorted(rnd.choices(a, k=len(a))))
        sb = stat(sorted(rnd.choices(b, k=len(b))))
        if sb:
            ratios.append(sa / sb)
    ratios.sort()
    if len(ratios) < rounds // 2:
        return None
    return quantile(ratios, 0.05), quantile(ratios, 0.95)


def p99(v):
    return quantile(v, 0.99)


def latency_keys(med, contenders):
    """The latency figures to compare: p50 and p99 over all runs' packets
    where every one of contenders has them, else the medians of each
    run's. (pooled, p50 key, p99 key)"""
    pooled = all(med.get(("latency", c), {}).get("pool_p99_us") is not None
                 for c in contenders)
    if pooled:
        return True, "pool_p50_us", "pool_p99_us"
    return False, "lat_p50_us", "lat_p99_us"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def none_dropped(d):
    """"Zero drops": repetitions there were, and none of them dropped."""
    return bool(d) and not any(d)


def dropped(d):
    """What a contender's repetitions dropped, as a target's line says it:
    "0 dropped", or each repetition's when any dropped."""
    if not d:
        return "- dropped"
    if not any(d):
        return "0 dropped"
    return "dropped %s by repetition" % ", ".join(fmt(x) for x in d)


def per_packet(v, t):
    """ns a packet, and its ratio to tcpdump's t, as a target's line says
    them"""
    return "%s ns/pkt (%s x tcpdump)" % (fmt(v), fmt(ratio(v, t), "{:.2f}"))


def targets(med, machine):
    res = []

    def get(w, c, k):
        return med.get((w, c), {}).get(k)

    def by_rep(w, c, anchor):
        """the ratio c / anchor in each repetition both have, in order"""
        a = med.get((w, c), {}).get("by_rep", {})
        b = med.get((w, anchor), {}).get("by_rep", {})
        return [a[k] / b[k] for k in sorted(a) if b.get(k)]

    # stream mode
    n, t = get("stream64", "nscap", "ns_per_pkt"), get(
        "stream64", "tcpdump", "ns_per_pkt")
    nd = get("stream64", "nscap", "drops") or []
    td = get("stream64", "tcpdump", "drops") or []
    r = ratio(n, t)
    ok = r is not None and r <= 0.3 and none_dropped(nd)
    note = ""
    if none_dropped(td):
        note = " (tcpdump did not drop at this load)"
    res.append({
        "target": "stream 64 B: CPU/pkt <= 0.3 x tcpdump -U --immediate-mode,"
                  " zero drops",
        "needs": [("stream64", "nscap"), ("stream64", "tcpdump")],
        "nscap": n, "anchor": t, "ratio": r, "limit": 0.3,
        "detail": "nscap %s ns/pkt, %s; tcpdump %s ns/pkt, %s%s" % (
            fmt(n), dropped(nd), fmt(t), dropped(td), note),
        "pass": ok if r is not None else None,
    })
    # file mode: pcap (tcpdump's format, written by libpcap's pcap_dump)
    # and pcapng (nscap's default, its own writer), each its own row
    for w, label, who in (("file64", "64 B, pcap", "nscap"),
                          ("file64", "64 B, pcapng", "nscap-ng"),
                          ("file1500", "1500 B, pcap", "nscap"),
                          ("file1500", "1500 B, pcapng", "nscap-ng")):
        n, t = get(w, who, "ns_per_pkt"), get(w, "tcpdump", "ns_per_pkt")
        nd = get(w, who, "drops") or []
        r = ratio(n, t)
        reps = by_rep(w, who, "tcpdump")
        floor, dump, write = (get(w, c, "ns_per_pkt")
                              for c in ("floor", "floor-dump", "write"))
        detail = ("nscap %s %s ns/pkt, %s (x tcpdump by repetition: %s); "
                  "tcpdump %s ns/pkt%s; dumpcap %s ns/pkt; floor %s; "
                  % ("pcap" if who == "nscap" else "pcapng", fmt(n),
                     dropped(nd),
                     ", ".join("%.2f" % x for x in reps) or "-", fmt(t),
                     # when nscap dropped: whether tcpdump did as well
                     ", " + dropped(get(w, "tcpdump", "drops") or [])
                     if any(nd) else "",
                     fmt(get(w, "dumpcap", "ns_per_pkt")),
                     per_packet(floor, t)))
        if who == "nscap":
            detail += "floor with pcap_dump %s; " % per_packet(dump, t)
        detail += "write(2) of the file alone %s" % per_packet(write, t)
        res.append({
            "target": "file %s: CPU/pkt <= 0.8 x tcpdump -w, zero drops"
                      % label,
            "needs": [(w, who), (w, "tcpdump")],
            "nscap": n, "anchor": t, "ratio": r, "limit": 0.8,
            "rep_ratios": reps,
            "floor": ratio(floor, t),
            # pcap's floor under the house rule: libpcap reads and writes
            "dump": ratio(dump, t) if who == "nscap" else None,
            # the kernel's part: writing these bytes with no capture at all
            "write": ratio(write, t),
            "detail": detail,
            "pass": (r <= 0.8 and none_dropped(nd))
            if r is not None else None,
        })
    # p99 over every packet of every run where both have them (the medians
    # of each run's p99 are in the table too); else those medians
    pooled, k50, key = latency_keys(med, ("nscap", "tcpdump"))
    n, t = get("latency", "nscap", key), get("latency", "tcpdump", key)
    r = ratio(n, t)
    # late wake-ups come in bursts, so packets are not quite independent
    ci = ratio_interval(get("latency", "nscap", "pool") or [],
                        get("latency", "tcpdump", "pool") or [], p99, 100) \
        if pooled else None
    res.append({
        "target": "latency (stream, %s pps): p99 <= tcpdump's and < 2 ms"
                  % machine.get("lat_rate", "?"),
        "needs": [("latency", "nscap"), ("latency", "tcpdump")],
        "nscap": n, "anchor": t, "ratio": r, "limit": 1.0,
        "floor": ratio(get("latency", "floor", key), t),
        "ratio_interval": ci,
        "detail": "%s: nscap p50 %s us p99 %s us; tcpdump p50 %s us p99 %s "
                  "us; floor p50 %s us p99 %s us%s" % (
                      "all runs' packets" if pooled else "medians of runs",
                      fmt(get("latency", "nscap", k50)), fmt(n),
                      fmt(get("latency", "tcpdump", k50)), fmt(t),
                      fmt(get("latency", "floor", k50)),
                      fmt(get("latency", "floor", key)),
                      "; p99 ratio by chance (bootstrap over the packets, "
                      "5th-95th percentile): %.2f to %.2f" % ci
                      if ci else ""),
        "pass": (n <= t and n < 2000) if r is not None else None,
    })
    n, t = get("scale", "nscap", "mem_kb"), get("scale", "tcpdump", "mem_kb")
    r = ratio(n, t)
    procs = get("scale", "nscap", "processes")
    # the floor here: nscap's rings alone, each the least that takes no
    # drop (four of libpcap's 256 KiB blocks; include/nscap/ring.h)
    rings = ratio(get("scale", "nscap", "ring_kb"), t)
    # the words, "RSS plus the kernel ring memory each one maps":
    # a mapped ring is in RSS already, so RSS outside the rings plus the
    # rings; summed over fifty processes it counts each tcpdump's shared
    # libraries fifty times, so the target is judged by PSS (mem_kb)
    n_rss = get("scale", "nscap", "mem_rss_kb")
    t_rss = get("scale", "tcpdump", "mem_rss_kb")
    res.append({
        "target": "scale: memory < 1/5 of one tcpdump per target",
        "needs": [("scale", "nscap"), ("scale", "tcpdump")],
        "nscap": n, "anchor": t, "ratio": r, "limit": 0.2, "floor": rings,
        "detail": "nscap (%s process%s) %s MiB, of which ring %s MiB "
                  "(the rings alone %s x tcpdump: four 256 KiB blocks "
                  "each, the least without drops); tcpdump %s MiB, ring "
                  "%s MiB; by RSS, as the issue words the metric (each "
                  "tcpdump's shared libraries counted again): nscap %s "
                  "MiB, tcpdump %s MiB, %s x tcpdump" % (
                      fmt(procs), "" if procs == 1 else "es",
                      fmt(n / 1024 if n else None, "{:.1f}"),
                      fmt((get("scale", "nscap", "ring_kb") or 0) / 1024,
                          "{:.1f}"),
                      fmt(rings, "{:.2f}"),
                      fmt(t / 1024 if t else None, "{:.1f}"),
                      fmt((get("scale", "tcpdump", "ring_kb") or 0) / 1024,
                          "{:.1f}"),
                      fmt(n_rss / 1024 if n_rss else None, "{:.1f}"),
                      fmt(t_rss / 1024 if t_rss else None, "{:.1f}"),
                      fmt(ratio(n_rss, t_rss), "{:.2f}")),
        "pass": (r < 0.2) if r is not None else None,
    })
    # stream: exec until the first packet is readable on stdout; file:
    # exec until exit with -c 1 (the file is complete)
    for mode, key, what in (("stream", "exec_to_read_ms",
                             "exec to first packet readable"),
                            ("file", "exec_to_exit_ms", "exec to exit")):
        w = "startup_" + mode
        n, t = get(w, "nscap", key), get(w, "tcpdump", key)
        r = ratio(n, t)
        each = {c: (get(w, c, "starts") or {}).get(key) or []
                for c in ("nscap", "tcpdump", "dumpcap", "floor")}
        # each start waits for an RCU grace period of a few jiffies, its
        # length luck (t_kernel_rings.sh): the spread of the starts, and
        # how far the ratio of the medians moves by that luck alone
        ci = ratio_interval(each["nscap"], each["tcpdump"], median, 5)

        def start(c):
            v = get(w, c, key)
            if v is None or len(each[c]) < 2:
                return "%s %s ms" % (c, fmt(v, "{:.1f}"))
            return "%s %s ms (%.1f to %.1f)" % (
                c, fmt(v, "{:.1f}"), min(each[c]), max(each[c]))
        res.append({
            "target": "start-up to first packet (%s, -c 1): no slower than "
                      "nsenter tcpdump" % mode,
            "needs": [(w, "nscap"), (w, "tcpdump")],
            "nscap": n, "anchor": t, "ratio": r, "limit": 1.0,
            "floor": ratio(get(w, "floor", key), t),
            "ratio_interval": ci,
            "detail": "%s, median (least to most of %d starts): %s%s" % (
                what, len(each["nscap"]),
                ", ".join(start(c) for c in each),
                "; ratio by chance (bootstrap over the starts, 5th-95th "
                "percentile): %.2f to %.2f" % ci if ci else ""),
            "pass": (r <= 1.0) if r is not None else None,
        })
    # a target holds only on runs that all went through: a repetition that
    # failed (not ready, ended early, nothing timed) is not a result, and
    # judging on the others passed "0 dropped" with one of three run
    for t in res:
        short = ["%s ran whole in %d of %d repetitions" % (c, m["n"],
                                                            m["runs"])
                 for m, c in ((med.get(k), k[1]) for k in t.pop("needs"))
                 if m and m["n"] < m["runs"]]
        if short:
            t["pass"] = False
            t["detail"] += "; " + ", ".join(short) + ": not judged"
    return res


def render(machine, med, tgts, elapsed):
    out = []
    out.append("nscap benchmark, %s" % machine["date"])
    out.append("machine: %d CPUs, %s, Linux %s, %s RAM, load %s" % (
        machine["nproc"], machine["cpu"], machine["kernel"], machine["mem"],
        machine["load"]))
    out.append("%s; %s; %s; libpcap %s" % (
        machine["nscap"], machine["tcpdump"], machine["dumpcap"],
        machine["libpcap"]))
    out.append("medians of %d repetitions, contenders alternating; %s" % (
        machine["reps"],
        "sender pinned to CPU 0, capturers to CPU 1" if machine.get("pinned")
        else "not pinned"))
    if machine.get("nscap_b"):
        out.append("nscap-b: %s" % machine["nscap_b"])
    out.append("")

    base = {w: med.get((w, "none"), {}).get("send_pps")
            for w in ("file64", "file1500")}
    base["stream64"] = base["file64"]
    base["tshark"] = base["file64"]
    rows = []
    for w, _ in THROUGHPUT:
        for c in CONTENDERS:
            m = med.get((w, c))
            if not m:
                continue
            label = FILE_LABEL[c] if w.startswith("file") else STREAM_LABEL[c]
            obs = ratio(m.get("send_pps"), base.get(w))
            rows.append([
                w, label, "%d/%d" % (m["n"], m["runs"]), fmt(m["sent"]),
                fmt(m["send_pps"] / 1000 if m["send_pps"] else None,
                    "{:.0f}"),
                fmt(obs * 100 if obs else None, "{:.0f}%"),
                fmt(m["captured"]), fmt(m["dropped"]),
                fmt(m["cpu_window_s"], "{:.3f}"), fmt(m["ns_per_pkt"]),
                fmt(m["cpu_s"], "{:.3f}"),
                fmt(m["maxrss_kb"] / 1024 if m["maxrss_kb"] else None,
                    "{:.1f}"),
                fmt(m["ring_kb"] / 1024 if m["ring_kb"] else None, "{:.1f}"),
            ])
    out.append("Throughput: sender at full rate (udpgen -r 0); CPU of the "
               "capture process while the traffic ran")
    out.append(table(
        ["workload", "contender", "ok", "sent", "send kpps", "vs none",
         "captured", "kdrop", "CPU s", "ns/pkt", "CPU tot s", "peak MiB",
         "ring MiB"], rows))
    out.append("")

    rows = []
    for c in ("nscap", "nscap-b", "tcpdump", "floor"):
        m = med.get(("latency", c))
        if m:
            rows.append([STREAM_LABEL[c], "%d/%d" % (m["n"], m["runs"]),
                         fmt(m["sent"]), fmt(m["lat_n"]),
                         fmt(m["lat_p50_us"], "{:.0f}"),
                         fmt(m["lat_p99_us"], "{:.0f}"),
                         fmt(m["lat_max_us"], "{:.0f}"),
                         fmt(m["pool_n"]), fmt(m["pool_p50_us"]),
                         fmt(m["pool_p99_us"]),
                         fmt(m["cpu_window_s"], "{:.3f}")])
    if rows:
        out.append("Latency: sendmsg to readable on the capturer's stdout, "
                   "%s pps for %s s (us)" % (machine.get("lat_rate", "?"),
                                            machine.get("lat_seconds", "?")))
        out.append("  per run (medians over the runs), and over all runs' "
                   "packets together")
        out.append(table(["contender", "ok", "sent", "timed", "p50 us",
                          "p99 us", "max us", "all n", "all p50",
                          "all p99", "CPU s"], rows))
        out.append("")

    rows = []
    for mode in ("stream", "file"):
        for c in ("nscap", "tcpdump", "dumpcap", "floor"):
            m = med.get(("startup_" + mode, c))
            if m:
                rows.append([mode, c, "%d/%d" % (m["n"], m["runs"]),
                             fmt(m["exec_to_first_ms"], "{:.1f}"),
                             fmt(m["exec_to_read_ms"], "{:.1f}"),
                             fmt(m["exec_to_exit_ms"], "{:.1f}"),
                             fmt(m["cpu_s"] * 1000 if m["cpu_s"] is not None
                                 else None, "{:.1f}"),
                             fmt(m["maxrss_kb"] / 1024 if m["maxrss_kb"]
                                 else None, "{:.1f}")])
    if rows:
        out.append("Start-up: -c 1 with 2000 pps flowing; ms from exec to "
                   "the first packet's kernel time stamp, to it being "
                   "readable on stdout (stream), and to exit")
        out.append(table(["mode", "contender", "ok", "to 1st ts",
                          "to readable", "to exit", "CPU ms", "peak MiB"],
                         rows))
        out.append("")

    rows = []
    for c in ("none", "nscap", "tcpdump"):
        m = med.get(("idle", c))
        if m:
            rows.append([STREAM_LABEL.get(c, "(no capture)"),
                         "%d/%d" % (m["n"], m["runs"]),
                         fmt(m["loc_per_s"]),
                         fmt(m["cpu_ms_per_s"] if c != "none" else None,
                             "{:.2f}")])
    if rows:
        out.append("Idle: streaming (-w -) with no traffic for %s s; local "
                   "timer interrupts a second on the whole machine, and the "
                   "capturer's CPU" % machine.get("idle_seconds", "?"))
        out.append(table(["contender", "ok", "timer irq/s", "CPU ms/s"],
                         rows))
        out.append("")

    rows = []
    for c in ("nscap", "tcpdump"):
        m = med.get(("scale", c))
        if m:
            rows.append([
                c + (" (one process)" if m["multi"] else ""),
                fmt(m["processes"]), "%d/%d" % (m["n"], m["runs"]),
                fmt(m["sent"]), fmt(m["captured"]), fmt(m["dropped"]),
                fmt(m["cpu_s"], "{:.2f}"),
                fmt(m["cpu_window_s"], "{:.3f}"),
                fmt(m["rss_kb"] / 1024 if m["rss_kb"] else None, "{:.1f}"),
                fmt(m["pss_kb"] / 1024 if m["pss_kb"] else None, "{:.1f}"),
                fmt(m["ring_kb"] / 1024 if m["ring_kb"] else None, "{:.1f}"),
                fmt(m["mem_kb"] / 1024 if m["mem_kb"] else None, "{:.1f}"),
            ])
    if rows:
        out.append("Scale: %d targets captured at once (files), %s packets "
                   "each; sums over the capture processes" % (
                       machine["scale_targets"], "2000"))
        out.append(table(["contender", "procs", "ok", "sent", "captured",
                          "kdrop", "CPU tot s", "CPU traffic s", "RSS MiB",
                          "PSS MiB", "ring MiB", "memory MiB"], rows))
        out.append("  memory = PSS outside the rings + the rings' full size")
        out.append("")

    out.append("Targets (issue 6), ratio nscap / anchor, same run; floor: "
               "the floor's own ratio, the least a libpcap capturer costs "
               "(scale: nscap's rings alone);")
    out.append("dump: the floor with libpcap's pcap_dump writing (pcap "
               "rows), the least a capturer that reads and writes pcap "
               "with libpcap costs;")
    out.append("write: the same file written with no capture, the kernel's "
               "part that no capturer escapes")
    rows = []
    for t in tgts:
        verdict = {True: "PASS", False: "FAIL", None: "n/a"}[t["pass"]]
        rows.append([t["target"], fmt(t["ratio"], "{:.2f}"),
                     fmt(t.get("floor"), "{:.2f}"),
                     fmt(t.get("dump"), "{:.2f}"),
                     fmt(t.get("write"), "{:.2f}"),
                     fmt(t["limit"], "{:g}"), verdict])
    out.append(table(["target", "ratio", "floor", "dump", "write", "limit",
                      "result"], rows))
    for t in tgts:
        out.append("  - %s: %s" % (t["target"].split(":")[0], t["detail"]))
    out.append("")
    if elapsed is not None:
        out.append("elapsed: %d s" % elapsed)
    return "\n".join(out)


def chart(med, outdir, machine):
    gp = shutil.which("gnuplot")
    if not gp:
        print("bench: gnuplot missing, no chart", file=sys.stderr)
        return None
    d = os.path.join(outdir, ".chart")
    os.makedirs(d, exist_ok=True)

    def get(w, c, k, scale=1.0):
        v = med.get((w, c), {}).get(k)
        return "?" if v is None else "%.6g" % (v * scale)

    def dat(name, rows):
        # rows measured at all; a panel with none says "not measured"
        rows = [r for r in rows if any(v != "?" for v in r[1:])]
        with open(os.path.join(d, name + ".dat"), "w") as f:
            for r in rows:
                f.write(" ".join(r) + "\n")

    start = tuple(c for c in ("nscap", "tcpdump", "dumpcap", "floor")
                  if any(("startup_" + m, c) in med
                         for m in ("stream", "file"))) or (
                             "nscap", "tcpdump", "dumpcap")
    tput = ("file64", "file1500", "stream64")
    # the contenders measured at all, in a fixed order
    tcont = tuple(c for c in ("nscap", "nscap-ng", "nscap-b", "nscap-b-ng",
                              "tcpdump", "dumpcap", "floor", "floor-dump",
                              "write")
                  if any((w, c) in med for w in tput))
    # "write" captures nothing: it has a CPU bar and nothing else
    ccont = tuple(c for c in tcont if c != "write")
    lcont = tuple(c for c in ("nscap", "nscap-b", "tcpdump", "floor")
                  if ("latency", c) in med) or ("nscap", "tcpdump")
    dat("cpu", [[w] + [get(w, c, "ns_per_pkt") for c in tcont]
                for w in tput])
    dat("send", [[w, get("file64" if w == "stream64" else w, "none",
                         "send_pps", 1e-3)] +
                 [get(w, c, "send_pps", 1e-3) for c in ccont]
                 for w in tput
                 if any(get(w, c, "send_pps") != "?" for c in ccont)])
    drops = []
    for w in tput:
        row = [w]
        for c in ccont:
            m = med.get((w, c), {})
            s, cap = m.get("sent"), m.get("captured")
            row.append("?" if not s or cap is None else
                       "%.4g" % (100.0 * max(0, s - cap) / s))
        drops.append(row)
    dat("drop", drops)
    # the figures the target uses
    lpool, l50, l99 = latency_keys(med, lcont)
    dat("lat", [[lab] + [get("latency", c, k) for c in lcont]
                for k, lab in ((l50, "p50"), (l99, "p99"))])
    dat("start", [["stream:readable"] +
                  [get("startup_stream", c, "exec_to_read_ms") for c in start],
                  ["stream:exit"] +
                  [get("startup_stream", c, "exec_to_exit_ms") for c in start],
                  ["file:exit"] +
                  [get("startup_file", c, "exec_to_exit_ms") for c in start]])
    dat("mem", [[lab] + [get("scale", c, k, 1 / 1024)
                         for c in ("nscap", "tcpdump")]
                for k, lab in (("mem_kb", "memory"), ("ring_kb", "ring"),
                               ("pss_kb", "PSS"))])

    png = os.path.join(outdir, "bench.png")
    colors = {"none": "#999999", "nscap": "#d55e00", "nscap-ng": "#e69f00",
              "nscap-b": "#cc79a7", "nscap-b-ng": "#f0e442",
              "tcpdump": "#0072b2",
              "dumpcap": "#009e73", "floor": "#56b4e9",
              "floor-dump": "#8da0cb", "write": "#000000"}

    def plot(name, who, room=1.4):
        """room: the y range's top as a multiple of the highest bar, so
        that the key (top left) clears the bars; None: gnuplot's own"""
        with open(os.path.join(d, name + ".dat")) as f:
            vals = [v for line in f for v in line.split()[1:] if v != "?"]
        if not vals:
            # an empty frame; y from 1, which a log scale (CPU) takes
            return ("set label 1 'not measured' at graph 0.5,0.5 center\n"
                    "plot [0:1][1:10] 20 notitle\nunset label 1")
        high = max(float(v) for v in vals)
        top = "1" if high <= 0 else "*" if room is None else "%g" % (
            high * room)
        return "set yrange [0:%s]\nplot " % top + ", ".join(
            "'%s/%s.dat' using %d:xtic(1) title '%s' lc rgb '%s'" % (
                d, name, i + 2, c, colors[c]) for i, c in enumerate(who))

    script = "\n".join([
        "set terminal pngcairo size 1500,900 noenhanced font ',10'",
        "set output '%s'" % png,
        "set datafile missing '?'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set key top left",
        "set grid ytics",
        "set multiplot layout 2,3 title 'nscap vs tcpdump vs dumpcap - %s, "
        "%d CPUs, medians of %d'" % (machine["date"], machine["nproc"],
                                      machine["reps"]),
        "set title 'CPU per captured packet (ns, log scale)'",
        "set logscale y",
        plot("cpu", tcont, None).replace("set yrange [0:",
                                         "set yrange [1:"),
        "unset logscale y",
        "set title 'sender throughput while capturing (kpps)'",
        plot("send", ("none",) + ccont),
        "set title 'packets not captured (% of sent)'",
        plot("drop", ccont),
        "set title 'latency, stream mode at %s pps (us%s)'" % (
            machine.get("lat_rate", "?"),
            ", all runs pooled" if lpool else ""),
        plot("lat", lcont),
        "set title 'start-up with -c 1 (ms)'",
        plot("start", start),
        "set title 'scale: %d targets (MiB)'" % machine["scale_targets"],
        plot("mem", ("nscap", "tcpdump")),
        "unset multiplot", ""])
    try:
        subprocess.run([gp], input=script, text=True, check=True,
                       stderr=subprocess.PIPE)
    except subprocess.CalledProcessError as e:
        print("bench: gnuplot failed: %s" % e.stderr.strip(),
              file=sys.stderr)
        return None
    finally:
        shutil.rmtree(d, ignore_errors=True)
    return png


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--machine", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--elapsed", type=int)
    a = ap.parse_args()
    with open(a.machine) as f:
        machine = json.load(f)
    rows = []
    with open(a.raw) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(per_row(json.loads(line)))
    med = medians(rows)
    tgts = targets(med, machine)
    text = render(machine, med, tgts, a.elapsed)
    print(text)
    os.makedirs(a.out, exist_ok=True)
    result = {
        "machine": machine,
        "elapsed_s": a.elapsed,
        "medians": [dict(workload=w, contender=c,
                         **{k: v for k, v in m.items()
                            if k not in ("pool", "by_rep", "starts", "drops")})
                    for (w, c), m in sorted(med.items())],
        "targets": tgts,
        "runs": rows,
        "table": text,
    }
    path = os.path.join(a.out, "results.json")
    with open(path + ".tmp", "w") as f:
        json.dump(result, f, indent=1)
    os.replace(path + ".tmp", path)
    png = chart(med, a.out, machine)
    print("wrote %s%s" % (path, (" and " + png) if png else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
