// Load from autocannon, in the bench process: fixed requests against one server.
import autocannon from "autocannon";
import { isInterrupted, onInterrupt } from "./cleanup";

export interface LoadSpec {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  /** For POST: the body of each request (called per request, e.g. for unique names). */
  body?: () => string;
  /**
   * Checks a 2xx answer's body: returns why it is wrong, or undefined when it is right. A wrong
   * answer counts as a failure (e.g. an introspection that says active: false).
   */
  check?: (body: string) => string | undefined;
}

export interface LoadOptions {
  connections: number;
  pipelining: number;
  seconds: number;
}

export interface LoadOutcome {
  result: autocannon.Result;
  /** The first few distinct failed answers (non-2xx, or 2xx that failed the check). */
  failed: { status: number; body: string }[];
  /** 2xx answers whose body failed the check. */
  wrongBodies: number;
}

const liveLoads = new Set<autocannon.Instance>();
onInterrupt(() => {
  for (const instance of liveLoads) instance.stop();
});

export async function autocannonLoad(
  url: string,
  spec: LoadSpec,
  options: LoadOptions,
): Promise<LoadOutcome> {
  if (isInterrupted()) throw new Error("interrupted");
  const failed: { status: number; body: string }[] = [];
  let wrongBodies = 0;
  const keep = (status: number, body: string) => {
    if (failed.length >= 5) return;
    // Keep distinct answers only: one line per kind of failure.
    const text = body.slice(0, 600);
    if (!failed.some((f) => f.status === status && f.body === text)) failed.push({ status, body: text });
  };
  const instance = autocannon({
    url,
    connections: options.connections,
    pipelining: options.pipelining,
    duration: options.seconds,
    timeout: 10,
    requests: [
      {
        method: spec.method,
        path: spec.path,
        headers: spec.headers,
        ...(spec.body
          ? {
              body: spec.body(),
              setupRequest: (request) => ({ ...request, body: spec.body!() }),
            }
          : {}),
        onResponse: (status, body) => {
          if (status < 200 || status > 299) return keep(status, body);
          const wrong = spec.check?.(body);
          if (wrong !== undefined) {
            wrongBodies++;
            keep(status, `${wrong}: ${body}`);
          }
        },
      },
    ],
  });
  liveLoads.add(instance);
  try {
    const result = await instance;
    return { result, failed, wrongBodies };
  } finally {
    liveLoads.delete(instance);
  }
}

/** No non-2xx answer, socket error, timeout or wrong body, and at least one request. */
export function loadIsValid(outcome: LoadOutcome): boolean {
  const { result } = outcome;
  return (
    result.non2xx === 0 &&
    result.errors === 0 &&
    result.timeouts === 0 &&
    outcome.wrongBodies === 0 &&
    result.requests.total > 0
  );
}
