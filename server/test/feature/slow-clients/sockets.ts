// Raw sockets for the slow-client tests: connections that say exactly what a test wants, when it
// wants, and report when the server closes them.
import { type ChildProcess, spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";

export interface Watched {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Resolves with the milliseconds from connect to the server's close, or null after `withinMs`. */
  closedWithin(withinMs: number): Promise<number | null>;
}

/** A connection to 127.0.0.1:port from `localAddress`, once connected. */
export function openSocket(port: number, localAddress = "127.0.0.1"): Promise<Watched> {
  return new Promise((done, fail) => {
    const socket = connect({ port, host: "127.0.0.1", localAddress });
    let text = "";
    let closedAt: number | undefined;
    const closed = new Promise<void>((resolve) =>
      socket.once("close", () => {
        closedAt = performance.now();
        resolve();
      }),
    );
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
    });
    socket.once("error", () => {});
    socket.once("connect", () => {
      const start = performance.now();
      done({
        socket,
        received: () => text,
        async closedWithin(withinMs) {
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.max(0, start + withinMs - performance.now()));
          });
          await Promise.race([closed, late]);
          clearTimeout(timer);
          return closedAt === undefined ? null : closedAt - start;
        },
      });
    });
    socket.once("error", fail);
  });
}

/** Writes `text` one byte every `everyMs` until the socket closes. */
export function dribble(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableEnded) clearInterval(timer);
    else socket.write(text[i++ % text.length]!);
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}

/** GET /healthz on a fresh connection: its status line and the milliseconds from connect to the answer. */
export async function probeHealthz(port: number, timeoutMs: number): Promise<{ ok: boolean; ms: number }> {
  const start = performance.now();
  return new Promise((done) => {
    const socket = connect({ port, host: "127.0.0.1" });
    let text = "";
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      done({ ok, ms: performance.now() - start });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once("connect", () =>
      socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    );
    socket.on("data", (chunk) => {
      text += chunk.toString("latin1");
      if (text.includes('{"status":"ok"}')) finish(text.startsWith("HTTP/1.1 200 "));
    });
    socket.once("error", () => finish(false));
    socket.once("close", () => finish(false));
  });
}

/** The p-th percentile (0..100) of `values`, nearest rank. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface HolderOptions {
  port: number;
  count: number;
  addresses: string[];
  dribbleMs: number;
  connectTimeoutMs: number;
  connectPhaseMs: number;
  lifetimeMs: number;
}

export interface Holder {
  /** The connections it made, and those still open, once every one was tried. */
  ready: Promise<{ connected: number; failed: number; open: number; errors: Record<string, number> }>;
  status(): Promise<{ open: number; closed: number }>;
  stop(): Promise<void>;
}

/** slow-holder.mjs in its own process, under `ulimit -n openFiles` (bash sets it before node starts). */
export function startHolder(options: HolderOptions, openFiles: number): Holder {
  const script = join(__dirname, "slow-holder.mjs");
  const child: ChildProcess = spawn(
    "bash",
    [
      "-c",
      'ulimit -n "$1" && shift && exec "$@"',
      "bash",
      String(openFiles),
      process.execPath,
      script,
      JSON.stringify(options),
    ],
    { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } },
  );
  // biome-ignore lint/suspicious/noExplicitAny: one JSON line of slow-holder.mjs
  const waiting: ((line: any) => void)[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on("line", (line) => waiting.shift()?.(JSON.parse(line)));
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const next = () =>
    new Promise<unknown>((done, fail) => {
      waiting.push(done);
      exited.then(() => fail(new Error(`slow-holder.mjs exited: ${stderr}`)));
    });
  const ready = next() as Holder["ready"];
  return {
    ready,
    status() {
      const line = next();
      child.stdin!.write("status\n");
      return line as Promise<{ open: number; closed: number }>;
    },
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
