/*
 * publishWindow: sends `total` jobs through `send`, keeping at most `window` unconfirmed at once
 * (a sliding confirm window). The same loop drives every side, so only the client differs.
 * Rejections are counted, never thrown, so one failed publish does not stop a measurement.
 */

export interface WindowResult {
  readonly confirmed: number;
  readonly rejected: number;
}

/** Calls send(0..total-1) with up to `window` in flight; resolves when every send settled. */
export async function publishWindow(total: number, window: number, send: (seq: number) => Promise<void>): Promise<WindowResult> {
  let next = 0;
  let confirmed = 0;
  let rejected = 0;
  const lane = async (): Promise<void> => {
    while (next < total) {
      const seq = next++;
      try {
        await send(seq);
        confirmed++;
      } catch {
        rejected++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, total) }, lane));
  return { confirmed, rejected };
}
