//! Cache keys: a SHA-256 over labelled parts, each length-prefixed so that no two different
//! lists of parts hash alike ("ab" + "c" is not "a" + "bc").

use super::entry::hex;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct KeyBuilder {
    hasher: Sha256,
}

impl KeyBuilder {
    /// A key of `kind` (entries of different kinds never share a key).
    pub fn new(kind: &str) -> Self {
        let mut builder = Self {
            hasher: Sha256::new(),
        };
        builder.part("kind", kind.as_bytes());
        builder
    }

    /// Adds one part; `label` says what it is, so that parts cannot trade places.
    pub fn part(&mut self, label: &str, value: &[u8]) -> &mut Self {
        for field in [label.as_bytes(), value] {
            self.hasher.update((field.len() as u64).to_le_bytes());
            self.hasher.update(field);
        }
        self
    }

    pub fn text(&mut self, label: &str, value: &str) -> &mut Self {
        self.part(label, value.as_bytes())
    }

    /// The key: 64 hex digits.
    pub fn finish(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited_and_labelled() {
        let key = |parts: &[(&str, &str)]| {
            let mut builder = KeyBuilder::new("state");
            for (label, value) in parts {
                builder.text(label, value);
            }
            builder.finish()
        };
        assert_eq!(key(&[("a", "x")]), key(&[("a", "x")]));
        assert_ne!(
            key(&[("a", "ab"), ("b", "c")]),
            key(&[("a", "a"), ("b", "bc")])
        );
        assert_ne!(key(&[("a", "x")]), key(&[("b", "x")]));
        assert_ne!(
            KeyBuilder::new("state").finish(),
            KeyBuilder::new("desired").finish()
        );
        assert_eq!(key(&[]).len(), 64);
    }
}
