// A webhook receiver for auth-service's webhook tests (auth-service/tests/api/webhooks/): it
// checks every request with the Standard Webhooks reference library, as an integrator would, and
// answers as its mode says. Not a browser test: `node --test` does not pick it up.
//
//   WEBHOOK_RECEIVER_SECRET=whsec_... WEBHOOK_RECEIVER_LOG=/tmp/log.jsonl \
//   WEBHOOK_RECEIVER_MODE=ok node web/tests/webhook-receiver.mjs
//
// Modes: `ok` answers 204; `fail:N` answers 500 to the first N requests, then 204; `slow:N:MS`
// waits MS milliseconds before answering the first N (past the client's timeout), then 204.
// It prints `listening <port>` once it listens on 127.0.0.1 (a free port), then appends one JSON
// line per request to the log: {n, verified, error?, webhook_id, id, seq, type, answered}.
import { createServer } from "node:http";
import { appendFileSync } from "node:fs";
import { Webhook } from "standardwebhooks";

const secret = process.env.WEBHOOK_RECEIVER_SECRET;
const log = process.env.WEBHOOK_RECEIVER_LOG;
const [mode, first = "0", waitMs = "0"] = (process.env.WEBHOOK_RECEIVER_MODE ?? "ok").split(":");
if (!secret || !log || !["ok", "fail", "slow"].includes(mode)) {
  console.error("needs WEBHOOK_RECEIVER_SECRET, WEBHOOK_RECEIVER_LOG and a known WEBHOOK_RECEIVER_MODE");
  process.exit(2);
}
const webhook = new Webhook(secret);
let requests = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", async () => {
    const n = ++requests;
    const body = Buffer.concat(chunks).toString("utf8");
    const entry = { n, method: req.method, path: req.url, webhook_id: req.headers["webhook-id"] };
    try {
      const event = webhook.verify(body, req.headers);
      Object.assign(entry, { verified: true, id: event.id, seq: event.seq, type: event.type });
    } catch (e) {
      Object.assign(entry, { verified: false, error: String(e.message ?? e) });
    }
    let status = entry.verified ? 204 : 400;
    if (entry.verified && n <= Number(first)) {
      if (mode === "fail") status = 500;
      if (mode === "slow") {
        appendFileSync(log, JSON.stringify({ ...entry, answered: "late" }) + "\n");
        await new Promise((resolve) => setTimeout(resolve, Number(waitMs)));
        res.writeHead(204).end();
        return;
      }
    }
    appendFileSync(log, JSON.stringify({ ...entry, answered: status }) + "\n");
    res.writeHead(status).end();
  });
});

server.listen(0, "127.0.0.1", () => {
  console.log(`listening ${server.address().port}`);
});
