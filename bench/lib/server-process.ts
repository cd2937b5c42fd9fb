// Servers under test, each a child Node process on a free port of 127.0.0.1.
import { type ChildProcess, spawn } from "node:child_process";
import { waitReady } from "../../scripts/lib/net";
import { onCleanup } from "./cleanup";
import { freePort, HOST, messageOf, REPO } from "./common";
import { peakRssBytes } from "./procfs";

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  /** The last lines the process printed, for error reports. */
  output(): string;
  /** Reads the peak RSS, then stops the process (SIGTERM, SIGKILL after 15 s). */
  stop(): Promise<number | undefined>;
}

export interface StartOptions {
  /** A folder: run with --cpu-prof and write `<name>.cpuprofile` there. */
  cpuProfileDir?: string | undefined;
  /** A CPU list: run the process on those CPUs only (`taskset -c`, which then execs node: same pid). */
  cpus?: string | undefined;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => child.once("exit", () => done()));
}

/**
 * Starts `node script ...args --port N --host 127.0.0.1` and waits until GET readyPath answers 2xx.
 * The process is stopped by the clean-up too, should the bench fail or be interrupted.
 */
export async function startServer(
  name: string,
  script: string,
  args: string[],
  readyPath: string,
  options: StartOptions = {},
): Promise<ServerProcess> {
  let lastError: unknown;
  // The free port may be taken between probing and listening: try again a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const nodeOptions = options.cpuProfileDir
      ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${name}.cpuprofile`]
      : [];
    const command = [
      process.execPath,
      ...nodeOptions,
      script,
      ...args,
      "--port",
      String(port),
      "--host",
      HOST,
    ];
    if (options.cpus) command.unshift("taskset", "-c", options.cpus);
    const child = spawn(command[0]!, command.slice(1), {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-8000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    const exited = waitForExit(child);
    const url = `http://${HOST}:${port}`;
    let stopping: Promise<number | undefined> | undefined;
    const stopProcess = () => {
      stopping ??= (async () => {
        const peak = peakRssBytes(child.pid!);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
          await exited;
          clearTimeout(timer);
        }
        return peak;
      })();
      return stopping;
    };
    const removeCleanup = onCleanup(`stop ${name}`, async () => {
      await stopProcess();
    });
    const server: ServerProcess = {
      name,
      pid: child.pid!,
      url,
      output: () => output.trim(),
      stop: async () => {
        const peak = await stopProcess();
        await removeCleanup();
        return peak;
      },
    };

    try {
      await waitReady(`${url}${readyPath}`, {
        timeoutMs: 60_000,
        exited: () =>
          child.exitCode === null && child.signalCode === null
            ? undefined
            : `${child.exitCode ?? child.signalCode}`,
      });
      return server;
    } catch (error) {
      lastError = new Error(
        `${name} did not become ready: ${messageOf(error)}\n--- ${name} output ---\n${output.trim()}`,
      );
      await server.stop();
      if (/EADDRINUSE/.test(output)) continue;
      throw lastError;
    }
  }
  throw lastError;
}
