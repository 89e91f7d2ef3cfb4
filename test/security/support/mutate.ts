// Mutation-based fuzzing inputs: start from valid wire strings and byte strings, then break
// them the way a hostile or buggy client would (insert protocol punctuation, cut, repeat,
// flip bits, splice two valid packets together). Inputs stay close enough to valid that
// they reach deep into the decoders instead of failing on the first byte.

import fc from "fast-check";

/** Characters that mean something to one of the wire formats, plus a few that break text. */
const TOKENS = [
  "\x1e", // polling separator
  "0", "1", "2", "3", "4", "5", "6", "9", "b", "-", ",", "/", ":", "[", "]", "{", "}", '"', "\\",
  '{"_placeholder":true,"num":0}',
  '{"_placeholder":true,"num":99}',
  "99999999999999999999",
  "\u0000", "\ud800", "\udfff", "\ufeff", " ", "\n", "é", "😀", "%", "%zz", "&", "=", "?", "#",
] as const;

const token: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TOKENS) },
  fc.string({ unit: "binary", maxLength: 4 }),
);

type Edit =
  | { kind: "insert"; at: number; text: string }
  | { kind: "delete"; at: number; length: number }
  | { kind: "replace"; at: number; text: string }
  | { kind: "repeat"; at: number; length: number; times: number }
  | { kind: "truncate"; at: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: token }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant("replace" as const), at: fc.nat(), text: token }),
  fc.record({
    kind: fc.constant("repeat" as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 12 }),
    times: fc.integer({ min: 2, max: 40 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

function apply(text: string, e: Edit): string {
  const at = text.length === 0 ? 0 : e.at % (text.length + 1);
  switch (e.kind) {
    case "insert":
      return text.slice(0, at) + e.text + text.slice(at);
    case "delete":
      return text.slice(0, at) + text.slice(at + e.length);
    case "replace":
      return text.slice(0, at) + e.text + text.slice(at + 1);
    case "repeat":
      return text.slice(0, at) + text.slice(at, at + e.length).repeat(e.times) + text.slice(at + e.length);
    case "truncate":
      return text.slice(0, at);
  }
}

/** A seed, sometimes spliced with a second one, then 0–5 edits. */
export function mutatedText(seeds: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...seeds),
      fc.option(fc.constantFrom(...seeds), { freq: 4 }),
      fc.array(edit, { maxLength: 5 }),
    )
    .map(([seed, second, edits]) => edits.reduce(apply, second === null ? seed : seed + second));
}

type ByteEdit =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "set"; at: number; value: number }
  | { kind: "insert"; at: number; bytes: Uint8Array }
  | { kind: "delete"; at: number; length: number };

const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat(7) }) },
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x7e, 0x7f, 0x80, 0xff, 0xfe, 0x88, 0x89, 0x0f) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
);

function applyBytes(bytes: Uint8Array, e: ByteEdit): Uint8Array {
  const at = bytes.length === 0 ? 0 : e.at % bytes.length;
  switch (e.kind) {
    case "flip": {
      if (bytes.length === 0) return bytes;
      const out = bytes.slice();
      out[at] = (out[at] ?? 0) ^ (1 << e.bit);
      return out;
    }
    case "set": {
      if (bytes.length === 0) return bytes;
      const out = bytes.slice();
      out[at] = e.value;
      return out;
    }
    case "insert": {
      const out = new Uint8Array(bytes.length + e.bytes.length);
      out.set(bytes.subarray(0, at));
      out.set(e.bytes, at);
      out.set(bytes.subarray(at), at + e.bytes.length);
      return out;
    }
    case "delete": {
      const head = bytes.subarray(0, at);
      const tail = bytes.subarray(Math.min(bytes.length, at + e.length));
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    }
  }
}

/** A byte seed with 1–4 edits (bit flips mostly). */
export function mutatedBytes(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(byteEdit, { minLength: 1, maxLength: 4 }))
    .map(([seed, edits]) => edits.reduce(applyBytes, seed.slice()));
}

/** Valid Engine.IO packets and polling payloads (Socket.IO packets inside), the seeds of the protocol fuzzers. */
export const ENGINE_SEEDS = [
  "4hello",
  "2",
  "3",
  "6",
  "1",
  "5",
  "2probe",
  "3probe",
  "bAQID",
  "40",
  "40/admin,",
  '40{"token":"x"}',
  '40/admin,{"token":"x"}',
  "41",
  "41/admin,",
  '42["echo",1]',
  '421["echo",{"a":[1,2,null]}]',
  '42/admin,7["echo","x"]',
  '451-["echo",{"_placeholder":true,"num":0}]\x1ebAQID',
  '462-3[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]\x1ebAQ==\x1ebAg==',
  "43",
  '431["x"]',
  '44{"message":"x"}',
  '0{"sid":"x"}',
  '3\x1e40\x1e42["echo"]',
  '40\x1e421["echo","a"]\x1e41',
] as const;

/** Valid Socket.IO packets (the data of an Engine.IO message). */
export const SOCKET_IO_SEEDS = [
  "0",
  "0/admin,",
  '0{"token":"x"}',
  '0/dyn-1,{"a":1}',
  "1",
  "1/admin,",
  '2["echo",1]',
  '21["echo",{"a":[1,2,null]}]',
  '2/admin,7["echo","x"]',
  '51-["echo",{"_placeholder":true,"num":0}]',
  '62-3[{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
  "3",
  '31["x"]',
  '4{"message":"x"}',
  '2["disconnect"]',
  '2[1,2,3]',
] as const;
