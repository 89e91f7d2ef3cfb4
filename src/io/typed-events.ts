// Typed events, socket.io style: an application describes its events as interfaces of
// listener signatures, and every `on`/`emit` is checked against them.
//
//   interface ServerToClient { news: (title: string, ack: (read: boolean) => void) => void }
//   socket.emit("news", "hi", (read) => …)                  read: boolean
//   socket.timeout(5000).emit("news", "hi", (err, read) => …) err: Error | null
//   await socket.emitWithAck("news", "hi")                  Promise<boolean>
//   io.timeout(5000).emit("news", "hi", (err, reads) => …)   reads: boolean[]
//
// The ack callback is the LAST parameter of an event's signature when it is a function.
// Unlike socket.io's typings (issues #4813, #4925, #5257, #5367):
// - `emitWithAck` takes the event's arguments WITHOUT the ack and resolves to the ack's first
//   argument, with or without `timeout()`; for an event declared without an ack it takes all
//   the arguments and resolves to `unknown` (the client may still answer).
// - `timeout()` always prepends `err: Error | null` (null on success: that is what the
//   callback receives), even when the declared ack already starts with an Error.
// - a broadcast delivers one answer per client: `(err, responses: First[]) => void`.
// - the untyped default map gives `unknown` arguments (annotate them, or narrow) instead of
//   `any`, and still types the ack callback passed last to `emit`.

/** Any function; the constraint of an event listener. */
// biome-ignore lint: the widest function type is the point here
export type AnyFunction = (...args: never[]) => unknown;

/** A map of event names to listener signatures (an interface of methods/function properties). */
export type EventsMap = object;

/**
 * A listener of the untyped default map: its arguments are `unknown`, and a listener that
 * annotates them (`(msg: string) => …`) is accepted (method syntax makes it bivariant).
 */
export type UntypedListener = { listener(...args: unknown[]): unknown }["listener"];

/** The map used when none is given (every event name, arguments of every type). */
export interface DefaultEventsMap {
  [event: string]: UntypedListener;
}

/** The event names of a map. */
export type EventNames<Map extends EventsMap> = keyof Map & string;

/** The parameters of a map's listener for `Ev`. */
export type EventParams<Map extends EventsMap, Ev extends keyof Map> = Map[Ev] extends (...args: infer P) => unknown
  ? P
  : never;

/** What can be passed as an argument of an untyped emit: anything (a function last is an ack). */
export type UntypedArg = {} | null | undefined;

type IsTuple<P extends readonly unknown[]> = number extends P["length"] ? false : true;

/** The last element of a tuple, `never` when it has none. */
export type Last<P extends readonly unknown[]> = P extends readonly [...unknown[], infer L] ? L : never;

/** A tuple without its last element. */
export type AllButLast<P extends readonly unknown[]> = P extends readonly [...infer H, unknown] ? H : P;

type ParamsOf<F> = F extends (...args: infer P) => unknown ? P : never;

/** The ack callback declared for an event (its last parameter when a function), or `never`. */
export type AckOf<P extends readonly unknown[]> =
  IsTuple<P> extends true ? (Last<Required<P>> extends infer L ? (L extends AnyFunction ? L : never) : never) : never;

/** True when the event's signature ends with an ack callback. */
type HasAck<P extends readonly unknown[]> = [AckOf<P>] extends [never] ? false : true;

/** The arguments of an event without its ack callback. */
export type ArgsWithoutAck<P extends readonly unknown[]> = HasAck<P> extends true ? AllButLast<Required<P>> : P;

/** The first argument the ack receives (what `emitWithAck` resolves to), `void` for a no-argument ack. */
export type AckResult<P extends readonly unknown[]> =
  IsTuple<P> extends true
    ? HasAck<P> extends true
      ? ParamsOf<AckOf<P>> extends readonly [infer First, ...unknown[]]
        ? First
        : ParamsOf<AckOf<P>> extends readonly []
          ? void
          : ParamsOf<AckOf<P>>[number]
      : unknown
    : unknown;

/** An ack of one socket under `timeout()`: the timeout error (or null) comes first. */
export type TimedAck<F> = F extends (...args: infer A) => infer R ? (err: Error | null, ...args: A) => R : never;

/** An ack of a broadcast under `timeout()`: the error, then one first-argument per client. */
export type BroadcastAck<F> = F extends (...args: infer A) => infer R
  ? (err: Error | null, responses: (A extends readonly [infer First, ...unknown[]] ? First : unknown)[]) => R
  : never;

// --- argument lists of the emit variants -------------------------------------------------

/** `socket.emit`: the event's parameters as declared (the ack included when declared). */
export type SocketEmitArgs<Map extends EventsMap, Ev extends keyof Map> =
  IsTuple<EventParams<Map, Ev>> extends true
    ? EventParams<Map, Ev>
    : Array<UntypedArg | ((...args: unknown[]) => unknown)>;

/** `socket.timeout(ms).emit`: the ack, required, gets `err` first. */
export type TimedSocketEmitArgs<Map extends EventsMap, Ev extends keyof Map> =
  IsTuple<EventParams<Map, Ev>> extends true
    ? HasAck<EventParams<Map, Ev>> extends true
      ? [...AllButLast<Required<EventParams<Map, Ev>>>, TimedAck<AckOf<EventParams<Map, Ev>>>]
      : EventParams<Map, Ev>
    : Array<UntypedArg | ((err: Error | null, ...args: unknown[]) => unknown)>;

/** A broadcast without `timeout()`: no ack can be asked for. */
export type BroadcastEmitArgs<Map extends EventsMap, Ev extends keyof Map> =
  IsTuple<EventParams<Map, Ev>> extends true ? ArgsWithoutAck<EventParams<Map, Ev>> : UntypedArg[];

/** A broadcast with `timeout()`: the ack, when declared, receives every client's answer. */
export type TimedBroadcastEmitArgs<Map extends EventsMap, Ev extends keyof Map> =
  IsTuple<EventParams<Map, Ev>> extends true
    ? HasAck<EventParams<Map, Ev>> extends true
      ? [...AllButLast<Required<EventParams<Map, Ev>>>, BroadcastAck<AckOf<EventParams<Map, Ev>>>]
      : EventParams<Map, Ev>
    : Array<UntypedArg | ((err: Error | null, responses: unknown[]) => unknown)>;

/** `emitWithAck`: the arguments without the ack. */
export type EmitWithAckArgs<Map extends EventsMap, Ev extends keyof Map> =
  IsTuple<EventParams<Map, Ev>> extends true ? ArgsWithoutAck<EventParams<Map, Ev>> : UntypedArg[];

/** What `socket.emitWithAck` resolves to. */
export type EmitWithAckResult<Map extends EventsMap, Ev extends keyof Map> = AckResult<EventParams<Map, Ev>>;

/** What a broadcast's `emitWithAck` resolves to: one answer per client. */
export type BroadcastWithAckResult<Map extends EventsMap, Ev extends keyof Map> =
  IsTuple<EventParams<Map, Ev>> extends true
    ? HasAck<EventParams<Map, Ev>> extends true
      ? AckResult<EventParams<Map, Ev>>[]
      : unknown[]
    : unknown[];

// --- listeners -----------------------------------------------------------------------------

/** The listener for `Ev`: a reserved event's own signature, else the user map's. */
export type ListenerOf<Reserved extends EventsMap, Map extends EventsMap, Ev> = Ev extends keyof Reserved
  ? Reserved[Ev]
  : Ev extends keyof Map
    ? Map[Ev] extends AnyFunction
      ? Map[Ev]
      : UntypedListener
    : UntypedListener;

/** Names a listener may be registered for: the reserved ones and the user map's. */
export type ListenNames<Reserved extends EventsMap, Map extends EventsMap> = EventNames<Reserved> | EventNames<Map>;

/** A catch-all listener: the event name, then its arguments (ack last when asked for). */
export type AnyListener = (event: string, ...args: unknown[]) => unknown;
