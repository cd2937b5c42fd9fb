// A headless authorization code login with PKCE, as a person in a browser would do it: follow the
// authorize URL to the login page, sign in, approve on the consent page, catch the code on the
// redirect, exchange it. Uses plain HTTP (undici) and keeps the cookies itself.
import { createHash, randomBytes } from "node:crypto";
import { request } from "undici";

function hiddenFields(html: string): URLSearchParams {
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.append(
      m[1]!,
      m[2]!
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&"),
    );
  }
  return form;
}

export interface LoginResult {
  code: string;
  iss: string | null;
  tokens: {
    access_token: string;
    refresh_token: string;
    expires_in: number;
    scope: string;
    token_type: string;
  };
  consentTitle: string;
}

export async function headlessLogin(options: {
  base: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  username: string;
  password: string;
}): Promise<LoginResult> {
  const cookies = new Map<string, string>();
  const send = async (
    method: "GET" | "POST",
    path: string,
    body?: URLSearchParams,
    headers: Record<string, string> = {},
  ) => {
    const res = await request(new URL(path, options.base), {
      method,
      headers: {
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; "),
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        ...headers,
      },
      body: body?.toString(),
    });
    const setCookie = res.headers["set-cookie"];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return {
      status: res.statusCode,
      location: res.headers.location as string | undefined,
      text: await res.body.text(),
    };
  };
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(8).toString("hex");
  const authorize = `/oauth_auth.do?${new URLSearchParams({
    response_type: "code",
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    state,
    code_challenge: challenge,
    code_challenge_method: "S256",
  })}`;
  const loginPage = await send("GET", authorize);
  const login = hiddenFields(loginPage.text);
  login.set("username", options.username);
  login.set("password", options.password);
  const signedIn = await send("POST", "/oauth/login", login);
  if (signedIn.status !== 303) throw new Error(`login failed with ${signedIn.status}`);
  const consentPage = await send("GET", signedIn.location!);
  const consentTitle = /<h1>(.*?)<\/h1>/s.exec(consentPage.text)?.[1]?.replace(/<[^>]+>/g, "") ?? "";
  const consent = hiddenFields(consentPage.text);
  consent.set("decision", "approve");
  const approved = await send("POST", "/oauth/consent", consent);
  const redirect = new URL(approved.location ?? "");
  if (redirect.searchParams.get("state") !== state) throw new Error("state did not come back");
  const code = redirect.searchParams.get("code");
  if (!code)
    throw new Error(
      `no code: ${redirect.searchParams.get("error")} ${redirect.searchParams.get("error_description")}`,
    );
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString("base64");
  const exchanged = await send(
    "POST",
    "/oauth_token.do",
    new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: options.redirectUri,
      code_verifier: verifier,
    }),
    { authorization: `Basic ${basic}` },
  );
  if (exchanged.status !== 200) throw new Error(`token exchange failed: ${exchanged.text}`);
  return { code, iss: redirect.searchParams.get("iss"), tokens: JSON.parse(exchanged.text), consentTitle };
}
