// Data frames → messages (RFC 6455 §5.4): a text or binary frame starts a message, FIN
// ends it, continuation frames fill it in between. The limits are checked from each frame's
// header, before its payload is read: the message size (all fragments together) and the
// number of fragments, so neither a huge frame nor a flood of tiny ones is ever buffered.

import { concatBytes } from "../bytes.js";
import { CloseCode, Opcode } from "./protocol.js";
import { fail, strictUtf8 } from "./frame-events.js";
import type { FrameError, FrameEvent } from "./frame-events.js";

export class MessageAssembler {
  /** Opcode of the fragmented message being assembled; 0 when none is open. */
  private opcode = 0;
  private length = 0;
  private fragmentCount = 0;
  private parts: Uint8Array[] = [];
  private text = "";
  /** Decodes a fragmented text message piece by piece; created on first need. */
  private textStream: TextDecoder | undefined;

  constructor(
    private readonly maxPayload: number,
    private readonly maxFragments: number,
  ) {}

  /** Checks a data frame's header against the open message and the limits. */
  admit(opcode: number, fin: boolean, length: number): FrameError | undefined {
    if (opcode === Opcode.continuation) {
      if (this.opcode === 0) return fail(CloseCode.protocolError, "continuation without a message");
    } else if (this.opcode !== 0) {
      return fail(CloseCode.protocolError, "message interrupted");
    }
    const total = this.length + length;
    if (total > this.maxPayload) return fail(CloseCode.messageTooBig, "message too big");
    if ((!fin || opcode === Opcode.continuation) && ++this.fragmentCount > this.maxFragments) {
      return fail(CloseCode.policyViolation, "too many fragments");
    }
    this.length = total;
    return undefined;
  }

  /** A data frame's unmasked payload; returns the message once FIN completes it. */
  add(opcode: number, fin: boolean, data: Uint8Array): FrameEvent | undefined {
    if (opcode !== Opcode.continuation) {
      if (fin) return this.whole(opcode, data);
      this.opcode = opcode;
    }
    if (this.opcode === Opcode.text) {
      // Each fragment is decoded as it comes: invalid UTF-8 fails fast and no bytes are kept.
      const stream = (this.textStream ??= new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }));
      try {
        this.text += stream.decode(data, { stream: !fin });
      } catch {
        return fail(CloseCode.invalidPayload, "invalid UTF-8");
      }
    } else if (data.length > 0) {
      this.parts.push(data);
    }
    if (!fin) return undefined;
    const event: FrameEvent = { kind: "message", data: this.opcode === Opcode.text ? this.text : concatBytes(this.parts, this.length) };
    this.clear();
    return event;
  }

  /** Drops any open message for good (after an error or a close), half-decoded text included. */
  discard(): void {
    this.clear();
    this.textStream = undefined;
  }

  private clear(): void {
    this.opcode = 0;
    this.length = 0;
    this.fragmentCount = 0;
    this.parts = [];
    this.text = "";
  }

  /** An unfragmented message: no state to keep, no copy. */
  private whole(opcode: number, data: Uint8Array): FrameEvent {
    this.length = 0;
    if (opcode === Opcode.binary) return { kind: "message", data };
    try {
      return { kind: "message", data: strictUtf8.decode(data) };
    } catch {
      return fail(CloseCode.invalidPayload, "invalid UTF-8");
    }
  }
}

