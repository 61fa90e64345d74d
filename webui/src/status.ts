import { baseHeaders, toError } from './api';
import type { ApplianceStatus } from './generated/openapi';
import { Store } from './store';

// The status report's types are generated from the appliance's OpenAPI document (src/generated/openapi.ts).
export type { ApplianceStatus, MemberStatus, MonitorStatus, PoolStatus, VirtualStatus } from './generated/openapi';

/** One point of a virtual server's history, computed here from two consecutive status events. */
export interface Sample {
  t: number;
  rps: number;
  bps: number;
  conns: number;
}

export interface LiveState {
  status: ApplianceStatus | null;
  connected: boolean;
  error: string | null;
  lastEvent: number | null;
  history: Record<string, Sample[]>;
}

/** Five minutes of one-second samples per virtual server. */
export const HistoryLength = 300;

export const live = new Store<LiveState>({ status: null, connected: false, error: null, lastEvent: null, history: {} });

let controller: AbortController | null = null;
let previous: ApplianceStatus | null = null;

/**
 * Listens to GET /api/v1/status/stream (Server-Sent Events) with fetch rather than EventSource, so the request
 * carries X-Requested-With and an ended session never makes the browser show its Basic-auth dialog.
 */
export function startStatusStream() {
  if (controller) return;
  controller = new AbortController();
  void run(controller.signal);
}

export function stopStatusStream() {
  controller?.abort();
  controller = null;
  previous = null;
  live.set({ status: null, connected: false, error: null, lastEvent: null, history: {} });
}

async function run(signal: AbortSignal) {
  let delay = 1000;
  while (!signal.aborted) {
    try {
      const response = await fetch('/api/v1/status/stream', { headers: { ...baseHeaders(), Accept: 'text/event-stream' }, credentials: 'same-origin', signal });
      if (!response.ok || !response.body) {
        const e = await toError(response);
        live.set({ ...live.get(), connected: false, error: e.message });
        if (response.status === 401 || response.status === 403) return;
      } else {
        delay = 1000;
        await read(response.body, signal);
        live.set({ ...live.get(), connected: false, error: 'the status stream ended; reconnecting' });
      }
    } catch (e) {
      if (signal.aborted) return;
      live.set({ ...live.get(), connected: false, error: `status stream: ${(e as Error).message}; reconnecting` });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 10000);
  }
}

async function read(body: ReadableStream<Uint8Array>, signal: AbortSignal) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        dispatch(frame);
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function dispatch(frame: string) {
  let event = 'message';
  const data: string[] = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (event === 'status' && data.length > 0) accept(JSON.parse(data.join('\n')) as ApplianceStatus);
  else if (event === 'ended') live.set({ ...live.get(), connected: false, error: 'the session ended' });
}

function accept(status: ApplianceStatus) {
  const state = live.get();
  const history = { ...state.history };
  const now = Date.parse(status.time) || Date.now();
  const before = previous ? Date.parse(previous.time) : NaN;
  const dt = Number.isFinite(before) && now > before ? (now - before) / 1000 : 0;
  for (const v of status.virtuals) {
    const old = previous?.virtuals.find((x) => x.name === v.name);
    const rps = old && dt > 0 ? Math.max(0, (v.requests - old.requests) / dt) : 0;
    const bps = old && dt > 0 ? Math.max(0, (v.bytesIn + v.bytesOut - old.bytesIn - old.bytesOut) / dt) : 0;
    const list = (history[v.name] ?? []).concat({ t: now, rps, bps, conns: v.currentConnections });
    history[v.name] = list.length > HistoryLength ? list.slice(list.length - HistoryLength) : list;
  }
  for (const name of Object.keys(history)) {
    if (!status.virtuals.some((v) => v.name === name)) delete history[name];
  }
  previous = status;
  live.set({ status, connected: true, error: null, lastEvent: Date.now(), history });
}
