export { FrameDecoder } from "./decoder.js";
export type { FrameDecoderOptions } from "./decoder.js";
export type { FrameError, FrameErrorReason, FrameEvent } from "./frame-events.js";
export { encodeClose, encodeFrame, utf8Length } from "./encoder.js";
export { WEBSOCKET_GUID, switchingProtocols, validateHandshake } from "./handshake.js";
export type { HandshakeCheck, RequestHeaders } from "./handshake.js";
export { CloseCode, Opcode, isSendableCloseCode, isValidCloseCode } from "./protocol.js";
