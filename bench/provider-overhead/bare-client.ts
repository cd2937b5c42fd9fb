// The bare client: Node's HTTP client on a keep-alive agent with the provider's connection settings.
import type { Agent } from "node:http";
import { request } from "node:http";
import { request as requestTls } from "node:https";
import { DEFAULT_TIMEOUT_MS } from "../../provider/src/http/client";
import { connectionPool } from "../../provider/src/http/exchange";

export class BareClient {
  private readonly agent: Agent;

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
  ) {
    // As ManagementClient builds its pool (provider/src/http/client.ts).
    this.agent = connectionPool(endpoint, 8);
  }

  /** The headers the provider sends (provider/src/http/exchange.ts). */
  private headers(extra: Record<string, string>): Record<string, string> {
    return {
      authorization: `Bearer ${this.token}`,
      accept: "application/json, application/problem+json",
      "user-agent": "pulumi-inbound-oauth-provider",
      ...extra,
    };
  }

  /** POST of a JSON body; the answer's text when it is 201. */
  post(path: string, body: Record<string, unknown>, idempotencyKey: string): Promise<string> {
    const text = JSON.stringify(body);
    const headers = this.headers({
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      "idempotency-key": idempotencyKey,
    });
    return this.send("POST", path, 201, { headers, body: text });
  }

  /** GET; the answer's text when it is 200. */
  get(path: string): Promise<string> {
    return this.send("GET", path, 200, { headers: this.headers({}) });
  }

  /** The request on the agent with the provider's timeout; its answer's text when the status is expected. */
  private send(
    method: "GET" | "POST",
    path: string,
    expected: number,
    message: { headers: Record<string, string>; body?: string },
  ): Promise<string> {
    const url = new URL(`${this.endpoint}${path}`);
    const send = url.protocol === "https:" ? requestTls : request;
    return new Promise((done, fail) => {
      const req = send(url, { method, headers: message.headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", fail);
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (response.statusCode !== expected)
            fail(new Error(`${method} ${path} answered ${response.statusCode}: ${text}`));
          else done(text);
        });
      });
      req.setTimeout(DEFAULT_TIMEOUT_MS, () =>
        req.destroy(new Error(`${method} ${path}: no answer in time`)),
      );
      req.on("error", fail);
      req.end(message.body);
    });
  }

  close(): Promise<void> {
    this.agent.destroy();
    return Promise.resolve();
  }
}
