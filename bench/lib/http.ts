// Stateful HTTP load from the bench process: an undici Pool per server, a cookie jar per simulated
// browser, and time-limited loops of concurrent workers that record each operation's latency.
import { performance } from "node:perf_hooks";
import { Pool } from "undici";
import { isInterrupted } from "./cleanup";
import { messageOf } from "./common";

/** A browser's cookies for one origin: name, value and path; expired cookies are dropped. */
export class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>();

  store(setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
      const [pair = "", ...attributes] = line.split(";");
      const equals = pair.indexOf("=");
      if (equals <= 0) continue;
      const name = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      let path = "/";
      let expired = value === "";
      for (const attribute of attributes) {
        const [key = "", ...rest] = attribute.split("=");
        const attributeValue = rest.join("=").trim();
        switch (key.trim().toLowerCase()) {
          case "path":
            path = attributeValue || "/";
            break;
          case "max-age":
            if (Number(attributeValue) <= 0) expired = true;
            break;
          case "expires":
            if (Date.parse(attributeValue) <= Date.now()) expired = true;
            break;
        }
      }
      const key = `${name}\u0000${path}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name, value, path });
    }
  }

  /** The Cookie header for a request path: the matching cookies, longer paths first (RFC 6265 §5.4). */
  header(requestPath: string): string | undefined {
    const pathname = requestPath.split("?")[0] ?? "/";
    const matching = [...this.cookies.values()]
      .filter(
        (c) =>
          pathname === c.path ||
          (pathname.startsWith(c.path) && (c.path.endsWith("/") || pathname[c.path.length] === "/")),
      )
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }

  get(name: string): string | undefined {
    for (const cookie of this.cookies.values()) if (cookie.name === name) return cookie.value;
    return undefined;
  }
}

/** A request that got an answer the flow did not expect (or none): it invalidates the run. */
export class RequestFailed extends Error {
  constructor(
    readonly request: string,
    readonly status: number | undefined,
    readonly body: string,
    reason?: string,
  ) {
    super(
      `${request}: ${reason ?? (status === undefined ? "no answer" : `answered ${status}`)}${body ? `: ${body.slice(0, 400)}` : ""}`,
    );
  }
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The Location header, when there is one. */
  location?: string;
}

export interface RequestOptions {
  jar?: CookieJar;
  headers?: Record<string, string>;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** The statuses that count as success. */
  expect: number | readonly number[];
}

/** An undici Pool to one server that counts the requests it sends. */
export class HttpClient {
  private readonly pool: Pool;
  requests = 0;

  constructor(
    readonly origin: string,
    connections: number,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, headersTimeout: 10_000, bodyTimeout: 10_000 });
  }

  async send(method: "GET" | "POST", target: string, options: RequestOptions): Promise<Answer> {
    const path = this.localPath(target);
    if (!path) throw new RequestFailed(`${method} ${target}`, undefined, "", "not on this server");
    const headers: Record<string, string> = { ...options.headers };
    const cookie = options.jar?.header(path);
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const label = `${method} ${path.split("?")[0]}`;
    this.requests++;
    let status: number;
    let responseHeaders: Answer["headers"];
    let text: string;
    try {
      const response = await this.pool.request({ method, path, headers, body });
      status = response.statusCode;
      responseHeaders = response.headers;
      text = await response.body.text();
    } catch (error) {
      throw new RequestFailed(label, undefined, "", messageOf(error));
    }
    options.jar?.store(responseHeaders["set-cookie"]);
    const expected = typeof options.expect === "number" ? [options.expect] : options.expect;
    if (!expected.includes(status)) throw new RequestFailed(label, status, text);
    const location = responseHeaders.location;
    return {
      status,
      headers: responseHeaders,
      body: text,
      ...(typeof location === "string" ? { location } : {}),
    };
  }

  /** The path and query of a Location on this server, or undefined when it points elsewhere. */
  localPath(location: string): string | undefined {
    const url = new URL(location, this.origin);
    return url.origin === this.origin ? url.pathname + url.search : undefined;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** The hidden inputs of the first form of an HTML page, and where it posts to. */
export function parseForm(html: string): { action: string | undefined; fields: Record<string, string> } {
  const decode = (text: string) =>
    text
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  const form = /<form\b[^>]*>/i.exec(html)?.[0] ?? "";
  const action = /\baction="([^"]*)"/i.exec(form)?.[1];
  const fields: Record<string, string> = {};
  for (const input of html.match(/<input\b[^>]*>/gi) ?? []) {
    if (!/\btype="hidden"/i.test(input)) continue;
    const name = /\bname="([^"]*)"/i.exec(input)?.[1];
    const value = /\bvalue="([^"]*)"/i.exec(input)?.[1];
    if (name !== undefined) fields[decode(name)] = decode(value ?? "");
  }
  return { action: action === undefined ? undefined : decode(action), fields };
}

export interface LoopOutcome {
  /** Operations completed. */
  operations: number;
  /** From the start until the last worker stopped. */
  wallSeconds: number;
  /** Each completed operation's duration, in milliseconds. */
  latenciesMs: number[];
  /** Failed operations (the loop stops at the first one). */
  failures: number;
  /** The first few distinct failures. */
  errors: string[];
}

/**
 * Runs `operation` in a loop on every worker at once, until the time is up (an operation under
 * way then completes), `more` says there is nothing left, or an operation fails: then every worker
 * stops, since a failure invalidates the run.
 */
export async function timedLoop<W>(
  workers: readonly W[],
  seconds: number,
  operation: (worker: W) => Promise<void>,
  more: () => boolean = () => true,
): Promise<LoopOutcome> {
  const latenciesMs: number[] = [];
  const errors: string[] = [];
  let failures = 0;
  let stop = false;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    workers.map(async (worker) => {
      while (!stop && performance.now() < deadline && more() && !isInterrupted()) {
        const began = performance.now();
        try {
          await operation(worker);
          latenciesMs.push(performance.now() - began);
        } catch (error) {
          failures++;
          stop = true;
          const message = messageOf(error);
          if (errors.length < 5 && !errors.includes(message)) errors.push(message);
        }
      }
    }),
  );
  if (isInterrupted() && failures === 0) {
    failures++;
    errors.push("interrupted");
  }
  return {
    operations: latenciesMs.length,
    wallSeconds: (performance.now() - start) / 1000,
    latenciesMs,
    failures,
    errors,
  };
}

/** The q-quantile (0 < q ≤ 1) of some values, nearest rank; undefined for none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
