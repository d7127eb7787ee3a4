/// How many photos one page holds: 1 to 100, 20 when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLimit(u8);

impl ListLimit {
    pub const MAX: u8 = 100;
    pub const DEFAULT: ListLimit = ListLimit(20);

    pub fn parse(input: &str) -> Result<ListLimit, String> {
        match input.trim().parse::<u8>() {
            Ok(n) if (1..=Self::MAX).contains(&n) => Ok(ListLimit(n)),
            _ => Err(format!("must be a whole number from 1 to {}", Self::MAX)),
        }
    }

    pub fn get(self) -> i64 {
        i64::from(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive() {
        assert_eq!(ListLimit::parse("1").unwrap().get(), 1);
        assert_eq!(ListLimit::parse("100").unwrap().get(), 100);
    }

    #[test]
    fn out_of_range_or_malformed_limits_are_refused() {
        for bad in ["0", "101", "-1", "256", "ten", "", "1.5", "99999999999"] {
            assert!(ListLimit::parse(bad).is_err(), "{bad:?}");
        }
    }
}
