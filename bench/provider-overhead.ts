// What the Pulumi provider adds to a request: wall time of its create, read and diff per resource
// against the local server, side by side with a bare HTTP request to the same server, in one run.
//
//   npx tsc -p tsconfig.build.json && node dist/bench/provider-overhead.js
//
// The real server (`serve --log-level warn` on a fresh SQLite file) runs as a child process. This
// process configures the dynamic provider (provider/src/dynamic.ts) through INBOUND_OAUTH_ENDPOINT
// and INBOUND_OAUTH_ADMIN_TOKEN, then for each kind (AuthorizationCodeGrant, AuthScope,
// ApiAccessPolicy) runs BENCH_OPS sequential operations of each of:
//   create  provider.create(kind, checked inputs), a name no other operation used
//           vs a bare HTTP POST of the same JSON body (another unused name), with the admin token
//           and an Idempotency-Key, as the provider sends it
//   read    provider.read(kind, id, outputs) of a record the create phase made
//           vs a bare HTTP GET of the same record
//   diff    provider.diffInputs(kind, outputs, checked inputs): no network, in µs
//   check   provider.checkInputs(kind, inputs): no network, in µs
// Provider and bare operations alternate (which goes first alternates too), so a slower stretch
// of the machine or a growing database hits both. The bare requests use Node's HTTP client on the
// provider's keep-alive agent settings (provider/src/http/client.ts), as the provider's do.
// Any failed request makes the run invalid and the exit code 1.
//
// Environment: BENCH_OPS (operations per kind and phase, default 300), BENCH_WARMUP_OPS (unreported
// operations per kind before measuring, default 20).

import * as provider from "../provider/src/dynamic";
import { isInterrupted, runMain } from "./lib/cleanup";
import { messageOf } from "./lib/common";
import { reportHeader, writeReport } from "./lib/report";
import { startSqliteServer } from "./lib/sqlite-server";
import { BareClient } from "./provider-overhead/bare-client";
import type { KindResult } from "./provider-overhead/figures";
import { benchKind } from "./provider-overhead/kind";
import { markdown, type Report } from "./provider-overhead/report";
import { KIND_NAMES, READ_GOAL, RESULTS_FILE, SETTINGS } from "./provider-overhead/settings";

async function main(): Promise<number> {
  const { server, token, stop } = await startSqliteServer("provider");
  const kinds: KindResult[] = [];
  let bare: BareClient | undefined;
  try {
    process.env.INBOUND_OAUTH_ENDPOINT = server.url;
    process.env.INBOUND_OAUTH_ADMIN_TOKEN = token;
    await provider.configure({
      get: () => undefined,
      require: (key: string) => {
        throw new Error(`no stack config ${key} in the benchmark`);
      },
    });
    bare = new BareClient(server.url, token);

    for (const kind of KIND_NAMES) {
      if (isInterrupted()) break;
      kinds.push(await benchKind(kind, bare, server));
    }
  } catch (error) {
    throw new Error(`${messageOf(error)}\n--- ${server.name} output ---\n${server.output()}`);
  } finally {
    await bare?.close();
    await stop();
  }

  const report: Report = {
    ...reportHeader("provider-overhead", {
      sqlite: process.versions.sqlite ?? "unknown",
    }),
    settings: {
      ...SETTINGS,
      readGoal: READ_GOAL,
      server: "the server on a fresh SQLite file (WAL, synchronous=FULL), a child process",
    },
    kinds,
    valid: kinds.length === KIND_NAMES.length && kinds.every((k) => !k.error),
  };

  writeReport(RESULTS_FILE, report, markdown);

  if (!report.valid) {
    process.stdout.write("\n**INVALID RUN**: some requests failed or a kind did not run.\n\n");
    for (const k of kinds) if (k.error) process.stdout.write(`- ${k.kind}: ${k.error}\n`);
    return 1;
  }
  return 0;
}

runMain(main);
