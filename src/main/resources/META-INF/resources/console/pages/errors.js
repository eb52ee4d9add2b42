// Record errors: the records destinations refused, by sync, with reason, attempts and status. Editors select one or
// many (checkboxes, "select all") and retry them (sent again by the next run) or skip them (not sent until their
// values change); the answer is announced in #errors-result.
import { post, can, seg } from '../api.js';
import { h, timeEl, fmtNumber, mapLimit, errorText, uid } from '../ui.js';
import { ensureCss, listAll, fill } from './ops.js';

const PER_SYNC = 1000;
const BULK = 1000; // learner keys one bulk call may name
const STATUSES = ['', 'retrying', 'quarantined', 'skipped'];

export async function render(container, _params, { signal }) {
  ensureCss();
  const { items: syncs } = await listAll('/syncs', { limit: 500 }, signal, 2000);
  const syncFilter = h('select', { id: 'errors-sync' },
    h('option', { value: '' }, 'All syncs'), syncs.map((s) => h('option', { value: s.key }, s.definition?.name || s.key)));
  const statusFilter = h('select', { id: 'errors-status' },
    STATUSES.map((s) => h('option', { value: s }, s || 'Any status')));
  const editor = can('editor');
  const retryButton = h('button', { type: 'button', id: 'retry-selected', disabled: true, 'data-requires': 'editor',
    onclick: () => bulk('retry') }, 'Retry selected');
  const skipButton = h('button', { type: 'button', id: 'skip-selected', class: 'secondary', disabled: true,
    'data-requires': 'editor', onclick: () => bulk('skip') }, 'Skip selected');
  const selectedText = h('span', { id: 'errors-selected', class: 'muted', 'aria-live': 'polite' });
  const result = h('div', { id: 'errors-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const holder = h('div');
  container.append(
    h('h1', {}, 'Record errors'),
    h('p', { class: 'muted' }, 'Records a destination refused. A retried record is sent again by the sync\'s next run;'
      + ' a skipped one is not sent until its values change. Quarantined records wait for you.'),
    h('div', { class: 'actions' },
      h('div', {}, h('label', { for: 'errors-sync' }, 'Sync'), syncFilter),
      h('div', {}, h('label', { for: 'errors-status' }, 'Status'), statusFilter)),
    h('div', { class: 'actions' }, retryButton, skipButton, selectedText),
    result, holder);
  syncFilter.addEventListener('change', () => load());
  statusFilter.addEventListener('change', () => load());

  let rows = []; // {sync, error}
  let generation = 0; // a later load wins over one still answering
  await load();

  async function load() {
    const mine = ++generation;
    fill(holder, h('p', { class: 'muted' }, 'Loading…'));
    const chosen = syncFilter.value ? syncs.filter((s) => s.key === syncFilter.value) : syncs;
    const truncated = [];
    const perSync = await mapLimit(chosen, 3, async (s) => {
      const { items, more } = await listAll(`/syncs/${seg(s.key)}/record-errors`,
        { status: statusFilter.value || undefined, limit: 500 }, signal, PER_SYNC);
      if (more) truncated.push(s.key);
      return items.map((error) => ({ sync: s, error }));
    });
    if (mine !== generation || signal.aborted) return;
    rows = perSync.flat();
    draw(truncated);
  }

  function draw(truncated) {
    if (!rows.length) {
      fill(holder, h('p', { class: 'muted', id: 'errors-empty' }, 'No record errors here.'));
      updateSelection();
      return;
    }
    const all = h('input', { type: 'checkbox', id: 'errors-select-all', disabled: !editor });
    all.addEventListener('change', () => {
      for (const box of holder.querySelectorAll('input.select-error')) box.checked = all.checked;
      updateSelection();
    });
    fill(holder,
      truncated.length ? h('p', { class: 'field-warning' },
        `Showing the first ${PER_SYNC} errors of ${truncated.join(', ')}; filter by status to see others.`) : null,
      h('table', { id: 'errors-table', class: 'responsive' },
        h('caption', { class: 'muted' }, `${fmtNumber(rows.length)} record errors`),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', class: 'select' },
            h('label', { for: 'errors-select-all', class: 'visually-hidden' }, 'Select all record errors'), all),
          ['Sync', 'Learner', 'Record key', 'Reason', 'Attempts', 'Status', 'Last seen']
            .map((l) => h('th', { scope: 'col', class: l === 'Attempts' ? 'num' : null }, l)))),
        h('tbody', {}, rows.map(rowOf))));
    updateSelection();
  }

  function rowOf({ sync, error }) {
    const id = uid('err');
    const box = h('input', { type: 'checkbox', id, class: 'select-error', disabled: !editor,
      dataset: { sync: sync.key, learner: error.learnerKey } });
    box.addEventListener('change', updateSelection);
    const cell = (label, attrs, ...content) => h('td', { ...attrs, 'data-label': label }, ...content);
    return h('tr', { 'data-learner': error.learnerKey, 'data-sync': sync.key, 'data-status': error.status },
      h('td', { class: 'select' },
        h('label', { for: id, class: 'visually-hidden' }, `Select ${error.learnerKey} of ${sync.key}`), box),
      cell('Sync', {}, h('a', { href: '#/syncs/' + seg(sync.key) }, sync.key)),
      cell('Learner', {}, h('code', {}, error.learnerKey)),
      cell('Record key', {}, error.recordKey ?? error.destinationKey ?? '–'),
      cell('Reason', { class: 'reason' }, h('strong', {}, error.code || error.errorClass || ''),
        error.message ? ' ' + error.message : ''),
      cell('Attempts', { class: 'num', 'data-col': 'attempts' }, String(error.attempts ?? '')),
      cell('Status', { 'data-col': 'status' }, h('span', {
        class: `badge ${error.status === 'quarantined' ? 'bad' : ''}` }, error.status || '')),
      cell('Last seen', {}, timeEl(error.lastSeen)));
  }

  function selected() {
    return [...holder.querySelectorAll('input.select-error:checked')]
      .map((b) => ({ sync: b.dataset.sync, learner: b.dataset.learner }));
  }

  function updateSelection() {
    const n = selected().length;
    retryButton.disabled = skipButton.disabled = !editor || n === 0;
    retryButton.textContent = n ? `Retry ${n} selected` : 'Retry selected';
    skipButton.textContent = n ? `Skip ${n} selected` : 'Skip selected';
    selectedText.textContent = n ? `${n} selected` : '';
  }

  async function bulk(action) {
    const picked = selected();
    if (!picked.length) return;
    retryButton.disabled = skipButton.disabled = true;
    const bySync = new Map();
    for (const p of picked) bySync.set(p.sync, [...(bySync.get(p.sync) || []), p.learner]);
    let changed = 0;
    const failures = [];
    for (const [syncKey, keys] of bySync) {
      for (let i = 0; i < keys.length; i += BULK) {
        try {
          const r = await post(`/syncs/${seg(syncKey)}/record-errors/${action}`,
            { learnerKeys: keys.slice(i, i + BULK) }, { signal });
          changed += r?.changed ?? 0;
        } catch (e) {
          if (e.name === 'AbortError') return;
          failures.push(`${syncKey}: ${errorText(e)}`);
        }
      }
    }
    const what = action === 'retry' ? 'to be sent again by the next run' : 'skipped until their values change';
    result.textContent = `${action === 'retry' ? 'Retry' : 'Skip'}: ${picked.length} selected, ${changed} marked ${what}`
      + (changed < picked.length && !failures.length ? ' (the others already were)' : '')
      + (failures.length ? `. Failed: ${failures.join('; ')}` : '.');
    result.dataset.action = action;
    result.dataset.changed = String(changed);
    await load();
  }
}
