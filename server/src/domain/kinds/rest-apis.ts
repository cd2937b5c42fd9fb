import type { RestApiInput } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { ApiError } from "../api-error";
import { REST_API } from "../records/kinds";
import type { KindBehaviour } from "../records/service";
import type { StoredRecord } from "../records/store";
import { plainFields } from "./simple";

/** The sample APIs every server has. Their ids are fixed so every server agrees on them. */
export const BUILT_IN_REST_APIS: (RestApiInput & { id: string })[] = [
  {
    id: "00000000-0000-7000-8000-000000000001",
    name: "Table API",
    basePath: "/api/now/table",
    description: "Create, read, update and delete records of any table.",
  },
  {
    id: "00000000-0000-7000-8000-000000000002",
    name: "Attachment API",
    basePath: "/api/now/attachment",
    description: "Upload and download file attachments.",
  },
  {
    id: "00000000-0000-7000-8000-000000000003",
    name: "Aggregate API",
    basePath: "/api/now/stats",
    description: "Counts, sums and other statistics over table records.",
  },
];

function refuseBuiltIn(record: StoredRecord): void {
  if (record.fields.builtIn) {
    throw new ApiError(
      "BUILT_IN_READ_ONLY",
      `"${record.name}" is a built-in sample API and cannot be changed or deleted. Add your own REST API instead.`,
    );
  }
}

export const restApiBehaviour: KindBehaviour<RestApiInput> = {
  prepareCreate: async (_tx, input) => {
    const prepared = plainFields(input);
    prepared.fields.builtIn = false;
    return prepared;
  },
  prepareReplace: async (_tx, input, previous) => {
    refuseBuiltIn(previous);
    const prepared = plainFields(input);
    prepared.fields.builtIn = false;
    return prepared;
  },
  checkDelete: refuseBuiltIn,
};

/** Adds the built-in sample APIs that are missing (at every start; concurrent starts are fine). */
export async function seedBuiltInRestApis(ex: SqlExecutor, now: string): Promise<void> {
  for (const api of BUILT_IN_REST_APIS) {
    const document = JSON.stringify({ basePath: api.basePath, description: api.description });
    await ex.execute(
      `INSERT INTO ${REST_API.table} (id, name, document, version, created_at, updated_at, built_in)
       VALUES (?, ?, ?, 1, ?, ?, 1) ON CONFLICT DO NOTHING`,
      [api.id, api.name, document, now, now],
    );
  }
}
