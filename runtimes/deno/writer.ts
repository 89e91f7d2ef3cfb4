// Writes to a Deno connection in order, without awaiting at the call site. What is written in
// one turn of the event loop leaves in one `conn.write` (a 101 and the open packet, a batch
// of frames), and a write that takes only part of its bytes is continued. `pending` counts
// the bytes not yet taken by the kernel: the WebSocket peer's backpressure.

import { concatBytes } from "../shared/bytes.js";
import type { DenoConn } from "./api.js";

export class ConnWriter {
  private queue: Uint8Array[] = [];
  /** Bytes queued plus bytes of the write under way. */
  private pendingBytes = 0;
  private writing = false;
  private ending = false;
  private failed = false;
  /** Set when `pending` passed the high-water mark: `onDrained` is told once it empties. */
  private full = false;

  constructor(
    private readonly conn: DenoConn,
    /** A write failed (the peer reset the connection): the connection is done. */
    private readonly onError: () => void,
    /** `pending` emptied after it had passed the high-water mark. */
    public onDrained: (() => void) | undefined = undefined,
  ) {}

  /** Bytes written but not yet taken by the kernel. */
  get pending(): number {
    return this.pendingBytes;
  }


  /** Queues `bytes` (which must not change afterwards); false when over `highWater`. */
  write(bytes: Uint8Array, highWater = Infinity): boolean {
    if (this.ending || this.failed) return true;
    this.queue.push(bytes);
    this.pendingBytes += bytes.length;
    if (!this.writing) {
      this.writing = true;
      queueMicrotask(() => void this.flush());
    }
    if (this.pendingBytes <= highWater) return true;
    this.full = true;
    return false;
  }

  /** Sends FIN once everything queued is written (reading goes on). */
  end(): void {
    if (this.ending || this.failed) return;
    this.ending = true;
    if (!this.writing) this.finish();
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.length === 1 ? this.queue[0]! : concatBytes(this.queue, this.pendingBytes);
      this.queue = [];
      try {
        for (let offset = 0; offset < batch.length; ) {
          offset += await this.conn.write(offset === 0 ? batch : batch.subarray(offset));
        }
      } catch {
        this.failed = true;
        this.queue = [];
        this.pendingBytes = 0;
        this.onError();
        return;
      }
      this.pendingBytes -= batch.length;
    }
    this.writing = false;
    if (this.full) {
      this.full = false;
      this.onDrained?.();
    }
    if (this.ending) this.finish();
  }

  private finish(): void {
    // The peer may have gone already: then there is nothing to half-close.
    try {
      this.conn.closeWrite().catch(ignore);
    } catch {
      // Closed already (Deno throws at once for a closed resource).
    }
  }
}

function ignore(): void {}
