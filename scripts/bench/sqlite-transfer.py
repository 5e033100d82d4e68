#!/usr/bin/env python3
"""SQLite's rate on the transfer workload, one connection in process, WAL, synchronous=FULL (durable commits).

usage: sqlite-transfer.py DIR [--seconds S] [--warmup S] [--accounts N]
Each transaction: BEGIN; read the two balances; update the two rows; COMMIT (uniform accounts, amounts 1..100,
refused when the source cannot pay, like the benchmark module's transfer). Prints "sqlite_tps <tx/s> <p50 us>".
"""
import argparse
import os
import random
import sqlite3
import time

ap = argparse.ArgumentParser()
ap.add_argument("dir")
ap.add_argument("--seconds", type=float, default=10)
ap.add_argument("--warmup", type=float, default=2)
ap.add_argument("--accounts", type=int, default=100_000)
a = ap.parse_args()
path = os.path.join(a.dir, "transfer.db")
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(path + suffix):
        os.remove(path + suffix)
db = sqlite3.connect(path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE account (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)")
db.execute("BEGIN")
db.executemany("INSERT INTO account VALUES (?, ?)", ((i, 1_000_000) for i in range(a.accounts)))
db.execute("COMMIT")
rng = random.Random(42)
n = a.accounts


def transfer():
    src = rng.randrange(n)
    dst = rng.randrange(n)
    if dst == src:
        dst = (dst + 1) % n
    amount = rng.randint(1, 100)
    db.execute("BEGIN")
    (b_src,) = db.execute("SELECT balance FROM account WHERE id = ?", (src,)).fetchone()
    (b_dst,) = db.execute("SELECT balance FROM account WHERE id = ?", (dst,)).fetchone()
    if b_src >= amount:
        db.execute("UPDATE account SET balance = ? WHERE id = ?", (b_src - amount, src))
        db.execute("UPDATE account SET balance = ? WHERE id = ?", (b_dst + amount, dst))
    db.execute("COMMIT")


end = time.monotonic() + a.warmup
while time.monotonic() < end:
    transfer()
lat = []
start = time.monotonic()
end = start + a.seconds
while True:
    t0 = time.perf_counter_ns()
    transfer()
    lat.append(time.perf_counter_ns() - t0)
    if time.monotonic() >= end:
        break
elapsed = time.monotonic() - start
(total,) = db.execute("SELECT sum(balance) FROM account").fetchone()
assert total == 1_000_000 * n, "balance check failed"
db.close()
lat.sort()
print("sqlite_tps %.0f %.1f" % (len(lat) / elapsed, lat[len(lat) // 2] / 1000))
