import type { FastifyReply } from "fastify";
import type { Client } from "../../../domain/oauth/clients";
import { escapeHtml, hiddenFields, sendPage } from "./layout";

export interface ConsentView {
  client: Client;
  user: string;
  scopes: { name: string; description: string }[];
  params: Record<string, string | undefined>;
  redirectUri: string;
  csrf: string;
}

/** Shows who asks (integration, provider, logo) for what (the scopes in words); approve or deny. */
export function sendConsentPage(reply: FastifyReply, view: ConsentView) {
  const { client } = view;
  const logo = client.logoUrl
    ? `<img class="logo" id="logo" src="${escapeHtml(client.logoUrl)}" alt="${escapeHtml(client.providerName)} logo">`
    : "";
  const scopes = view.scopes.length
    ? `<ul class="scopes" id="scopes">${view.scopes
        .map(
          (s) =>
            `<li><strong>${escapeHtml(s.name)}</strong>${s.description ? `: ${escapeHtml(s.description)}` : ""}</li>`,
        )
        .join("")}</ul>`
    : `<p id="scopes">No scopes: it will only learn that you signed in.</p>`;
  return sendPage(reply, {
    title: `Allow ${client.name}?`,
    formTargets: [view.redirectUri],
    imageSources: [client.logoUrl],
    body: `${logo}<h1>Allow <span id="integration">${escapeHtml(client.name)}</span> to access your account?</h1>
    <p>Provided by <span id="provider">${escapeHtml(client.providerName)}</span>. You are signed in as ${escapeHtml(view.user)}.</p>
    <p>It asks for:</p>
    ${scopes}
    <form method="post" action="/oauth/consent">
      ${hiddenFields({ ...view.params, csrf_token: view.csrf })}
      <button type="submit" name="decision" value="approve" id="approve">Allow</button>
      <button type="submit" name="decision" value="deny" id="deny" class="secondary">Deny</button>
    </form>`,
  });
}
