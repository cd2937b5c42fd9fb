import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ERROR_CODES, type ErrorCode } from "../../src/contract";

const SERVER = join(__dirname, "..", "..");
const SRC = join(SERVER, "src");
const DOC_PATH = join(SERVER, "docs", "errors.md");

/** Codes the registry keeps for statuses this version never produces on purpose. */
const RESERVED: readonly ErrorCode[] = [];

/**
 * Registered codes that nothing constructs yet although they are not reserved. Reported to the
 * maintainers rather than removed; the test below fails when a new one appears, and also when one of
 * these starts being used (then drop it from this list).
 */
const KNOWN_UNUSED: readonly ErrorCode[] = [];

const registered = Object.keys(ERROR_CODES) as ErrorCode[];

interface DocRow {
  code: string;
  status: number;
  when: string;
  what: string;
}

/** The rows of the "Codes" table: | `CODE` | status | when | what to do |. */
function docRows(): DocRow[] {
  const text = readFileSync(DOC_PATH, "utf8");
  const section = text.slice(text.indexOf("## Codes"));
  return section
    .split("\n")
    .map((line) => /^\|\s*`([A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|(.*)\|(.*)\|\s*$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, code, status, when, what]) => ({
      code: code!,
      status: Number(status),
      when: when!.trim(),
      what: what!.trim(),
    }));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The text of `const NAME ... = { ... };` in a source file. */
function tableText(source: string, name: string): string {
  const start = source.indexOf(`const ${name}`);
  if (start < 0) throw new Error(`${name} not found`);
  const end = source.indexOf("};", start);
  return source.slice(start, end);
}

/**
 * Every code the server constructs: string literals passed to `new ApiError(`, plus the codes of the
 * two tables whose entries reach ApiError through an expression (FASTIFY_ERRORS in
 * http/problem.ts, UNIQUE_CODES in domain/records/refusals.ts). Any other non-literal first argument
 * fails the test, so a new indirect construction site must be taught here.
 */
function constructedCodes(): { codes: Map<string, string[]>; unexplained: string[] } {
  const codes = new Map<string, string[]>();
  const unexplained: string[] = [];
  const add = (code: string, where: string) => codes.set(code, [...(codes.get(code) ?? []), where]);
  const indirect: Record<string, (source: string) => string[]> = {
    "known[0]": (source) =>
      [...tableText(source, "FASTIFY_ERRORS").matchAll(/\[\s*"([A-Z_]+)"/g)].map((match) => match[1]!),
    'UNIQUE_CODES[field] ?? "NAME_TAKEN"': (source) => [
      ...[...tableText(source, "UNIQUE_CODES").matchAll(/:\s*"([A-Z_]+)"/g)].map((match) => match[1]!),
      "NAME_TAKEN",
    ],
  };
  for (const file of sourceFiles(SRC)) {
    const where = relative(SERVER, file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/new ApiError\(\s*([^,]+?)\s*,/g)) {
      const argument = match[1]!;
      const literal = /^"([A-Za-z0-9_]+)"$/.exec(argument);
      if (literal) add(literal[1]!, where);
      else if (indirect[argument]) for (const code of indirect[argument](source)) add(code, where);
      else unexplained.push(`${where}: new ApiError(${argument}, ...)`);
    }
  }
  return { codes, unexplained };
}

describe("server/docs/errors.md", () => {
  const rows = docRows();

  it("has a table row for every code", () => {
    expect(rows.length).toBeGreaterThan(0);
    const documented = rows.map((row) => row.code);
    expect(registered.filter((code) => !documented.includes(code))).toEqual([]);
  });

  it("gives each code the HTTP status of the registry", () => {
    const mismatched = rows
      .filter((row) => row.code in ERROR_CODES)
      .filter((row) => row.status !== ERROR_CODES[row.code as ErrorCode].status)
      .map(
        (row) =>
          `${row.code}: doc says ${row.status}, ERROR_CODES says ${ERROR_CODES[row.code as ErrorCode].status}`,
      );
    expect(mismatched).toEqual([]);
  });

  it("lists no code that does not exist, and none twice", () => {
    const documented = rows.map((row) => row.code);
    expect(documented.filter((code) => !(code in ERROR_CODES))).toEqual([]);
    expect(documented.filter((code, index) => documented.indexOf(code) !== index)).toEqual([]);
  });

  it("says for each code when it happens and what the client should do", () => {
    const thin = rows.filter((row) => row.when.length < 20 || row.what.length < 20).map((row) => row.code);
    expect(thin).toEqual([]);
  });
});

describe("codes constructed in server/src", () => {
  const { codes, unexplained } = constructedCodes();

  it("finds the construction sites (the scan works)", () => {
    expect(codes.get("VALIDATION_FAILED")?.length).toBeGreaterThan(1);
    expect(codes.has("UNSUPPORTED_MEDIA_TYPE")).toBe(true); // through FASTIFY_ERRORS
    expect(codes.has("CLIENT_ID_TAKEN")).toBe(true); // through UNIQUE_CODES
  });

  it("come only from string literals or the known code tables", () => {
    expect(unexplained).toEqual([]);
  });

  it("all exist in ERROR_CODES", () => {
    const unknown = [...codes]
      .filter(([code]) => !(code in ERROR_CODES))
      .map(([code, where]) => `${code} (${where.join(", ")})`);
    expect(unknown).toEqual([]);
  });

  it("cover every registered code except the reserved ones (and the known unused, reported)", () => {
    const unused = registered.filter((code) => !codes.has(code) && !RESERVED.includes(code));
    expect(unused.filter((code) => !KNOWN_UNUSED.includes(code))).toEqual([]);
    // A known-unused code that is now constructed must leave KNOWN_UNUSED.
    expect(KNOWN_UNUSED.filter((code) => codes.has(code))).toEqual([]);
  });

  it("document the reserved and unused codes as not returned by this version", () => {
    const notReturned = docRows()
      .filter((row) => /^Reserved; not returned/.test(row.when))
      .map((row) => row.code)
      .sort();
    const expected = [...RESERVED, ...KNOWN_UNUSED].filter((code) => !codes.has(code)).sort();
    expect(notReturned).toEqual(expected);
  });
});
