/*
 * settleWithin: waits for a promise to settle, but never past a deadline. close() uses it for every
 * step that needs an answer from the broker (basic.cancel, channel.close, connection.close), which
 * never comes when the peer is dead. Cancels its own timer either way; never rejects.
 */

/** Resolves true when `work` settles (either way) before `deadlineMs` (epoch ms), false when the deadline came first. */
export function settleWithin(work: Promise<unknown>, deadlineMs: number): Promise<boolean> {
  const remainingMs = deadlineMs - Date.now();
  if (remainingMs <= 0) {
    work.catch(() => undefined); // nobody waits any more; keep a late rejection from being unhandled
    return Promise.resolve(false);
  }
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), remainingMs);
    work.then(
      () => { clearTimeout(timer); resolve(true); },
      () => { clearTimeout(timer); resolve(true); },
    );
  });
}
