// Tiny DOM helpers shared by the pages: element builder, status messages, tables, labelled fields, a line chart.

let idCounter = 0;
/** A fresh id for label/for and aria-describedby pairs. */
export const uid = (prefix = 'f') => `${prefix}-${++idCounter}`;

/**
 * Builds an element: h('button', {type: 'button', onclick: fn, class: 'secondary'}, 'Save').
 * Attributes starting with "on" become listeners; `dataset` an object of data-*; false/null attributes are skipped.
 * Children may be strings, nodes, arrays or null. Text is always set as text, never parsed as HTML.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k === 'value' || k === 'checked' || k === 'selected') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  appendAll(el, children);
  return el;
}

/** Appends children (strings, nodes, nested arrays; null/false skipped, unlike the DOM's own append). */
export function append(el, ...children) {
  appendAll(el, children);
  return el;
}

function appendAll(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) { el.replaceChildren(); return el; }

/** A label + control pair; returns {wrap, control}. The control gets an id so the label points at it. */
export function field(labelText, control, { className } = {}) {
  if (!control.id) control.id = uid();
  return { wrap: h('div', { class: className }, h('label', { for: control.id }, labelText), control), control };
}

/** A <select> of options: [value] or [{value, label}]. */
export function select(options, value, attrs = {}) {
  const el = h('select', attrs);
  for (const o of options) {
    const v = typeof o === 'object' ? o.value : o;
    el.append(h('option', { value: v, selected: v === value }, typeof o === 'object' ? o.label : o));
  }
  if (value !== undefined && value !== null) el.value = value;
  return el;
}

/** Shows a message in the #status live region (screen readers announce it). kind: 'info' | 'ok' | 'error'. */
export function status(message, kind = 'info', { timeout = kind === 'error' ? 0 : 5000 } = {}) {
  const region = document.getElementById('status');
  if (!region) return;
  const toast = h('div', { class: `toast ${kind}` }, message, ' ',
    h('button', { type: 'button', class: 'link', 'aria-label': 'Dismiss message', onclick: () => toast.remove() }, '×'));
  region.replaceChildren(toast);
  toast.dataset.fresh = 'true'; // survives the navigation that usually follows (e.g. "Saved" then the detail page)
  setTimeout(() => delete toast.dataset.fresh, 1500);
  if (timeout) setTimeout(() => toast.remove(), timeout);
}

/** Removes messages of the page left behind (not one just shown). */
export function clearStatus() {
  document.querySelectorAll('#status .toast:not([data-fresh])').forEach((t) => t.remove());
}

/** A readable sentence for an API error (with its first few pointers). */
export function errorText(e) {
  if (!e) return '';
  const parts = [e.detail || e.message];
  for (const x of (e.errors || []).slice(0, 5)) parts.push(`${x.pointer || ''} ${x.message || ''}`.trim());
  return parts.join(' · ');
}

/**
 * A table: columns [{label, value: row => text|node, num?, class?}], rows [...]. Empty rows show `empty`.
 * Every cell carries its column's label (data-label): with `responsive`, narrow screens show each row as a card of
 * "label value" lines instead of scrolling sideways (style.css, table.responsive). `attrs` go on the <table>.
 */
export function table(columns, rows, { caption, empty = 'Nothing to show.', responsive = false, attrs = {} } = {}) {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  const cls = (c) => [c.num ? 'num' : null, c.class].filter(Boolean).join(' ') || null;
  return h('table', { ...attrs, class: [attrs.class, responsive ? 'responsive' : null].filter(Boolean).join(' ') || null },
    caption ? h('caption', { class: 'muted' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: cls(c) }, c.label)))),
    h('tbody', {}, rows.map((r) => h('tr', {},
      columns.map((c) => h('td', { class: cls(c), 'data-label': c.label }, c.value(r)))))));
}

/** Calls fn at most once per `ms` of quiet. The returned function has .cancel(). */
export function debounce(fn, ms) {
  let t;
  const d = (...args) => { clearTimeout(t); t = setTimeout(() => fn(...args), ms); };
  d.cancel = () => clearTimeout(t);
  return d;
}

// Numbers and dates in the browser's preferred languages (navigator.languages, as in Accept-Language: a ja-JP browser
// reads 2026/12/03 14:17:49), the same formats on every page; the API's ISO-8601 instants are never shown as they are.
const LOCALES = typeof navigator !== 'undefined' && navigator.languages?.length ? [...navigator.languages] : undefined;
const numberFormat = new Intl.NumberFormat(LOCALES);
const timeFormat = new Intl.DateTimeFormat(LOCALES, { dateStyle: 'medium', timeStyle: 'medium' });
const dateFormat = new Intl.DateTimeFormat(LOCALES, { dateStyle: 'medium' });
const parsed = (t) => (t === null || t === undefined || t === '' ? null : new Date(typeof t === 'string' ? t : +t));
export const fmtNumber = (n) => (n === null || n === undefined ? '–' : numberFormat.format(n));
/** An instant (ISO-8601 text, Date or epoch millis) as local date and time; '–' for none. */
export const fmtTime = (t) => {
  const d = parsed(t);
  return !d ? '–' : isNaN(d) ? String(t) : timeFormat.format(d);
};
/** An instant as a local date only. */
export const fmtDate = (t) => {
  const d = parsed(t);
  return !d ? '–' : isNaN(d) ? String(t) : dateFormat.format(d);
};
/** A <time> element: the local date and time as text, the ISO instant in its datetime attribute. */
export const timeEl = (iso, attrs = {}) => (iso ? h('time', { ...attrs, datetime: iso }, fmtTime(iso)) : '–');

/** Runs async fns over items with at most `limit` at a time. */
export async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => { while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); } };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/**
 * An inline SVG line chart. series: [{name, points: [{x: Date|number, y: number}]}] (at most 4 styled series).
 * Options: title (announced to screen readers), width, height, yLabel, xFormat (x → text).
 * Returns a <figure> with the SVG, a legend and a visually plain summary for screen readers.
 */
export function svgLineChart(series, { title = 'Chart', width = 640, height = 220, yLabel = '', xFormat } = {}) {
  const pad = { l: 48, r: 12, t: yLabel ? 26 : 12, b: 28 };
  const all = series.flatMap((x) => x.points);
  const xs = all.map((p) => +p.x), ys = all.map((p) => +p.y);
  const fmtX = xFormat || ((x) => (all[0]?.x instanceof Date ? fmtDate(x) : String(x)));
  const titleId = uid('chart');
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, title));
  if (!all.length) {
    svg.append(s('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle' }, 'No data yet'));
    return h('figure', {}, svg);
  }
  const x0 = Math.min(...xs), x1 = Math.max(...xs), y1 = Math.max(1, ...ys);
  const px = (x) => pad.l + (x1 === x0 ? (width - pad.l - pad.r) / 2 : ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r));
  const py = (y) => height - pad.b - (y / y1) * (height - pad.t - pad.b);
  for (let i = 0; i <= 4; i++) {
    const v = (y1 * i) / 4, y = py(v);
    svg.append(s('line', { class: 'grid', x1: pad.l, x2: width - pad.r, y1: y, y2: y }),
      s('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end' }, fmtNumber(Math.round(v * 100) / 100)));
  }
  svg.append(s('line', { class: 'axis', x1: pad.l, x2: pad.l, y1: pad.t, y2: height - pad.b }),
    s('line', { class: 'axis', x1: pad.l, x2: width - pad.r, y1: height - pad.b, y2: height - pad.b }),
    s('text', { x: pad.l, y: height - 8 }, fmtX(x0)),
    s('text', { x: width - pad.r, y: height - 8, 'text-anchor': 'end' }, fmtX(x1)));
  if (yLabel) svg.append(s('text', { x: 4, y: 12 }, yLabel));
  series.forEach((ser, i) => {
    const pts = [...ser.points].sort((a, b) => a.x - b.x);
    if (!pts.length) return;
    svg.append(s('polyline', { class: `line s${i % 4}`, points: pts.map((p) => `${px(+p.x)},${py(+p.y)}`).join(' ') }));
    for (const p of pts) {
      svg.append(s('circle', { class: `s${i % 4}`, cx: px(+p.x), cy: py(+p.y), r: 2.5 },
        s('title', {}, `${ser.name}: ${fmtNumber(p.y)} (${fmtX(+p.x)})`)));
    }
  });
  const legend = h('ul', { class: 'legend' }, series.map((ser, i) =>
    h('li', {}, h('span', { class: `swatch s${i % 4}`, 'aria-hidden': 'true' }), ser.name)));
  return h('figure', { class: 'chart-figure' }, svg, legend);
}
