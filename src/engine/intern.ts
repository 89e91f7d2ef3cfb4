// One copy of each short string that many sessions keep from their handshake requests.
//
// A session keeps its handshake request's url, headers, query and address for its whole life
// (`socket.handshake` shows them), and across the clients of one application most of those
// values are the same: the host, the user agents of a few browsers, the origin, "websocket",
// "13", "4", the url itself. Each request still brings its own copies; the session keeps the
// one shared copy instead, so a thousand idle connections hold one "websocket", not a
// thousand. Only handshakes pass through here (not every poll), so the lookups cost little.
// The table is bounded: full, it starts over, and a value met again is simply kept anew.

const MAX_LENGTH = 256;
const MAX_ENTRIES = 1024;

let table = new Map<string, string>();

/** The shared copy of `value` (itself when too long to be worth sharing). */
export function intern(value: string): string {
  if (value.length > MAX_LENGTH) return value;
  const known = table.get(value);
  if (known !== undefined) return known;
  if (table.size >= MAX_ENTRIES) table = new Map();
  table.set(value, value);
  return value;
}

/** A copy of `record` whose values are shared copies, except those of the `unique` key. */
export function internValues<V extends string | undefined>(
  record: Readonly<Record<string, V>>,
  unique?: string,
): Record<string, V> {
  const entries: [string, V][] = [];
  for (const key of Object.keys(record)) {
    const value = record[key] as V;
    entries.push([key, (typeof value === "string" && key !== unique ? intern(value) : value) as V]);
  }
  // fromEntries defines own properties: a key like "__proto__" stays a key.
  return Object.fromEntries(entries) as Record<string, V>;
}
