import http from "node:http";
import https from "node:https";
import { ManagementError } from "./errors";

/** One request as the client sends it. */
export interface Send {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  body?: unknown;
  idempotencyKey?: string;
  ifMatch?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON when the answer says JSON, else the text; undefined when empty. */
  body: unknown;
}

/** The code of the error when no whole answer came in time (retried like a lost connection). */
export const TIMEOUT_CODE = "ETIMEDOUT";

/**
 * Keep-alive connections to the endpoint's origin, at most `connections` at once. Node's own HTTP
 * client, already part of the runtime: Pulumi's dynamic-provider host starts a fresh process for
 * every operation (two for refresh and destroy), and loading an HTTP client package (undici: ~0.1 s
 * of CPU, and its parser's WebAssembly compiled at the first connection) cost every one of them.
 */
export function connectionPool(endpoint: string, connections: number): http.Agent {
  const options = { keepAlive: true, maxSockets: connections };
  return new URL(endpoint).protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
}

/**
 * Sends one request and reads the whole answer (so the connection goes back to the pool), within
 * `timeoutMs` from the start. Rejects with the system's error (ECONNREFUSED, ECONNRESET, ...) or
 * TIMEOUT_CODE when no whole answer came; the caller decides whether to try again.
 */
export function exchange(
  agent: http.Agent,
  endpoint: string,
  token: string,
  timeoutMs: number,
  req: Send,
): Promise<Answer> {
  const url = new URL(`${endpoint}${req.path}`);
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: "application/json, application/problem+json",
    "user-agent": "pulumi-inbound-oauth-provider",
  };
  if (body !== undefined) {
    headers["content-type"] = "application/json";
    headers["content-length"] = String(Buffer.byteLength(body));
  }
  if (req.idempotencyKey !== undefined) headers["idempotency-key"] = req.idempotencyKey;
  if (req.ifMatch !== undefined) headers["if-match"] = req.ifMatch;
  const client = url.protocol === "https:" ? https : http;
  return new Promise<Answer>((done, fail) => {
    let settled = false;
    const finish = (error: unknown, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) fail(error);
      else done(answer!);
    };
    const request = client.request(url, { method: req.method, headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", (error) => finish(error));
      response.on("end", () => {
        if (!response.complete) {
          finish(
            Object.assign(new Error("the connection closed before the whole answer came"), {
              code: "ECONNRESET",
            }),
          );
          return;
        }
        try {
          finish(
            undefined,
            answerOf(req, response.statusCode ?? 0, response.headers, Buffer.concat(chunks).toString("utf8")),
          );
        } catch (error) {
          finish(error);
        }
      });
    });
    const timer = setTimeout(() => {
      const error = Object.assign(new Error(`no whole answer within ${timeoutMs} ms`), {
        code: TIMEOUT_CODE,
      });
      request.destroy(error);
      finish(error);
    }, timeoutMs);
    request.on("error", (error) => finish(error));
    request.end(body);
  });
}

function answerOf(req: Send, status: number, headers: http.IncomingHttpHeaders, text: string): Answer {
  const type = String(headers["content-type"] ?? "");
  if (text === "" || !/json/i.test(type)) {
    return { status, headers, body: text === "" ? undefined : text };
  }
  try {
    return { status, headers, body: JSON.parse(text) };
  } catch {
    throw new ManagementError({
      code: "INVALID_RESPONSE",
      status,
      detail: `The management API answered ${req.method} ${req.path} with malformed JSON.`,
    });
  }
}
