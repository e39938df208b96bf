/*
 * A job that can never succeed for a declined card: it throws Unrecoverable, so Warren
 * dead-letters it at once instead of retrying.
 */
import { Job, Unrecoverable, type JobHandler } from '@warren/core';

@Job('billing.charge', { pipeline: 'reports', attempts: 5 })
export class ChargeCard implements JobHandler<{ cardId: string; cents: number }> {
  async handle(payload: { cardId: string; cents: number }): Promise<void> {
    if (payload.cardId.startsWith('declined')) throw new Unrecoverable(`card ${payload.cardId} was declined`);
  }
}
