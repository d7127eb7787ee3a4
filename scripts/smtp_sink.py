"""An SMTP server that keeps every message it accepts as an .eml file (scripts/smtp-sink.sh).

It is aiosmtpd's server, unchanged: the tests talk real SMTP to it. Each message is written to a
temporary name and renamed, so a reader never sees half a file. It prints one line once it
listens, and stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import itertools
import os
import signal
import threading
import time

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, directory, delay, reject):
        self.directory = directory
        self.numbers = itertools.count()
        self.delay = delay
        self.reject = reject

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        # A refusal for now that quotes the recipient, as real servers' replies do.
        if self.reject:
            return f"450 4.2.1 <{address}>: Recipient address deferred: mailbox {address} busy"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        name = f"{time.time_ns()}-{next(self.numbers)}.eml"
        partial = os.path.join(self.directory, f".{name}.partial")
        with open(partial, "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.replace(partial, os.path.join(self.directory, name))
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--delay", type=float, default=0.0,
                        help="seconds to wait before accepting each message: a slow server")
    parser.add_argument("--reject", action="store_true",
                        help="defer every recipient with a 450 reply that quotes it")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(Keep(args.dir, args.delay, args.reject), hostname="127.0.0.1", port=args.port)
    controller.start()
    print(f"smtp-sink listening on 127.0.0.1:{args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
