// Helpers for the HTTP/1.1 reader tests: run bytes through a HeadReader and, when the head
// has a body, a BodyDecoder, the way the Deno server feeds them, in any chunking.
import { BodyDecoder, HeadReader } from "../../runtimes/shared/http1/index.js";
import type { RequestHead } from "../../runtimes/shared/http1/index.js";

export const bytes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
export const text = (data: Uint8Array): string => String.fromCharCode(...data);

/** One request as read: its head (or the refusal status) and body (or what became of it). */
export interface Read {
  readonly status?: number;
  readonly head?: RequestHead;
  readonly body?: string | "over" | "error" | "unfinished";
}

/** Reads every request in `input`, pushed in pieces cut at `cuts`; stops at the first refusal. */
export function readAll(input: Uint8Array, cuts: readonly number[], options: { maxHeaderSize?: number; cap?: number } = {}): Read[] {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < input.length))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, input.length]) {
    pieces.push(input.slice(from, p));
    from = p;
  }
  const reader = new HeadReader(options.maxHeaderSize);
  const reads: Read[] = [];
  let body: BodyDecoder | undefined;
  let head: RequestHead | undefined;
  const finishBody = (): void => {
    const decoder = body!;
    const status = decoder.status;
    if (decoder.over && status !== "error") reads.push({ head: head!, body: "over" });
    else if (status === "done") reads.push({ head: head!, body: text(decoder.take()!) });
    else if (status === "error") reads.push({ head: head!, body: "error" });
    body = undefined;
  };
  const feed = (chunk: Uint8Array): boolean => {
    let rest = chunk;
    while (rest.length > 0) {
      if (body !== undefined) {
        const used = body.push(rest);
        rest = rest.subarray(used);
        if (body.status === "reading") return true;
        const failed = body.status === "error";
        finishBody();
        if (failed) return false;
        continue;
      }
      const result = reader.push(rest);
      if (result.kind === "partial") return true;
      if (result.kind === "error") {
        reads.push({ status: result.status });
        return false;
      }
      rest = result.rest;
      if (result.head.body.kind === "none") {
        reads.push({ head: result.head, body: "" });
      } else {
        head = result.head;
        body = new BodyDecoder(result.head.body, options.cap ?? 1 << 20);
      }
    }
    return true;
  };
  for (const piece of pieces) if (!feed(piece)) return reads;
  if (body !== undefined) reads.push({ head: head!, body: "unfinished" });
  return reads;
}
