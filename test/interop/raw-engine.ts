// A bare Engine.IO v4 client over `ws`, for the cases the real client cannot produce on
// purpose: a peer that never answers pings, that never joins a namespace, that sends a
// close packet and keeps its socket open. It only queues what arrives; each test decides
// what to answer.
import WebSocket from "ws";
import { within } from "./clients.js";

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export class RawEngineSocket {
  private readonly inbox: Array<string | Uint8Array> = [];
  private waiter: (() => void) | undefined;
  /** Settles when the WebSocket is closed, by either side. */
  readonly closed: Promise<Closed>;

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.inbox.push(isBinary ? new Uint8Array(data) : data.toString("utf8"));
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => {
      ws.on("close", (code: number, reason: Buffer) => resolve({ code, reason: reason.toString("utf8") }));
    });
    // A refused or reset connection shows up as `close`; the error itself needs no handling.
    ws.on("error", () => {});
  }

  /** Opens `ws://…/socket.io/?EIO=4&transport=websocket` on the server at `httpUrl`. */
  static async open(httpUrl: string, query = "EIO=4&transport=websocket"): Promise<RawEngineSocket> {
    const url = `${httpUrl.replace(/^http/, "ws")}/socket.io/?${query}`;
    const ws = new WebSocket(url);
    const socket = new RawEngineSocket(ws);
    await within(
      new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      }),
      5000,
      `websocket ${url}`,
    );
    return socket;
  }

  /** The next message, in arrival order. */
  async next(ms = 5000): Promise<string | Uint8Array> {
    const deadline = Date.now() + ms;
    for (;;) {
      const message = this.inbox.shift();
      if (message !== undefined) return message;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no Engine.IO packet within ${ms} ms`);
      await within(
        new Promise<void>((resolve) => {
          this.waiter = resolve;
        }),
        left,
        "Engine.IO packet",
      ).finally(() => {
        this.waiter = undefined;
      });
    }
  }

  /** The next text message (fails on binary). */
  async nextText(ms = 5000): Promise<string> {
    const message = await this.next(ms);
    if (typeof message !== "string") throw new Error("expected a text frame, got binary");
    return message;
  }

  send(text: string): void {
    this.ws.send(text);
  }

  /** Completes the Engine.IO handshake: returns the parsed open packet. */
  async handshake(): Promise<Record<string, unknown>> {
    const open = await this.nextText();
    if (!open.startsWith("0")) throw new Error(`expected an open packet, got ${JSON.stringify(open)}`);
    return JSON.parse(open.slice(1)) as Record<string, unknown>;
  }

  /** Sends CONNECT for "/" and returns the Socket.IO socket id from `40{"sid":…}`. */
  async joinMain(): Promise<string> {
    this.send("40");
    const reply = await this.nextText();
    if (!reply.startsWith("40")) throw new Error(`expected 40{…}, got ${JSON.stringify(reply)}`);
    const { sid } = JSON.parse(reply.slice(2)) as { sid: unknown };
    if (typeof sid !== "string") throw new Error(`no sid in ${reply}`);
    return sid;
  }

  /** Closes the WebSocket normally (close frame). */
  close(): void {
    this.ws.close(1000);
  }

  /** Drops the TCP connection without a close frame. */
  terminate(): void {
    this.ws.terminate();
  }
}
