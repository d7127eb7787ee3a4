//! The `healthcheck` subcommand of both binaries: asks the service's own `/healthz` over loopback,
//! so the container's HEALTHCHECK needs no shell tools.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(2);

/// Succeeds when `GET /healthz` on the port of `bind_addr` answers 200 within two seconds.
pub fn run(bind_addr: &str) -> Result<(), String> {
    let port = bind_addr
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse::<u16>().ok())
        .ok_or_else(|| format!("BIND_ADDR: expected host:port, got {bind_addr:?}"))?;
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, TIMEOUT).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .map_err(|e| e.to_string())?;
    // "HTTP/1.1 200" is the first twelve bytes of a healthy answer.
    let mut status_line = [0u8; 12];
    stream
        .read_exact(&mut status_line)
        .map_err(|e| e.to_string())?;
    if status_line.ends_with(b" 200") {
        Ok(())
    } else {
        Err(format!(
            "unhealthy: {}",
            String::from_utf8_lossy(&status_line).trim()
        ))
    }
}

/// The `healthcheck` subcommand: reads `BIND_ADDR` (default `default_bind_addr`) and exits 0 when
/// the service is healthy.
pub fn main(service: &str, default_bind_addr: &str) -> std::process::ExitCode {
    let bind_addr = std::env::var("BIND_ADDR").unwrap_or_else(|_| default_bind_addr.to_owned());
    match run(&bind_addr) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{service}: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_bind_addr_is_named() {
        let error = run("nonsense").unwrap_err();
        assert!(error.contains("BIND_ADDR"), "{error}");
    }

    #[test]
    fn nothing_listening_is_unhealthy() {
        // Bind then drop, so the port is very likely free.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        assert!(run(&format!("127.0.0.1:{port}")).is_err());
    }
}
