import { findIdBy } from "../../storage/records/read";
import { ApiError } from "../api-error";
import { USER } from "../records/kinds";
import type { Registry } from "../registry";

export const DEMO_USER = { name: "demo", password: "demo-password", roles: ["user"] } as const;

/**
 * Development mode only: creates the demo user (demo / demo-password) unless a user named demo
 * exists. True when it created it, so the caller can say so loudly.
 */
export async function seedDemoUser(registry: Registry): Promise<boolean> {
  if (await findIdBy(registry.db, USER, "name", DEMO_USER.name)) return false;
  try {
    await registry.users.create("dev-mode", {
      name: DEMO_USER.name,
      password: DEMO_USER.password,
      roles: [...DEMO_USER.roles],
      active: true,
    });
    return true;
  } catch (error) {
    // Another process seeded it at the same moment.
    if (error instanceof ApiError && error.code === "NAME_TAKEN") return false;
    throw error;
  }
}
