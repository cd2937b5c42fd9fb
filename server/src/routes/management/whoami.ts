import type { FastifyInstance } from "fastify";
import type { Whoami } from "../../contract";
import { principalOf } from "../../http/auth";

/** /whoami: which token is calling (its name and role), so a job can say which identity it ran as. */
export function whoamiRoutes(app: FastifyInstance): void {
  app.get("/whoami", async (request): Promise<Whoami> => {
    const { name, role } = principalOf(request);
    return { name, role };
  });
}
