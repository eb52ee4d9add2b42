// Destinations (admins): every destination with its type, settings as written (secrets are references, never
// values), batch size and rate limit, and a connection test (POST /destinations/{key}/test) whose answer is shown
// in the row.
import { post, can, seg } from '../api.js';
import { h } from '../ui.js';
import { ensureCss, fill, listAll } from './ops.js';

export async function render(container, _params, { signal }) {
  ensureCss();
  container.append(h('h1', {}, 'Destinations'),
    h('p', { class: 'muted' }, 'Where syncs send segments. "Test connection" checks the settings, that every'
      + ' referenced secret resolves, the connector\'s probe and the syncs writing there; it sends no records.'));
  const { items } = await listAll('/destinations', { limit: 500 }, signal, 2000);
  if (!items.length) {
    container.append(h('p', { class: 'muted' }, 'No destinations yet.'));
    return;
  }
  container.append(h('table', { id: 'destinations-table', class: 'responsive' },
    h('caption', { class: 'muted' }, `${items.length} destinations`),
    h('thead', {}, h('tr', {}, ['Destination', 'Type', 'Settings', 'Batch size', 'Rate limit', 'Defined by',
      'Connection test'].map((l) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, items.map(rowOf))));

  function rowOf(dest) {
    const d = dest.definition || dest; // a view {key, definition, …} or the definition itself
    const name = d.name || dest.key;
    const resultId = `test-result-${dest.key}`;
    // the live region exists before the test so that screen readers announce what is put into it
    const out = h('div', { id: resultId, class: 'test-result', role: 'status', 'aria-live': 'polite',
      'aria-atomic': 'true' });
    const button = h('button', { type: 'button', class: 'secondary test-destination', 'data-requires': 'editor',
      'aria-describedby': resultId, 'aria-label': `Test connection to ${name}` }, 'Test connection');
    button.hidden = !can('editor');
    button.addEventListener('click', async () => {
      button.disabled = true;
      out.className = 'test-result';
      out.textContent = 'Testing…';
      try {
        show(out, await post(`/destinations/${seg(dest.key)}/test`, undefined, { signal }));
      } catch (e) {
        if (e.name === 'AbortError') return;
        out.className = 'test-result bad';
        out.dataset.ok = 'false';
        fill(out, h('p', {}, `Could not test ${name}: ${e.detail || e.message}`),
          e.errors?.length ? problemList(e.errors) : null);
      } finally {
        button.disabled = false;
      }
    });
    const rate = d.rateLimit ? `${d.rateLimit.requests} per ${d.rateLimit.per}` : '–';
    const cell = (label, attrs, ...content) => h('td', { ...attrs, 'data-label': label }, ...content);
    return h('tr', { 'data-destination': dest.key },
      cell('Destination', { class: 'name' }, name, h('br'), h('code', { class: 'key' }, dest.key)),
      cell('Type', {}, d.type || ''),
      cell('Settings', {}, h('code', { class: 'settings' }, Object.entries(d.settings || {})
        .map(([k, v]) => `${k}: ${v}`).join('\n') || '–')),
      cell('Batch size', { class: 'num' }, d.batchSize ? String(d.batchSize) : 'default'),
      cell('Rate limit', {}, rate),
      cell('Defined by', {}, dest.source === 'file'
        ? ['File', h('br'), h('code', { class: 'path' }, dest.sourceFile || '')] : 'API'),
      cell('Connection test', { class: 'test' }, button, out));
  }
}

/** The test's answer: {ok, problems: [{pointer, code, message, sync?}]}, each problem on its own line. */
function show(out, answer) {
  const ok = !!answer?.ok;
  out.dataset.ok = String(ok);
  out.className = `test-result ${ok ? 'ok' : 'bad'}`;
  const problems = answer?.problems || [];
  const n = problems.length;
  fill(out, h('p', {}, ok ? 'Connection OK.' : `Connection test failed: ${n} problem${n === 1 ? '' : 's'}.`),
    n ? problemList(problems) : null);
}

/** Problems as a list: code, message, then where (JSON pointer, and the sync for a sync's problem). */
function problemList(problems) {
  return h('ul', { class: 'problems' }, problems.map((p) => h('li', { 'data-code': p.code || null },
    p.code ? [h('code', { class: 'code' }, p.code), ': '] : null, p.message || '',
    p.pointer || p.sync ? h('span', { class: 'where' }, ' (',
      p.pointer ? ['at ', h('code', {}, p.pointer)] : null,
      p.pointer && p.sync ? ', ' : null,
      p.sync ? `sync ${p.sync}` : null, ')') : null)));
}
