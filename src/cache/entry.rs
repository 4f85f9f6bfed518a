//! One cache entry on disk: a header line (JSON) that names the entry's format, kind, key,
//! length and SHA-256, then the payload. Decoding checks all of them, so a truncated, corrupted
//! or foreign file is told from a good one and never used.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Bumped when the layout of an entry changes; entries of another format are ignored.
pub const ENTRY_FORMAT: u32 = 1;

#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
struct Header {
    schemactl_cache: u32,
    kind: String,
    key: String,
    len: usize,
    sha256: String,
    /// What the entry holds, for `cache info` and for people reading the directory.
    about: String,
}

/// An entry's bytes: the header line and the payload.
pub fn encode(kind: &str, key: &str, about: &str, payload: &[u8]) -> Vec<u8> {
    let header = Header {
        schemactl_cache: ENTRY_FORMAT,
        kind: kind.to_string(),
        key: key.to_string(),
        len: payload.len(),
        sha256: hex(&Sha256::digest(payload)),
        about: about.replace('\n', " "),
    };
    let mut out = serde_json::to_vec(&header).expect("a header serializes");
    out.push(b'\n');
    out.extend_from_slice(payload);
    out
}

/// The payload of `bytes` when it is a whole entry of `kind` and `key`; otherwise why not.
pub fn decode<'a>(bytes: &'a [u8], kind: &str, key: &str) -> Result<&'a [u8], String> {
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .ok_or("no header line")?;
    let header: Header =
        serde_json::from_slice(&bytes[..end]).map_err(|e| format!("unreadable header: {e}"))?;
    if header.schemactl_cache != ENTRY_FORMAT {
        return Err(format!("entry format {}", header.schemactl_cache));
    }
    if header.kind != kind || header.key != key {
        return Err(format!(
            "it holds another entry ({} {})",
            header.kind, header.key
        ));
    }
    let payload = &bytes[end + 1..];
    if payload.len() != header.len {
        return Err(format!(
            "{} bytes where the header says {} (truncated?)",
            payload.len(),
            header.len
        ));
    }
    if hex(&Sha256::digest(payload)) != header.sha256 {
        return Err("checksum mismatch".into());
    }
    Ok(payload)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_decodes_to_its_payload() {
        let bytes = encode("state", "abc", "files 1..3", b"{\"x\":1}\nmore");
        assert_eq!(decode(&bytes, "state", "abc").unwrap(), b"{\"x\":1}\nmore");
    }

    #[test]
    fn truncated_corrupted_and_foreign_entries_are_refused() {
        let bytes = encode("state", "abc", "", b"payload");
        let truncated = &bytes[..bytes.len() - 2];
        assert!(
            decode(truncated, "state", "abc")
                .unwrap_err()
                .contains("truncated")
        );
        let mut corrupted = bytes.clone();
        *corrupted.last_mut().unwrap() ^= 1;
        assert!(
            decode(&corrupted, "state", "abc")
                .unwrap_err()
                .contains("checksum")
        );
        assert!(
            decode(&bytes, "state", "abd")
                .unwrap_err()
                .contains("another entry")
        );
        assert!(decode(&bytes, "provider", "abc").is_err());
        assert!(decode(b"garbage", "state", "abc").is_err());
        assert!(decode(b"{\"schemactl_cache\":9}\n", "state", "abc").is_err());
    }
}
