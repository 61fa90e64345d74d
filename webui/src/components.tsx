import type { AnchorHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describe } from './api';
import { linkClick } from './router';
import { dismiss, notices } from './notices';
import { useStore } from './store';

export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  return <a {...props} onClick={linkClick} />;
}

/** A modal dialog on the native <dialog>: focus stays inside, Escape closes it, focus returns where it was. */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    const opener = document.activeElement as HTMLElement | null;
    if (!d.open) d.showModal();
    // The first field, not the header's close button; a read-only form has none, so then the first enabled button.
    const first =
      d.querySelector<HTMLElement>('.dialog-body [autofocus]') ??
      d.querySelector<HTMLElement>('.dialog-body input:not([disabled]):not([type=hidden]), .dialog-body select:not([disabled]), .dialog-body textarea:not([disabled])') ??
      d.querySelector<HTMLElement>('.dialog-body button:not([disabled])');
    first?.focus();
    return () => opener?.focus?.();
  }, []);
  return (
    <dialog
      ref={ref}
      class={props.wide ? 'wide' : ''}
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <header class="dialog-head">
        <h2 id="dialog-title">{props.title}</h2>
        <button type="button" class="icon" aria-label="Close" title="Close (Escape)" onClick={props.onClose}>
          ×
        </button>
      </header>
      <div class="dialog-body">{props.children}</div>
    </dialog>
  );
}

export function Confirm(props: { title: string; message: ComponentChildren; confirmLabel: string; danger?: boolean; onConfirm: () => void; onClose: () => void }) {
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      <div class="confirm-text">{props.message}</div>
      <div class="actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" class={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}

export function Notices() {
  const list = useStore(notices);
  return (
    <div class="notices" role="status" aria-live="polite">
      {list.map((n) => (
        <div key={n.id} class={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
          <span>{n.text}</span>
          <button type="button" class="icon" aria-label="Dismiss" onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

export function Spinner() {
  return <span class="spinner" aria-hidden="true" />;
}

/** What a long action is doing and how it ended, shown where the action was started. */
export interface ActionState {
  running: string | null;
  outcome: { ok: boolean; text: string } | null;
}

export function useAction() {
  const [state, setState] = useState<ActionState>({ running: null, outcome: null });
  async function run<T>(label: string, work: () => Promise<T>, done?: (r: T) => string): Promise<T | undefined> {
    setState({ running: label, outcome: null });
    try {
      const r = await work();
      setState({ running: null, outcome: { ok: true, text: done ? done(r) : `${label}: done` } });
      return r;
    } catch (e) {
      setState({ running: null, outcome: { ok: false, text: `${label} failed: ${describe(e)}` } });
      return undefined;
    }
  }
  return { state, run, clear: () => setState({ running: null, outcome: null }) };
}

export function ActionStatus(props: { state: ActionState }) {
  const { running, outcome } = props.state;
  if (running) {
    return (
      <p class="progress" role="status" aria-live="polite">
        <Spinner /> {running}…
      </p>
    );
  }
  if (outcome) {
    return (
      <p class={`outcome ${outcome.ok ? 'ok' : 'error'}`} role={outcome.ok ? 'status' : 'alert'}>
        {outcome.text}
      </p>
    );
  }
  return null;
}

export function Loading(props: { what: string }) {
  return (
    <p class="progress" role="status">
      <Spinner /> Loading {props.what}…
    </p>
  );
}

export function ErrorBox(props: { error: unknown; retry?: () => void }) {
  return (
    <div class="error-box" role="alert">
      <p>{describe(props.error)}</p>
      {props.retry && (
        <button type="button" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Badge(props: { kind: string; children: ComponentChildren; title?: string }) {
  return (
    <span class={`badge ${props.kind}`} title={props.title}>
      {props.children}
    </span>
  );
}

/** A small SVG line of recent values. */
export function Sparkline(props: { values: number[]; width?: number; height?: number; label: string }) {
  const w = props.width ?? 160;
  const h = props.height ?? 32;
  const values = props.values;
  const max = Math.max(1, ...values);
  const n = Math.max(values.length, 2);
  const points = values.map((v, i) => `${((i + (n - values.length)) / (n - 1)) * w},${h - 2 - (v / max) * (h - 4)}`).join(' ');
  return (
    <svg class="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={props.label}>
      <title>{props.label}</title>
      <line x1="0" y1={h - 1} x2={w} y2={h - 1} class="base" />
      {values.length > 1 && <polyline points={points} />}
    </svg>
  );
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}
