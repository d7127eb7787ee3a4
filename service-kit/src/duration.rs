//! Durations as the configuration writes them (docs/CONFIGURATION.md, Durations): `15m`, `7d`,
//! `10s`, `2h`, `1h 30m`, `500ms`, or a bare `0`, read by `humantime`.

use std::time::Duration;

/// A number and a unit, repeated (`1h 30m`); a bare `0` means zero. The units are humantime's:
/// `ms`, `s`/`sec`, `m`/`min`, `h`/`hr`, `d`/`day`, `w`/`week`, `M`/`month` (30.44 days),
/// `y`/`year` (365.25 days), each also spelled out in full.
pub fn parse_duration(input: &str) -> Result<Duration, String> {
    humantime::parse_duration(input.trim()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_form_is_understood() {
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse_duration("30d"), Ok(Duration::from_secs(30 * 86_400)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7_200)));
        assert_eq!(parse_duration(" 0 "), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(
            parse_duration("2 weeks"),
            Ok(Duration::from_secs(14 * 86_400))
        );
    }

    #[test]
    fn malformed_durations_are_refused() {
        // A bare number other than 0 has no unit: 900 seconds or 900 days?
        for bad in [
            "",
            "m",
            "15",
            "900",
            "15x",
            "-1s",
            "soon",
            "99999999999999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
