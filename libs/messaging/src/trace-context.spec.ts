import { headers } from '@nats-io/nats-core';
import { childTraceContext, extractTraceContext, injectTraceContext, newTraceparent, parseTraceparent } from './trace-context';

const VALID = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('trace context', () => {
  it('parses a valid traceparent', () => {
    expect(parseTraceparent(VALID)).toEqual({
      version: '00',
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
      sampled: true,
    });
  });

  it.each([
    undefined,
    '',
    'garbage',
    '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
    'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra',
  ])('refuses %j', (value) => expect(parseTraceparent(value)).toBeNull());

  it('makes a child span in the same trace', () => {
    const child = newTraceparent(VALID);
    expect(parseTraceparent(child)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', flags: '01' });
    expect(parseTraceparent(child)!.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('starts a new sampled trace without a parent', () => {
    const root = parseTraceparent(newTraceparent());
    expect(root).toMatchObject({ version: '00', sampled: true });
  });

  it('makes a child context that keeps the parent’s tracestate, or a new root without a parent', () => {
    const child = childTraceContext({ traceparent: VALID, tracestate: 'vendor=x' });
    expect(child.tracestate).toBe('vendor=x');
    expect(parseTraceparent(child.traceparent)).toMatchObject({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', sampled: true });
    expect(parseTraceparent(child.traceparent)!.spanId).not.toBe('00f067aa0ba902b7');
    expect(childTraceContext()).toEqual({ traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/) });
  });

  it('round-trips through NATS headers', () => {
    const h = headers();
    injectTraceContext(h, { traceparent: VALID, tracestate: 'vendor=x' });
    expect(extractTraceContext(h)).toEqual({ traceparent: VALID, tracestate: 'vendor=x' });
  });

  it('neither writes nor reads a malformed traceparent', () => {
    const h = headers();
    injectTraceContext(h, { traceparent: 'nonsense' });
    expect(h.has('traceparent')).toBe(false);
    h.set('traceparent', 'nonsense');
    expect(extractTraceContext(h)).toBeUndefined();
    expect(extractTraceContext(undefined)).toBeUndefined();
  });
});
