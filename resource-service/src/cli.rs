//! Subcommands of the resource-service binary besides `serve`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// `resource-service healthcheck`: asks this container's own `/healthz` over loopback, so the
/// image's HEALTHCHECK needs no shell tools. Only the port of `bind_addr` is used.
pub fn healthcheck(bind_addr: &str) -> Result<(), String> {
    let port = bind_addr
        .rsplit_once(':')
        .and_then(|(_, port)| port.parse::<u16>().ok())
        .ok_or_else(|| format!("BIND_ADDR: expected host:port, got {bind_addr:?}"))?;
    let timeout = Duration::from_secs(2);
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
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
