import { type Dispatcher, request } from "undici";
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

/**
 * Sends one request and reads the whole answer (so the connection goes back to the pool). Throws
 * undici's or the system's error when no answer came; the caller decides whether to try again.
 */
export async function exchange(
  dispatcher: Dispatcher,
  endpoint: string,
  token: string,
  timeoutMs: number,
  req: Send,
): Promise<Answer> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    accept: "application/json, application/problem+json",
    "user-agent": "pulumi-inbound-oauth-provider",
  };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  if (req.idempotencyKey !== undefined) headers["idempotency-key"] = req.idempotencyKey;
  if (req.ifMatch !== undefined) headers["if-match"] = req.ifMatch;
  const response = await request(`${endpoint}${req.path}`, {
    method: req.method,
    headers,
    body: req.body === undefined ? undefined : JSON.stringify(req.body),
    dispatcher,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  const text = await response.body.text();
  const type = String(response.headers["content-type"] ?? "");
  if (text === "" || !/json/i.test(type)) {
    return { status: response.statusCode, headers: response.headers, body: text === "" ? undefined : text };
  }
  try {
    return { status: response.statusCode, headers: response.headers, body: JSON.parse(text) };
  } catch {
    throw new ManagementError({
      code: "INVALID_RESPONSE",
      status: response.statusCode,
      detail: `The management API answered ${req.method} ${req.path} with malformed JSON.`,
    });
  }
}
