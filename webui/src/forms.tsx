import type { ComponentChildren } from 'preact';
import type { FieldError } from './api';

/** A form's working copy of an object, read and written by field key (the generic editor's view of any kind). */
export type Obj = Record<string, unknown>;

/** One field of a kind's form; <T> is the kind's generated API type, so a key or value the API renamed fails tsc. */
export interface FieldSpec<T = Obj> {
  key: keyof T & string;
  label: string;
  type: 'text' | 'number' | 'bool' | 'select' | 'list' | 'numlist' | 'textarea' | 'multi' | 'password' | 'file-text' | 'file-base64';
  /** file-base64: the file types offered (an accept attribute). */
  accept?: string;
  /** For select and multi: the choices (a function when they come from other objects). */
  options?: readonly string[] | ((ctx: FormContext) => readonly string[]);
  /** select: allow "none" (null). */
  optional?: boolean;
  help?: string;
  placeholder?: string;
  required?: boolean;
  /** Shown only when the object is created (e.g. the name). */
  createOnly?: boolean;
  /** Shown only for some objects (e.g. cookie fields for cookie persistence). */
  when?: (value: Partial<T>) => boolean;
  rows?: number;
}

/** Lists of other objects' names that forms offer as choices. */
export type FormContext = Record<string, string[]>;

/**
 * Maps the API's problem paths (`pools/web/members/0/port`) to the form's field keys (`members/0/port`): the
 * object's own prefix is removed; a path deeper than any field lands on the nearest field above it.
 */
export function mapErrors(errors: FieldError[], prefixes: string[], fieldKeys: string[]): { byField: Record<string, string[]>; general: FieldError[] } {
  const byField: Record<string, string[]> = {};
  const general: FieldError[] = [];
  for (const e of errors) {
    let p = e.path ?? '';
    for (const prefix of prefixes) {
      if (p === prefix) {
        p = '';
        break;
      }
      if (p.startsWith(prefix + '/')) {
        p = p.slice(prefix.length + 1);
        break;
      }
    }
    p = p.replace(/\[(\d+)\]/g, '/$1');
    let target: string | null = null;
    const parts = p.split('/');
    for (let n = parts.length; n > 0 && !target; n--) {
      const candidate = parts.slice(0, n).join('/');
      if (fieldKeys.includes(candidate)) target = candidate;
    }
    if (target) (byField[target] ??= []).push(e.message);
    else general.push(e);
  }
  return { byField, general };
}

const fieldId = (key: string) => `f-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export function FieldErrors(props: { id: string; messages?: string[] }) {
  if (!props.messages?.length) return null;
  return (
    <ul class="field-errors" id={props.id}>
      {props.messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

export function Field(props: { spec: FieldSpec; value: Obj; onChange: (v: Obj) => void; ctx: FormContext; errors?: string[]; creating: boolean }) {
  const { spec, value } = props;
  const id = fieldId(spec.key);
  const errId = `${id}-errors`;
  const v = value[spec.key];
  const set = (x: unknown) => props.onChange({ ...value, [spec.key]: x });
  const invalid = props.errors?.length ? true : undefined;
  const described = [props.errors?.length ? errId : '', spec.help ? `${id}-help` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, name: spec.key, 'aria-invalid': invalid, 'aria-describedby': described, required: spec.required };
  const options = typeof spec.options === 'function' ? spec.options(props.ctx) : spec.options ?? [];
  let input: ComponentChildren;
  switch (spec.type) {
    case 'bool':
      input = <input {...common} type="checkbox" checked={Boolean(v)} onChange={(e) => set(e.currentTarget.checked)} />;
      break;
    case 'number':
      input = (
        <input
          {...common}
          type="number"
          inputMode="numeric"
          value={v === undefined || v === null ? '' : String(v)}
          onInput={(e) => set(e.currentTarget.value === '' ? null : Number(e.currentTarget.value))}
        />
      );
      break;
    case 'select':
      input = (
        <select {...common} value={v === null || v === undefined ? '' : String(v)} onChange={(e) => set(e.currentTarget.value === '' ? null : e.currentTarget.value)}>
          {(spec.optional || v === undefined || v === null) && <option value="">{spec.optional ? '(none)' : '(choose)'}</option>}
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
          {v !== null && v !== undefined && v !== '' && !options.includes(String(v)) && <option value={String(v)}>{String(v)}</option>}
        </select>
      );
      break;
    case 'multi': {
      const chosen = Array.isArray(v) ? (v as string[]) : [];
      const all = [...options, ...chosen.filter((c) => !options.includes(c))];
      input = (
        <div class="multi" role="group" aria-labelledby={`${id}-label`} aria-describedby={described} id={id}>
          {all.length === 0 && <span class="muted">none available</span>}
          {all.map((o) => (
            <label key={o} class="check">
              <input
                type="checkbox"
                name={spec.key}
                value={o}
                checked={chosen.includes(o)}
                onChange={(e) => set(e.currentTarget.checked ? [...chosen, o] : chosen.filter((c) => c !== o))}
              />{' '}
              {o}
            </label>
          ))}
        </div>
      );
      break;
    }
    case 'list':
    case 'numlist': {
      const text = Array.isArray(v) ? (v as unknown[]).join(', ') : '';
      input = (
        <input
          {...common}
          type="text"
          placeholder={spec.placeholder ?? 'comma-separated'}
          value={text}
          list={options.length ? `${id}-list` : undefined}
          onChange={(e) => {
            const items = e.currentTarget.value.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
            set(spec.type === 'numlist' ? items.map(Number) : items);
          }}
        />
      );
      break;
    }
    case 'textarea':
    case 'file-text':
      input = (
        <>
          <textarea {...common} rows={spec.rows ?? 4} placeholder={spec.placeholder} value={v === null || v === undefined ? '' : String(v)} onInput={(e) => set(e.currentTarget.value === '' ? null : e.currentTarget.value)} spellcheck={false} />
          {spec.type === 'file-text' && (
            <input
              type="file"
              aria-label={`${spec.label}: read from a file`}
              accept=".pem,.crt,.cer,.key,.txt"
              onChange={async (e) => {
                const f = e.currentTarget.files?.[0];
                if (f) set(await f.text());
              }}
            />
          )}
        </>
      );
      break;
    case 'file-base64':
      input = (
        <>
          <input
            {...common}
            type="file"
            accept={spec.accept}
            onChange={async (e) => {
              const f = e.currentTarget.files?.[0];
              set(f ? toBase64(new Uint8Array(await f.arrayBuffer())) : null);
            }}
          />
          {typeof v === 'string' && v !== '' && <span class="muted"> {Math.floor((v.length * 3) / 4)} bytes read</span>}
        </>
      );
      break;
    case 'password':
      input = <input {...common} type="password" autoComplete="new-password" placeholder={spec.placeholder} value={typeof v === 'string' ? v : ''} onInput={(e) => set(e.currentTarget.value === '' ? null : e.currentTarget.value)} />;
      break;
    default:
      input = (
        <input
          {...common}
          type="text"
          placeholder={spec.placeholder}
          value={v === null || v === undefined ? '' : String(v)}
          onInput={(e) => set(e.currentTarget.value === '' ? null : e.currentTarget.value)}
          spellcheck={false}
          autoComplete="off"
        />
      );
  }
  return (
    <div class={`field ${spec.type === 'bool' ? 'field-bool' : ''} ${spec.type === 'textarea' || spec.type === 'file-text' || spec.type === 'multi' ? 'field-wide' : ''}`}>
      <label for={id} id={`${id}-label`}>
        {spec.label}
        {spec.required && <span aria-hidden="true"> *</span>}
      </label>
      {input}
      {(spec.type === 'list' || spec.type === 'numlist') && options.length > 0 && (
        <datalist id={`${id}-list`}>
          {options.map((o) => (
            <option key={o} value={o} />
          ))}
        </datalist>
      )}
      {spec.help && (
        <small class="help" id={`${id}-help`}>
          {spec.help}
        </small>
      )}
      <FieldErrors id={errId} messages={props.errors} />
    </div>
  );
}

/** Drops fields the user left empty, so the appliance applies its own defaults for them. */
export function compact(value: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined || v === '') continue;
    out[k] = v;
  }
  return out;
}

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
