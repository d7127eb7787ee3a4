//! What the kernel tells about a process and the machine: resident memory from
//! `/proc/<pid>/status`, CPU time from `/proc/<pid>/stat`, CPU, memory and load for the report's
//! header.

use crate::Error;

/// A `kB` field (`VmRSS`, `VmHWM`, ...) of `/proc/<pid>/status`, in kB.
pub fn status_kb(pid: u32, field: &str) -> Result<u64, Error> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    parse_status_kb(&status, field)
        .ok_or_else(|| format!("no {field} in /proc/{pid}/status (has the process exited?)").into())
}

fn parse_status_kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// CPU time `pid` has used so far, user plus system, in seconds (`utime` + `stime` of
/// `/proc/<pid>/stat`).
pub fn cpu_secs(pid: u32) -> Result<f64, Error> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    let ticks = parse_stat_ticks(&stat)
        .ok_or_else(|| format!("cannot read utime and stime in /proc/{pid}/stat"))?;
    Ok(ticks as f64 / clock_ticks_per_sec() as f64)
}

/// `utime + stime` in clock ticks. The command name (field 2) is in parentheses and may hold
/// spaces or parentheses itself, so the fields are counted from the last `)`: `utime` and `stime`
/// are the 14th and 15th fields, the 12th and 13th after it.
fn parse_stat_ticks(stat: &str) -> Option<u64> {
    let (_, after) = stat.rsplit_once(')')?;
    let mut fields = after.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// The kernel's `USER_HZ`, from our own auxiliary vector (`AT_CLKTCK`, type 17) so no `unsafe`
/// `sysconf` is needed; 100, its value on every common Linux, if the vector cannot be read.
fn clock_ticks_per_sec() -> u64 {
    const AT_CLKTCK: u64 = 17;
    let auxv = std::fs::read("/proc/self/auxv").unwrap_or_default();
    auxv.chunks_exact(16)
        .filter_map(|pair| {
            let (key, value) = pair.split_at(8);
            Some((
                u64::from_ne_bytes(key.try_into().ok()?),
                u64::from_ne_bytes(value.try_into().ok()?),
            ))
        })
        .find(|&(key, _)| key == AT_CLKTCK)
        .map(|(_, hz)| hz)
        .filter(|&hz| hz > 0)
        .unwrap_or(100)
}

/// One line describing the machine: CPU model, cores, memory, kernel and load right now.
pub fn describe() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, m)| m.trim().to_owned())
        .unwrap_or_else(|| "unknown CPU".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gib = parse_status_kb(&meminfo, "MemTotal").unwrap_or(0) as f64 / 1024.0 / 1024.0;
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "{model}, {} cores, {mem_gib:.1} GiB RAM, Linux {}; load average before the run: {}",
        cores(),
        kernel.trim(),
        load_average()
    )
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    load.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read_in_kb() {
        let status = "Name:\tauth-service\nVmHWM:\t   20480 kB\nVmRSS:\t   12345 kB\n";
        assert_eq!(parse_status_kb(status, "VmRSS"), Some(12345));
        assert_eq!(parse_status_kb(status, "VmHWM"), Some(20480));
        assert_eq!(parse_status_kb(status, "VmSwap"), None);
    }

    #[test]
    fn stat_ticks_are_counted_after_the_command_name() {
        let stat = "42 (a) b (c)) S 1 42 42 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 4 0 99";
        assert_eq!(parse_stat_ticks(stat), Some(280));
        assert_eq!(parse_stat_ticks("42 (cut"), None);
    }

    #[test]
    fn our_own_cpu_time_is_readable() {
        assert!(cpu_secs(std::process::id()).unwrap() >= 0.0);
        assert!(clock_ticks_per_sec() >= 100);
    }

    #[test]
    fn our_own_rss_is_readable() {
        assert!(status_kb(std::process::id(), "VmRSS").unwrap() > 0);
    }
}
