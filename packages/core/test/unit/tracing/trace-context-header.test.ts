import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from '../../../src/tracing/trace-context-header.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('traceparent', () => {
  it('formats a span context as version 00 with two-digit flags', () => {
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1 })).toBe(`00-${TRACE_ID}-${SPAN_ID}-01`);
    expect(formatTraceparent({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0 })).toBe(`00-${TRACE_ID}-${SPAN_ID}-00`);
  });

  it.each([
    ['a sampled version 00 header', `00-${TRACE_ID}-${SPAN_ID}-01`, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true }],
    ['bytes, as an AMQP client may hand them over', Buffer.from(`00-${TRACE_ID}-${SPAN_ID}-00`), { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 0, isRemote: true }],
    ['a later version with extra fields', `01-${TRACE_ID}-${SPAN_ID}-01-what-comes-next`, { traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true }],
  ])('parses %s', (_label, header, expected) => {
    expect(parseTraceparent(header)).toEqual(expected);
  });

  it.each([
    ['absent', undefined],
    ['a number', 42],
    ['upper-case hex', `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ['version ff', `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ['version 00 with extra fields', `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${SPAN_ID}-01`],
    ['an all-zero span id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
  ])('treats %s as no parent', (_label, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});
