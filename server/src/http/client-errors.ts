import type { Socket } from "node:net";
import { ApiError } from "../domain/api-error";
import { PROBLEM_JSON, problemBody } from "./problem";

/** A response written straight to the socket (there is no request object when HTTP parsing failed). */
export interface RawAnswer {
  status: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

/** Another shape for a client error on this path (the OAuth endpoints'); undefined for problem+json. */
export type RawShape = (path: string, problem: ApiError) => RawAnswer | undefined;

function problemOf(code: string | undefined): ApiError {
  if (code === "HPE_HEADER_OVERFLOW")
    return new ApiError(
      "HEADERS_TOO_LARGE",
      "The request line and headers are larger than this server accepts (16 KiB). Send a shorter URL, fewer cookies or smaller headers.",
    );
  if (code === "ERR_HTTP_REQUEST_TIMEOUT")
    return new ApiError(
      "REQUEST_TIMEOUT",
      "The request was not received in time. Send it again, without pauses.",
    );
  return new ApiError(
    "MALFORMED_REQUEST",
    "The request is not valid HTTP/1.1. Check the client that sent it.",
  );
}

/** The path of the request line at the start of what was received, when it is there. */
function pathOf(rawPacket: unknown): string {
  if (!Buffer.isBuffer(rawPacket)) return "";
  return /^[A-Z]+ ([^ ?\r\n]*)/.exec(rawPacket.subarray(0, 8192).toString("latin1"))?.[1] ?? "";
}

/**
 * Fastify's `clientErrorHandler`: a request Node's HTTP parser refused (headers over the limit, bad
 * syntax, a timeout) is answered with a problem+json naming a stable code, or in the shape `shape`
 * gives its path, instead of Fastify's own JSON; nothing of the parser's message is sent.
 */
export function clientErrorHandler(shape?: RawShape) {
  return (error: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket) => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const problem = problemOf(error.code);
    const path = pathOf(error.rawPacket);
    const raw = shape?.(path, problem) ?? {
      status: problem.status,
      contentType: `${PROBLEM_JSON}; charset=utf-8`,
      body: JSON.stringify(problemBody(problem, path || undefined)),
    };
    if (socket.writable) {
      const headers = {
        ...raw.headers,
        "content-type": raw.contentType,
        "content-length": String(Buffer.byteLength(raw.body)),
        connection: "close",
      };
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
      socket.write(`HTTP/1.1 ${raw.status} ${problem.code}\r\n${lines.join("\r\n")}\r\n\r\n${raw.body}`);
    }
    socket.destroy();
  };
}
