import type { FastifyReply } from "fastify";
import { escapeHtml, hiddenFields, sendPage } from "./layout";

export function sendLoginPage(
  reply: FastifyReply,
  options: { returnTo: string; csrf: string; error?: string; status?: number },
) {
  const error = options.error
    ? `<p class="error" id="error" role="alert">${escapeHtml(options.error)}</p>`
    : "";
  return sendPage(reply, {
    status: options.status,
    title: "Sign in",
    body: `<h1>Sign in</h1>
    ${error}
    <form method="post" action="/oauth/login">
      ${hiddenFields({ csrf_token: options.csrf, return_to: options.returnTo })}
      <label for="username">User name</label>
      <input type="text" id="username" name="username" autocomplete="username" required>
      <label for="password">Password</label>
      <input type="password" id="password" name="password" autocomplete="current-password" required>
      <button type="submit" id="sign-in">Sign in</button>
    </form>`,
  });
}
