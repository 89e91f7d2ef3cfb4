// Application callbacks (allowRequest, the CORS origin function) may answer now or later.
// Awaiting only what is actually asynchronous keeps the common synchronous path free of
// extra microtask hops.

export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
