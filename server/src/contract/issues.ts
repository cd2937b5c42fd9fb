import type { z } from "zod";

export interface FieldError {
  path: string;
  message: string;
}

/** Turns zod issues into `path: message` pairs a person can act on, e.g. `redirectUrls.1`. */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join(".") || "(body)";
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.join(", ");
      return { path: issue.path.length ? path : "(body)", message: `unknown field(s): ${keys}` };
    }
    if (issue.code === "invalid_type") {
      // zod v4 omits the input from issues; its message names what was received.
      if (/received undefined$/.test(issue.message)) return { path, message: "is required" };
      return { path, message: `must be ${article(issue.expected)}` };
    }
    return { path, message: issue.message };
  });
}

function article(type: string): string {
  if (type === "array") return "a list";
  if (type === "int") return "a whole number";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

export function describeFieldErrors(errors: FieldError[]): string {
  return errors.map((e) => `${e.path}: ${e.message}`).join("; ");
}
