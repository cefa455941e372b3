#!/usr/bin/env python3
"""CPU of each Bazaar JVM by kind of thread, between two snapshots.

  threads.py snap PID... > FILE        # ticks per (pid, process name, thread kind)
  threads.py diff BEFORE AFTER ORDERS  # ms per order by process and thread kind

Thread kinds: jit (C1/C2 compiler threads), gc+vm (GC and VM threads), event-loop (Vert.x),
virtual (carrier threads of virtual threads), worker (Quarkus executor, scheduler jobs), messaging
(outbox relay, inbox workers, AMQP client threads; the broker's own are "other"), other. A thread
that ended between the snapshots is missing from the second one, so a kind can come out negative.
"""
import os, re, sys

HZ = os.sysconf("SC_CLK_TCK")

def kind(comm):
    if re.match(r"C[12] CompilerThre", comm): return "jit"
    if re.match(r"(G1|GC Thread|VM Thread|VM Periodic|Sweeper)", comm): return "gc+vm"
    if comm.startswith("vert.x-eventloo"): return "event-loop"
    if comm.startswith("ForkJoinPool") or comm.startswith("VirtualThread") : return "virtual"
    if comm.startswith("executor-thread") or comm.startswith("vert.x-worker"): return "worker"
    if comm.startswith(("outbox-relay", "inbox-", "AMQP Connectio", "pool-", "amqp-connect")): return "messaging"
    return "other"

def name(pid):
    try:
        cmd = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    if "java" not in cmd: return None
    m = re.search(r"-Dbazaar\.instance=(\S+)", cmd)
    if m: return m.group(1)
    if "BrokerMain" in cmd: return "broker"
    if "bazaar-launcher" in cmd: return "launcher"
    return "java"

def snap(pids):
    for pid in pids:
        n = name(pid)
        if not n: continue
        try: tids = os.listdir(f"/proc/{pid}/task")
        except OSError: continue
        totals = {}
        for tid in tids:
            try: stat = open(f"/proc/{pid}/task/{tid}/stat").read()
            except OSError: continue
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            f = stat[stat.rindex(")") + 2:].split()
            totals[kind(comm)] = totals.get(kind(comm), 0) + int(f[11]) + int(f[12])
        for k, t in totals.items():
            print(pid, n, k, t)

def load(path):
    d = {}
    for line in open(path):
        pid, n, k, t = line.split()
        d[(pid, n, k)] = int(t)
    return d

def diff(before, after, orders):
    a, b = load(before), load(after)
    rows = {}
    for key, t in b.items():
        rows[(key[1], key[2])] = rows.get((key[1], key[2]), 0) + t - a.get(key, 0)
    kinds = ["event-loop", "worker", "virtual", "messaging", "jit", "gc+vm", "other"]
    print("ms per order by thread kind (" + str(orders) + " orders)")
    print("| process | " + " | ".join(kinds) + " |")
    print("|---|" + "---:|" * len(kinds))
    for proc in sorted({p for p, _ in rows}):
        cells = [rows.get((proc, k), 0) * 1000.0 / HZ / max(orders, 1) for k in kinds]
        print(f"| {proc} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")

if __name__ == "__main__":
    if sys.argv[1] == "snap": snap(sys.argv[2:])
    else: diff(sys.argv[2], sys.argv[3], int(sys.argv[4]))
