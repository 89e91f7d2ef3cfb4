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
