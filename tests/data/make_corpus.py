#!/usr/bin/env python3
"""Writes the reader's test corpus: files in many real-world shapes (formats/) and broken
files (broken/). Each file has a test in tests/ingest_corpus.rs that checks what the reader
reports, or the exact error. Run from the repository root: python3 tests/data/make_corpus.py
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(kind, name, data):
    os.makedirs(os.path.join(HERE, kind), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(HERE, kind, name), "wb") as f:
        f.write(data)


def days(n, start=1):
    return [f"2024-01-{d:02d}" for d in range(start, start + n)]


# ---- formats: files that must read, with what the reader should report ----
korean = "일자,가격,비고\n" + "".join(
    f"2024년 1월 {d}일,\"￦{1000 + 10 * d:,}\",정상\n" for d in range(2, 12)
)
write("formats", "cp949_korean.csv", korean.encode("cp949"))

utf16 = "date\tvalue\n" + "".join(f"{d}\t{i}.5\n" for i, d in enumerate(days(10)))
write("formats", "utf16_tab.txt", b"\xff\xfe" + utf16.encode("utf-16-le"))

japanese = "日付,価格,備考\n" + "".join(
    f"2024/01/{d:02d},{500 + d},通常の取引です\n" for d in range(1, 11)
)
write("formats", "shift_jis.csv", japanese.encode("shift_jis"))

german = "Datum;Preis (€);Menge\n" + "".join(
    f"{d:02d}.01.2024;1.234,{d:02d};{d}\n" for d in range(1, 16)
)
write("formats", "windows1252_decimal_comma.csv", german.encode("cp1252"))

write(
    "formats",
    "preamble.csv",
    "Naphtha MOPJ daily assessment\nExported by the desk, all prices USD/t\n\n"
    "date,price,volume\n"
    + "".join(f"{d},{600 + i},{10 + i}\n" for i, d in enumerate(days(12))),
)

write("formats", "excel_serial.csv", "Date,Value\n" + "".join(f"{45292 + i},{i}\n" for i in range(10)))

write(
    "formats",
    "unix_ms.csv",
    "timestamp,load\n" + "".join(f"{1704067200000 + 3600000 * i},{50 + i}\n" for i in range(24)),
)

write(
    "formats",
    "date_and_time_columns.csv",
    "date,time,load\n"
    + "".join(f"2024-01-0{1 + h // 24},{h % 24:02d}:00,{h}\n" for h in range(48)),
)

write("formats", "iso_weeks.csv", "week,sales\n" + "".join(f"2024-W{w:02d},{w * 3}\n" for w in range(1, 13)))

write("formats", "quarters.csv", "period,gdp\n" + "".join(f"{2020 + q // 4}Q{q % 4 + 1},{100 + q}\n" for q in range(12)))

month_ends = ["2023-01-31", "2023-02-28", "2023-03-31", "2023-04-30", "2023-05-31", "2023-06-30",
              "2023-07-31", "2023-08-31", "2023-09-30", "2023-10-31", "2023-11-30", "2023-12-31"]
write("formats", "month_end.csv", "date,v\n" + "".join(f"{d},{i}\n" for i, d in enumerate(month_ends)))

# Business days, with 1 January (Monday) a holiday: a gap of one period.
business = ["2023-12-27", "2023-12-28", "2023-12-29", "2024-01-02", "2024-01-03", "2024-01-04",
            "2024-01-05", "2024-01-08", "2024-01-09", "2024-01-10"]
write("formats", "business_days.csv", "date,price\n" + "".join(f"{d},{70 + i}\n" for i, d in enumerate(business)))

# A panel: three experiments, hourly, the group column is a number.
panel = "exp,time,conc\n" + "".join(
    f"{e},2024-03-01 {h:02d}:00,{e * 10 + h}\n" for e in (1, 2, 3) for h in range(8)
)
write("formats", "panel_experiments.csv", panel)

write(
    "formats",
    "us_dates_percent_thousands.csv",
    "Date,Rate,Volume\n"
    + "".join(f"01/{d:02d}/2024,{d / 2:.1f}%,\"{1000 * d + 234:,}\"\n" for d in range(1, 16)),
)

write(
    "formats",
    "unsorted_offsets.csv",
    "time,v\n2024-01-01T02:00:00+09:00,3\n2024-01-01T00:00:00+09:00,1\n2024-01-01T01:00:00+09:00,2\n2024-01-01T03:00:00+09:00,NA\n",
)

write("formats", "no_header.csv", "".join(f"{d},{i}\n" for i, d in enumerate(days(10))))

# Two exports pasted together: a blank line, the header again, a blank line at the end.
first = "".join(f"{d},{10 + i}\n" for i, d in enumerate(days(6)))
second = "".join(f"{d},{16 + i}\n" for i, d in enumerate(days(6, start=7)))
write("formats", "pasted_exports.csv", "date,sales\n" + first + "\ndate,sales\n" + second + "\n")

# A Korean spreadsheet export closing with a totals row of fewer fields.
write("formats", "totals_row.csv",
      "일자,판매량,단가\n" + "".join(f"{d},{5 + i},{100 + i}\n" for i, d in enumerate(days(8)))
      + "합계,84\n")

# A title block padded to the table's width, with missing-value markers in it.
write("formats", "title_block.csv",
      "Plant 3 electrodialysis log,NA,,\nExported by LIMS (n/a = not measured),n/a,,\n"
      "date,V,E,t\n" + "".join(f"{d},{1 + i},{2 + i},{3 + i}\n" for i, d in enumerate(days(6))))

# A quoted free-text column with a legitimately long field (100 KB, commas and two
# paragraph breaks in it).
essay = ("The pump was serviced, the filter changed, and the log reviewed. " * 1600).strip()
essay = essay[:40000] + "\n\n" + essay[40000:]
write("formats", "long_text_field.csv",
      "date,note,v\n" + "".join(
          f"{d},\"{essay if i == 2 else 'ok'}\",{i}\n" for i, d in enumerate(days(6))))

# The process team's panel: experiments one after another, `t` in hours restarting at 0.
runs = "".join(f"{e},{q / 4},{10 * e + q},{e + q / 10}\n" for e in (1, 2, 3) for q in range(5 + e))
write("formats", "experiments_elapsed.csv", "exp,t,V,E\n" + runs)

# An event log on weekdays: only the days something happened.
events = ["2024-01-02", "2024-01-03", "2024-01-08", "2024-01-09", "2024-01-15", "2024-01-16",
          "2024-01-24", "2024-01-25", "2024-02-05", "2024-02-06", "2024-02-13", "2024-02-14"]
write("formats", "weekday_events.csv",
      "date,orders\n" + "".join(f"{d},{3 + i % 4}\n" for i, d in enumerate(events)))

# Every data line ends with the delimiter (one more, empty field than the header).
write("formats", "trailing_delimiter.csv",
      "date,price,volume\n" + "".join(f"{d},{70 + i},{i}," + "\n" for i, d in enumerate(days(8))))

# ---- broken: files that must fail, each with its exact error ----
write("broken", "empty.csv", b"")
write("broken", "binary.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
write("broken", "header_only.csv", "date,value\n")
write("broken", "one_line.csv", "2024-01-01,5.5")
write("broken", "single_column.csv", "date\n" + "".join(f"{d}\n" for d in days(5)))
write("broken", "ragged.csv", "date,v\n2024-01-01,1\n2024-01-02\n2024-01-03,3,4\n2024-01-04,4\n")
write(
    "broken",
    "all_missing_target.csv",
    "date,price,volume\n" + "".join(f"{d},,{i}\n" for i, d in enumerate(days(10))),
)
write(
    "broken",
    "mixed_types.csv",
    "date,price\n2024-01-01,1.5\n2024-01-02,abc\n2024-01-03,1.7\n2024-01-04,n.a.\n2024-01-05,1.9\n",
)
write(
    "broken",
    "mixed_dates.csv",
    "date,v\n" + "".join(f"{d},{i}\n" for i, d in enumerate(days(9))) + "01/10/2024,9\n",
)
write(
    "broken",
    "duplicates.csv",
    "date,v\n2024-01-01,1\n2024-01-02,2\n2024-01-02,3\n2024-01-03,4\n2024-01-04,5\n",
)
write("broken", "wrong_encoding_cp949.csv", korean.encode("cp949"))
write(
    "broken",
    "huge_field.csv",
    "date,note,v\n2024-01-01,ok,1\n2024-01-02,\"unclosed,2\n"
    + "".join(f"2024-02-{i % 28 + 1:02d},filler text for a long file,{i}\n" for i in range(3000)),
)
