import { ERROR_CODES, type ErrorCode, type Problem } from "../contract";

type Extras = Partial<Pick<Problem, "errors" | "existingId" | "referencedBy" | "currentVersion">>;

/** An error the API reports as application/problem+json with a stable code. */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extras: Extras = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
    this.status = ERROR_CODES[code].status;
  }
}
