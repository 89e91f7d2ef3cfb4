// The bytes of an HTTP/1.1 response: status line, the core's fields, the framing fields we
// own (`Content-Length`, `Connection`), and the body, in one buffer for one write.

const encoder = new TextEncoder();

/** Reason phrases for the statuses unio answers with; any other gets "Unknown". */
const REASONS: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  200: "OK",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Payload Too Large",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** Fields the server frames itself; the core's versions of them are not written. */
const FRAMING = new Set(["connection", "content-length", "transfer-encoding", "keep-alive"]);
/** A name or value with CR or LF would split the response: never written. */
const UNSAFE = /[\r\n]/;

/** `100 Continue`, for a client that waits for it before sending its body. */
export const CONTINUE: Uint8Array = encoder.encode("HTTP/1.1 100 Continue\r\n\r\n");

export interface ResponseFraming {
  /** `close`: the connection ends after this response; `keep-alive`: say so (to an HTTP/1.0 client). */
  readonly connection?: "close" | "keep-alive";
  /** An answer to HEAD: the length is written, the body is not. */
  readonly headOnly?: boolean;
}

/**
 * A whole response as bytes. 1xx, 204 and 304 carry no body and no `Content-Length`
 * (RFC 9110 §8.6); every other response has a `Content-Length`, never a chunked body.
 */
export function encodeResponse(
  status: number,
  headers: Readonly<Record<string, string>>,
  body: string | Uint8Array,
  framing: ResponseFraming = {},
): Uint8Array {
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Unknown"}\r\n`;
  for (const name in headers) {
    const value = headers[name]!;
    if (FRAMING.has(name.toLowerCase()) || UNSAFE.test(name) || UNSAFE.test(value)) continue;
    head += `${name}: ${value}\r\n`;
  }
  if (framing.connection !== undefined) head += `Connection: ${framing.connection}\r\n`;
  const bodiless = status < 200 || status === 204 || status === 304;
  const payload = bodiless ? undefined : typeof body === "string" ? encoder.encode(body) : body;
  if (payload !== undefined) head += `Content-Length: ${payload.length}\r\n`;
  head += "\r\n";
  const headBytes = encoder.encode(head);
  if (payload === undefined || payload.length === 0 || framing.headOnly === true) return headBytes;
  const bytes = new Uint8Array(headBytes.length + payload.length);
  bytes.set(headBytes);
  bytes.set(payload, headBytes.length);
  return bytes;
}
