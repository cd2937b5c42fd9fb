import { parseArgs } from "node:util";
import type { z } from "zod";
import {
  describeFieldErrors,
  fieldErrors,
  PasswordSchema,
  type UserInput,
  UserInputSchema,
  UserNameSchema,
} from "../contract";
import { ApiError } from "../domain/api-error";
import { systemClock } from "../domain/clock";
import { Registry } from "../domain/registry";
import type { Database } from "../storage/database";
import { databaseLocation, readStdin, UsageError, withDatabase } from "./common";

const ACTOR = "cli";

const USAGE = `users add NAME [--roles a,b] --password-stdin | list | remove NAME | set-password NAME --password-stdin`;

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = fieldErrors(result.error);
  const root = errors.filter((e) => e.path === "(body)").map((e) => `${what} ${e.message}`);
  const fields = errors.filter((e) => e.path !== "(body)");
  throw new UsageError(
    [...root, ...(fields.length ? [`invalid ${what}: ${describeFieldErrors(fields)}`] : [])].join("; "),
  );
}

/** The password from standard input, minus one trailing newline (as `echo` or a here-string adds). */
async function passwordFromStdin(flag: boolean | undefined): Promise<string> {
  if (!flag) {
    throw new UsageError(
      '--password-stdin is required: the password is read from standard input, never from the command line (where it would show in the process list and shell history). E.g. `printf %s "$PASSWORD" | inbound-oauth users add NAME --password-stdin`',
    );
  }
  if (process.stdin.isTTY) process.stderr.write("Password (then Enter and Ctrl-D): ");
  const text = await readStdin();
  return text.replace(/\r?\n$/, "");
}

function oneName(positionals: string[], action: string): string {
  if (positionals.length !== 1) throw new UsageError(`users ${action} needs exactly one NAME`);
  return parse(UserNameSchema, positionals[0], "NAME");
}

function parseRoles(text: string | undefined): string[] {
  if (text === undefined) return [];
  return text
    .split(",")
    .map((role) => role.trim())
    .filter((role) => role !== "");
}

/** Service errors (a taken name) as one line, without a stack. */
function explained(error: unknown): never {
  if (error instanceof ApiError && error.status < 500) {
    const fields = error.extras.errors ? ` (${describeFieldErrors(error.extras.errors)})` : "";
    throw new UsageError(`${error.detail}${fields}`);
  }
  throw error;
}

async function findByName(registry: Registry, name: string) {
  const { items } = await registry.users.list({ name }, { limit: 1 });
  const user = items[0];
  if (!user) throw new UsageError(`no user is named "${name}"`);
  return user;
}

function withRegistry<T>(location: string, fn: (registry: Registry, db: Database) => Promise<T>) {
  return withDatabase(location, (db) => fn(new Registry(db, systemClock), db));
}

/** inbound-oauth users add|list|remove|set-password */
export async function usersCommand(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      roles: { type: "string" },
      "password-stdin": { type: "boolean" },
      database: { type: "string" },
    },
  });
  const location = databaseLocation(values);

  if (action === "add") {
    const name = oneName(positionals, "add");
    const password = await passwordFromStdin(values["password-stdin"]);
    const input: UserInput = parse(
      UserInputSchema,
      { name, password, roles: parseRoles(values.roles), active: true },
      "user",
    );
    const outcome = await withRegistry(location, (registry) => registry.users.create(ACTOR, input)).catch(
      explained,
    );
    process.stderr.write(`Created user "${outcome.view.name}" (id ${outcome.view.id}).\n`);
    return;
  }
  if (action === "list") {
    if (positionals.length > 0) throw new UsageError("users list takes no NAME");
    await withRegistry(location, async (registry) => {
      let cursor: string | undefined;
      do {
        const page = await registry.users.list({}, { cursor, limit: 200 });
        for (const user of page.items) {
          const roles = user.roles.join(",") || "-";
          const state = user.active === false ? "inactive" : "active";
          process.stdout.write(`${user.name}\t${roles}\t${state}\t${user.createdAt}\n`);
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    });
    return;
  }
  if (action === "remove") {
    const name = oneName(positionals, "remove");
    await withRegistry(location, async (registry) => {
      const user = await findByName(registry, name);
      await registry.users.remove(ACTOR, user.id);
    }).catch(explained);
    process.stderr.write(`Removed user "${name}".\n`);
    return;
  }
  if (action === "set-password") {
    const name = oneName(positionals, "set-password");
    const password = parse(PasswordSchema, await passwordFromStdin(values["password-stdin"]), "password");
    await withRegistry(location, async (registry) => {
      const user = await findByName(registry, name);
      const input: UserInput = {
        name: user.name,
        password,
        roles: user.roles,
        active: user.active,
      };
      await registry.users.replace(ACTOR, user.id, user.version, input);
    }).catch(explained);
    process.stderr.write(`Set the password of user "${name}".\n`);
    return;
  }
  throw new UsageError(`users needs add, list, remove or set-password: ${USAGE}`);
}
