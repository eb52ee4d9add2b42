// Destinations (admins): every destination with its type, settings as written (secrets are references, never
// values), batch size and rate limit, and a connection test (POST /destinations/{key}/test) whose answer is shown
// in the row.
import { post, can, seg } from '../api.js';
import { h, errorText } from '../ui.js';
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
  container.append(h('table', { id: 'destinations-table' },
    h('caption', { class: 'muted' }, `${items.length} destinations`),
    h('thead', {}, h('tr', {}, ['Destination', 'Type', 'Settings', 'Batch size', 'Rate limit', 'Defined by',
      'Connection test'].map((l) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, items.map(rowOf))));

  function rowOf(dest) {
    const d = dest.definition || dest; // a view {key, definition, …} or the definition itself
    const name = d.name || dest.key;
    const resultId = `test-result-${dest.key}`;
    const out = h('span', { id: resultId, class: 'test-result', role: 'status', 'aria-live': 'polite' });
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
        out.textContent = `Could not test: ${errorText(e)}`;
      } finally {
        button.disabled = false;
      }
    });
    const rate = d.rateLimit ? `${d.rateLimit.requests} per ${d.rateLimit.per}` : '–';
    return h('tr', { 'data-destination': dest.key },
      h('td', {}, name, h('br'), h('code', { class: 'muted' }, dest.key)),
      h('td', {}, d.type || ''),
      h('td', {}, h('code', { class: 'settings' }, Object.entries(d.settings || {})
        .map(([k, v]) => `${k}: ${v}`).join('\n') || '–')),
      h('td', { class: 'num' }, d.batchSize ? String(d.batchSize) : 'default'),
      h('td', {}, rate),
      h('td', {}, dest.source === 'file' ? `file ${dest.sourceFile || ''}` : 'API'),
      h('td', {}, button, out));
  }
}

/** The test's answer: {ok, problems: [{pointer, code, message, sync?}]}. */
function show(out, answer) {
  const ok = !!answer?.ok;
  out.dataset.ok = String(ok);
  out.className = `test-result ${ok ? 'ok' : 'bad'}`;
  const problems = answer?.problems || [];
  fill(out, ok ? 'Connection OK.' : `${problems.length} problem${problems.length === 1 ? '' : 's'}:`,
    problems.length ? h('ul', { class: 'problems' }, problems.map((p) => h('li', {},
      h('code', {}, p.code || ''), p.sync ? ` (sync ${p.sync})` : '', ` ${p.message || ''}`,
      p.pointer ? h('span', { class: 'muted' }, ` at ${p.pointer}`) : null))) : null);
}
