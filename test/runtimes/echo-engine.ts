// A scripted stand-in for the core, used to test the Deno and Bun shims on their own: every
// behaviour a shim must translate (body caps, parked requests and their aborts, upgrade
// refusal, text and binary messages, backpressure and drain, close codes both ways, the
// clock) is reachable from a client, and what the shim reported is readable back.
//
// HTTP, under /echo/:
//   POST /echo/text|bytes   answers the body read as text (or its bytes), 413 over the cap
//   GET  /echo/park         stays pending until the client aborts it (then counted)
//   GET  /echo/parked?n=N   answers once N requests are parked
//   GET  /echo/aborts?n=N   answers once N parked requests were reported aborted
//   GET  /echo/closed?as=X  answers once a WebSocket was reported closed with `code reason` = X
//   GET  /echo/whoami       answers `remoteAddress secure`
//   any upgrade with ?reject answers 403 `{"code":4,"message":"Forbidden"}`
// WebSocket messages:
//   any binary              echoed back as binary
//   "flood N"               sends N packets of 64 KiB at once; reports "pressure" when a
//                           send returns false and "drained K" (K sent so far) on drain
//   "timer MS"              asks the clock for a tick MS from now; sends "tick" then
//   "close CODE REASON"     the server closes the socket with that code
//   any other text          echoed back
import type {
  Clock,
  EngineRequest,
  EngineResponse,
  UpgradeVerdict,
  WebSocketConnection,
  WebSocketPeer,
} from "../../src/engine/contract.js";
import type { FetchEngine } from "../../runtimes/fetch.js";

const LIMIT = 1000;
const FLOOD_PACKET = new Uint8Array(64 * 1024).fill(7);

function answer(status: number, body: string | Uint8Array): EngineResponse {
  return { status, headers: { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/octet-stream" }, body };
}

export class EchoEngine implements FetchEngine {
  readonly options = { maxHttpBufferSize: LIMIT, pingInterval: 25_000, pingTimeout: 20_000 };
  private clock: Clock = { now: () => 0, schedule: () => {} };
  private onTick: Array<() => void> = [];
  private parked = new Map<EngineRequest, (response: EngineResponse) => void>();
  private aborts = 0;
  private closes: string[] = [];
  private waiters: Array<() => boolean> = [];
  private peers = new Set<WebSocketPeer>();

  handles(url: string): boolean {
    return url.startsWith("/echo/");
  }

  useClock(clock: Clock): void {
    this.clock = clock;
  }

  tick(): void {
    const due = this.onTick;
    this.onTick = [];
    this.clock.schedule(undefined);
    for (const fire of due) fire();
  }

  async handleRequest(req: EngineRequest): Promise<EngineResponse> {
    const url = new URL(req.url, "http://x");
    const n = Number(url.searchParams.get("n") ?? 1);
    switch (`${req.method} ${url.pathname}`) {
      case "POST /echo/text":
      case "POST /echo/bytes": {
        // A body that fails mid-read (the client went away) is answered 400, as the core does.
        const body = await req.readBody(LIMIT, url.pathname.endsWith("text") ? "text" : "bytes").catch(() => null);
        if (body === null) return answer(400, "body failed");
        return body === undefined ? answer(413, "too large") : answer(200, body);
      }
      case "GET /echo/park":
        return new Promise((resolve) => {
          this.parked.set(req, resolve);
          this.wake();
        });
      case "GET /echo/parked":
        return this.when(() => this.parked.size >= n, () => answer(200, String(this.parked.size)));
      case "GET /echo/aborts":
        return this.when(() => this.aborts >= n, () => answer(200, String(this.aborts)));
      case "GET /echo/closed": {
        const report = url.searchParams.get("as");
        return this.when(() => this.closes.includes(report ?? ""), () => answer(200, "closed"));
      }
      case "GET /echo/whoami":
        return answer(200, `${req.remoteAddress} ${req.secure}`);
      default:
        return answer(404, "unknown");
    }
  }

  requestAborted(req: EngineRequest): void {
    const resolve = this.parked.get(req);
    if (resolve === undefined) return;
    this.parked.delete(req);
    this.aborts++;
    resolve(answer(200, "aborted"));
    this.wake();
  }

  handleUpgrade(req: EngineRequest): UpgradeVerdict {
    if (req.url.includes("reject")) {
      return { kind: "reject", response: { status: 403, headers: { "content-type": "application/json" }, body: '{"code":4,"message":"Forbidden"}' } };
    }
    return { kind: "accept", open: (peer) => this.open(peer) };
  }

  /** Answers every parked request and closes every socket, as the core's close would. */
  close(): void {
    for (const resolve of this.parked.values()) resolve(answer(200, "closing"));
    this.parked.clear();
    for (const peer of this.peers) peer.close(1001, "server closing");
    this.clock.schedule(undefined);
  }

  private open(peer: WebSocketPeer): WebSocketConnection {
    this.peers.add(peer);
    let backlog: Uint8Array[] = [];
    let sent = 0;
    const pump = (): void => {
      while (backlog.length > 0) {
        const next = backlog.shift()!;
        sent++;
        if (!peer.send([{ data: next }])) {
          peer.send([{ data: "pressure" }]);
          return;
        }
      }
    };
    return {
      message: (data) => {
        if (typeof data !== "string") return void peer.send([{ data }]);
        const [command, arg, ...rest] = data.split(" ");
        if (command === "flood") {
          backlog = Array.from({ length: Number(arg) }, () => FLOOD_PACKET);
          pump();
        } else if (command === "timer") {
          this.onTick.push(() => peer.send([{ data: "tick" }]));
          this.clock.schedule(this.clock.now() + Number(arg));
        } else if (command === "close") {
          peer.close(Number(arg), rest.join(" "));
        } else peer.send([{ data }]);
      },
      drained: () => {
        peer.send([{ data: `drained ${sent}` }]);
        pump();
      },
      closed: (code, reason) => {
        this.peers.delete(peer);
        this.closes.push(`${code} ${reason}`);
        this.wake();
      },
    };
  }

  private when(ready: () => boolean, respond: () => EngineResponse): Promise<EngineResponse> {
    if (ready()) return Promise.resolve(respond());
    return new Promise((resolve) => {
      this.waiters.push(() => {
        if (!ready()) return false;
        resolve(respond());
        return true;
      });
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((check) => !check());
  }
}
