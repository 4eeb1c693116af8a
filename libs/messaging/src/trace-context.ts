import { randomBytes } from 'node:crypto';
import type { MsgHdrs } from '@nats-io/nats-core';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/) carried in NATS headers, since no
 * OpenTelemetry instrumentation exists for NATS: the publisher injects `traceparent` (and
 * `tracestate`), the consumer extracts them and continues the trace.
 */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

export interface Traceparent {
  version: string;
  traceId: string;
  spanId: string;
  flags: string;
  sampled: boolean;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** Parses a `traceparent` value; null when malformed (which the spec says to ignore). */
export function parseTraceparent(value: string | undefined | null): Traceparent | null {
  const match = value ? TRACEPARENT.exec(value.trim().toLowerCase()) : null;
  if (!match) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string?];
  if (version === 'ff' || (version === '00' && rest)) return null;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return null;
  return { version, traceId, spanId, flags, sampled: (parseInt(flags, 16) & 1) === 1 };
}

/**
 * A `traceparent` for a new span: a child of `parent` when one is given (same trace id, new span
 * id, same flags), else the root of a new sampled trace.
 */
export function newTraceparent(parent?: string): string {
  const parsed = parseTraceparent(parent);
  const spanId = randomBytes(8).toString('hex');
  if (parsed) return `00-${parsed.traceId}-${spanId}-${parsed.flags}`;
  return `00-${randomBytes(16).toString('hex')}-${spanId}-01`;
}

/** The context of a new span: a child of `parent` (its tracestate kept), or the root of a new trace. */
export function childTraceContext(parent?: TraceContext): TraceContext {
  const traceparent = newTraceparent(parent?.traceparent);
  return parent?.tracestate ? { traceparent, tracestate: parent.tracestate } : { traceparent };
}

/** Writes the context into NATS headers (a malformed traceparent is not written). */
export function injectTraceContext(headers: MsgHdrs, context: TraceContext | undefined): void {
  if (!context || !parseTraceparent(context.traceparent)) return;
  headers.set('traceparent', context.traceparent);
  if (context.tracestate) headers.set('tracestate', context.tracestate);
}

/** Reads the context from NATS headers; undefined when absent or malformed. */
export function extractTraceContext(headers: MsgHdrs | undefined): TraceContext | undefined {
  const traceparent = headers?.get('traceparent');
  if (!traceparent || !parseTraceparent(traceparent)) return undefined;
  const tracestate = headers?.get('tracestate');
  return tracestate ? { traceparent, tracestate } : { traceparent };
}
