// The Bun shim's peer, driven through the handler's websocket callbacks with a scripted
// ServerWebSocket (no Bun process): what the core sends to the socket whose callback is
// running goes straight out (Bun has it corked); what it sends to other sockets waits for the
// end of the turn and leaves in one cork per socket, in order; and backpressure keeps its
// meaning: -1 and an over-full turn answer false until drained, a dropped message closes.
import { describe, expect, it } from "vitest";
import type { UpgradeVerdict, WebSocketConnection, WebSocketPeer, WirePacket } from "../../src/engine/contract.js";
import { BunPeer, type BunServer, type BunWebSocket, handler } from "../../runtimes/bun.js";
import type { HostedEngine } from "../../runtimes/shared/engine-host.js";
import { Server } from "../../src/index.js";

type Accepted = Extract<UpgradeVerdict, { kind: "accept" }>;

/** A ServerWebSocket that records each write: what was sent, and in which cork. */
class ScriptedSocket implements BunWebSocket {
  readonly data: BunPeer;
  /** Each write as Bun would make it: the messages of one cork together, others alone. */
  writes: Array<Array<string | Uint8Array>> = [];
  closedWith: [number | undefined, string | undefined] | undefined;
  /** What `send` answers for a message (default: its length, or 0 when empty). */
  status: (data: string | Uint8Array) => number = (data) => (typeof data === "string" ? data.length : data.byteLength);
  private corked: Array<string | Uint8Array> | undefined;

  constructor(data: BunPeer) {
    this.data = data;
  }

  send(data: string | Uint8Array): number {
    if (this.corked !== undefined) this.corked.push(data);
    else this.writes.push([data]);
    return this.status(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith ??= [code, reason];
  }

  cork(callback: (ws: BunWebSocket) => void): void {
    this.corked = [];
    try {
      callback(this);
    } finally {
      if (this.corked.length > 0) this.writes.push(this.corked);
      this.corked = undefined;
    }
  }

  get sent(): Array<string | Uint8Array> {
    return this.writes.flat();
  }
}

/** The core's side of one socket, scripted by the test. */
interface Side {
  peer: WebSocketPeer;
  onMessage: (data: string | Uint8Array) => void;
  drains: number;
  closes: string[];
}

function setupBun() {
  const engine: HostedEngine = {
    options: { maxHttpBufferSize: 1000, pingInterval: 25_000, pingTimeout: 20_000 },
    handles: () => true,
    handleRequest: () => Promise.reject(new Error("not in these tests")),
    requestAborted() {},
    handleUpgrade: () => Promise.reject(new Error("not in these tests")),
    useClock() {},
    tick() {},
  };
  const bun = handler(engine).websocket;
  const open = (): { ws: ScriptedSocket; side: Side } => {
    const side: Side = { peer: undefined as unknown as WebSocketPeer, onMessage: () => {}, drains: 0, closes: [] };
    const accepted: Accepted = {
      kind: "accept",
      open(peer): WebSocketConnection {
        side.peer = peer;
        peer.send([{ data: "0open" }]);
        return {
          message: (data) => side.onMessage(data),
          drained: () => side.drains++,
          closed: (code, reason) => side.closes.push(`${code} ${reason}`),
        };
      },
    };
    const ws = new ScriptedSocket(new BunPeer(accepted));
    bun.open(ws);
    return { ws, side };
  };
  return { bun, open };
}

const packet = (data: string | Uint8Array): WirePacket => ({ data });
const endOfTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("the Bun peer's writes", () => {
  it("sends the open packet at once, inside Bun's own cork of `open`", () => {
    const { open } = setupBun();
    const { ws } = open();
    expect(ws.writes).toEqual([["0open"]]);
  });

  it("writes what goes to the socket whose message is handled at once, and other sockets' packets at the end of the turn, one cork each", async () => {
    const { bun, open } = setupBun();
    const a = open();
    const b = open();
    const c = open();
    a.side.onMessage = (data) => {
      a.side.peer.send([packet(`reply ${String(data)}`)]);
      b.side.peer.send([packet(`news ${String(data)}`)]);
      c.side.peer.send([packet(`news ${String(data)}`), packet("second frame")]);
    };
    bun.message(a.ws, "1");
    bun.message(a.ws, "2");
    expect(a.ws.writes.slice(1)).toEqual([["reply 1"], ["reply 2"]]);
    expect(b.ws.writes.slice(1)).toEqual([]);
    await endOfTurn();
    expect(b.ws.writes.slice(1)).toEqual([["news 1", "news 2"]]);
    expect(c.ws.writes.slice(1)).toEqual([["news 1", "second frame", "news 2", "second frame"]]);
    expect(a.ws.writes).toHaveLength(3);
  });

  it("keeps order when a socket with packets waiting for the turn's end gets a direct send", async () => {
    const { bun, open } = setupBun();
    const a = open();
    const b = open();
    a.side.onMessage = () => b.side.peer.send([packet("queued")]);
    b.side.onMessage = () => b.side.peer.send([packet("direct")]);
    bun.message(a.ws, "x");
    await Promise.resolve(); // the microtasks after a's message: b is not being handled
    bun.message(b.ws, "y");
    expect(b.ws.sent.slice(1)).toEqual(["queued", "direct"]);
    await endOfTurn();
    expect(b.ws.sent.slice(1)).toEqual(["queued", "direct"]);
  });

  it("a send from outside any callback waits for the turn's end, except to the socket handled last", async () => {
    const { bun, open } = setupBun();
    const a = open();
    const b = open();
    bun.message(a.ws, "x");
    await new Promise((resolve) => setTimeout(resolve, 1));
    // A timer's sends: b's wait and leave together; a's (handled last) go straight out, in order.
    b.side.peer.send([packet("b1")]);
    a.side.peer.send([packet("a1")]);
    b.side.peer.send([packet("b2")]);
    expect(a.ws.writes.slice(1)).toEqual([["a1"]]);
    expect(b.ws.writes.slice(1)).toEqual([]);
    await endOfTurn();
    expect(b.ws.writes.slice(1)).toEqual([["b1", "b2"]]);
  });
});

describe("the Bun peer's backpressure", () => {
  it("answers false once Bun reports -1, and tells the core only on Bun's drain", async () => {
    const { bun, open } = setupBun();
    const a = open();
    const b = open();
    b.ws.status = () => -1;
    a.side.onMessage = () => b.side.peer.send([packet("x")]);
    bun.message(a.ws, "go");
    expect(b.side.peer.send([packet("y")])).toBe(true); // not yet written: no news from Bun
    await endOfTurn();
    expect(b.ws.writes.slice(1)).toEqual([["x", "y"]]);
    expect(b.side.peer.send([packet("z")])).toBe(false);
    await endOfTurn();
    expect(b.side.drains).toBe(0);
    b.ws.status = () => 1;
    bun.drain(b.ws);
    expect(b.side.drains).toBe(1);
    bun.drain(b.ws); // not congested any more: nothing to report
    expect(b.side.drains).toBe(1);
    expect(b.ws.sent.slice(1)).toEqual(["x", "y", "z"]);
  });

  it("answers false when one turn queues more than 1 MiB, and drained once it is written", async () => {
    const { open } = setupBun();
    const { ws, side } = open();
    open(); // another socket's callback runs: Bun no longer has this one corked
    const big = new Uint8Array(700 * 1024);
    expect(side.peer.send([packet(big)])).toBe(true);
    expect(side.peer.send([packet(big)])).toBe(false);
    expect(side.drains).toBe(0);
    await endOfTurn();
    expect(ws.writes.slice(1)).toEqual([[big, big]]);
    expect(side.drains).toBe(1);
  });

  it("closes with 1011 when Bun drops a message, and sends nothing after it", async () => {
    const { open } = setupBun();
    const { ws, side } = open();
    open(); // another socket's callback runs: Bun no longer has this one corked
    ws.status = (data) => (data === "lost" ? 0 : 1);
    side.peer.send([packet("kept"), packet("lost"), packet("never")]);
    await endOfTurn();
    expect(ws.sent.slice(1)).toEqual(["kept", "lost"]);
    expect(ws.closedWith).toEqual([1011, "send failed"]);
    expect(side.peer.send([packet("after")])).toBe(true);
    await endOfTurn();
    expect(ws.sent.slice(1)).toEqual(["kept", "lost"]);
  });

  it("closes with 1011 as well when a direct send, during the socket's own message, is dropped", () => {
    const { bun, open } = setupBun();
    const { ws, side } = open();
    ws.status = (data) => (data === "lost" ? 0 : 1);
    side.onMessage = () => side.peer.send([packet("lost"), packet("never")]);
    bun.message(ws, "x");
    expect(ws.sent.slice(1)).toEqual(["lost"]);
    expect(ws.closedWith).toEqual([1011, "send failed"]);
  });

  it("answers false for a direct send that Bun reports -1 for", () => {
    const { bun, open } = setupBun();
    const { ws, side } = open();
    ws.status = () => -1;
    const answers: boolean[] = [];
    side.onMessage = () => answers.push(side.peer.send([packet("reply")]));
    bun.message(ws, "x");
    expect(answers).toEqual([false]);
    bun.drain(ws);
    expect(side.drains).toBe(1);
  });

  it("does not take Bun's 0 for an empty message as a drop", async () => {
    const { open } = setupBun();
    const { ws, side } = open();
    open(); // another socket's callback runs: Bun no longer has this one corked
    side.peer.send([packet(""), packet(new Uint8Array(0)), packet("after")]);
    await endOfTurn();
    expect(ws.sent.slice(1)).toEqual(["", new Uint8Array(0), "after"]);
    expect(ws.closedWith).toBeUndefined();
  });
});

describe("closing a Bun peer", () => {
  it("sends what is queued before the close frame", async () => {
    const { open } = setupBun();
    const { ws, side } = open();
    open(); // another socket's callback runs: Bun no longer has this one corked
    side.peer.send([packet("last words"), packet("1")]);
    side.peer.close(1000, "bye");
    expect(ws.sent.slice(1)).toEqual(["last words", "1"]);
    expect(ws.closedWith).toEqual([1000, "bye"]);
  });

  it("drops what is queued when the client is gone, and tells the core once", async () => {
    const { bun, open } = setupBun();
    const { ws, side } = open();
    open(); // another socket's callback runs: Bun no longer has this one corked
    side.peer.send([packet("unsent")]);
    bun.close(ws, 1006, "");
    await endOfTurn();
    expect(ws.sent.slice(1)).toEqual([]);
    expect(side.closes).toEqual(["1006 "]);
    expect(side.peer.send([packet("late")])).toBe(true);
  });

  it("refuses a socket that the application's own fetch upgraded", () => {
    const { bun } = setupBun();
    const foreign = { data: {} } as unknown as BunWebSocket;
    expect(() => bun.open(foreign)).toThrow(TypeError);
  });
});

describe("the Bun handler's idle timeouts", () => {
  /** Runs one request through `handler(engine).fetch` and returns the `server.timeout` calls it made. */
  async function timeoutsFor(request: Request, pingInterval = 25_000, pingTimeout = 20_000): Promise<number[]> {
    const engine: HostedEngine = {
      options: { maxHttpBufferSize: 1000, pingInterval, pingTimeout },
      handles: () => true,
      handleRequest: async () => ({ status: 200, headers: {}, body: "ok" }),
      requestAborted() {},
      handleUpgrade: () => Promise.reject(new Error("not in these tests")),
      useClock() {},
      tick() {},
    };
    const timeouts: number[] = [];
    const server: BunServer = {
      upgrade: () => false,
      requestIP: () => null,
      timeout: (_request, seconds) => void timeouts.push(seconds),
    };
    await handler(engine).fetch(request, server);
    return timeouts;
  }
  const url = "http://127.0.0.1/socket.io/?EIO=4&transport=polling&sid=abc";

  it("gives a GET, which the core may park until the next ping, pingInterval + pingTimeout + 5 s", async () => {
    expect(await timeoutsFor(new Request(url))).toEqual([50]);
    expect(await timeoutsFor(new Request(url), 1000, 500)).toEqual([7]);
  });

  it("leaves a POST under Bun's own idle timeout, so that a body that stops coming is cut", async () => {
    expect(await timeoutsFor(new Request(url, { method: "POST", body: "4hi" }))).toEqual([]);
  });

  it("disables the timeout of a GET only when the heartbeat outlasts Bun's 255 s limit", async () => {
    expect(await timeoutsFor(new Request(url), 200_000, 51_000)).toEqual([0]);
    expect(await timeoutsFor(new Request(url), 200_000, 50_000)).toEqual([255]);
    expect(await timeoutsFor(new Request(url), 200_000, 45_000)).toEqual([250]);
  });
});

describe("the Bun peer's size", () => {
  // One per connection: JSC's 64-byte size class holds up to 6 fields (7 or 8 take 80 bytes).
  it("has 6 fields or fewer, open and closed", () => {
    const { open, bun } = setupBun();
    const { ws, side } = open();
    expect(Reflect.ownKeys(ws.data).length).toBeLessThanOrEqual(6);
    bun.close(ws, 1000, "");
    expect(side.closes).toEqual(["1000 "]);
    expect(Reflect.ownKeys(ws.data).length).toBeLessThanOrEqual(6);
  });
});

describe("a Socket.IO server behind the Bun handler", () => {
  it("answers an ack inside the message's own callback, where Bun has the socket corked", async () => {
    const io = new Server();
    io.on("connection", (socket) => {
      socket.on("ack", (value: unknown, ack: (value: unknown) => void) => ack(value));
    });
    const bun = handler(io);
    let data: BunPeer | undefined;
    const server: BunServer = {
      upgrade: (_request, options) => ((data = options.data), true),
      requestIP: () => ({ address: "127.0.0.1" }),
      timeout() {},
    };
    const upgrade = new Request("http://127.0.0.1/socket.io/?EIO=4&transport=websocket", {
      headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" },
    });
    expect(await bun.fetch(upgrade, server)).toBeUndefined();
    const ws = new ScriptedSocket(data!);
    expect(data!.writesTogether).toBe(true);
    bun.websocket.open(ws);
    bun.websocket.message(ws, "40");
    await Promise.resolve();
    ws.writes = [];
    bun.websocket.message(ws, '427["ack",{"n":1234,"s":"fox"}]');
    expect(ws.writes).toEqual([['437[{"n":1234,"s":"fox"}]']]); // before any microtask ran
    await io.close();
  });
});
