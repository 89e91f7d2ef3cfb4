// `IncomingMessage` → `EngineRequest`, and the core's `EngineResponse` → `ServerResponse`.
// The body cap is enforced while reading: a Content-Length over the limit is refused before
// a byte is read, and a streamed body stops being buffered the moment it crosses the limit.

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { EngineRequest, EngineResponse } from "../../src/engine/contract.js";
import type { HostedEngine } from "../shared/engine-host.js";

/** The core's view of a Node request, plus whether its body was refused as too large. */
export interface NodeEngineRequest extends EngineRequest {
  readonly bodyRefused: boolean;
}

export function toEngineRequest(req: IncomingMessage): NodeEngineRequest {
  return new NodeRequest(req);
}

/**
 * A class, not an object literal with a `bodyRefused` getter: V8 builds a literal that has an
 * accessor outside the young generation, and an old object pointing at the request keeps the
 * whole request (headers, body chunks, socket state) alive through every minor GC until a
 * full one. Measured under polling load: about 4 KB promoted per round trip, and scavenges
 * three times as long.
 */
class NodeRequest implements NodeEngineRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | undefined>;
  readonly remoteAddress: string;
  readonly secure: boolean;
  bodyRefused = false;
  private body: Promise<string | Uint8Array | undefined> | undefined = undefined;

  constructor(private readonly req: IncomingMessage) {
    const socket = req.socket as { remoteAddress?: string; encrypted?: boolean } | null;
    this.method = req.method ?? "GET";
    this.url = req.url ?? "/";
    this.headers = flattenHeaders(req.headers);
    this.remoteAddress = socket?.remoteAddress ?? "";
    this.secure = socket?.encrypted === true;
  }

  readBody(limit: number, kind: "text" | "bytes"): Promise<string | Uint8Array | undefined> {
    this.body ??= readBody(this, this.req, limit, kind);
    return this.body;
  }
}

/**
 * Node joins repeated headers itself except a few it keeps as arrays; join those too. A
 * request without such a header (nearly every one) is read as it is, without a copy.
 */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  for (const name in headers) {
    if (Array.isArray(headers[name])) {
      const flat: Record<string, string | undefined> = {};
      for (const [key, value] of Object.entries(headers)) flat[key] = Array.isArray(value) ? value.join(", ") : value;
      return flat;
    }
  }
  return headers as Record<string, string | undefined>;
}

/**
 * The whole body as `kind`, or `undefined` (and `bodyRefused`) as soon as it is known to
 * exceed `limit`. Rejects when the request dies before its end (the client aborted). One
 * promise, settled with the final value: every polling round trip's POST comes here.
 */
function readBody(request: NodeRequest, req: IncomingMessage, limit: number, kind: "text" | "bytes"): Promise<string | Uint8Array | undefined> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    request.bodyRefused = true;
    return Promise.resolve(undefined);
  }
  // Someone else already drained the stream: there is nothing left to read.
  if (req.readableEnded) return Promise.resolve(kind === "text" ? "" : new Uint8Array(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onFail);
      req.off("close", onFail);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      // Stop buffering; the response to come says `Connection: close`, so Node drops the rest.
      stop();
      req.pause();
      chunks.length = 0;
      request.bodyRefused = true;
      resolve(undefined);
    };
    const onEnd = (): void => {
      stop();
      const bytes = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, size);
      resolve(kind === "text" ? bytes.toString("utf8") : bytes);
    };
    const onFail = (): void => {
      stop();
      reject(new Error("the request ended before its body was read"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onFail);
    req.on("close", onFail);
  });
}

/**
 * Asks the core for the answer and writes it. A long poll stays pending until the core
 * resolves; if the client leaves first, the core hears `requestAborted`. `closed`, when
 * given, is told when the response is done either way (one listener does both).
 */
export function answer(engine: HostedEngine, req: IncomingMessage, res: ServerResponse, closed?: (res: ServerResponse) => void): void {
  const request = toEngineRequest(req);
  res.on("close", () => {
    closed?.(res);
    if (!res.writableEnded) engine.requestAborted(request);
  });
  engine.handleRequest(request).then(
    // A body refused, or not yet all here (the core answers a POST whose session ended
    // without waiting for a body that may never end): the connection goes with the response.
    (response) => write(req, res, response, request.bodyRefused || !req.complete),
    (error: unknown) => {
      // A bug in the core must not take the process down with an unhandled rejection.
      console.error("unio: handleRequest failed", error);
      write(req, res, { status: 500, headers: {}, body: "" }, true);
    },
  );
}

function write(req: IncomingMessage, res: ServerResponse, response: EngineResponse, closeAfter: boolean): void {
  if (res.writableEnded || res.destroyed) return;
  if (!closeAfter) {
    res.writeHead(response.status, withLength(response));
    res.end(response.body);
    return;
  }
  // The rest of the body is not read: say the connection ends. Closing at once would make
  // the kernel reset the connection over the unread bytes, and the client could lose this
  // answer; so discard what still comes for a short while, then let the connection go even
  // if the body never ends.
  res.writeHead(response.status, { ...withLength(response), Connection: "close" });
  res.once("finish", () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.destroy(), LINGER_MS);
    timer.unref();
    req.once("close", () => clearTimeout(timer));
    req.resume();
  });
  res.end(response.body);
}

/**
 * The core's headers plus the body's `Content-Length`. `writeHead` fixes the header block
 * before `end(body)` is seen, so without it Node sends every answer chunked: a size line, the
 * body and a terminating chunk (more bytes, and a chunk parser on the client), where the
 * official server sends a plain `Content-Length` body. 1xx, 204 and 304 carry none.
 */
function withLength(response: EngineResponse): Record<string, string | number> {
  const { status, headers, body } = response;
  if (status < 200 || status === 204 || status === 304) return headers;
  const length = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
  // Copied by hand, not spread: V8 came to allocate the spread's object in the old
  // generation (pretenuring), and the header strings Node builds from it went there with
  // it. The old generation grew by about 650 bytes per polling round trip, left for a
  // full collection to find; with the copy, which dies young, 240.
  const withLength: Record<string, string | number> = {};
  for (const name in headers) withLength[name] = headers[name] as string;
  withLength["Content-Length"] = length;
  return withLength;
}

/** How long an unread request body is discarded after the answer before the socket goes. */
const LINGER_MS = 2000;
