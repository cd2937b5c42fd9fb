// PostgreSQL's write-ahead log during a run (pg_stat_wal, PostgreSQL 14+; the whole cluster: the
// runs are one at a time, so what the log gained is that run's): bytes and full-page images.
import { Client } from "pg";

export interface WalFigures {
  bytesPerOperation: number;
  fullPageImagesPerOperation: number;
}

async function walNow(url: string): Promise<{ bytes: number; fpi: number } | undefined> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ bytes: string; fpi: string }>(
      "SELECT wal_bytes AS bytes, wal_fpi AS fpi FROM pg_stat_wal",
    );
    return rows[0] && { bytes: Number(rows[0].bytes), fpi: Number(rows[0].fpi) };
  } catch {
    return undefined; // before PostgreSQL 14
  } finally {
    await client.end();
  }
}

/** Runs fn and adds what the log gained per operation (undefined for none or no pg_stat_wal). */
export async function withWal<T extends { operations: number }>(
  url: string,
  fn: () => Promise<T>,
): Promise<T & { wal?: WalFigures }> {
  const before = await walNow(url);
  const result = await fn();
  const after = await walNow(url);
  if (!before || !after || result.operations === 0) return result;
  return {
    ...result,
    wal: {
      bytesPerOperation: Math.round((after.bytes - before.bytes) / result.operations),
      fullPageImagesPerOperation: Number(((after.fpi - before.fpi) / result.operations).toFixed(2)),
    },
  };
}
