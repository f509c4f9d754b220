//! The world's one source of randomness: xoshiro256** (Blackman and Vigna),
//! seeded through splitmix64 as its authors recommend. Named, tiny, and the
//! same on every platform, so a seed always tells the same story.

/// xoshiro256** state. Draw only through its methods; never from the
/// platform (no `thread_rng`, no `usize` sizes from it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Rng {
    state: [u64; 4],
}

impl Rng {
    pub fn seeded(seed: u64) -> Rng {
        let mut splitmix = seed;
        let mut next = || {
            splitmix = splitmix.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = splitmix;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng { state: [next(), next(), next(), next()] }
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.state;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A uniform number below `bound` (Lemire's multiply-shift with
    /// rejection, so there is no modulo bias).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        loop {
            let product = u128::from(self.next_u64()) * u128::from(bound);
            let low = product as u64;
            if low >= bound.wrapping_neg() % bound {
                return (product >> 64) as u64;
            }
        }
    }

    /// `utilrand.String(n)`: the API server's `generateName` suffix
    /// alphabet (no vowels, no look-alikes).
    pub fn name_suffix(&mut self, length: usize) -> String {
        let mut suffix = String::with_capacity(length);
        self.push_name_suffix(&mut suffix, length);
        suffix
    }

    /// [`Rng::name_suffix`] written onto `name` (a generated name is made
    /// for every pod: no `String` of its own, no `char` collecting).
    pub fn push_name_suffix(&mut self, name: &mut String, length: usize) {
        const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
        for _ in 0..length {
            name.push(char::from(ALPHANUMS[self.below(ALPHANUMS.len() as u64) as usize]));
        }
    }

    /// A version-4 UUID, as the API server gives objects.
    pub fn uuid(&mut self) -> String {
        let (high, low) = (self.next_u64(), self.next_u64());
        let high = (high & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
        let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
        // `{:08x}-{:04x}-{:04x}-{:04x}-{:012x}`, written digit by digit: one
        // is made for every object, and `format!` costs ten times as much.
        let mut uuid = String::with_capacity(36);
        let groups = [(high >> 32, 8), ((high >> 16) & 0xffff, 4), (high & 0xffff, 4), (low >> 48, 4), (low, 12)];
        for (i, (value, digits)) in groups.into_iter().enumerate() {
            if i > 0 {
                uuid.push('-');
            }
            for shift in (0..digits).rev() {
                uuid.push(char::from(b"0123456789abcdef"[((value >> (4 * shift)) & 0xf) as usize]));
            }
        }
        uuid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference implementation from state {1, 2, 3, 4}.
    #[test]
    fn matches_the_reference_generator() {
        let mut rng = Rng { state: [1, 2, 3, 4] };
        let first: Vec<u64> = (0..3).map(|_| rng.next_u64()).collect();
        assert_eq!(first, [11520, 0, 1509978240]);
    }

    #[test]
    fn same_seed_same_story_and_well_formed_output() {
        let (mut a, mut b) = (Rng::seeded(42), Rng::seeded(42));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::seeded(1).next_u64(), Rng::seeded(2).next_u64());
        let mut rng = Rng::seeded(7);
        let suffix = rng.name_suffix(5);
        assert_eq!(suffix.len(), 5);
        assert!(suffix.bytes().all(|b| b"bcdfghjklmnpqrstvwxz2456789".contains(&b)));
        let uuid = rng.uuid();
        assert_eq!(uuid.len(), 36);
        assert_eq!(&uuid[14..15], "4");
        assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"));
        assert!((0..1000).all(|_| rng.below(6) < 6));
    }

    /// The UUID is the two draws printed as RFC 4122 wants, as `format!`
    /// would print them.
    #[test]
    fn uuids_print_their_draws() {
        let (mut rng, mut draws) = (Rng::seeded(3), Rng::seeded(3));
        for _ in 0..200 {
            let (high, low) = (draws.next_u64(), draws.next_u64());
            let high = (high & 0xffff_ffff_ffff_0fff) | 0x4000;
            let low = (low & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
            let expected = format!(
                "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
                high >> 32,
                (high >> 16) & 0xffff,
                high & 0xffff,
                low >> 48,
                low & 0xffff_ffff_ffff
            );
            assert_eq!(rng.uuid(), expected);
        }
    }
}
