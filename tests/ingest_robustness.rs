//! The reader never panics: every corpus file, mutated many ways (bytes flipped, quotes,
//! delimiters, line breaks and multi-byte characters inserted, cut short), reads or fails
//! with an error. A deterministic stand-in for the cargo-fuzz target in `fuzz/`, so CI
//! covers it on every run.

use std::panic::{AssertUnwindSafe, catch_unwind};

use foresight::data::read::{ReadOptions, read_table};

/// SplitMix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const INSERTS: [&[u8]; 14] = [
    b"\"",
    b",",
    b";",
    b"\t",
    b"\n",
    b"\r\n",
    b"\xff",
    b"\x00",
    "₩".as_bytes(),
    "년".as_bytes(),
    b"-",
    b"+09:00",
    b"%",
    b"\xef\xbb\xbf",
];

fn mutate(rng: &mut Rng, bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(4) {
            0 if !out.is_empty() => {
                let i = at.min(out.len() - 1);
                out[i] = rng.next() as u8;
            }
            1 => {
                let insert = INSERTS[rng.below(INSERTS.len())];
                out.splice(at..at, insert.iter().copied());
            }
            2 => out.truncate(at),
            _ => {
                let end = (at + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
        }
    }
    out
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in ["formats", "broken"] {
        let path = format!("{}/tests/data/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(&path).expect("corpus folder") {
            let entry = entry.expect("entry");
            let bytes = std::fs::read(entry.path()).expect("file");
            // Large files are cut: the mutations matter, not the length.
            files.push((
                entry.path().display().to_string(),
                bytes[..bytes.len().min(4096)].to_vec(),
            ));
        }
    }
    files.sort();
    files
}

#[test]
fn mutated_files_never_panic_the_reader() {
    let mut rng = Rng(20_261_122);
    let mut read = 0;
    let mut failed = 0;
    for (name, bytes) in corpus() {
        for round in 0..200 {
            let input = mutate(&mut rng, &bytes);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                read_table("fuzz.csv", &input, &ReadOptions::default(), &mut |_| {})
            }));
            match outcome {
                Ok(Ok(_)) => read += 1,
                Ok(Err(e)) => {
                    assert!(!e.to_string().is_empty());
                    failed += 1;
                }
                Err(_) => panic!(
                    "the reader panicked on mutation {round} of {name}; input: {:?}",
                    String::from_utf8_lossy(&input)
                ),
            }
        }
    }
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(read > 0 && failed > 0, "read {read}, failed {failed}");
}
