// What one parsed HTTP/1.1 request head says, and the framing rules that decide where its
// body ends (RFC 9112 §6). Every ambiguity an attacker could use to make us and a proxy in
// front disagree about where a request ends (request smuggling) is refused, not guessed.

/** How the body of a request is delimited. */
export type BodyFraming =
  | { readonly kind: "none" }
  | { readonly kind: "length"; readonly length: number }
  | { readonly kind: "chunked" };

export interface RequestHead {
  /** As sent (methods are case-sensitive): "GET", "POST", … */
  readonly method: string;
  /** The request target as on the request line: `/path?query`. */
  readonly target: string;
  /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
  readonly minorVersion: 0 | 1;
  /** Lower-case names; a repeated field's values joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodyFraming;
  /** Whether the connection may carry another request after this one's answer. */
  readonly keepAlive: boolean;
  /** `Expect: 100-continue`: the client waits for `100 Continue` before it sends the body. */
  readonly expectContinue: boolean;
  /**
   * The client asks to switch protocols (`Upgrade`, listed in `Connection`). Whether it is a
   * WebSocket handshake we speak is checked later (RFC 6455 §4.2.1); anything else is refused.
   */
  readonly upgrade: boolean;
}

/** Why a head is refused, with the status to answer before closing the connection. */
export interface HeadError {
  readonly kind: "error";
  readonly status: 400 | 431 | 501 | 505;
  readonly reason: string;
}

export function headError(status: HeadError["status"], reason: string): HeadError {
  return { kind: "error", status, reason };
}

/** 2^53 - 1: a Content-Length past it cannot be counted exactly, and nobody sends one. */
const DIGITS = /^[0-9]{1,15}$/;

/** The body framing of a request with these headers, or why it is refused. */
export function bodyFraming(headers: Readonly<Record<string, string>>, minorVersion: 0 | 1): BodyFraming | HeadError {
  const encoding = headers["transfer-encoding"];
  const length = headers["content-length"];
  if (encoding !== undefined) {
    // Both: which one a proxy honoured is unknowable (RFC 9112 §6.1 lets a server refuse).
    if (length !== undefined) return headError(400, "both Content-Length and Transfer-Encoding");
    // HTTP/1.0 has no chunked encoding: a 1.0 message with one is faulty framing (§6.1).
    if (minorVersion === 0) return headError(400, "Transfer-Encoding in HTTP/1.0");
    if (encoding.trim().toLowerCase() !== "chunked") return headError(501, "unsupported Transfer-Encoding");
    return { kind: "chunked" };
  }
  if (length === undefined) return { kind: "none" };
  // Repeated fields arrive joined: "5, 5" is one length sent twice, "5, 6" is an attack.
  let value: string | undefined;
  for (const part of length.split(",")) {
    const trimmed = part.trim();
    if (!DIGITS.test(trimmed) || (value !== undefined && trimmed !== value)) return headError(400, "invalid Content-Length");
    value = trimmed;
  }
  const n = Number(value);
  return n === 0 ? { kind: "none" } : { kind: "length", length: n };
}

/** Whether a comma-separated header (or its repeats, as `node:http` gives some) lists `token` (lower-case), case-insensitively. */
export function hasToken(value: string | readonly string[] | undefined, token: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== "string") return value.some((v) => hasToken(v, token));
  for (const part of value.split(",")) if (part.trim().toLowerCase() === token) return true;
  return false;
}

/** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it. */
export function keepsAlive(headers: Readonly<Record<string, string>>, minorVersion: 0 | 1): boolean {
  const connection = headers["connection"];
  return minorVersion === 1 ? !hasToken(connection, "close") : hasToken(connection, "keep-alive");
}
