import type { FastifyReply } from "fastify";
import { escapeHtml, sendPage } from "./layout";

/** An error shown to the person in the browser, never a redirect (e.g. an unregistered redirect_uri). */
export function sendErrorPage(reply: FastifyReply, status: number, title: string, message: string) {
  return sendPage(reply, {
    status,
    title,
    body: `<h1>${escapeHtml(title)}</h1>
    <p class="error" id="error">${escapeHtml(message)}</p>
    <p class="muted">You can close this window. If you followed a link from an application, tell its developers.</p>`,
  });
}
