import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProblems, formatTable, tallyReport } from "../../../scripts/fuzz/report";

// The fuzz tier's verdict on a schemathesis NDJSON report (scripts/fuzz/report.ts).

type Sent = [method: string, path: string, status: number | null];

function report(scenarios: Sent[][]): string {
  const lines = scenarios.map((sent) => {
    const cases: Record<string, unknown> = {};
    const interactions: Record<string, unknown> = {};
    sent.forEach(([method, path, status], i) => {
      cases[`c${i}`] = { value: { method, path } };
      interactions[`c${i}`] = { response: status === null ? null : { status_code: status } };
    });
    return JSON.stringify({ ScenarioFinished: { phase: "fuzzing", recorder: { cases, interactions } } });
  });
  return [JSON.stringify({ EngineStarted: {} }), ...lines, JSON.stringify({ EngineFinished: {} })].join("\n");
}

const DOCUMENTED = ["GET /api/v1/users", "POST /api/v1/users", "PUT /api/v1/users/{id}"];
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "fuzz-report-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function verdict(scenarios: Sent[][]) {
  const path = join(dir, `${Math.random()}.ndjson`);
  writeFileSync(path, report(scenarios));
  const tallies = tallyReport(path);
  return { tallies, problems: findProblems(tallies, DOCUMENTED) };
}

describe("the fuzz tier's verdict", () => {
  it("passes a run where every operation ran, nothing failed and every POST and PUT got a 2xx", () => {
    const { tallies, problems } = verdict([
      [
        ["GET", "/api/v1/users", 400],
        ["POST", "/api/v1/users", 201],
      ],
      [
        ["PUT", "/api/v1/users/{id}", 428],
        ["PUT", "/api/v1/users/{id}", 200],
      ],
    ]);
    expect(problems).toEqual([]);
    expect(tallies.get("PUT /api/v1/users/{id}")).toEqual({
      cases: 2,
      statuses: new Map([
        ["428", 1],
        ["200", 1],
      ]),
    });
    expect(formatTable(tallies, DOCUMENTED)).toContain("| PUT /api/v1/users/{id} | 2 | 200×1 428×1 |");
  });

  it("fails on a 5xx anywhere (also on a method the document does not have), a lost request, a missing operation, a POST or PUT without 2xx", () => {
    const { problems } = verdict([
      [
        ["GET", "/api/v1/users", 503],
        ["DELETE", "/api/v1/users", 500],
        ["POST", "/api/v1/users", null],
        ["POST", "/api/v1/users", 400],
      ],
    ]);
    expect(problems).toEqual([
      "GET /api/v1/users: 1 responses with a 5xx status",
      "DELETE /api/v1/users: 1 responses with a 5xx status",
      "POST /api/v1/users: 1 requests got no response (crash, reset or timeout)",
      "POST /api/v1/users: no case got a 2xx answer, so only its refusals were tested",
      "PUT /api/v1/users/{id}: no case was run",
    ]);
  });
});
