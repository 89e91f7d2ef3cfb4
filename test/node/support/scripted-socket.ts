import { Duplex } from "node:stream";

/**
 * A TCP socket for the Node peer that a test scripts: what the server writes is recorded, and
 * acknowledged only while `reading` (a client whose receive window is full never acknowledges).
 */
export class ScriptedSocket extends Duplex {
  written: Buffer[] = [];
  reading = true;
  private stalled: Array<() => void> = [];

  constructor() {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.written.push(chunk);
    if (this.reading) callback();
    else this.stalled.push(() => callback());
  }

  /** The client starts reading again: everything written is acknowledged. */
  acknowledge(): void {
    this.reading = true;
    for (const ack of this.stalled.splice(0)) ack();
  }

  /** The client sends these bytes. */
  client(bytes: Uint8Array): void {
    this.emit("data", Buffer.from(bytes));
  }

  /** Close frames the server wrote, as their status codes. */
  get closeCodes(): number[] {
    const codes: number[] = [];
    for (const chunk of this.written) {
      if (chunk[0] === 0x88) codes.push(chunk.length >= 4 ? chunk.readUInt16BE(2) : 1005);
    }
    return codes;
  }
}
