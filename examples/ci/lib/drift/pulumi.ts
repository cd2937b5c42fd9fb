// Runs the `pulumi` on PATH and collects what it printed.
import { spawn } from "node:child_process";

export interface PulumiResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `pulumi <args>` in cwd, asking for the streamed engine events (see parseEngineOutput). */
export function runPulumi(args: string[], cwd: string): Promise<PulumiResult> {
  return new Promise((done, fail) => {
    const child = spawn("pulumi", args, {
      cwd,
      // One JSON event per line, each with the recorded and the live state (see parseEngineOutput).
      env: { ...process.env, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", fail);
    child.once("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}
