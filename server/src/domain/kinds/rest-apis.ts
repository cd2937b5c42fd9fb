import type { RestApi, RestApiInput } from "../../contract";
import type { SqlExecutor } from "../../storage/database";
import { insertRecord } from "../../storage/records/write";
import { ApiError } from "../api-error";
import type { KindBehaviour } from "../records/behaviour";
import { REST_API } from "../records/kinds";
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

function refuseBuiltIn(record: RestApi): void {
  if (record.builtIn) {
    throw new ApiError(
      "BUILT_IN_READ_ONLY",
      `"${record.name}" is a built-in sample API and cannot be changed or deleted. Add your own REST API instead.`,
    );
  }
}

export const restApiBehaviour: KindBehaviour<RestApiInput, RestApi> = {
  prepareCreate: async (_tx, input) => ({ fields: { ...plainFields(input), builtIn: false } }),
  prepareReplace: async (_tx, input, previous) => {
    refuseBuiltIn(previous);
    return { fields: { ...plainFields(input), builtIn: false } };
  },
  checkDelete: refuseBuiltIn,
};

/** Adds the built-in sample APIs that are missing (at every start; concurrent starts are fine). */
export async function seedBuiltInRestApis(ex: SqlExecutor, now: string): Promise<void> {
  for (const { id, name, basePath, description } of BUILT_IN_REST_APIS) {
    const write = { name, fields: { basePath, description, builtIn: true }, references: new Map() };
    await insertRecord(ex, REST_API, id, write, now, { ifMissing: true });
  }
}
