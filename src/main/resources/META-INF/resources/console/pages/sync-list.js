// Syncs: each sync with its segment and destination, schedule, last run (status and time) and next run; editors
// run one now, pause or resume it. Rows refresh while a run of theirs is going.
import { list, post, can, seg, ApiError } from '../api.js';
import { h, append, fmtTime, mapLimit, status, errorText } from '../ui.js';
import { ensureCss, statusBadge, scheduleText, poll, fill, listAll } from './ops.js';

const REFRESH_MS = 2000;

export async function render(container, _params, { signal }) {
  ensureCss();
  append(container, h('h1', {}, 'Syncs'),
    h('p', { class: 'muted' }, 'Each sync sends one segment to one destination. Open a sync for its run history.'),
    can('editor') ? h('p', { class: 'actions', 'data-requires': 'editor' },
      h('a', { href: '#/syncs/new', id: 'new-sync', class: 'button' }, 'New sync')) : null);
  const { items: syncs } = await listAll('/syncs', { limit: 500 }, signal, 2000);
  if (!syncs.length) {
    container.append(h('p', { class: 'muted' }, can('editor') ? 'No syncs yet: create one with “New sync”.'
      : 'No syncs yet. An editor creates them.'));
    return;
  }
  const body = h('tbody');
  const tableEl = h('table', { id: 'syncs-table' },
    h('caption', { class: 'muted' }, `${syncs.length} syncs`),
    h('thead', {}, h('tr', {}, ['Sync', 'Segment → destination', 'Schedule', 'Last run', 'Next run', 'Actions']
      .map((label) => h('th', { scope: 'col' }, label)))),
    body);
  container.append(tableEl);

  const rows = new Map();
  for (const sync of syncs) {
    const tr = h('tr', { 'data-sync': sync.key });
    rows.set(sync.key, { tr, sync, lastRun: undefined });
    body.append(tr);
    draw(rows.get(sync.key));
  }
  await mapLimit(syncs, 3, async (sync) => {
    if (signal.aborted) return;
    await loadLastRun(rows.get(sync.key), signal);
  });

  function draw(row) {
    const { sync, lastRun } = row;
    const d = sync.definition || {};
    const paused = !!d.paused;
    const name = d.name || sync.key;
    const last = lastRun === undefined ? h('span', { class: 'muted' }, 'loading…')
      : lastRun === null ? h('span', { class: 'muted' }, 'never run')
        : h('span', {}, statusBadge(lastRun.status), ' ',
          h('span', { class: 'muted', 'data-last-run-at': lastRun.startedAt || '' },
            fmtTime(lastRun.finishedAt || lastRun.startedAt)),
          lastRun.dryRun ? h('span', { class: 'muted' }, ' (dry run)') : null);
    const next = paused ? h('span', { class: 'badge warn' }, 'paused')
      : sync.nextRunAt ? h('span', { 'data-next-run-at': sync.nextRunAt }, fmtTime(sync.nextRunAt))
        : h('span', { class: 'muted' }, d.schedule ? '–' : 'API runs only');
    const actions = h('div', { class: 'actions', 'data-requires': 'editor' });
    if (can('editor')) {
      actions.append(
        h('button', { type: 'button', 'data-action': 'run', 'aria-label': `Run ${name} now`,
          disabled: sync.running || lastRun?.status === 'running', onclick: () => act(row, 'run') }, 'Run now'),
        paused
          ? h('button', { type: 'button', class: 'secondary', 'data-action': 'resume', 'aria-label': `Resume ${name}`,
            onclick: () => act(row, 'resume') }, 'Resume')
          : h('button', { type: 'button', class: 'secondary', 'data-action': 'pause', 'aria-label': `Pause ${name}`,
            onclick: () => act(row, 'pause') }, 'Pause'));
    }
    fill(row.tr,
      h('td', {}, h('a', { href: '#/syncs/' + seg(sync.key) }, name), h('br'), h('code', { class: 'muted' }, sync.key)),
      h('td', {}, `${d.segment || '?'} → ${d.destination || '?'}`),
      h('td', {}, scheduleText(d)),
      h('td', { 'data-col': 'last-run' }, last),
      h('td', { 'data-col': 'next-run' }, next),
      h('td', {}, actions));
  }

  async function loadLastRun(row, sig) {
    try {
      const { items } = await list(`/syncs/${seg(row.sync.key)}/runs`, { limit: 1 }, { signal: sig });
      row.lastRun = items[0] || null;
    } catch (e) {
      if (e.name === 'AbortError') return;
      row.lastRun = { status: null, reason: errorText(e) };
    }
    draw(row);
  }

  async function act(row, action) {
    const key = row.sync.key;
    const name = row.sync.definition?.name || key;
    try {
      if (action === 'run') {
        const run = await post(`/syncs/${seg(key)}/runs`, {}, { signal });
        row.lastRun = run;
        row.sync = { ...row.sync, running: true };
        draw(row);
        status(`Run ${run.id} of ${name} started.`, 'ok');
        follow(row);
      } else {
        row.sync = await post(`/syncs/${seg(key)}/${action}`, undefined, { signal });
        draw(row);
        status(action === 'pause' ? `${name} is paused: scheduled runs wait.` : `${name} resumed.`, 'ok');
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      status(`Could not ${action === 'run' ? 'run' : action} ${name}: ${errorText(e)}`, 'error');
      if (e instanceof ApiError && e.code === 'run_in_progress') follow(row);
    }
  }

  /** Polls the row's latest run until it is no longer running, then shows its final status. */
  function follow(row) {
    poll(async () => {
      await loadLastRun(row, signal);
      if (row.lastRun?.status === 'running') return false;
      row.sync = { ...row.sync, running: false };
      draw(row);
      return true;
    }, REFRESH_MS, signal).catch((e) => status(errorText(e), 'error'));
  }

  for (const row of rows.values()) if (row.sync.running || row.lastRun?.status === 'running') follow(row);
}
