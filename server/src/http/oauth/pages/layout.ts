import type { FastifyReply } from "fastify";

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Hidden inputs carrying name/value pairs through a form post. */
export function hiddenFields(fields: Record<string, string | undefined>): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value!)}">`)
    .join("\n      ");
}

function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

export interface Page {
  status?: number;
  title: string;
  body: string;
  /** Where a form on this page may send the browser (its redirect after the post included). */
  formTargets?: (string | undefined)[];
  /** Where images may come from besides this server (the integration's logo). */
  imageSources?: (string | undefined)[];
}

/**
 * Sends a server-rendered page: no script, no third-party resources except the integration's logo,
 * not framable, no referrer, never cached.
 */
export function sendPage(reply: FastifyReply, page: Page) {
  const forms = ["'self'", ...new Set(page.formTargets?.map(originOf).filter(Boolean))];
  const images = ["'self'", ...new Set(page.imageSources?.map(originOf).filter(Boolean))];
  const csp = [
    "default-src 'none'",
    "style-src 'self'",
    `img-src ${images.join(" ")}`,
    `form-action ${forms.join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
  return reply
    .code(page.status ?? 200)
    .header("content-type", "text/html; charset=utf-8")
    .header("content-security-policy", csp)
    .header("x-frame-options", "DENY")
    .header("referrer-policy", "no-referrer")
    .header("x-content-type-options", "nosniff")
    .header("cache-control", "no-store")
    .send(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(page.title)}</title>
  <link rel="stylesheet" href="/oauth/assets/style.css">
</head>
<body>
  <main>
    ${page.body}
  </main>
</body>
</html>
`);
}

export const STYLESHEET = `body{font-family:system-ui,sans-serif;background:#f4f6f8;color:#1d2733;margin:0}
main{max-width:26rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
h1{font-size:1.3rem;margin:0 0 1rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #9aa5b1;border-radius:4px}
button{margin-top:1.2rem;padding:.55rem 1.2rem;border-radius:4px;border:1px solid #1f5fa8;background:#1f6fd1;color:#fff;font-size:1rem}
button.secondary{background:#fff;color:#1f5fa8}.logo{max-height:64px;max-width:100%;display:block;margin-bottom:1rem}
ul.scopes{padding-left:1.2rem}.error{color:#a11d1d}.muted{color:#5b6773;font-size:.9rem}`;
