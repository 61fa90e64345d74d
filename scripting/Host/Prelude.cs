using Acornima.Ast;
using Jint;

namespace Fulcrum.Scripting.Host;

/// <summary>
/// Script run in every rule engine before the rule: caps the built-ins that can make a huge string or array in one
/// call (Jint's memory limit is checked only between statements): repeat, pad, concat, split, replace (also through
/// RegExp.prototype[Symbol.replace]), join, flat, JSON.stringify, normalize, the URI encoders, String.raw, key listings
/// of strings, String objects and arrays (also by freeze, seal, defineProperties, create), Intl.ListFormat; and makes frozen Map/Set/Date refuse mutation.
/// Its closure holds the originals; after the rule loads, everything reachable from the global object is frozen.
/// </summary>
internal static class Prelude
{
    public static readonly Prepared<Script> Script = Engine.PrepareScript("""
        (function (cap, maxArray, budget) {
          'use strict';
          const S = String.prototype, A = Array.prototype, apply = Reflect.apply, RangeErr = RangeError, TypeErr = TypeError;
          const isFrozen = Object.isFrozen, isArray = Array.isArray, RegExpCtor = RegExp;
          const define = (o, name, f) => Object.defineProperty(o, name, { value: f, writable: true, enumerable: false, configurable: true });
          const tooBig = (what, n) => new RangeErr(what + ' would make ' + n + ' characters; one call may make at most ' + cap);
          const len = (x) => typeof x === 'string' ? x.length : ('' + x).length;

          const repeat = S.repeat;
          define(S, 'repeat', { repeat(count) { const n = len(this) * Math.max(0, Number(count) || 0); if (n > cap) throw tooBig('repeat', n); return apply(repeat, this, [count]); } }.repeat);
          for (const name of ['padStart', 'padEnd']) {
            const orig = S[name];
            define(S, name, { [name](max, fill) { if (Number(max) > cap) throw tooBig(name, Number(max)); return apply(orig, this, [max, fill]); } }[name]);
          }
          const concat = S.concat;
          define(S, 'concat', { concat(...parts) { let n = len(this); for (const p of parts) n += len(p); if (n > cap) throw tooBig('concat', n); return apply(concat, this, parts); } }.concat);
          const split = S.split;
          define(S, 'split', { split(sep, limit) {
            const lim = limit === undefined ? maxArray + 1 : Math.min(limit >>> 0, maxArray + 1);
            const r = apply(split, this, [sep, lim]);
            if (r.length > maxArray) throw new RangeErr('split would make more than ' + maxArray + ' parts');
            return r; } }.split);
          const exec = RegExp.prototype.exec, symReplace = RegExp.prototype[Symbol.replace];
          // The longest result a replace can make, or a throw; a replacement function is wrapped to count what it returns.
          const replaceBudget = (name, s, pattern, replacement, all) => {
            const L = s.length;
            if (typeof replacement === 'function') {
              const f = replacement; let total = L;
              return function (...a) { const r = '' + apply(f, this, a); total += r.length; if (total > cap) throw tooBig(name, total); return r; };
            }
            const r = '' + replacement, dollars = r.split('$').length - 1;
            const whole = r.includes('$`') || r.includes("$'");
            if (L + (L + 1) * r.length * (dollars > 0 ? L + 1 : 1) <= cap) return r;
            let count, longest;
            if (pattern instanceof RegExpCtor) {
              const re = new RegExpCtor(pattern.source, pattern.flags);
              count = 0; longest = 0;
              if (!re.global) { const m = apply(exec, re, [s]); if (m) { count = 1; longest = m[0].length; } }
              else { let m; while ((m = apply(exec, re, [s])) !== null) { count++; if (m[0].length > longest) longest = m[0].length; if (m[0].length === 0) re.lastIndex++; } }
            } else {
              const p = '' + pattern; longest = p.length;
              count = 0;
              for (let i = s.indexOf(p); i >= 0; i = s.indexOf(p, i + Math.max(1, p.length))) { count++; if (!all) break; }
            }
            const n = L + count * (r.length + dollars * (whole ? L : longest));
            if (n > cap) throw tooBig(name, n);
            return r;
          };
          for (const name of ['replace', 'replaceAll']) {
            const orig = S[name];
            define(S, name, { [name](pattern, replacement) {
              const s = '' + this;
              return apply(orig, s, [pattern, replaceBudget(name, s, pattern, replacement, name === 'replaceAll')]); } }[name]);
          }
          // String replace calls this for a RegExp; called directly (or on a subclass with its own exec, whose matches can be
          // any string) it would build its result natively, so it always runs on a plain copy whose matches the budget saw.
          define(RegExp.prototype, Symbol.replace, { [Symbol.replace](string, replacement) {
            const s = '' + string, own = this.exec === exec;
            const re = own ? this : new RegExpCtor(this.source, this.flags);
            if (!own) re.lastIndex = this.lastIndex;
            const r = apply(symReplace, re, [s, replaceBudget('replace', s, re, replacement, re.global)]);
            if (!own && this.lastIndex !== re.lastIndex) this.lastIndex = re.lastIndex;
            return r; } }[Symbol.replace]);
          const normalize = S.normalize;
          define(S, 'normalize', { normalize(form) {
            // Worst-case growth per UTF-16 unit (Unicode's stability bounds): NFC 3, NFD 4, NFKC and NFKD 18.
            const f = form === undefined ? 'NFC' : '' + form, n = len(this) * (f === 'NFD' ? 4 : f.startsWith('NFK') ? 18 : 3);
            if (n > cap) throw new RangeErr('normalize(' + f + ') of ' + len(this) + ' characters could make ' + n + '; one call may make at most ' + cap);
            return apply(normalize, this, [form]); } }.normalize);
          for (const [name, kind] of [['encodeURIComponent', 'component'], ['encodeURI', 'uri'], ['escape', 'escape']]) {
            const orig = globalThis[name];
            define(globalThis, name, { [name](s) { const t = '' + s; if (t.length * 9 > cap) budget.encoded(t, kind); return orig(t); } }[name]);
          }
          const raw = String.raw;
          define(String, 'raw', { raw(template, ...subs) { budget.raw(template, subs); return apply(raw, String, [template, ...subs]); } }.raw);
          // A string's characters and an array's elements are keys made on demand: listing them makes a key for each (KeyGuard).
          const keysGuard = (o, name) => budget.keys(o, name);
          for (const [holder, names] of [[Object, ['keys', 'values', 'entries', 'getOwnPropertyNames', 'getOwnPropertyDescriptors', 'getOwnPropertySymbols', 'freeze', 'seal']], [Reflect, ['ownKeys']]]) {
            for (const name of names) {
              const orig = holder[name];
              define(holder, name, { [name](o) { keysGuard(o, name); return apply(orig, holder, [o]); } }[name]);
            }
          }
          // Their second argument's keys are listed (and a string's refused only at its first character).
          const defineProperties = Object.defineProperties, create = Object.create;
          define(Object, 'defineProperties', { defineProperties(o, props) { keysGuard(props, 'defineProperties'); return apply(defineProperties, Object, [o, props]); } }.defineProperties);
          define(Object, 'create', { create(proto, props) { if (props !== undefined) keysGuard(props, 'create'); return apply(create, Object, [proto, props]); } }.create);
          const assign = Object.assign;
          define(Object, 'assign', { assign(target, ...sources) { for (const o of sources) keysGuard(o, 'assign'); return apply(assign, Object, [target, ...sources]); } }.assign);
          if (typeof Intl === 'object' && Intl.ListFormat) {
            const LF = Intl.ListFormat.prototype, arrayFrom = Array.from;
            for (const name of ['format', 'formatToParts']) {
              const orig = LF[name];
              define(LF, name, { [name](list) { const a = list === undefined ? [] : arrayFrom(list); budget.join(a, ', and '); return apply(orig, this, [a]); } }[name]);
            }
          }
          for (const name of ['join', 'toLocaleString']) {
            const orig = A[name];
            define(A, name, { [name](sep) {
              budget.join(this, name === 'join' ? sep : ',');
              const r = apply(orig, this, [sep]);
              if (r.length > cap) throw tooBig(name, r.length);
              return r; } }[name]);
          }
          const flat = A.flat;
          define(A, 'flat', { flat(depth) {
            const d = depth === undefined ? 1 : Number(depth);
            let n = 0; const stack = [[this, d]];
            while (stack.length) { const [a, k] = stack.pop(); const m = a.length >>> 0;
              for (let i = 0; i < m; i++) { const v = a[i]; if (k > 0 && isArray(v)) stack.push([v, k - 1]); else if (++n > maxArray) throw new RangeErr('flat would make more than ' + maxArray + ' elements'); } }
            return apply(flat, this, [depth]); } }.flat);
          const flatMap = A.flatMap;
          define(A, 'flatMap', { flatMap(f, thisArg) {
            if (typeof f !== 'function') throw new TypeErr('flatMap needs a function');
            let n = 0;
            return apply(flatMap, this, [function (...a) { const r = apply(f, this, a); n += isArray(r) ? r.length : 1; if (n > maxArray) throw new RangeErr('flatMap would make more than ' + maxArray + ' elements'); return r; }, thisArg]); } }.flatMap);
          const stringify = JSON.stringify;
          define(JSON, 'stringify', { stringify(value, replacer, space) { budget.json(value, replacer, space); return apply(stringify, JSON, [value, replacer, space]); } }.stringify);

          const frozenGuard = (proto, names, what) => {
            for (const name of names) {
              const orig = proto[name];
              if (typeof orig !== 'function') continue;
              define(proto, name, { [name](...a) { if (isFrozen(this)) throw new TypeErr(what + ' is frozen: top-level constants are shared by all connections; keep state in ctx.vars, ctx.req or table'); return apply(orig, this, a); } }[name]);
            }
          };
          frozenGuard(Map.prototype, ['set', 'delete', 'clear'], 'this Map');
          frozenGuard(Set.prototype, ['add', 'delete', 'clear'], 'this Set');
          frozenGuard(WeakMap.prototype, ['set', 'delete'], 'this WeakMap');
          frozenGuard(WeakSet.prototype, ['add', 'delete'], 'this WeakSet');
          frozenGuard(Date.prototype, Object.getOwnPropertyNames(Date.prototype).filter(n => n.startsWith('set')), 'this Date');
        })
        """, source: "prelude", strict: true);

    /// <summary>Globals a rule never gets: raw memory (ArrayBuffer, typed arrays), string compilation, weak references, proxies.</summary>
    public static readonly string[] RemovedGlobals =
    [
        "ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
        "WeakRef", "FinalizationRegistry", "ShadowRealm", "eval",
        // A handler-less Proxy of a String object lists the string's keys with nothing the key checks can see.
        "Proxy",
    ];
}
