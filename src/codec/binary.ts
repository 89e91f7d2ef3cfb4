// Binary values in Socket.IO packets: what counts as binary, how it is handed out, and the
// placeholder that stands for it in the JSON part. The walks live next door: extract.ts
// (encoding: binary out, placeholders in) and reconstruct.ts (decoding: the reverse).

/** How deep the encoder follows arrays and objects looking for binary. */
export const MAX_ENCODE_DEPTH = 1000;

/** The shape a binary value takes in the JSON part of a packet. */
export interface Placeholder {
  _placeholder: true;
  num: number;
}

/** Where extracted attachments go; index 0 is reserved for the packet's text. */
export type Frames = [string, ...Uint8Array[]];

/**
 * True for an ArrayBuffer or any view of one (typed arrays, DataView, Node's Buffer): what
 * socket.io-parser's isBinary accepts, less Blob and File, which the core cannot read.
 */
export function isBinary(value: object): value is ArrayBuffer | ArrayBufferView {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/** A Uint8Array over the same memory as `value`; `value` itself when it already is one. */
export function toBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

/** `record[key] = value`, except that a "__proto__" key becomes an own property too. */
export function setOwn(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    record[key] = value;
  }
}

