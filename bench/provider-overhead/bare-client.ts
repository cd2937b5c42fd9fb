// The bare client: undici's request on a Pool with the provider's connection settings.
import { Pool, request } from "undici";
import { DEFAULT_TIMEOUT_MS } from "../../provider/src/http/client";

export class BareClient {
  private readonly pool: Pool;

  constructor(
    private readonly endpoint: string,
    private readonly token: string,
  ) {
    // As ManagementClient builds its Pool (provider/src/http/client.ts).
    this.pool = new Pool(new URL(endpoint).origin, {
      connections: 8,
      headersTimeout: DEFAULT_TIMEOUT_MS,
      bodyTimeout: DEFAULT_TIMEOUT_MS,
      connectTimeout: 10_000,
    });
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
    const headers = this.headers({ "content-type": "application/json", "idempotency-key": idempotencyKey });
    return this.send("POST", path, 201, { headers, body: JSON.stringify(body) });
  }

  /** GET; the answer's text when it is 200. */
  get(path: string): Promise<string> {
    return this.send("GET", path, 200, { headers: this.headers({}) });
  }

  /** The request on the pool with the provider's timeouts; its answer's text when the status is expected. */
  private async send(
    method: "GET" | "POST",
    path: string,
    expected: number,
    message: { headers: Record<string, string>; body?: string },
  ): Promise<string> {
    const response = await request(`${this.endpoint}${path}`, {
      method,
      ...message,
      dispatcher: this.pool,
      headersTimeout: DEFAULT_TIMEOUT_MS,
      bodyTimeout: DEFAULT_TIMEOUT_MS,
    });
    const text = await response.body.text();
    if (response.statusCode !== expected)
      throw new Error(`${method} ${path} answered ${response.statusCode}: ${text}`);
    return text;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
