#!/usr/bin/env python3
"""Writes the built-in holiday tables src/data/holidays/{kr,us}.csv (date,name) for
1990-2040 from the python-holidays package (pip install holidays==0.105). Korea's lunar
holidays (Seollal, Chuseok, Buddha's Birthday) and substitute holidays come dated from it,
so the engine needs no lunar calendar. Run from the repository root:
python3 tests/data/make_holidays.py
"""
import os

import holidays

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
YEARS = range(1990, 2041)

for code, name in (("KR", "kr"), ("US", "us")):
    table = holidays.country_holidays(code, years=YEARS)
    path = os.path.join(ROOT, "src", "data", "holidays", f"{name}.csv")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"# {code} public holidays {YEARS[0]}-{YEARS[-1]}, python-holidays {holidays.__version__}\n")
        f.write("date,name\n")
        for day, label in sorted(table.items()):
            f.write(f"{day.isoformat()},{label.replace(',', ';')}\n")
    print(path, len(table))
