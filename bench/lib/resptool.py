#!/usr/bin/env python3
"""Measuring helpers for the replication/persistence benchmarks (bench/*.sh), on raw RESP sockets.

redis-py is not installed, and a redis-cli process per sample would cost milliseconds, so every probe here keeps
persistent loopback connections and speaks RESP itself. Each subcommand prints one JSON object on stdout.

  resptool.py wait-sync --replica PORT --master-port PORT --keys N [--timeout S]
      REPLICAOF 127.0.0.1 MASTER on the replica, then every ~10 ms INFO replication (+ DBSIZE once the link is up)
      until master_link_status:up, master_sync_in_progress:0 and DBSIZE = N.
  resptool.py lag --master PORT --replica PORT [--interval-ms 10] -- redis-benchmark ...
      Runs the command against the master while sampling master_repl_offset and slave_repl_offset; reports the lag.
  resptool.py probe --port PORT [--baseline S] [--after S] [--bgsave] [--interval-ms 1]
      PING round trips every ~1 ms: a baseline window, then (with --bgsave) BGSAVE and the window until
      rdb_bgsave_in_progress:0, then a tail.
  resptool.py sync-phases LOGFILE
      The phases of the last full sync in a replica's log (Redis' log format, which the node shares).
  resptool.py gc-pauses GCLOG [--skip-lines N] [--from EPOCH] [--to EPOCH]
      Count, total and longest pause of a JVM -Xlog:gc log (after its first N lines / inside a time window).

Every loop has a deadline: a helper never runs unbounded.
"""
import argparse
import datetime
import json
import re
import socket
import subprocess
import sys
import time

now = time.perf_counter


class RespError(Exception):
    pass


class Conn:
    def __init__(self, port, host="127.0.0.1", timeout=30.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.rf = self.sock.makefile("rb", buffering=65536)

    @staticmethod
    def encode(*args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if not isinstance(a, bytes):
                a = str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def send(self, *args):
        self.sock.sendall(self.encode(*args))

    def read(self):
        line = self.rf.readline()
        if not line:
            raise ConnectionError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest
        if kind == b"-":
            return RespError(rest.decode(errors="replace"))
        if kind == b":":
            return int(rest)
        if kind in (b"$", b"="):  # bulk, verbatim (RESP3; not negotiated here, handled anyway)
            n = int(rest)
            if n < 0:
                return None
            data = self.rf.read(n + 2)[:-2]
            return data[4:] if kind == b"=" else data
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RespError("unexpected reply type %r" % line)

    def call(self, *args):
        self.send(*args)
        return self.read()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def info_fields(payload):
    fields = {}
    if isinstance(payload, bytes):
        for line in payload.decode(errors="replace").splitlines():
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                fields[k] = v.strip()
    return fields


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list (p in 0..100)."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def summary_ms(values_seconds):
    v = sorted(x * 1000.0 for x in values_seconds)
    if not v:
        return {"n": 0}
    return {"n": len(v), "p50": percentile(v, 50), "p99": percentile(v, 99), "p999": percentile(v, 99.9),
            "max": v[-1], "mean": sum(v) / len(v)}


# ---- wait-sync -------------------------------------------------------------------------------------------------

def wait_sync(a):
    c = Conn(a.replica, timeout=a.timeout)
    deadline = now() + a.timeout
    t0 = now()
    reply = c.call("REPLICAOF", "127.0.0.1", str(a.master_port))
    if isinstance(reply, RespError):
        raise SystemExit("REPLICAOF failed: %s" % reply)
    polls = 0
    seen_in_progress = None
    while now() < deadline:
        polls += 1
        f = info_fields(c.call("INFO", "replication"))
        t = now()
        if seen_in_progress is None and f.get("master_sync_in_progress") == "1":
            seen_in_progress = t - t0
        if f.get("master_link_status") == "up" and f.get("master_sync_in_progress") == "0":
            n = c.call("DBSIZE")
            if n == a.keys:
                done = now() - t0
                c.close()
                print(json.dumps({"ok": True, "seconds": done, "polls": polls,
                                  "first_seen_sync_in_progress_s": seen_in_progress}))
                return
        time.sleep(a.interval_ms / 1000.0)
    c.close()
    print(json.dumps({"ok": False, "seconds": None, "polls": polls, "error": "timeout after %ss" % a.timeout}))


# ---- lag -------------------------------------------------------------------------------------------------------

def sample_offsets(master, replica):
    """One near-simultaneous sample of both offsets: both requests go out before either reply is read.
    Returns (master time, master offset, replica time, replica offset); times are the midpoints of each
    request/reply round trip (the offset was read somewhere inside it)."""
    t_send = now()
    master.send("INFO", "replication")
    replica.send("INFO", "replication")
    m = info_fields(master.read())
    t_m = now()
    r = info_fields(replica.read())
    t_r = now()
    return ((t_send + t_m) / 2, int(m.get("master_repl_offset", -1)),
            (t_send + t_r) / 2, int(r.get("slave_repl_offset", -1)))


def replica_reach_time(rep, target, start_index):
    """First time the replica's offset reached `target`, linearly interpolated between the two samples around the
    crossing (samples are ~10 ms apart; the offset grows roughly steadily in between). None if never reached."""
    for j in range(start_index, len(rep)):
        t_j, o_j = rep[j]
        if o_j >= target:
            if j == 0:
                return t_j, j
            t_p, o_p = rep[j - 1]
            if o_p >= target or o_j == o_p:
                return t_j, j
            return t_p + (t_j - t_p) * (target - o_p) / (o_j - o_p), j
    return None, len(rep)


def lag(a):
    master, replica = Conn(a.master), Conn(a.replica)
    interval = a.interval_ms / 1000.0
    # Wait until the replica has caught up before starting the load (bounded).
    deadline = now() + 30
    while now() < deadline:
        _, mo, _, ro = sample_offsets(master, replica)
        if mo == ro:
            break
        time.sleep(0.01)
    def resyncs():
        f = info_fields(master.call("INFO", "stats"))
        return int(f.get("sync_full", 0)) + int(f.get("sync_partial_ok", 0))
    resyncs_before = resyncs()
    mas, rep = [], []
    proc = subprocess.Popen(a.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t_start = now()
    next_at = t_start
    try:
        while proc.poll() is None:
            if now() - t_start > a.timeout:
                proc.kill()
                raise SystemExit("load command ran longer than %ss" % a.timeout)
            tm, mo, tr, ro = sample_offsets(master, replica)
            mas.append((tm, mo))
            rep.append((tr, ro))
            next_at += interval
            pause = next_at - now()
            if pause > 0:
                time.sleep(pause)
            else:
                next_at = now()  # we fell behind (CPU contention): sample again at once, do not burst
        t_end = now()
        # Let the replica catch up with the last master samples (bounded), still sampling.
        catch_deadline = now() + 30
        while now() < catch_deadline:
            tm, mo, tr, ro = sample_offsets(master, replica)
            rep.append((tr, ro))
            if ro >= mas[-1][1]:
                break
            time.sleep(interval)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    # A healthy link streams the whole run; a resync (full or partial) means the replica lost its link meanwhile.
    resyncs_during = resyncs() - resyncs_before
    link = info_fields(replica.call("INFO", "replication")).get("master_link_status")
    master.close()
    replica.close()

    base = mas[0][1] if mas else 0
    lags, never = [], 0
    j = 0
    for t_m, o_m in mas:
        if o_m <= base:
            continue  # the load has not reached the stream yet: nothing to lag behind
        t_reach, j = replica_reach_time(rep, o_m, max(0, j - 1))
        if t_reach is None:
            never += 1
            j = max(0, len(rep) - 1)
            continue
        lags.append(max(0.0, t_reach - t_m))
    gaps = [mas[i + 1][0] - mas[i][0] for i in range(len(mas) - 1)]
    bytes_behind = [max(0, m[1] - r[1]) for m, r in zip(mas, rep)]
    print(json.dumps({
        "load_seconds": t_end - t_start,
        "samples": len(mas),
        "sample_gap_ms": summary_ms(gaps),
        "lag_ms": summary_ms(lags),
        "bytes_behind_p50": percentile(sorted(bytes_behind), 50),
        "bytes_behind_max": max(bytes_behind) if bytes_behind else None,
        "stream_bytes": (mas[-1][1] - base) if mas else 0,
        "never_reached": never,
        "resyncs": resyncs_during,
        "link_at_end": link,
        "exit_code": proc.returncode,
    }))


# ---- probe -----------------------------------------------------------------------------------------------------

def probe(a):
    ping = Conn(a.port)
    ctl = Conn(a.port)
    interval = a.interval_ms / 1000.0
    rtts = []  # (phase, seconds)
    state = {"phase": "baseline", "bgsave_started": None, "bgsave_done": None}
    t0 = now()
    hard_deadline = t0 + a.baseline + a.max_bgsave + a.after + 10
    next_ctl = t0
    bgsave_reply = None
    next_at = t0
    while True:
        t = now()
        if t > hard_deadline:
            raise SystemExit("probe exceeded its deadline (BGSAVE longer than %ss?)" % a.max_bgsave)
        phase = state["phase"]
        if phase == "baseline" and t - t0 >= a.baseline:
            if a.bgsave:
                # On the control connection: the probe keeps its own connection and rhythm. The BGSAVE reply (and
                # for Redis the fork that precedes it) counts inside the window.
                state["phase"] = "bgsave"
                state["bgsave_started"] = now()
                state["bgsave_epoch_start"] = time.time()
                bgsave_reply = ctl.call("BGSAVE")
                if isinstance(bgsave_reply, RespError):
                    raise SystemExit("BGSAVE failed: %s" % bgsave_reply)
                bgsave_reply = bgsave_reply.decode()
                next_ctl = now() + 0.02
            else:
                state["phase"] = "tail"
                state["tail_started"] = t
        elif phase == "bgsave" and t >= next_ctl:
            f = info_fields(ctl.call("INFO", "persistence"))
            next_ctl = now() + 0.02
            if f.get("rdb_bgsave_in_progress") == "0":
                state["phase"] = "tail"
                state["bgsave_done"] = now()
                state["bgsave_epoch_end"] = time.time()
                state["tail_started"] = now()
                state["bgsave_status"] = f.get("rdb_last_bgsave_status")
                state["fork_usec"] = info_fields(ctl.call("INFO", "stats")).get("latest_fork_usec")
        elif phase == "tail" and t - state["tail_started"] >= a.after:
            break
        s = now()
        ping.send("PING")
        r = ping.read()
        e = now()
        if r != b"PONG":
            raise SystemExit("unexpected PING reply %r" % (r,))
        rtts.append((state["phase"], e - s, s))
        next_at += interval
        pause = next_at - now()
        if pause > 0:
            time.sleep(pause)
        else:
            next_at = now()
    ping.close()
    ctl.close()
    out = {"bgsave_reply": bgsave_reply}
    for phase in ("baseline", "bgsave", "tail"):
        out[phase] = summary_ms([x for p, x, _ in rtts if p == phase])
    if state["bgsave_started"] is not None:
        out["bgsave_seconds"] = state["bgsave_done"] - state["bgsave_started"]
        out["bgsave_epoch_start"] = state["bgsave_epoch_start"]
        out["bgsave_epoch_end"] = state["bgsave_epoch_end"]
        out["bgsave_status"] = state.get("bgsave_status")
        out["latest_fork_usec"] = state.get("fork_usec")
        # The worst probes in the window, with their offset from the BGSAVE call, for the notes.
        worst = sorted((x for x in rtts if x[0] == "bgsave"), key=lambda x: -x[1])[:5]
        out["bgsave_worst"] = [{"ms": round(x * 1000, 2), "at_s": round(s - state["bgsave_started"], 3)}
                               for _, x, s in worst]
    print(json.dumps(out))


# ---- log readers -----------------------------------------------------------------------------------------------

LOG_TIME = re.compile(r"^\d+:[A-Z] (\d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2}\.\d{3}) . (.*)$")


def sync_phases(a):
    """Seconds between the replica's log lines: connect -> start of the RDB payload (the master's snapshot, for a
    disk-based sync) -> start of loading (the transfer) -> success (the load)."""
    marks = {}
    with open(a.logfile, errors="replace") as f:
        for line in f:
            m = LOG_TIME.match(line.rstrip("\n"))
            if not m:
                continue
            t = datetime.datetime.strptime(m.group(1), "%d %b %Y %H:%M:%S.%f").timestamp()
            msg = m.group(2)
            if msg.startswith("MASTER <-> REPLICA sync started"):
                marks = {"started": t}
            elif msg.startswith("MASTER <-> REPLICA sync: receiving"):
                marks["receiving"] = t
            elif msg.startswith("MASTER <-> REPLICA sync: Loading DB in memory"):
                marks["loading"] = t
            elif msg.startswith("MASTER <-> REPLICA sync: Finished with success"):
                marks["finished"] = t

    def span(a_, b_):
        return marks[b_] - marks[a_] if a_ in marks and b_ in marks else None
    print(json.dumps({"until_payload_s": span("started", "receiving"), "transfer_s": span("receiving", "loading"),
                      "load_s": span("loading", "finished"), "total_s": span("started", "finished")}))


GC_PAUSE = re.compile(r"\[gc *\].*Pause.* (\d+(?:\.\d+)?)ms$")
GC_UTCTIME = re.compile(r"^\[(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\+0000\]")


def gc_pauses(a):
    """Pauses from a -Xlog:gc log; with --from/--to (epoch seconds) only those that ended inside the window (the
    log must then carry the utctime decorator, as bench/lib/common.sh configures it)."""
    pauses = []
    with open(a.gclog, errors="replace") as f:
        for i, line in enumerate(f):
            if i < a.skip_lines:
                continue
            m = GC_PAUSE.search(line.rstrip())
            if not m:
                continue
            if a.from_epoch is not None or a.to_epoch is not None:
                tm = GC_UTCTIME.match(line)
                if not tm:
                    continue
                t = datetime.datetime.strptime(tm.group(1), "%Y-%m-%dT%H:%M:%S.%f").replace(
                    tzinfo=datetime.timezone.utc).timestamp()
                if (a.from_epoch is not None and t < a.from_epoch) or (a.to_epoch is not None and t > a.to_epoch):
                    continue
            pauses.append(float(m.group(1)))
    print(json.dumps({"count": len(pauses), "total_ms": sum(pauses), "max_ms": max(pauses) if pauses else 0.0}))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("wait-sync")
    w.add_argument("--replica", type=int, required=True)
    w.add_argument("--master-port", type=int, required=True)
    w.add_argument("--keys", type=int, required=True)
    w.add_argument("--timeout", type=float, default=600)
    w.add_argument("--interval-ms", type=float, default=10)
    l = sub.add_parser("lag")
    l.add_argument("--master", type=int, required=True)
    l.add_argument("--replica", type=int, required=True)
    l.add_argument("--interval-ms", type=float, default=10)
    l.add_argument("--timeout", type=float, default=600)
    l.add_argument("command", nargs=argparse.REMAINDER)
    b = sub.add_parser("probe")
    b.add_argument("--port", type=int, required=True)
    b.add_argument("--baseline", type=float, default=5)
    b.add_argument("--after", type=float, default=1)
    b.add_argument("--max-bgsave", type=float, default=300)
    b.add_argument("--bgsave", action="store_true")
    b.add_argument("--interval-ms", type=float, default=1)
    sp = sub.add_parser("sync-phases")
    sp.add_argument("logfile")
    g = sub.add_parser("gc-pauses")
    g.add_argument("gclog")
    g.add_argument("--skip-lines", type=int, default=0)
    g.add_argument("--from", dest="from_epoch", type=float)
    g.add_argument("--to", dest="to_epoch", type=float)
    a = p.parse_args()
    if a.cmd == "wait-sync":
        wait_sync(a)
    elif a.cmd == "lag":
        if a.command and a.command[0] == "--":
            a.command = a.command[1:]
        if not a.command:
            p.error("lag needs the load command after --")
        lag(a)
    elif a.cmd == "probe":
        probe(a)
    elif a.cmd == "sync-phases":
        sync_phases(a)
    else:
        gc_pauses(a)


if __name__ == "__main__":
    sys.exit(main())
