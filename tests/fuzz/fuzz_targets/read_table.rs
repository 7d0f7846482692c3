//! Any bytes, any reader options: `read_table` returns a frame or an error, never panics.
#![no_main]

use foresight::data::read::datetime::DateOrder;
use foresight::data::read::{DuplicatePolicy, ReadOptions, read_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks options, so overrides are fuzzed too.
    let (choice, bytes) = data.split_first().map_or((0, data), |(c, rest)| (*c, rest));
    let options = ReadOptions {
        encoding: [None, Some("cp949"), Some("utf-16le"), Some("windows-1252")][usize::from(choice & 3)]
            .map(str::to_string),
        delimiter: [None, Some(";")][usize::from(choice >> 2 & 1)].map(str::to_string),
        date_order: [DateOrder::Auto, DateOrder::DayFirst][usize::from(choice >> 3 & 1)],
        duplicates: [DuplicatePolicy::Error, DuplicatePolicy::Mean][usize::from(choice >> 4 & 1)],
        ..ReadOptions::default()
    };
    let _ = read_table("fuzz.csv", bytes, &options, &mut |_| {});
});
