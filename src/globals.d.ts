// The few web-platform globals the pure core may use, declared here so that the core
// compiles with `lib: ["ES2022"]` and no runtime types. Every runtime unio targets
// (Node >= 20, Deno, Bun, workerd, browsers) provides them.

declare global {
  interface TextEncoder {
    encode(input?: string): Uint8Array;
    encodeInto(source: string, destination: Uint8Array): { read: number; written: number };
  }
  // eslint-disable-next-line no-var
  var TextEncoder: { prototype: TextEncoder; new (): TextEncoder };

  interface TextDecoder {
    decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string;
  }
  // eslint-disable-next-line no-var
  var TextDecoder: {
    prototype: TextDecoder;
    new (label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean }): TextDecoder;
  };

  interface Crypto {
    getRandomValues<T extends ArrayBufferView | null>(array: T): T;
  }
  // eslint-disable-next-line no-var
  var crypto: Crypto;

  function queueMicrotask(callback: () => void): void;

  // Every runtime has a console; the core only uses it for the default error report.
  // eslint-disable-next-line no-var
  var console: { error(...data: unknown[]): void; warn(...data: unknown[]): void };
}

export {};
