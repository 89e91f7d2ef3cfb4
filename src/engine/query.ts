// The request line's path and query, parsed without `URL` (the core's lib has none): the
// same result as `new URLSearchParams(search)` for everything a client sends, "+" as space and
// percent-escapes decoded, the last of repeated keys winning (as the reference's
// `Object.fromEntries(url.searchParams.entries())`).

/** The path part of a request-line URL (everything before "?" or "#"). */
export function pathOf(url: string): string {
  let end = url.length;
  const q = url.indexOf("?");
  if (q !== -1) end = q;
  const h = url.indexOf("#");
  if (h !== -1 && h < end) end = h;
  return end === url.length ? url : url.slice(0, end);
}

/** The query parameters of a request-line URL as a plain object. */
export function parseQuery(url: string): Record<string, string> {
  const q = url.indexOf("?");
  const entries: [string, string][] = [];
  if (q !== -1) {
    let end = url.indexOf("#", q);
    if (end === -1) end = url.length;
    let start = q + 1;
    while (start <= end) {
      let amp = url.indexOf("&", start);
      if (amp === -1 || amp > end) amp = end;
      if (amp > start) {
        const eq = url.indexOf("=", start);
        if (eq === -1 || eq > amp) entries.push([decode(url.slice(start, amp)), ""]);
        else entries.push([decode(url.slice(start, eq)), decode(url.slice(eq + 1, amp))]);
      }
      start = amp + 1;
    }
  }
  // fromEntries defines own properties, so a key like "__proto__" cannot reach the prototype.
  return Object.fromEntries(entries);
}

/** The three parameters every request is routed on. */
export interface RoutingParams {
  readonly EIO: string | undefined;
  readonly transport: string | undefined;
  readonly sid: string | undefined;
}

/**
 * `EIO`, `transport` and `sid` as `parseQuery` would give them, read in one scan without
 * building the whole query object: every polling request is routed on these alone. A query
 * with an escape or a "+" anywhere (a key may be spelled `%73id`) takes `parseQuery`.
 */
export function routingParams(url: string): RoutingParams {
  const q = url.indexOf("?");
  if (q === -1) return NO_PARAMS;
  const fragment = url.indexOf("#");
  if (fragment !== -1 && fragment < q) return NO_PARAMS; // the "?" is the fragment's
  let end = url.indexOf("#", q);
  if (end === -1) end = url.length;
  let EIO: string | undefined;
  let transport: string | undefined;
  let sid: string | undefined;
  let start = q + 1;
  while (start <= end) {
    let amp = url.indexOf("&", start);
    if (amp === -1 || amp > end) amp = end;
    let eq = url.indexOf("=", start);
    if (eq === -1 || eq > amp) eq = amp;
    for (let i = start; i < amp; i++) {
      const c = url.charCodeAt(i);
      if (c === PERCENT || c === PLUS) return decodedRoutingParams(url);
    }
    const keyLength = eq - start;
    if (keyLength === 3 && url.startsWith("sid", start)) sid = valueOf(url, eq, amp);
    else if (keyLength === 3 && url.startsWith("EIO", start)) EIO = valueOf(url, eq, amp);
    else if (keyLength === 9 && url.startsWith("transport", start)) transport = valueOf(url, eq, amp);
    start = amp + 1;
  }
  return { EIO, transport, sid };
}

function decodedRoutingParams(url: string): RoutingParams {
  const query = parseQuery(url);
  return { EIO: query["EIO"], transport: query["transport"], sid: query["sid"] };
}

function valueOf(url: string, eq: number, amp: number): string {
  return eq === amp ? "" : url.slice(eq + 1, amp);
}

const NO_PARAMS: RoutingParams = { EIO: undefined, transport: undefined, sid: undefined };
const PERCENT = 0x25;
const PLUS = 0x2b;

function decode(part: string): string {
  const plain = part.includes("+") ? part.replace(/\+/g, " ") : part;
  if (!plain.includes("%")) return plain;
  try {
    return decodeURIComponent(plain);
  } catch {
    // A malformed escape somewhere: URLSearchParams keeps it as text and still decodes the
    // well-formed ones around it, so decode run by run.
    return plain.replace(ESCAPES, decodeRun);
  }
}

const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;

function decodeRun(run: string): string {
  try {
    return decodeURIComponent(run);
  } catch {
    return run; // not UTF-8 (URLSearchParams would write U+FFFD; a client never sends this)
  }
}
