// User code cannot take the server down. Every call into application code (listeners,
// middlewares, connection handlers, ack callbacks, namespace matchers) goes through
// `callUser`, which turns a synchronous throw or a rejected promise into one report to the
// server's `onUserError`, and lets the protocol carry on for every other socket.

import type { AnyFunction } from "./typed-events.js";

/** Receives what application code threw or rejected with; `socket` is the one concerned, if any. */
export type UserErrorReporter = (error: unknown, socket?: unknown) => void;

/** The default report: one line on the console, with the error and its stack. */
export function defaultUserErrorReporter(error: unknown): void {
  console.error("unio: uncaught error in application code:", error);
}

export function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/**
 * Calls `fn` with `args` and `self` as `this`. A throw is reported at once; a returned
 * promise that rejects is reported when it does. Returns whether the call returned normally.
 */
export function callUser(
  report: UserErrorReporter,
  socket: unknown,
  fn: AnyFunction,
  self: unknown,
  args: readonly unknown[],
): boolean {
  try {
    const result = (fn as (...a: unknown[]) => unknown).apply(self, args as unknown[]);
    if (isPromiseLike(result)) {
      result.then(undefined, (error: unknown) => safeReport(report, error, socket));
    }
    return true;
  } catch (error) {
    safeReport(report, error, socket);
    return false;
  }
}

/** Reports, and if the reporter itself throws, falls back to the console. */
export function safeReport(report: UserErrorReporter, error: unknown, socket: unknown): void {
  try {
    if (socket === undefined) report(error);
    else report(error, socket);
  } catch (reporterError) {
    console.error("unio: onUserError threw while reporting:", error, reporterError);
  }
}
