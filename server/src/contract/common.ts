import { z } from "zod";
import { urlSpellingProblems } from "./url-spelling";

// Control characters (Unicode category Cc) and the white space of JavaScript's \s that is not Cc.
const CONTROL = "\\u0000-\\u001f\\u007f-\\u009f";
const SPACE = "\\u0020\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
const EDGE = `[^${CONTROL}${SPACE}]`;

/**
 * Printable text with no leading or trailing whitespace and no control characters: exactly
 * /^(?!\s)[^\p{Cc}]*(?<!\s)$/u, spelt without lookaround, Unicode properties or flags, so that
 * the OpenAPI document's `pattern` means the same in every regex dialect and generators
 * (schemathesis, hypothesis) can build values from it (test/unit/name-pattern.test.ts).
 */
export const TRIMMED_PRINTABLE = new RegExp(`^(?:${EDGE}(?:[^${CONTROL}]*${EDGE})?)?$`);

/** A display name: "Name of OAuth entity", provider name, scope or API name. */
export const NameSchema = z
  .string()
  .min(1, "must not be empty")
  .max(100, "must be at most 100 characters")
  .regex(TRIMMED_PRINTABLE, "must not start or end with whitespace or contain control characters");

export const DescriptionSchema = z
  .string()
  .max(1000, "must be at most 1000 characters")
  .refine((s) => !/(?![\t\n\r])\p{Cc}/u.test(s), {
    message: "must not contain control characters other than tab, newline and carriage return",
  });

/** Record identifiers are UUIDs (version 7, so they sort by creation time). */
export const IdSchema = z.uuid("must be a UUID");

/** An Idempotency-Key header: 16–255 printable ASCII characters without spaces (a UUID will do). */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x21-\x7e]{16,255}$/;

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** True when the host is a loopback address, where plain http is acceptable (RFC 8252 §7.3). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

interface UrlRules {
  allowFragment: boolean;
  /** Refuse userinfo, non-canonical IP or loopback hosts, port 0 and control characters (redirect URLs). */
  exactSpelling: boolean;
}

function webUrl(rules: UrlRules) {
  return z
    .string()
    .max(2048, "must be at most 2048 characters")
    .superRefine((value, ctx) => {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({
          code: "custom",
          message: "must be an absolute URL such as https://app.example.com/callback",
        });
        return;
      }
      if (url.protocol !== "https:" && url.protocol !== "http:") {
        ctx.addIssue({ code: "custom", message: `must use https (got ${url.protocol.replace(":", "")})` });
        return;
      }
      if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
        ctx.addIssue({
          code: "custom",
          message:
            "must use https; plain http is allowed only for loopback hosts (localhost, 127.0.0.1, [::1])",
        });
      }
      if (rules.exactSpelling) {
        for (const message of urlSpellingProblems(value, url, isLoopbackHost)) {
          ctx.addIssue({ code: "custom", message });
        }
      } else if (url.username || url.password) {
        ctx.addIssue({ code: "custom", message: "must not contain a user name or password" });
      }
      if (!rules.allowFragment && (url.hash || value.includes("#"))) {
        ctx.addIssue({ code: "custom", message: "must not contain a fragment (#...)" });
      }
      if (/\s/.test(value)) {
        ctx.addIssue({ code: "custom", message: "must not contain whitespace" });
      } else if (rules.exactSpelling && /\p{Cc}/u.test(value)) {
        ctx.addIssue({ code: "custom", message: "must not contain control characters" });
      }
    });
}

/**
 * A redirect URL: absolute, no fragment, https except loopback http, no userinfo (not even an empty
 * one), IP addresses and loopback names in their canonical spelling, no port 0. Matched exactly at
 * runtime (a loopback one's port may vary: RFC 8252 §7.3).
 */
export const RedirectUrlSchema = webUrl({ allowFragment: false, exactSpelling: true });

/** A page or image URL shown to people (login page, logo). */
export const PageUrlSchema = webUrl({ allowFragment: true, exactSpelling: false });

/** A list whose entries must be distinct. */
export function distinctList<T extends z.ZodType<string>>(item: T, max: number) {
  return z
    .array(item)
    .max(max, `must have at most ${max} entries`)
    .superRefine((list, ctx) => {
      const seen = new Set<string>();
      list.forEach((entry, index) => {
        if (seen.has(entry)) {
          ctx.addIssue({ code: "custom", path: [index], message: `"${entry}" is listed twice` });
        }
        seen.add(entry);
      });
    });
}

/** Fields every stored record carries. */
export const RecordMetaShape = {
  id: IdSchema,
  version: z.int().min(1).describe("Increases on every change; also sent as the ETag."),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

/** Cursor pagination: `limit` and an opaque `cursor` from the previous page's nextCursor. */
export const PageQueryShape = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, "must be a nextCursor value from a previous page")
    .optional(),
};

/** The list query of a kind filtered by name only: the page, and an exact name. */
export const NameListQuerySchema = z.strictObject({
  ...PageQueryShape,
  name: z.string().max(100).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe("Pass as ?cursor= to get the next page; null on the last page."),
  });
}
