// The measured requests' subjects: the first fixture integration, the bench user, and grants of
// theirs seeded with known credentials (one per connection, to refresh; two more whose first
// refresh answers the access token each state introspects).
import type { Fixtures, Templates } from "./fixtures";
import type { SeedDatabase } from "./seed-database";
import { GrantSeeder } from "./seed-grants";

/** client_secret_basic (RFC 6749 §2.3.1: each part form-encoded). */
export function basicAuthorization(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString("base64")}`;
}

/** Seeds `count` grants of the fixture client and user, issued 10 minutes ago; their refresh tokens. */
export async function seedMeasuredGrants(
  db: SeedDatabase,
  templates: Templates,
  fixtures: Fixtures,
  count: number,
  nowMs: number,
): Promise<string[]> {
  const seeder = new GrantSeeder(db, templates, nowMs);
  const tokens: string[] = [];
  await db.transaction(async () => {
    for (let i = 0; i < count; i++) {
      const credentials = await seeder.add({
        integrationId: fixtures.integrations[0]!.id,
        userId: fixtures.user.id,
        scope: "",
        issuedAt: [nowMs - 600_000],
      });
      tokens.push(credentials.refreshToken);
    }
    await seeder.flush();
  });
  return tokens;
}
