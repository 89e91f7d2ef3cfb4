// How every Deno test server ends: on SIGTERM it closes unio (`serve(...).close()`) and exits
// 0, or 1 with the error, so a test sees a clean shutdown or a failing one.

declare const Deno: {
  addSignalListener(signal: "SIGTERM", listener: () => void): void;
  exit(code: number): never;
};

export function closeOnSigterm(server: { close(): Promise<void> }): void {
  Deno.addSignalListener("SIGTERM", () => {
    server.close().then(
      () => Deno.exit(0),
      (err: unknown) => {
        console.error(err);
        Deno.exit(1);
      },
    );
  });
}
