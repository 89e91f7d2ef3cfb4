// The codec's two error classes. Their codes are stable strings, listed once each in an
// `as const` table together with the sentence every error of that code starts with.
//
// - `DecodeError` means the PEER sent something that is not valid on the wire. Callers turn
//   it into protocol behaviour (a "parse error" close), never let it escape.
// - `EncodeError` means the LOCAL application handed the encoder something that cannot be put
//   on the wire (a circular value, a BigInt, a namespace with a comma, ...). It is thrown at
//   once, at the emit call that caused it.

/** Every decode error code, with the message its errors start with. */
export const DECODE_ERRORS = {
  /** An Engine.IO packet that is empty or does not start with a type digit 0-6 or "b". */
  "invalid engine packet": "invalid Engine.IO packet",
  /** A polling payload that is empty: a payload holds at least one packet. */
  "invalid payload": "invalid polling payload",
  /** A "b" packet whose base64 has a bad character, bad length, bad padding or stray bits. */
  "invalid base64": "invalid base64",
  /** A Socket.IO packet that is empty or does not start with a type digit 0-6. */
  "invalid packet type": "invalid Socket.IO packet type",
  /** A binary packet whose attachment count is missing, not a number, zero, or lacks its "-". */
  "invalid attachments": "invalid attachment count",
  /** A binary packet announcing more attachments than the decoder's `maxAttachments`. */
  "too many attachments": "too many attachments",
  /** An ack id that is not a safe integer. */
  "invalid ack id": "invalid ack id",
  /** A packet whose data part is not valid JSON. */
  "invalid json": "invalid JSON",
  /** JSON that is not allowed for the packet's type (an EVENT that is not an array, ...). */
  "invalid payload for type": "invalid payload for packet type",
  /** An EVENT named like one of Socket.IO's reserved events. */
  "reserved event name": "reserved event name",
  /** A binary attachment that arrived while no binary packet was waiting for one. */
  "unexpected binary": "unexpected binary attachment",
  /** A text packet that arrived while a binary packet was still waiting for attachments. */
  "unexpected text": "unexpected text packet while attachments are due",
  /** A placeholder whose `num` is not the index of one of the packet's attachments. */
  "invalid placeholder": "invalid attachment placeholder",
  /** An attachment that no placeholder in the packet refers to. */
  "unused attachment": "attachment not referenced by any placeholder",
} as const;

/** Why a peer's bytes could not be decoded; one of the keys of {@link DECODE_ERRORS}. */
export type DecodeErrorCode = keyof typeof DECODE_ERRORS;

/** The peer sent something that is not valid on the wire. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  readonly code: DecodeErrorCode;

  constructor(code: DecodeErrorCode, detail?: string) {
    super(detail === undefined ? DECODE_ERRORS[code] : `${DECODE_ERRORS[code]}: ${detail}`);
    this.code = code;
  }
}

/** Every encode error code, with the message its errors start with. */
export const ENCODE_ERRORS = {
  /** A Socket.IO packet type outside 0-6. */
  "invalid packet type": "invalid Socket.IO packet type",
  /** A namespace that does not start with "/" or contains a ",". */
  "invalid namespace": "invalid namespace",
  /** An ack id that is not a non-negative safe integer. */
  "invalid ack id": "invalid ack id",
  /** Data the packet's type does not allow (an EVENT that is not an array, ...). */
  "invalid payload for type": "invalid payload for packet type",
  /** An EVENT named like one of Socket.IO's reserved events. */
  "reserved event name": "reserved event name",
  /** A value that contains itself. */
  "circular value": "cannot encode a circular value",
  /** A value nested deeper than the encoder's limit. */
  "too deep": "value nested too deeply to encode",
  /** A value JSON cannot represent (a BigInt, or a toJSON that throws). */
  "unserializable value": "cannot encode value",
  /** Binary data in an Engine.IO packet that is not a message. */
  "binary not a message": "binary data can only travel in a message packet",
} as const;

/** Why a local value could not be encoded; one of the keys of {@link ENCODE_ERRORS}. */
export type EncodeErrorCode = keyof typeof ENCODE_ERRORS;

/** The application asked to encode something that cannot go on the wire. */
export class EncodeError extends Error {
  override readonly name = "EncodeError";
  readonly code: EncodeErrorCode;

  constructor(code: EncodeErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? ENCODE_ERRORS[code] : `${ENCODE_ERRORS[code]}: ${detail}`, options);
    this.code = code;
  }
}
