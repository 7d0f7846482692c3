//! Character encodings: detect (BOM, UTF-8 validity, then a statistical guess for legacy
//! encodings such as CP949, Shift-JIS and Windows-1252), decode, and name them for the report.

use std::borrow::Cow;

use encoding_rs::{EUC_KR, Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::data::error::DataError;

/// How the encoding was settled, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte-order mark at the start of the file.
    ByteOrderMark,
    /// The bytes are valid UTF-8.
    ValidUtf8,
    /// A statistical guess over the bytes (legacy encodings).
    Guessed,
    /// The user chose it.
    Chosen,
}

/// The encoding a file was decoded with.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectedEncoding {
    /// The encoding_rs codec.
    pub encoding: &'static Encoding,
    /// Whether the file started with a byte-order mark.
    pub bom: bool,
    /// How it was settled.
    pub source: EncodingSource,
}

impl DetectedEncoding {
    /// The name a forecaster would recognise: `utf-8`, `utf-16le`, `cp949`, `shift_jis`,
    /// `windows-1252`, …
    pub fn name(&self) -> String {
        encoding_name(self.encoding)
    }

    /// How it was settled, in words, for the report.
    pub fn how(&self) -> &'static str {
        match self.source {
            EncodingSource::ByteOrderMark => "byte-order mark",
            EncodingSource::ValidUtf8 => "valid UTF-8",
            EncodingSource::Guessed => "detected from the bytes",
            EncodingSource::Chosen => "chosen",
        }
    }
}

/// Our name for an encoding: encoding_rs's `EUC-KR` is the WHATWG superset that Korean
/// Excel writes, which users know as CP949.
pub fn encoding_name(encoding: &'static Encoding) -> String {
    if encoding == EUC_KR {
        "cp949".into()
    } else {
        encoding.name().to_ascii_lowercase()
    }
}

/// Looks up an encoding by a user's label (`utf-8`, `cp949`, `euc-kr`, `sjis`, `latin1`, …).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().to_ascii_lowercase();
    match label.as_str() {
        "cp949" | "uhc" | "ms949" | "windows-949" => Some(EUC_KR),
        "sjis" | "shift-jis" | "cp932" | "ms932" => Some(SHIFT_JIS),
        "cp1252" | "latin1" | "latin-1" => Some(WINDOWS_1252),
        "utf8" => Some(UTF_8),
        "utf16le" | "utf-16" => Some(UTF_16LE),
        "utf16be" => Some(UTF_16BE),
        _ => Encoding::for_label(label.as_bytes()),
    }
}

/// The encodings a user may pick in the UI, by our names.
pub const CHOOSABLE: [&str; 7] = [
    "utf-8",
    "utf-16le",
    "utf-16be",
    "cp949",
    "shift_jis",
    "windows-1252",
    "gbk",
];

/// Settles the encoding of `bytes`: the user's choice, else a BOM, else UTF-8 when the bytes
/// are valid UTF-8, else a guess among legacy encodings. NUL bytes without a UTF-16 BOM mean
/// the file is not text.
///
/// # Errors
/// [`DataError::NotText`] for binary data; [`DataError::UnknownEncoding`] for a label we do
/// not know.
pub fn detect(
    file: &str,
    bytes: &[u8],
    chosen: Option<&str>,
) -> Result<DetectedEncoding, DataError> {
    let bom = Encoding::for_bom(bytes).map(|(encoding, _)| encoding);
    if let Some(label) = chosen.filter(|l| !l.trim().is_empty() && l.trim() != "auto") {
        let encoding = encoding_for_label(label).ok_or_else(|| DataError::UnknownEncoding {
            label: label.into(),
            known: CHOOSABLE.join(", "),
        })?;
        return Ok(DetectedEncoding {
            encoding,
            bom: bom == Some(encoding),
            source: EncodingSource::Chosen,
        });
    }
    if let Some(encoding) = bom {
        return Ok(DetectedEncoding {
            encoding,
            bom: true,
            source: EncodingSource::ByteOrderMark,
        });
    }
    if let Some(offset) = memchr_nul(bytes) {
        return Err(DataError::NotText {
            file: file.into(),
            offset,
        });
    }
    if std::str::from_utf8(bytes).is_ok() {
        return Ok(DetectedEncoding {
            encoding: UTF_8,
            bom: false,
            source: EncodingSource::ValidUtf8,
        });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    // The first megabyte is plenty to tell Hangul from Kana from Latin text.
    let sample = &bytes[..bytes.len().min(1 << 20)];
    detector.feed(sample, sample.len() == bytes.len());
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    Ok(DetectedEncoding {
        encoding,
        bom: false,
        source: EncodingSource::Guessed,
    })
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|b| *b == 0)
}

/// Decodes `bytes` with the settled encoding, without copying valid UTF-8. The BOM is removed.
///
/// # Errors
/// [`DataError::WrongEncoding`] when the bytes are not valid in the chosen encoding (with the
/// line of the first bad byte and the encoding that detection would pick).
pub fn decode<'a>(
    file: &str,
    bytes: &'a [u8],
    detected: &DetectedEncoding,
) -> Result<Cow<'a, str>, DataError> {
    let body = if detected.bom {
        let bom_len = Encoding::for_bom(bytes).map_or(0, |(_, len)| len);
        &bytes[bom_len..]
    } else {
        bytes
    };
    match detected
        .encoding
        .decode_without_bom_handling_and_without_replacement(body)
    {
        Some(text) => Ok(text),
        None => {
            let offset = first_bad_byte(body, detected.encoding);
            let line = 1 + body[..offset].iter().filter(|b| **b == b'\n').count();
            let suggestion = detect(file, bytes, None)
                .ok()
                .filter(|d| d.encoding != detected.encoding)
                .map(|d| d.name());
            Err(DataError::WrongEncoding {
                file: file.into(),
                encoding: detected.name(),
                line,
                offset: offset + (bytes.len() - body.len()),
                suggestion,
            })
        }
    }
}

/// Offset of the first byte the encoding cannot decode (found by decoding in slices).
fn first_bad_byte(bytes: &[u8], encoding: &'static Encoding) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(4096);
    let mut read_total = 0;
    loop {
        out.clear();
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut out, true);
        read_total += read;
        match result {
            encoding_rs::DecoderResult::Malformed(len, _) => {
                return read_total.saturating_sub(len as usize);
            }
            encoding_rs::DecoderResult::InputEmpty => return read_total,
            encoding_rs::DecoderResult::OutputFull => {
                out.reserve(4096);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = detect("f", b"a,b\n1,2\n", None).unwrap();
        assert_eq!((plain.name().as_str(), plain.bom), ("utf-8", false));
        let bom = detect("f", b"\xef\xbb\xbfa,b\n", None).unwrap();
        assert_eq!((bom.name().as_str(), bom.bom), ("utf-8", true));
        assert_eq!(decode("f", b"\xef\xbb\xbfa,b\n", &bom).unwrap(), "a,b\n");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "날짜,값\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let d = detect("f", &bytes, None).unwrap();
        assert_eq!(d.name(), "utf-16le");
        assert_eq!(decode("f", &bytes, &d).unwrap(), "날짜,값\n");
    }

    #[test]
    fn cp949_and_shift_jis_are_recognised() {
        let korean = "날짜,가격,비고\n2024-01-02,1000,정상 거래\n2024-01-03,1010,휴일 전날\n";
        let (bytes, _, _) = EUC_KR.encode(korean);
        let d = detect("f", &bytes, None).unwrap();
        assert_eq!(d.name(), "cp949");
        assert_eq!(decode("f", &bytes, &d).unwrap(), korean);

        let japanese =
            "日付,価格,備考\n2024-01-02,1000,通常の取引です\n2024-01-03,1010,祝日の前日です\n";
        let (bytes, _, _) = SHIFT_JIS.encode(japanese);
        assert_eq!(detect("f", &bytes, None).unwrap().name(), "shift_jis");
    }

    #[test]
    fn a_wrong_choice_names_the_line_and_the_likely_encoding() {
        let (bytes, _, _) = EUC_KR.encode("date,v\n2024-01-02,1\n2024-01-03,2 원\n");
        let chosen = detect("k.csv", &bytes, Some("utf-8")).unwrap();
        let err = decode("k.csv", &bytes, &chosen).unwrap_err();
        match err {
            DataError::WrongEncoding {
                line, suggestion, ..
            } => {
                assert_eq!(line, 3);
                assert!(suggestion.is_some());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn labels() {
        assert_eq!(encoding_for_label("CP949"), Some(EUC_KR));
        assert_eq!(encoding_for_label("latin1"), Some(WINDOWS_1252));
        assert!(encoding_for_label("klingon").is_none());
    }
}
