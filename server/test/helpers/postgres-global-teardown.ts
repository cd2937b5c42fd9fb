// Jest globalTeardown paired with postgres-global-setup.ts: stops the throwaway PostgreSQL cluster
// (pg_ctl -m fast stop) and removes its folder, but only if setup started it and only once the last
// setup call has been matched by a teardown call.
import { clearTestPostgresState, getTestPostgresState, stopCluster } from "./postgres-global-setup";

export default async function postgresGlobalTeardown(): Promise<void> {
  const state = getTestPostgresState();
  if (!state) return;
  state.refs -= 1;
  if (state.refs > 0) return;
  clearTestPostgresState();
  const cluster = state.cluster;
  if (!cluster) return; // TEST_DATABASE_URL was supplied from outside; nothing to stop.
  if (process.env.TEST_DATABASE_URL === cluster.url) delete process.env.TEST_DATABASE_URL;
  await stopCluster(cluster, "fast");
}
