// Helpers shared by the ops pages (syncs, sync detail, record errors, destinations): their stylesheet, run
// summaries, status badges, polling that stops when the user leaves the page, and paging through any list shape.
import { get, listOf } from '../api.js';
import { h, fmtNumber } from '../ui.js';

/** Replaces el's children; null, undefined and false are left out and arrays flattened (DOM's own would print them). */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

/** Adds ops.css once (a <link>: the console's CSP allows stylesheets from this origin only, never inline styles). */
export function ensureCss() {
  if (document.getElementById('ops-css')) return;
  document.head.append(h('link', { id: 'ops-css', rel: 'stylesheet', href: 'ops.css' }));
}

const OK = new Set(['succeeded']);
const BAD = new Set(['failed', 'over_budget', 'blocked_by_guard']);

/** A run status as a badge: ok, bad, running or warn (partially failed, skipped, cancelled). */
export function statusBadge(status) {
  if (!status) return h('span', { class: 'muted' }, 'never run');
  const kind = OK.has(status) ? 'ok' : BAD.has(status) ? 'bad' : status === 'running' ? 'running' : 'warn';
  return h('span', { class: `badge ${kind}`, 'data-status': status }, status.replaceAll('_', ' '));
}

/** A run's duration in milliseconds: the engine's total, else finished - started, else (running) now - started. */
export function durationMillis(run) {
  const total = run?.phasesMillis?.total;
  if (typeof total === 'number') return total;
  if (!run?.startedAt) return null;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : Date.now();
  return Math.max(0, end - Date.parse(run.startedAt));
}

/** 1234 ms → "1.2 s", 95000 → "1 min 35 s". */
export function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${Math.round(s - m * 60)} s`;
}

/** Seconds → "about 3 min" / "12 s". */
export function fmtEta(seconds) {
  if (seconds === null || seconds === undefined || !isFinite(seconds)) return 'unknown';
  return seconds < 60 ? `${Math.max(0, Math.round(seconds))} s` : `about ${Math.round(seconds / 60)} min`;
}

/** The count of a run, or 0 when the run has no counts yet. */
export const count = (run, name) => Number(run?.counts?.[name] ?? 0);

/**
 * Every item of a list endpoint, following its cursor up to `max` items. The next page is asked for with the
 * parameter the answer's shape implies: `cursor` for the envelope {items, nextCursor}, `after` / `before` for the
 * older {items, nextAfter} / {items, nextBefore} (the envelope's servers refuse both at once).
 */
export async function listAll(path, query, signal, max = 1000) {
  const items = [];
  let next = {};
  let more = false;
  do {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, ...next })) {
      if (v !== undefined && v !== null && v !== '') params.set(k, v);
    }
    const qs = params.toString();
    const data = await get(path + (qs ? '?' + qs : ''), { signal });
    const page = listOf(data);
    items.push(...page.items);
    const own = (name) => data && typeof data === 'object' && !Array.isArray(data) && name in data;
    const param = own('nextAfter') ? 'after' : own('nextBefore') ? 'before' : 'cursor';
    next = page.nextCursor ? { [param]: page.nextCursor } : null;
    more = !!next;
  } while (next && items.length < max);
  return { items, more };
}

/**
 * Calls fn every `ms` until it returns true or the page is left (signal aborted). Uses the browser's timer; the
 * first call happens after `ms`. Resolves true when fn said done, false when the page was left; rejects with fn's error.
 */
export function poll(fn, ms, signal) {
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (signal.aborted) return resolve(false);
      let done = false;
      try {
        done = await fn();
      } catch (e) {
        return e.name === 'AbortError' || signal.aborted ? resolve(false) : reject(e);
      }
      if (done) return resolve(true);
      setTimeout(tick, ms);
    };
    setTimeout(tick, ms);
  });
}

/** A <dl> of counts, each <dd data-count="name">. */
export function countList(run, names) {
  return h('dl', { class: 'counts' }, names.map((n) => h('div', {},
    h('dt', {}, n.label), h('dd', { 'data-count': n.name }, fmtNumber(count(run, n.name))))));
}

/** Schedule in words: "every PT15M", "cron 0 6 * * *", "API runs only". */
export function scheduleText(definition) {
  const s = definition?.schedule;
  if (!s) return 'API runs only';
  if (s.every) return `every ${s.every}`;
  if (s.cron) return `cron ${s.cron}`;
  return JSON.stringify(s);
}
