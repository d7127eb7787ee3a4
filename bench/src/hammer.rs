//! `bench hammer`: one endpoint under load, to profile it in isolation (perf, callgrind).

use crate::args::HammerArgs;
use crate::http::Req;
use crate::load::{self, Repeat};
use crate::open_loop;
use crate::run::open::progress_open;
use crate::run::series::progress;
use crate::Error;
use hyper::StatusCode;

/// `bench hammer`: one endpoint under closed-loop GET load, or open-loop at `--rate`, to
/// profile it in isolation.
pub async fn hammer(args: &HammerArgs) -> Result<(), Error> {
    let addr = args.addr;
    // The path lives as long as the program: leaking this one string is how `Req` keeps it.
    let path: &'static str = Box::leak(args.path.clone().into_boxed_str());
    let mut req = Req::get(path);
    if let Some(token) = &args.bearer {
        req = req.bearer(token)?;
    }
    let user = Repeat {
        req,
        expect: StatusCode::OK,
    };
    let secs = args.secs;
    if let Some(rate) = args.rate {
        let conns = args.open_conns.max(1);
        let (open, _) = open_loop::run(addr, vec![user; conns], rate, secs).await?;
        progress_open("hammer", 0, 1, path, &open);
        return Ok(());
    }
    let (round, _) = load::run(addr, vec![user; args.conns], secs).await?;
    progress("hammer", 0, 1, path, &round);
    Ok(())
}
