// Small statistics for the load generator: latency samples and medians.

/** Latency samples in milliseconds (bounded: beyond `capacity` samples are dropped). */
export class LatencyRecorder {
  private samples = new Float64Array(4096);
  private count = 0;

  constructor(private readonly capacity = 1 << 22) {}

  add(ms: number): void {
    if (this.count === this.samples.length) {
      if (this.count >= this.capacity) return;
      const grown = new Float64Array(Math.min(this.capacity, this.count * 2));
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.count++] = ms;
  }

  get size(): number {
    return this.count;
  }

  /** The p-th percentile (0–100), nearest rank; NaN without samples. */
  percentiles(...ps: number[]): number[] {
    if (this.count === 0) return ps.map(() => Number.NaN);
    const sorted = this.samples.slice(0, this.count).sort();
    return ps.map((p) => sorted[Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1))]!);
  }
}

/** The median of the finite values; NaN when there is none. */
export function median(values: readonly number[]): number {
  const finite = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
