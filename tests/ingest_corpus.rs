//! The reader on a corpus of real-world file shapes (`tests/data/formats/`) and broken files
//! (`tests/data/broken/`): what it reports, and the exact error for each broken file. The
//! corpus is written by `tests/data/make_corpus.py`.

use foresight::data::DataError;
use foresight::data::frequency::{Frequency, MonthAnchor};
use foresight::data::read::datetime::DateOrder;
use foresight::data::read::{DuplicatePolicy, Loaded, ReadOptions, read_table};
use foresight::data::window::{WindowSpec, prepare};

fn bytes(path: &str) -> Vec<u8> {
    let full = format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

fn read_with(path: &str, options: &ReadOptions) -> Result<Loaded, DataError> {
    read_table(path, &bytes(path), options, &mut |_| {})
}

fn read(path: &str) -> Loaded {
    read_with(path, &ReadOptions::default()).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fact<'a>(loaded: &'a Loaded, name: &str) -> &'a str {
    loaded
        .report
        .fact(name)
        .unwrap_or_else(|| panic!("no fact {name}"))
}

fn values(loaded: &Loaded, column: &str) -> Vec<f64> {
    loaded.frame.column(column).expect("column").values.clone()
}

#[test]
fn every_report_names_the_contract_facts() {
    let loaded = read("formats/preamble.csv");
    for name in [
        "encoding",
        "delimiter",
        "header row",
        "skipped",
        "time column",
        "date format",
        "frequency",
        "rows",
        "columns",
        "groups",
        "missing periods",
        "duplicates",
        "unsorted",
        "missing markers",
    ] {
        assert!(loaded.report.fact(name).is_some(), "missing fact {name}");
    }
}

#[test]
fn korean_excel_export_in_cp949() {
    let l = read("formats/cp949_korean.csv");
    assert_eq!(fact(&l, "encoding"), "cp949");
    assert_eq!(fact(&l, "time column"), "일자");
    assert_eq!(fact(&l, "date format"), "YYYY년 M월 D일");
    assert_eq!(fact(&l, "frequency"), "daily");
    assert_eq!(values(&l, "가격")[0], 1020.0);
    assert!(fact(&l, "numbers").contains("currency ￦ removed"));
    assert_eq!(l.frame.text_columns, vec!["비고".to_string()]);
}

#[test]
fn utf16_with_bom_and_tabs() {
    let l = read("formats/utf16_tab.txt");
    assert_eq!(fact(&l, "encoding"), "utf-16le");
    assert_eq!(fact(&l, "delimiter"), "tab");
    assert_eq!(values(&l, "value")[9], 9.5);
}

#[test]
fn shift_jis_with_slashed_dates() {
    let l = read("formats/shift_jis.csv");
    assert_eq!(fact(&l, "encoding"), "shift_jis");
    assert_eq!(fact(&l, "date format"), "YYYY/MM/DD");
    assert_eq!(fact(&l, "time column"), "日付");
}

#[test]
fn windows_1252_semicolons_decimal_commas_day_first() {
    let l = read("formats/windows1252_decimal_comma.csv");
    assert_eq!(fact(&l, "encoding"), "windows-1252");
    assert_eq!(fact(&l, "delimiter"), ";");
    assert!(fact(&l, "date format").starts_with("DD.MM.YYYY (day-first: line 14"));
    assert_eq!(values(&l, "Preis (€)")[0], 1234.01);
    assert_eq!(l.frame.time_label(12), "2024-01-13");
}

#[test]
fn title_lines_before_the_header_are_skipped() {
    let l = read("formats/preamble.csv");
    assert_eq!(fact(&l, "header row"), "4");
    assert!(fact(&l, "preamble").starts_with("2 line(s) skipped: 'Naphtha MOPJ daily assessment'"));
    assert_eq!(fact(&l, "rows"), "12");
}

#[test]
fn number_like_time_columns_need_a_time_header() {
    let excel = read("formats/excel_serial.csv");
    assert_eq!(fact(&excel, "date format"), "Excel serial days");
    assert_eq!(excel.frame.time_label(0), "2024-01-01");
    let unix = read("formats/unix_ms.csv");
    assert_eq!(fact(&unix, "date format"), "Unix milliseconds");
    assert_eq!(unix.frame.frequency, Frequency::Seconds(3_600));
}

#[test]
fn separate_date_and_time_columns_are_joined() {
    let l = read("formats/date_and_time_columns.csv");
    assert_eq!(fact(&l, "time column"), "date + time");
    assert_eq!(fact(&l, "frequency"), "hourly");
    assert_eq!(l.frame.time_label(25), "2024-01-02T01:00:00");
}

#[test]
fn weeks_quarters_month_ends_and_business_days() {
    let weeks = read("formats/iso_weeks.csv");
    assert_eq!(weeks.frame.frequency, Frequency::Weekly { weekday: 0 });
    let quarters = read("formats/quarters.csv");
    assert_eq!(fact(&quarters, "frequency"), "quarterly (quarter start)");
    let month_end = read("formats/month_end.csv");
    assert_eq!(
        month_end.frame.frequency,
        Frequency::Monthly {
            anchor: MonthAnchor::End
        }
    );
    let business = read("formats/business_days.csv");
    assert_eq!(fact(&business, "frequency"), "business daily (Mon–Fri)");
    assert!(
        fact(&business, "missing periods")
            .starts_with("1 in 1 gap(s); largest: 1 after 2023-12-29")
    );
}

#[test]
fn a_panel_is_split_by_its_group_column() {
    let l = read("formats/panel_experiments.csv");
    assert!(fact(&l, "groups").starts_with("3 (column 'exp', detected"));
    let groups = l.frame.groups.as_ref().expect("groups");
    assert_eq!(groups.names, ["1", "2", "3"]);
    assert_eq!(groups.ranges, [0..8, 8..16, 16..24]);
    assert_eq!(l.frame.frequency, Frequency::Seconds(3_600));
    // Windows of one group only: the second experiment's series starts at its own first row.
    let spec = WindowSpec {
        target: "conc".into(),
        calendar: false,
        window: 2,
        horizon: 1,
        group: Some("2".into()),
        ..WindowSpec::default()
    };
    let prepared = prepare(&l.frame, &spec).expect("prepares");
    assert_eq!(
        prepared.target_raw,
        (20..28).map(f64::from).collect::<Vec<_>>()
    );
    let unknown = prepare(
        &l.frame,
        &WindowSpec {
            group: Some("9".into()),
            ..spec
        },
    )
    .unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "there is no group '9' in column 'exp'; groups are: 1, 2, 3"
    );
}

#[test]
fn a_chosen_decimal_mark_overrides_detection() {
    let comma = read_with(
        "formats/us_dates_percent_thousands.csv",
        &ReadOptions {
            decimal: Some(foresight::data::read::number::DecimalMark::Comma),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    // "1,234" read with a decimal comma is 1.234.
    assert_eq!(values(&comma, "Volume")[0], 1.234);
}

#[test]
fn us_dates_percent_and_thousands() {
    let l = read("formats/us_dates_percent_thousands.csv");
    assert!(fact(&l, "date format").starts_with("MM/DD/YYYY (month-first: line 14"));
    assert_eq!(values(&l, "Rate")[2], 1.5);
    assert_eq!(values(&l, "Volume")[1], 2234.0);
    let forced = read_with(
        "formats/us_dates_percent_thousands.csv",
        &ReadOptions {
            date_order: DateOrder::DayFirst,
            ..ReadOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        forced.to_string().contains("line 14 '01/13/2024'"),
        "{forced}"
    );
}

#[test]
fn unsorted_rows_with_an_offset_are_sorted_and_reported() {
    let l = read("formats/unsorted_offsets.csv");
    assert_eq!(
        fact(&l, "unsorted"),
        "yes: line 3 is earlier than the row before it; rows sorted by time"
    );
    assert!(fact(&l, "date format").contains("UTC offset +09:00; wall-clock time kept"));
    assert_eq!(fact(&l, "missing markers"), "NA ×1");
    let v = values(&l, "v");
    assert_eq!(&v[..3], &[1.0, 2.0, 3.0]);
    assert!(v[3].is_nan());
}

#[test]
fn a_file_without_header_gets_column_names() {
    let l = read("formats/no_header.csv");
    assert_eq!(fact(&l, "header row"), "none");
    assert_eq!(fact(&l, "time column"), "column 1");
    assert_eq!(values(&l, "column 2").len(), 10);
}

#[test]
fn pasted_exports_with_a_repeated_header_and_blank_lines_read_as_one() {
    let l = read("formats/pasted_exports.csv");
    assert_eq!(
        values(&l, "sales"),
        (10..22).map(f64::from).collect::<Vec<_>>()
    );
    assert_eq!(fact(&l, "rows"), "12");
    assert_eq!(
        fact(&l, "skipped"),
        "line 9 (the header repeated), 1 blank line (line 8)"
    );
}

#[test]
fn a_closing_totals_row_with_fewer_fields_is_skipped_and_named() {
    let l = read("formats/totals_row.csv");
    assert_eq!(values(&l, "판매량").len(), 8);
    assert_eq!(fact(&l, "skipped"), "line 10 (a closing line '합계,84')");
}

#[test]
fn a_trailing_delimiter_on_every_line_is_dropped() {
    let l = read("formats/trailing_delimiter.csv");
    assert_eq!(fact(&l, "header row"), "1");
    assert_eq!(fact(&l, "time column"), "date");
    assert_eq!(
        l.frame.columns.len(),
        2,
        "price and volume, no empty column"
    );
    assert_eq!(values(&l, "price")[7], 77.0);
    assert!(fact(&l, "skipped").contains("trailing delimiter"));
}

#[test]
fn an_event_log_on_weekdays_is_irregular() {
    let l = read("formats/weekday_events.csv");
    assert_eq!(fact(&l, "frequency"), "irregular");
}

#[test]
fn a_title_block_with_missing_markers_is_a_preamble() {
    let l = read("formats/title_block.csv");
    assert_eq!(fact(&l, "header row"), "3");
    assert_eq!(fact(&l, "time column"), "date");
    assert_eq!(values(&l, "E"), [2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
}

#[test]
fn a_long_quoted_free_text_field_is_read() {
    let l = read("formats/long_text_field.csv");
    assert_eq!(values(&l, "v"), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]);
}

#[test]
fn experiments_one_after_another_with_elapsed_time_are_a_panel() {
    let l = read("formats/experiments_elapsed.csv");
    assert_eq!(
        fact(&l, "groups"),
        "3 (column 'exp', detected: runs one after another, an elapsed-time column restarting at 0 in each)"
    );
    let groups = l.frame.groups.as_ref().expect("groups");
    assert_eq!(groups.names, ["1", "2", "3"]);
    // One series alone (no elapsed column) stays one series.
    let one = read_table(
        "one.csv",
        b"exp,v\n1,1\n1,2\n2,3\n2,4\n",
        &ReadOptions::default(),
        &mut |_| {},
    )
    .expect("reads");
    assert!(one.frame.groups.is_none());
    // A clock column restarting each day is one series, not a panel of days.
    let day_hour: String = std::iter::once("day,hour,load\n".to_string())
        .chain((1..=3).flat_map(|d| (0..24).map(move |h| format!("{d},{h},{}\n", d * 100 + h))))
        .collect();
    let days = read_table(
        "d.csv",
        day_hour.as_bytes(),
        &ReadOptions::default(),
        &mut |_| {},
    )
    .expect("reads");
    assert!(days.frame.groups.is_none());
}

fn error(path: &str) -> String {
    match read_with(path, &ReadOptions::default()) {
        Ok(_) => panic!("{path} read without an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn broken_files_give_their_exact_errors() {
    let cases = [
        (
            "broken/empty.csv",
            "broken/empty.csv: the file is empty; expected a CSV with a header row and data rows",
        ),
        (
            "broken/binary.png",
            "broken/binary.png: this is not a text CSV file (binary data at byte 8); expected text with comma-, semicolon-, tab- or pipe-separated columns",
        ),
        (
            "broken/header_only.csv",
            "broken/header_only.csv: the header is there but there are no data rows",
        ),
        (
            "broken/one_line.csv",
            "broken/one_line.csv: the file has a single line; expected a header row and at least one data row",
        ),
        (
            "broken/single_column.csv",
            "broken/single_column.csv: no numeric column found (columns: date); expected at least one column of numbers to forecast",
        ),
        (
            "broken/ragged.csv",
            "broken/ragged.csv: 2 row(s) do not have 2 fields as the header does: line 3 has 1, line 4 has 3",
        ),
        (
            "broken/mixed_types.csv",
            "broken/mixed_types.csv: column 'price' holds numbers but 2 cell(s) are not numbers: line 3 'abc', line 5 'n.a.'; fix them or mark them missing (empty, NA)",
        ),
        (
            "broken/mixed_dates.csv",
            "broken/mixed_dates.csv: time column 'date' is read as YYYY-MM-DD, but 1 cell(s) are not: line 11 '01/10/2024'",
        ),
        (
            "broken/duplicates.csv",
            "broken/duplicates.csv: 1 time stamp(s) in 'date' appear more than once: 2024-01-02 on lines 3, 4. Choose to keep the last row or to average them, or fix the file",
        ),
        (
            "broken/huge_field.csv",
            "broken/huge_field.csv: line 3, column 'note': a quote (\") opened here runs over 3000 lines that look like rows of the table; close it, or remove the stray quote",
        ),
    ];
    for (path, expected) in cases {
        assert_eq!(error(path), expected, "{path}");
    }
}

#[test]
fn a_wrong_encoding_choice_says_which_line_and_what_to_choose() {
    let err = read_with(
        "broken/wrong_encoding_cp949.csv",
        &ReadOptions {
            encoding: Some("utf-8".into()),
            ..ReadOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "broken/wrong_encoding_cp949.csv: line 1 (byte 0) is not valid utf-8; the file looks like cp949: choose that encoding"
    );
    // Detected, it reads.
    assert_eq!(
        fact(&read("broken/wrong_encoding_cp949.csv"), "encoding"),
        "cp949"
    );
}

#[test]
fn an_all_missing_target_reads_but_cannot_be_forecast() {
    let l = read("broken/all_missing_target.csv");
    let spec = WindowSpec {
        target: "price".into(),
        window: 2,
        horizon: 1,
        ..WindowSpec::default()
    };
    assert_eq!(
        prepare(&l.frame, &spec).unwrap_err().to_string(),
        "column 'price' has no values: all 10 rows are missing"
    );
}

#[test]
fn duplicate_policies() {
    let last = read_with(
        "broken/duplicates.csv",
        &ReadOptions {
            duplicates: DuplicatePolicy::KeepLast,
            ..ReadOptions::default()
        },
    )
    .expect("reads");
    assert_eq!(values(&last, "v"), [1.0, 3.0, 4.0, 5.0]);
    assert_eq!(
        fact(&last, "duplicates"),
        "1 time stamp(s) on 2 rows; kept the last row"
    );
    let mean = read_with(
        "broken/duplicates.csv",
        &ReadOptions {
            duplicates: DuplicatePolicy::Mean,
            ..ReadOptions::default()
        },
    )
    .expect("reads");
    assert_eq!(values(&mean, "v"), [1.0, 2.5, 4.0, 5.0]);
}

#[test]
fn a_mixed_column_is_kept_but_cannot_be_modelled() {
    // A clean column beside the mixed one: the file reads, the mixed column is reported.
    let text = "date,price,clean\n2024-01-01,1.5,1\n2024-01-02,abc,2\n2024-01-03,1.7,3\n";
    let l = read_table(
        "m.csv",
        text.as_bytes(),
        &ReadOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let stats = l.report.columns.iter().find(|c| c.name == "price").unwrap();
    assert_eq!(stats.kind, "mixed");
    let spec = WindowSpec {
        target: "price".into(),
        window: 1,
        horizon: 1,
        ..WindowSpec::default()
    };
    assert_eq!(
        prepare(&l.frame, &spec).unwrap_err().to_string(),
        "m.csv: column 'price' holds numbers but 1 cell(s) are not numbers: line 3 'abc'; fix them or mark them missing (empty, NA)"
    );
}

#[test]
fn overrides_change_what_is_read() {
    let path = "formats/preamble.csv";
    let no_time = read_with(
        path,
        &ReadOptions {
            time_column: Some("none".into()),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(fact(&no_time, "time column"), "none (row order)");
    assert_eq!(no_time.frame.frequency, Frequency::RowOrder);
    let missing = read_with(
        path,
        &ReadOptions {
            group_column: Some("site".into()),
            ..ReadOptions::default()
        },
    )
    .unwrap_err();
    assert_eq!(
        missing.to_string(),
        "formats/preamble.csv: there is no column 'site' to use as the group column; columns are: date, price, volume"
    );
    // The time column cannot also group the rows: a clear error, not a panic.
    let time_as_group = read_with(
        path,
        &ReadOptions {
            group_column: Some("date".into()),
            ..ReadOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        time_as_group
            .to_string()
            .contains("other than the time column"),
        "{time_as_group}"
    );
    let not_time = read_with(
        path,
        &ReadOptions {
            time_column: Some("price".into()),
            ..ReadOptions::default()
        },
    )
    .unwrap_err();
    assert!(
        not_time
            .to_string()
            .starts_with("formats/preamble.csv: column 'price' is not a time column"),
        "{not_time}"
    );
}
