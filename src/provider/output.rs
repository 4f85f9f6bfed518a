//! Reading a provider's pipes: stdout up to a size bound, stderr as a bounded tail for messages.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc::UnboundedSender;

/// How many trailing stderr lines an error message shows.
pub(crate) const TAIL_LINES: usize = 20;
/// How many trailing stderr bytes are kept (a chatty provider must not fill memory).
const TAIL_BYTES: usize = 64 * 1024;

/// What reading stdout produced.
pub(crate) enum Stdout {
    Complete(Vec<u8>),
    /// More than the bound was printed; reading stopped there.
    TooLarge,
}

/// Reads `reader` to its end, or stops as soon as more than `max` bytes arrived; each piece
/// also goes to `sink` as it arrives (dropped at the end, which tells the receiver so). A
/// receiver that went away stops nothing: the output is still read whole.
pub(crate) async fn read_bounded(
    mut reader: impl AsyncRead + Unpin,
    max: usize,
    sink: Option<UnboundedSender<Vec<u8>>>,
) -> Stdout {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => return Stdout::Complete(out),
            Ok(n) => {
                if out.len() + n > max {
                    return Stdout::TooLarge;
                }
                out.extend_from_slice(&chunk[..n]);
                if let Some(sink) = &sink {
                    let _ = sink.send(chunk[..n].to_vec());
                }
            }
        }
    }
}

/// The last bytes a program wrote to stderr, shared so that a timeout can still show them.
#[derive(Clone, Default)]
pub(crate) struct StderrTail {
    bytes: Arc<Mutex<Vec<u8>>>,
}

impl StderrTail {
    /// Reads `reader` to its end, keeping only the last [`TAIL_BYTES`].
    pub(crate) async fn collect(&self, mut reader: impl AsyncRead + Unpin) {
        let mut chunk = vec![0u8; 16 * 1024];
        while let Ok(n) = reader.read(&mut chunk).await {
            if n == 0 {
                break;
            }
            self.push(&chunk[..n]);
        }
    }

    fn push(&self, data: &[u8]) {
        let mut bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        bytes.extend_from_slice(data);
        if bytes.len() > TAIL_BYTES {
            let excess = bytes.len() - TAIL_BYTES;
            bytes.drain(..excess);
        }
    }

    /// The last [`TAIL_LINES`] non-blank-trailing lines, lossily decoded; empty if nothing was written.
    pub(crate) fn last_lines(&self) -> Vec<String> {
        let bytes = self.bytes.lock().unwrap_or_else(|p| p.into_inner());
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.trim_end().lines().collect();
        let start = lines.len().saturating_sub(TAIL_LINES);
        lines[start..].iter().map(|l| l.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn read_bounded_accepts_exactly_the_bound() {
        let data = [b'x'; 100];
        match read_bounded(&data[..], 100, None).await {
            Stdout::Complete(out) => assert_eq!(out.len(), 100),
            Stdout::TooLarge => panic!("100 bytes fit a bound of 100"),
        }
    }

    #[tokio::test]
    async fn read_bounded_stops_one_byte_over_the_bound() {
        let data = [b'x'; 101];
        assert!(matches!(
            read_bounded(&data[..], 100, None).await,
            Stdout::TooLarge
        ));
    }

    #[tokio::test]
    async fn every_piece_also_goes_to_the_sink_which_is_dropped_at_the_end() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let (sink, mut pieces) = tokio::sync::mpsc::unbounded_channel();
        let Stdout::Complete(out) = read_bounded(&data[..], usize::MAX, Some(sink)).await else {
            panic!("no bound");
        };
        let mut sent = Vec::new();
        while let Some(piece) = pieces.recv().await {
            sent.extend(piece);
        }
        assert_eq!((out, sent.len()), (data.clone(), data.len()));
        assert_eq!(sent, data);
    }

    #[tokio::test]
    async fn stderr_tail_keeps_the_last_twenty_lines() {
        let text: String = (1..=50).map(|i| format!("line {i}\n")).collect();
        let tail = StderrTail::default();
        tail.collect(text.as_bytes()).await;
        let lines = tail.last_lines();
        assert_eq!(lines.len(), TAIL_LINES);
        assert_eq!(lines.first().unwrap(), "line 31");
        assert_eq!(lines.last().unwrap(), "line 50");
    }

    #[test]
    fn stderr_tail_drops_old_bytes_past_its_bound() {
        let tail = StderrTail::default();
        tail.push(&vec![b'a'; TAIL_BYTES]);
        tail.push(b"\nlast");
        assert_eq!(tail.bytes.lock().unwrap().len(), TAIL_BYTES);
        assert_eq!(tail.last_lines().last().unwrap(), "last");
    }
}
