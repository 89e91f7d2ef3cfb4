// The HTTP half of a fetch-style runtime: a web-standard `Request` becomes the core's
// `EngineRequest`, and the core's `EngineResponse` becomes a `Response`. Pure translation:
// every decision about what to answer is the core's.

import type { EngineRequest, EngineResponse } from "../../src/engine/contract.js";
import { concatBytes } from "../shared/bytes.js";
import { type StartTimer, startTimer } from "../shared/clock.js";

/** What the runtime knows about the connection that the `Request` itself does not carry. */
export interface ConnectionInfo {
  /** The peer's IP address ("" when the runtime does not say). Read only when the core needs it. */
  readonly remoteAddress: string;
  /** True over TLS. Default: whether the request URL is `https:`. */
  readonly secure?: boolean;
}

/**
 * `/path?query` of an absolute request URL, without parsing it: fetch runtimes always hand
 * over `scheme://authority/path?query`, and the core wants what was on the request line.
 */
export function pathAndQuery(url: string): string {
  const authority = url.indexOf("//");
  const path = url.indexOf("/", authority < 0 ? 0 : authority + 2);
  return path < 0 ? "/" : url.slice(path);
}

/** How a request's body ended, as far as its connection is concerned. */
export type BodyEnd =
  /** Read to its end, or there was none: the connection may carry the next request. */
  | "whole"
  /** Refused over the cap, left unread or cut off: the rest may still be coming, so the connection closes. */
  | "cut"
  /** Its deadline passed before its end: answered 408, and the connection closes. */
  | "timeout";

/** The core's view of a `Request`, plus a way to let go of a body the core left unread. */
export interface FetchEngineRequest extends EngineRequest {
  /**
   * Called once the core answered: a body it did not read to its end (answered before all of
   * it arrived, or without reading it) is cancelled, so that nothing more is read from it.
   * Says how the body ended: anything but "whole" means the connection must close.
   */
  releaseBody(): BodyEnd;
}

/** How far the core got with a request's body. */
export interface BodyProgress {
  /** How the body ended; `undefined` while it is unread or being read. */
  end: BodyEnd | undefined;
  /** The body's reader while it is being read. */
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
}

/** How long a body may take, and the timer that measures it. */
export interface BodyDeadline {
  /** Milliseconds from the start of the read to the body's end; 0 (or Infinity): none. */
  readonly ms: number;
  readonly start: StartTimer;
}

const NO_DEADLINE: BodyDeadline = { ms: 0, start: startTimer };

export function toEngineRequest(request: Request, info: ConnectionInfo, deadline: BodyDeadline = NO_DEADLINE): FetchEngineRequest {
  return new FetchRequest(request, info, deadline);
}

/**
 * One object per request, closures and all: it is also the body's `BodyProgress`. The
 * connection's address is asked for only when the core reads it (at a handshake): on Bun,
 * `requestIP` cost 8% of a polling round trip.
 */
class FetchRequest implements FetchEngineRequest, BodyProgress {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string> = {};
  readonly secure: boolean;
  end: BodyEnd | undefined = undefined;
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined = undefined;

  constructor(
    private readonly request: Request,
    private readonly info: ConnectionInfo,
    private readonly deadline: BodyDeadline,
  ) {
    const url = request.url;
    this.method = request.method;
    this.url = pathAndQuery(url);
    // Headers iterate with lower-case names and repeated fields already joined by ", ".
    for (const [name, value] of request.headers) this.headers[name] = value;
    this.secure = info.secure ?? url.startsWith("https:");
  }

  get remoteAddress(): string {
    return this.info.remoteAddress;
  }

  readBody(limit: number, kind: "text" | "bytes"): Promise<string | Uint8Array | undefined> {
    return readBody(this.request, limit, kind, this, this.deadline);
  }

  releaseBody(): BodyEnd {
    return releaseBody(this.request, this);
  }
}

function releaseBody(request: Request, progress: BodyProgress): BodyEnd {
  if (progress.end !== undefined) return progress.end;
  if (request.body === null) return (progress.end = "whole");
  progress.end = "cut";
  if (progress.reader !== undefined) cancel(progress.reader);
  else if (!request.bodyUsed) cancel(request.body); // never read
  return "cut";
}

/** Cancels a stream or reader, ignoring a failure (the client may have gone already). */
function cancel(stream: { cancel(): Promise<void> }): void {
  try {
    stream.cancel().catch(ignore);
  } catch {
    // A runtime that throws instead of rejecting.
  }
}

/** The error a body read fails with when its deadline passed. */
export class BodyTimeoutError extends Error {
  constructor(ms: number) {
    super(`the request body did not arrive within ${ms} ms`);
    this.name = "BodyTimeoutError";
  }
}

/**
 * Reads the body within `limit` and the deadline. A declared Content-Length over `limit` is
 * refused before a byte is read; one within it is read whole by the runtime (`text()` or
 * `arrayBuffer()`, which cost Bun and Deno 10–20 µs less per request than a reader, measured),
 * since the runtime will not deliver more than it declared. A body without a declared length
 * is read through its stream reader and cancelled the moment it passes `limit`. Either way the
 * deadline fails the read with `BodyTimeoutError` (a reader is cancelled then; a whole-body
 * read cannot be, and ends when the runtime drops the connection after the 408), and
 * `releaseBody` lets go of a body the core answered before its end. Resolves `undefined` when
 * over the cap; rejects with the runtime's error when the client goes away mid-body.
 */
export async function readBody(
  request: Request,
  limit: number,
  kind: "text" | "bytes",
  progress: BodyProgress = { end: undefined, reader: undefined },
  deadline: BodyDeadline = NO_DEADLINE,
): Promise<string | Uint8Array | undefined> {
  const body = request.body;
  if (body === null) {
    progress.end = "whole";
    return kind === "text" ? "" : new Uint8Array(0);
  }
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (Number(declared) > limit) {
      progress.end = "cut";
      cancel(body);
      return undefined;
    }
    return readDeclared(request, limit, kind, progress, deadline);
  }
  const reader = body.getReader();
  progress.reader = reader;
  const expire = (): void => {
    if (progress.end !== undefined) return;
    progress.end = "timeout";
    cancel(reader); // ends the pending read
  };
  const stop = deadline.ms > 0 && deadline.ms < Infinity ? deadline.start(deadline.ms, expire) : undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const step = await reader.read();
      if (step.done) break;
      size += step.value.byteLength;
      if (size > limit) {
        progress.end = "cut";
        cancel(reader);
        return undefined;
      }
      chunks.push(step.value);
    }
  } finally {
    stop?.();
  }
  // Cancelled meanwhile (the deadline, or `releaseBody`), which ends the stream early: what
  // came is not the whole body.
  if (progress.end === "timeout") throw new BodyTimeoutError(deadline.ms);
  if (progress.end !== undefined) throw new Error("the request body was released before its end");
  progress.end = "whole";
  progress.reader = undefined;
  return kind === "text" ? decodeText(chunks) : concatBytes(chunks, size);
}

/** A body of a declared length within the cap, read whole by the runtime, against the deadline. */
function readDeclared(
  request: Request,
  limit: number,
  kind: "text" | "bytes",
  progress: BodyProgress,
  deadline: BodyDeadline,
): Promise<string | Uint8Array | undefined> {
  const read: Promise<string | Uint8Array> =
    kind === "text" ? request.text() : request.arrayBuffer().then((bytes) => new Uint8Array(bytes));
  return new Promise((resolve, reject) => {
    const expire = (): void => {
      if (progress.end !== undefined) return;
      progress.end = "timeout";
      reject(new BodyTimeoutError(deadline.ms));
    };
    const stop = deadline.ms > 0 && deadline.ms < Infinity ? deadline.start(deadline.ms, expire) : undefined;
    read.then(
      (value) => {
        stop?.();
        if (progress.end === "timeout") return;
        if (progress.end !== undefined) {
          reject(new Error("the request body was released before its end"));
          return;
        }
        progress.end = "whole";
        // A runtime that let more through than the header said is refused still (UTF-16 units
        // never outnumber UTF-8 bytes, so this never refuses a text within the cap).
        resolve((typeof value === "string" ? value.length : value.byteLength) > limit ? undefined : value);
      },
      (error: unknown) => {
        stop?.();
        reject(error);
      },
    );
  });
}

function decodeText(chunks: readonly Uint8Array[]): string {
  if (chunks.length === 0) return "";
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  // Streaming decode: a UTF-8 sequence split across chunks is joined, and no byte copy is made.
  const decoder = new TextDecoder();
  let text = "";
  for (const chunk of chunks) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** Statuses whose responses must not carry a body (the `Response` constructor throws). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

export function toResponse(response: EngineResponse): Response {
  const { status, headers, body } = response;
  // The core's bytes are never backed by a SharedArrayBuffer; the DOM typing of BodyInit
  // just cannot express "any ArrayBuffer-backed view".
  const init = NULL_BODY_STATUS.has(status) ? null : typeof body === "string" ? body : (body as Uint8Array<ArrayBuffer>);
  return new Response(init, { status, headers });
}

/** 404 for requests outside the engine's path, when no application route takes them. */
export function notFound(): Response {
  return new Response("Not Found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function ignore(): void {}
