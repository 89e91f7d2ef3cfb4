// unio/codec: the wire formats of Engine.IO v4 and Socket.IO v5, as pure functions plus one
// small incremental decoder. No I/O, no runtime globals; usable on its own.

export { DECODE_ERRORS, DecodeError, ENCODE_ERRORS, EncodeError } from "./errors.js";
export type { DecodeErrorCode, EncodeErrorCode } from "./errors.js";
export { decodeBase64, encodeBase64 } from "./base64.js";
export { decodePacket, encodePacket } from "./engine-packet.js";
export type { EnginePacket, EnginePacketType } from "./engine-packet.js";
export { SEPARATOR, decodePayload, encodePayload } from "./payload.js";
export { PacketType, RESERVED_EVENTS } from "./socket-packet.js";
export type { Packet } from "./socket-packet.js";
export { Encoder, setSmallValueWriter } from "./socket-encoder.js";
export type { EncoderOptions, SmallValueWriter } from "./socket-encoder.js";
export { Decoder } from "./socket-decoder.js";
export type { DecoderOptions } from "./socket-decoder.js";
export { MAX_ENCODE_DEPTH } from "./binary.js";
export type { Frames, Placeholder } from "./binary.js";
