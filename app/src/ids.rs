//! Random identifiers from the operating system's CSPRNG.

use rand::{rngs::OsRng, Rng, RngCore};

/// Letters and digits that cannot be mistaken for each other when read over the phone.
const READABLE: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";

/// A short reference a user can quote (`K7Q2-9MXD`), tying their report to a log entry.
pub fn reference() -> String {
    let mut rng = OsRng;
    let mut out = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            out.push('-');
        }
        out.push(READABLE[rng.gen_range(0..READABLE.len())] as char);
    }
    out
}

/// A token with `bytes * 8` bits of entropy, as lowercase hex.
pub fn token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_short_readable_and_differ() {
        let a = reference();
        let b = reference();
        assert_eq!(a.len(), 9);
        assert_eq!(&a[4..5], "-");
        assert!(a
            .chars()
            .filter(|c| *c != '-')
            .all(|c| READABLE.contains(&(c as u8))));
        assert_ne!(a, b);
    }

    #[test]
    fn tokens_carry_the_requested_entropy() {
        assert_eq!(token(16).len(), 32);
        assert_ne!(token(16), token(16));
    }
}
