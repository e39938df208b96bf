import { describe, expect, it } from 'vitest';
import type { WireMessage } from '@warren/core';
import { formatDeadLetters } from '../../../src/output/format-dead-letters.js';

function deadLetter(id: string, body: string, headers: Record<string, string>): WireMessage {
  return {
    body: Buffer.from(body),
    properties: { messageId: id, type: 'emails.welcome', timestampMs: 0, contentType: 'application/json', contentEncoding: 'utf-8', headers },
  };
}

describe('formatDeadLetters', () => {
  it('prints id, job, reason, failure time, error and a one-line body preview', () => {
    const lines = formatDeadLetters('emails', [
      deadLetter('m-1', '{"email":\n"ada@example.com"}', {
        'x-warren-dead-reason': 'attempts-exhausted',
        'x-warren-failed-at': '2025-01-01T00:00:00.000Z',
        'x-warren-error': 'SMTP 550',
      }),
    ]);
    expect(lines[0]).toMatch(/^ID\s+JOB\s+REASON\s+FAILED AT\s+ERROR\s+BODY$/);
    expect(lines[1]).toMatch(/^m-1\s+emails\.welcome\s+attempts-exhausted\s+2025-01-01T00:00:00\.000Z\s+SMTP 550\s+\{"email": "ada@example\.com"\}$/);
    expect(lines[2]).toBe('1 dead letter(s) in "emails"');
  });

  it('cuts long bodies', () => {
    const [, row] = formatDeadLetters('emails', [deadLetter('m-2', 'x'.repeat(500), {})]);
    expect(row).toContain(`${'x'.repeat(59)}…`);
    expect(row).not.toContain('x'.repeat(61));
  });

  it('redacts a password before cutting a body or an error, so a cut URL cannot show it', () => {
    const secret = 'correct-horse-battery-staple-0123456789abcdef';
    const url = `amqp://app:${secret}@broker.internal:5672/prod`;
    const [, row] = formatDeadLetters('emails', [deadLetter('m-3', `{"broker":"${url}"}`, { 'x-warren-error': `Error: cannot reach ${url}` })]);
    expect(row).toContain('amqp://app:***@');
    expect(row).not.toContain('correct-horse');
  });

  it('says so when the queue is empty', () => {
    expect(formatDeadLetters('emails', [])).toEqual(['no dead letters in pipeline "emails"']);
  });
});
