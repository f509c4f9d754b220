//! Standard base64 (RFC 4648, padded): Secret `data` values.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded standard base64 as Go's `base64.StdEncoding` does (the
/// API server decodes Secret data with it), reporting the first bad byte the
/// way Go does: `illegal base64 data at input byte N`.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let illegal = |at: usize| Err(format!("illegal base64 data at input byte {at}"));
    let src = text.as_bytes();
    let is_newline = |c: u8| c == b'\n' || c == b'\r';
    let mut out = Vec::with_capacity(src.len() / 4 * 3);
    let mut si = 0;
    loop {
        let mut quantum = [0u32; 4];
        let mut j = 0;
        while j < 4 {
            while si < src.len() && is_newline(src[si]) {
                si += 1;
            }
            if si == src.len() {
                // The input ended: fine between quanta, an error inside one.
                return if j == 0 { Ok(out) } else { illegal(si - j) };
            }
            let c = src[si];
            si += 1;
            if c == b'=' {
                match j {
                    0 | 1 => return illegal(si - 1),
                    2 => {
                        // "==" is expected; the first "=" is consumed.
                        while si < src.len() && is_newline(src[si]) {
                            si += 1;
                        }
                        if si == src.len() {
                            return illegal(src.len());
                        }
                        if src[si] != b'=' {
                            return illegal(si - 1);
                        }
                        si += 1;
                    }
                    _ => {}
                }
                while si < src.len() && is_newline(src[si]) {
                    si += 1;
                }
                if si < src.len() {
                    return illegal(si); // trailing garbage
                }
                let n = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6);
                out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8][..j - 1]);
                return Ok(out);
            }
            match ALPHABET.iter().position(|&a| a == c) {
                Some(value) => quantum[j] = value as u32,
                None => return illegal(si - 1),
            }
            j += 1;
        }
        let n = (quantum[0] << 18) | (quantum[1] << 12) | (quantum[2] << 6) | quantum[3];
        out.extend_from_slice(&[(n >> 16) as u8, (n >> 8) as u8, n as u8]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc4648_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).unwrap(), plain.as_bytes());
        }
    }

    /// Offsets as Go's decoder reports them (base64.StdEncoding.DecodeString).
    #[test]
    fn rejects_what_go_rejects_at_the_same_byte() {
        let cases = [
            ("abc", 0),
            ("abcdef", 4),
            ("ab!d", 2),
            ("not*base64", 3),
            ("a===", 1),
            ("Zg==Zg==", 4),
            ("Zg=a", 2),
            ("Zg=", 3),
        ];
        for (input, byte) in cases {
            assert_eq!(decode(input).unwrap_err(), format!("illegal base64 data at input byte {byte}"), "{input:?}");
        }
        // Like Go, line breaks are skipped.
        assert_eq!(decode("Zm9v\nYmFy\r\n").unwrap(), b"foobar");
    }
}
