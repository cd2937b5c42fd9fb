// Runs a command to its end and returns its stdout; a failure carries the command and its output.
import { execFile } from "node:child_process";

export function exec(command: string, args: string[], cwd?: string): Promise<string> {
  return new Promise((done, fail) => {
    // A child that inherits the pipes (pg_ctl's postmaster without -l) would keep them open.
    execFile(command, args, { cwd, encoding: "utf8", timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stdout}${stderr}`.trim();
        fail(
          new Error(
            `\`${[command, ...args].join(" ")}\` failed: ${error.message}${output ? `\n${output}` : ""}`,
          ),
        );
      } else {
        done(stdout);
      }
    });
  });
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
