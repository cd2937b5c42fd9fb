import type { SigningKeys } from "./signing-keys";

/** How often the schedule checks the active key's age. */
export const ROTATION_CHECK_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Rotates the signing key when the active one is older than `rotationDays` (by the store's clock),
 * as actor "schedule", and prunes retired keys whose retention has ended. Several processes may
 * check at once: the age is checked inside the rotation's transaction, so only one rotates.
 * Returns whether it rotated.
 */
export async function rotateIfDue(keys: SigningKeys, rotationDays: number): Promise<boolean> {
  const rotated = await keys.rotateIfOlderThan("schedule", rotationDays);
  if (!rotated) await keys.prune();
  return rotated !== undefined;
}

export interface ScheduleLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/**
 * Checks now and then every hour (an unref'd timer, so it never keeps the process alive) whether
 * the active key is due for rotation. Returns a function that cancels the schedule.
 */
export function scheduleKeyRotation(
  keys: SigningKeys,
  options: { rotationDays: number; log: ScheduleLog; intervalMs?: number },
): () => void {
  if (!(options.rotationDays > 0)) throw new Error("rotationDays must be a positive number");
  let cancelled = false;
  let running = false;
  const check = async () => {
    if (cancelled || running) return;
    running = true;
    try {
      if (await rotateIfDue(keys, options.rotationDays)) {
        const active = await keys.active();
        options.log.info(
          { kid: active.kid, rotationDays: options.rotationDays },
          "rotated the token-signing key on schedule",
        );
      }
    } catch (error) {
      options.log.error(
        { err: error },
        "scheduled signing-key rotation failed; will retry at the next check",
      );
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? ROTATION_CHECK_INTERVAL_MS);
  timer.unref();
  void check();
  return () => {
    cancelled = true;
    clearInterval(timer);
  };
}
