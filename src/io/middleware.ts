// Runs a chain of `(subject, next) => …` middlewares: each calls `next()` to pass on or
// `next(err)` to stop the chain with an error. A middleware that throws or rejects before
// calling `next` is reported as a user error and ends the chain through `crashed` (the
// caller decides what that means: refuse the connection, drop the packet). `next` works
// once; later calls are ignored.

import { isPromiseLike, safeReport } from "./user-code.js";
import type { UserErrorReporter } from "./user-code.js";

/** An error a middleware refuses with; `data` travels to the client in the CONNECT_ERROR packet. */
export interface ExtendedError extends Error {
  data?: unknown;
}

export type NextFunction = (err?: ExtendedError) => void;

export type Middleware<T> = (subject: T, next: NextFunction) => unknown;

function toError(value: unknown): ExtendedError {
  return value instanceof Error ? value : new Error(String(value));
}

export function runMiddlewares<T>(
  fns: readonly Middleware<T>[],
  subject: T,
  report: UserErrorReporter,
  socket: unknown,
  done: (err: ExtendedError | undefined) => void,
  crashed: () => void,
): void {
  const chain = fns.slice();
  let index = 0;
  const step = (): void => {
    const fn = chain[index++];
    if (fn === undefined) {
      done(undefined);
      return;
    }
    let over = false;
    const next: NextFunction = (err) => {
      if (over) return;
      over = true;
      if (err !== undefined && err !== null) done(toError(err));
      else step();
    };
    const fail = (error: unknown): void => {
      safeReport(report, error, socket);
      if (over) return;
      over = true;
      crashed();
    };
    let result: unknown;
    try {
      result = fn(subject, next);
    } catch (error) {
      fail(error);
      return;
    }
    if (isPromiseLike(result)) result.then(undefined, fail);
  };
  step();
}
