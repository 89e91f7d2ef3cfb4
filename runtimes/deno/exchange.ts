// One HTTP request on its way through the core: the `EngineRequest` the core sees, and its
// body as the connection receives it. The body is read as it arrives, whether the core has
// asked for it yet or not, and kept up to the engine's cap; `readBody` resolves once it is
// whole (or known to be over the cap), and fails when its deadline passes or the client leaves.

import type { EngineRequest } from "../../src/engine/contract.js";
import { startTimer } from "../shared/clock.js";
import { BodyDecoder, CONTINUE, type RequestHead } from "../shared/http1/index.js";

/** What the exchange needs of its connection. */
export interface ExchangeHost {
  readonly remoteAddress: string;
  /** Writes bytes ahead of the answer (`100 Continue`). */
  write(bytes: Uint8Array): void;
  /** Milliseconds a body may take once the core starts reading it; 0: no limit. */
  readonly bodyTimeout: number;
}

const textDecoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

/** Also the core's `EngineRequest` for it: one object per request, no closure. */
export class Exchange implements EngineRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly remoteAddress: string;
  readonly secure = false;
  private readonly body: BodyDecoder | undefined;
  private waiter: { resolve(body: Uint8Array | undefined): void; reject(error: Error): void } | undefined;
  private bodyRead: Promise<Uint8Array | undefined> | undefined;
  private stopTimer: (() => void) | undefined;
  /** The body's deadline passed: the answer is 408 and the connection closes. */
  timedOut = false;

  constructor(
    readonly head: RequestHead,
    private readonly host: ExchangeHost,
    cap: number,
  ) {
    this.body = head.body.kind === "none" ? undefined : new BodyDecoder(head.body, cap);
    this.method = head.method;
    this.url = head.target;
    this.headers = head.headers;
    this.remoteAddress = host.remoteAddress;
  }

  /** Whether the body has arrived whole (or there is none): the next request can follow. */
  get bodyWhole(): boolean {
    return this.body === undefined || (this.body.status === "done" && !this.body.over);
  }

  /** Bytes from the connection; returns how many were the body's (the rest is the next request). */
  push(bytes: Uint8Array): number {
    const body = this.body;
    if (body === undefined || body.status !== "reading") return 0;
    const used = body.push(bytes);
    if (body.status !== "reading" || body.over) this.settle();
    return used;
  }

  /** The client left: a pending body read fails. */
  abort(): void {
    this.fail(new Error("the connection closed before the request body was read"));
  }

  /** The answer is out: no timer may outlive the request, and a read still waiting fails. */
  dispose(): void {
    this.fail(new Error("the request was answered before its body was read"));
  }

  async readBody(limit: number, kind: "text" | "bytes"): Promise<string | Uint8Array | undefined> {
    const body = this.body;
    let bytes: Uint8Array | undefined = EMPTY;
    if (body !== undefined) {
      const framing = this.head.body;
      // Over the cap by its own declaration: refused before a byte is read or a 100 sent.
      if (framing.kind === "length" && framing.length > limit) return undefined;
      this.bodyRead ??= this.startReading();
      bytes = await this.bodyRead;
      if (bytes === undefined || bytes.length > limit) return undefined;
    }
    return kind === "text" ? textDecoder.decode(bytes) : bytes;
  }

  private startReading(): Promise<Uint8Array | undefined> {
    const body = this.body!;
    // Runs once (`bodyRead ??=`): at most one 100 Continue per request.
    if (this.head.expectContinue && body.untouched) this.host.write(CONTINUE);
    const read = new Promise<Uint8Array | undefined>((resolve, reject) => (this.waiter = { resolve, reject }));
    const ms = this.host.bodyTimeout;
    if (ms > 0 && ms < Infinity) {
      this.stopTimer = startTimer(ms, () => {
        this.stopTimer = undefined;
        this.timedOut = true;
        this.fail(new Error(`the request body did not arrive within ${ms} ms`));
      });
    }
    this.settle();
    return read;
  }

  /** Resolves a waiting read once the body is whole, over the cap, or broken. */
  private settle(): void {
    const body = this.body;
    const waiter = this.waiter;
    if (body === undefined || waiter === undefined) return;
    if (body.status === "error") return this.fail(new Error("malformed chunked request body"));
    if (body.over) {
      this.done();
      waiter.resolve(undefined);
    } else if (body.status === "done") {
      this.done();
      waiter.resolve(body.take());
    }
  }

  private fail(error: Error): void {
    const waiter = this.waiter;
    this.done();
    waiter?.reject(error);
  }

  private done(): void {
    this.waiter = undefined;
    this.stopTimer?.();
    this.stopTimer = undefined;
  }
}
