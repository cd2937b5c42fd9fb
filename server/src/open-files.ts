import { readFileSync } from "node:fs";

/** The open-files limit of this process (the soft limit; Node raises it to the hard one at start). */
export function openFilesLimit(procLimits?: string): number | undefined {
  let text = procLimits;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/self/limits", "utf8");
    } catch {
      return undefined; // not Linux: the limit is not known
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  if (soft === undefined || soft === "unlimited") return undefined;
  const n = Number(soft);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** Files kept for everything but client connections (database, WAL, logs, PostgreSQL pool, Node). */
export function reservedFiles(limit: number): number {
  return Math.max(128, Math.ceil(limit / 10));
}

/** The smallest open-files limit that leaves room for `connections` connections. */
export function limitFor(connections: number): number {
  let limit = connections + 128;
  while (limit - reservedFiles(limit) < connections) limit = connections + reservedFiles(limit);
  return limit;
}

export interface ConnectionBudget {
  maxConnections: number;
  /** Set when the open-files limit lowered the requested cap: say so to the operator. */
  warning?: string;
}

/** The connection cap that fits in the open-files limit, with room for the server's own files. */
export function connectionBudget(limit: number | undefined, requested: number): ConnectionBudget {
  if (limit === undefined) return { maxConnections: requested };
  const reserve = reservedFiles(limit);
  const fits = Math.max(1, limit - reserve);
  if (requested <= fits) return { maxConnections: requested };
  return {
    maxConnections: fits,
    warning:
      `the open-files limit is ${limit}, so the server accepts at most ${fits} connections ` +
      `(asked for ${requested}; ${reserve} files are kept for the database and logs). Raise the limit ` +
      `to ${limitFor(requested)} or more: 'ulimit -n 65536' in the shell that starts the server, ` +
      "LimitNOFILE=65536 in its systemd unit, or 'docker run --ulimit nofile=65536:65536'.",
  };
}
