// The HTTP half of a fetch-style runtime: a web-standard `Request` becomes the core's
// `EngineRequest`, and the core's `EngineResponse` becomes a `Response`. Pure translation:
// every decision about what to answer is the core's.

import type { EngineRequest, EngineResponse } from "../../src/engine/contract.js";

/** What the runtime knows about the connection that the `Request` itself does not carry. */
export interface ConnectionInfo {
  /** The peer's IP address ("" when the runtime does not say). */
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

/** The core's view of a `Request`, plus a way to let go of a body the core left unread. */
export interface FetchEngineRequest extends EngineRequest {
  /**
   * Called once the core answered: a body it did not read to its end (answered before all of
   * it arrived, or without reading it) is cancelled, so the runtime can drop the connection
   * instead of waiting for a body that may never end. Errors are ignored.
   */
  releaseBody(): void;
}

/** How far the core got with a request's body. */
export interface BodyProgress {
  /** The body was read to its end (or refused, and cancelled already). */
  done: boolean;
  /** The reader of a streamed (chunked) body while it is being read. */
  reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
}

export function toEngineRequest(request: Request, info: ConnectionInfo): FetchEngineRequest {
  const headers: Record<string, string> = {};
  // Headers iterate with lower-case names and repeated fields already joined by ", ".
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const progress: BodyProgress = { done: false, reader: undefined };
  return {
    method: request.method,
    url: pathAndQuery(request.url),
    headers,
    remoteAddress: info.remoteAddress,
    secure: info.secure ?? request.url.startsWith("https:"),
    readBody: (limit, kind) => readBody(request, limit, kind, progress),
    releaseBody: () => releaseBody(request, progress),
  };
}

function releaseBody(request: Request, progress: BodyProgress): void {
  if (progress.done) return;
  progress.done = true;
  if (progress.reader !== undefined) cancel(progress.reader);
  // Never read: cancel the stream itself. (A body the runtime is reading whole for `text()`
  // is locked to it; the runtime ends that read with the connection.)
  else if (!request.bodyUsed && request.body !== null) cancel(request.body);
}

/** Cancels a stream or reader, ignoring a failure (the client may have gone already). */
function cancel(stream: { cancel(): Promise<void> }): void {
  try {
    stream.cancel().catch(ignore);
  } catch {
    // A runtime that throws instead of rejecting.
  }
}

/**
 * Reads the body with the cap enforced before anything is buffered beyond it: a declared
 * Content-Length over `limit` is refused without reading; one within it is read whole by the
 * runtime (`text()`/`arrayBuffer()`, which it frames by that length: several times cheaper than
 * a stream reader); a body without one (chunked) is counted as chunks arrive and the stream
 * is cancelled the moment the count passes `limit`. Resolves `undefined` when over the cap. A
 * body that fails mid-read (the client went away) rejects with the runtime's error.
 */
export async function readBody(
  request: Request,
  limit: number,
  kind: "text" | "bytes",
  progress: BodyProgress = { done: false, reader: undefined },
): Promise<string | Uint8Array | undefined> {
  const header = request.headers.get("content-length");
  const declared = header === null ? Number.NaN : Number(header);
  const body = request.body;
  if (declared > limit) {
    progress.done = true;
    if (body !== null) cancel(body);
    return undefined;
  }
  if (declared >= 0 || body === null) {
    if (kind === "bytes") {
      const bytes = new Uint8Array(await request.arrayBuffer());
      progress.done = true;
      return bytes.byteLength > limit ? undefined : bytes;
    }
    const text = await request.text();
    progress.done = true;
    // A runtime that let more through than the header said: refuse it still (UTF-16 units
    // never outnumber UTF-8 bytes, so this never refuses a body within the cap).
    return text.length > limit ? undefined : text;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  progress.reader = reader;
  for (;;) {
    const step = await reader.read();
    if (step.done) break;
    size += step.value.byteLength;
    if (size > limit) {
      progress.done = true;
      cancel(reader);
      return undefined;
    }
    chunks.push(step.value);
  }
  // Released meanwhile (`releaseBody` cancelled the reader, which ends the stream): what came
  // is not the whole body.
  if (progress.done) throw new Error("the request body was released before its end");
  progress.done = true;
  progress.reader = undefined;
  return kind === "text" ? decodeText(chunks) : concat(chunks, size);
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

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
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

/**
 * 400 when the runtime itself refuses a WebSocket handshake the core had accepted (a
 * malformed Sec-WebSocket-Key or version): the client gets an HTTP error, never a 101.
 */
export function handshakeRefused(): Response {
  return new Response("Bad Request", { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
}

function ignore(): void {}
