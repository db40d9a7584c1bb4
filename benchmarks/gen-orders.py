#!/usr/bin/env python3
"""Writes a seeded orders CSV: 10 columns, about 140 bytes a row, about 5% of records with quoted
commas, doubled quotes or line breaks. Usage: gen-orders.py ROWS > orders.csv"""
import random
import sys

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
rnd = random.Random(42)
names = ["alice", "bob", "carol", "dan", "eve", "frank", "grace", "heidi", "ivan", "judy"]
cities = ["Berlin", "Paris", "Lisbon", "Madrid", "Rome", "Vienna", "Prague", "Oslo"]
statuses = ["paid", "paid", "paid", "shipped", "cancelled"]
out = sys.stdout
out.write("id,name,email,city,amount,quantity,status,created,category,notes\n")
for i in range(1, rows + 1):
    name = rnd.choice(names) + " " + rnd.choice(names).capitalize()
    notes = "standard delivery window requested by customer"
    r = rnd.random()
    if r < 0.02:
        notes = '"left at door, rang twice"'
    elif r < 0.04:
        notes = '"customer said ""urgent"" twice"'
    elif r < 0.05:
        notes = '"line one\nline two"'
    out.write(f"{i},{name},{name.split()[0]}{i}@example.com,{rnd.choice(cities)},{rnd.randint(100, 99999) / 100},"
              f"{rnd.randint(1, 20)},{rnd.choice(statuses)},2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d},"
              f"cat-{rnd.randint(1, 40)},{notes}\n")
