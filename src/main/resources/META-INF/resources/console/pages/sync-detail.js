// One sync: its definition in brief, the latest run (counts, and while running its progress and ETA), run history
// as charts (entered / changed / left per run; duration) and a table, and for editors run now, dry run (its samples
// shown when done), pause and resume.
import { get, list, post, can, seg, ApiError } from '../api.js';
import { h, fmtTime, fmtNumber, status, errorText, svgLineChart } from '../ui.js';
import {
  ensureCss, statusBadge, durationMillis, fmtDuration, fmtEta, count, poll, countList, scheduleText, fill,
} from './ops.js';

const HISTORY = 50;
const POLL_MS = 1000;
const COUNTS = [
  { name: 'entered', label: 'Entered' }, { name: 'changed', label: 'Changed' }, { name: 'left', label: 'Left' },
  { name: 'unchanged', label: 'Unchanged' }, { name: 'sent', label: 'Sent' }, { name: 'confirmed', label: 'Confirmed' },
  { name: 'rejected', label: 'Rejected' }, { name: 'quarantined', label: 'Quarantined' },
];

export async function render(container, { key }, { signal }) {
  ensureCss();
  let sync = await get(`/syncs/${seg(key)}`, { signal });
  const d = () => sync.definition || {};
  const heading = h('h1', {}, d().name || sync.key);
  const about = h('p', { class: 'muted' });
  const result = h('div', { id: 'run-result', class: 'result', role: 'status', 'aria-live': 'polite' });
  const actions = h('div', { class: 'actions', 'data-requires': 'editor' });
  const latest = h('section', { id: 'run-counts', class: 'run-summary', 'aria-labelledby': 'latest-run-heading' });
  const progress = h('div', { id: 'run-progress', role: 'status', 'aria-live': 'polite' });
  const charts = h('div', { class: 'charts' });
  const samples = h('section', { id: 'dry-run-samples', 'aria-live': 'polite', hidden: true });
  const history = h('div');
  container.append(heading, about, actions, result, samples,
    h('h2', { id: 'latest-run-heading' }, 'Latest run'), latest, progress,
    h('h2', {}, 'Run history'), charts, history);

  let runs = [];
  let following = null; // id of the run being followed

  drawAbout();
  drawActions();
  await loadHistory();
  const running = runs.find((r) => r.status === 'running');
  if (running) follow(running);

  function drawAbout() {
    const x = d();
    fill(about,
      h('code', {}, sync.key), ` · segment ${x.segment || '?'} → destination ${x.destination || '?'} · `,
      scheduleText(x), ' · ',
      x.paused ? h('span', { class: 'badge warn', id: 'sync-paused' }, 'paused')
        : `next run ${sync.nextRunAt ? fmtTime(sync.nextRunAt) : '–'}`,
      sync.source === 'file' ? ` · defined by ${sync.sourceFile || 'a file'}` : '');
  }

  function drawActions() {
    if (!can('editor')) return fill(actions);
    const busy = following !== null;
    const x = d();
    fill(actions,
      h('button', { type: 'button', id: 'run-now', disabled: busy, onclick: () => start(false) }, 'Run now'),
      h('button', { type: 'button', id: 'dry-run', class: 'secondary', disabled: busy, onclick: () => start(true),
        title: 'Counts and samples of what a run would send; nothing is sent or remembered' }, 'Dry run'),
      x.paused
        ? h('button', { type: 'button', id: 'resume-sync', class: 'secondary', onclick: () => pause(false) }, 'Resume')
        : h('button', { type: 'button', id: 'pause-sync', class: 'secondary', onclick: () => pause(true) }, 'Pause'),
      sync.source === 'file' ? null
        : h('a', { href: `#/syncs/${seg(key)}/edit`, id: 'edit-sync', class: 'button secondary' }, 'Edit'));
  }

  async function loadHistory() {
    ({ items: runs } = await list(`/syncs/${seg(key)}/runs`, { limit: HISTORY }, { signal }));
    drawLatest(runs.find((r) => !r.dryRun) || null);
    drawCharts();
    drawHistory();
  }

  function drawLatest(run) {
    if (!run) {
      latest.removeAttribute('data-run-id');
      latest.removeAttribute('data-status');
      fill(latest, h('p', { class: 'muted' }, 'This sync has not run yet (dry runs are shown apart).'));
      return;
    }
    latest.dataset.runId = run.id;
    latest.dataset.status = run.status;
    fill(latest,
      h('p', {}, `Run ${run.id}${run.dryRun ? ' (dry run)' : ''} `, statusBadge(run.status),
        ` · started ${fmtTime(run.startedAt)}`, run.finishedAt ? ` · finished ${fmtTime(run.finishedAt)}` : '',
        ` · ${fmtDuration(durationMillis(run))} · ${run.trigger || ''}${run.createdBy ? ' by ' + run.createdBy : ''}`),
      countList(run, COUNTS),
      run.reason ? h('p', { class: 'reason' }, run.reason) : null);
    drawProgress(run);
  }

  function drawProgress(run) {
    const p = run?.progress;
    if (!run || run.status !== 'running') {
      fill(progress);
      return;
    }
    if (!p || !p.planned) {
      fill(progress, h('p', {}, `Run ${run.id} is running: evaluating the segment and the changes…`));
      return;
    }
    const pct = Math.min(100, Math.round((100 * p.processed) / p.planned));
    fill(progress, h('div', { class: 'progress-row' },
      h('label', { for: 'run-progress-bar', class: 'inline' }, 'Progress'),
      h('progress', { id: 'run-progress-bar', max: p.planned, value: p.processed }, `${pct}%`),
      h('span', {}, `${fmtNumber(p.processed)} of ${fmtNumber(p.planned)} records (${pct}%)`),
      h('span', {}, `${fmtNumber(Math.round(p.ratePerSecond || 0))} confirmations/s`),
      h('span', { id: 'run-eta' }, `ETA ${fmtEta(p.etaSeconds)}`)));
  }

  function drawCharts() {
    const real = runs.filter((r) => !r.dryRun && r.counts && r.startedAt).reverse();
    const x = (r) => new Date(r.startedAt);
    const xFormat = (t) => fmtTime(t);
    const counts = svgLineChart(['entered', 'changed', 'left'].map((n) => ({
      name: n, points: real.map((r) => ({ x: x(r), y: count(r, n) })),
    })), { title: `Records entered, changed and left per run of ${sync.key}`, xFormat });
    const durations = svgLineChart([{
      name: 'duration (s)', points: real.map((r) => ({ x: x(r), y: (durationMillis(r) || 0) / 1000 })),
    }], { title: `Duration in seconds per run of ${sync.key}`, xFormat });
    counts.querySelector('svg').id = 'run-chart';
    durations.querySelector('svg').id = 'duration-chart';
    fill(charts,
      h('div', {}, h('p', { class: 'chart-caption' }, 'Records entered, changed and left per run'), counts),
      h('div', {}, h('p', { class: 'chart-caption' }, 'Duration per run (seconds)'), durations));
  }

  function drawHistory() {
    if (!runs.length) return fill(history);
    fill(history, h('table', { id: 'run-history' },
      h('caption', { class: 'muted' }, `Last ${runs.length} runs, newest first`),
      h('thead', {}, h('tr', {}, ['Run', 'Started', 'Status', 'Trigger', 'Entered', 'Changed', 'Left', 'Duration',
        'Reason'].map((l, i) => h('th', { scope: 'col', class: i >= 4 && i <= 7 ? 'num' : null }, l)))),
      h('tbody', {}, runs.map((r) => h('tr', { 'data-run-id': r.id },
        h('td', {}, String(r.id), r.dryRun ? ' (dry)' : ''),
        h('td', {}, fmtTime(r.startedAt)),
        h('td', {}, statusBadge(r.status)),
        h('td', {}, r.trigger || ''),
        ...['entered', 'changed', 'left'].map((n) => h('td', { class: 'num' }, fmtNumber(count(r, n)))),
        h('td', { class: 'num' }, fmtDuration(durationMillis(r))),
        h('td', { class: 'reason' }, r.reason || ''))))));
  }

  async function start(dryRun) {
    result.textContent = '';
    try {
      const run = await post(`/syncs/${seg(key)}/runs`, dryRun ? { dryRun: true } : {}, { signal });
      result.textContent = dryRun ? `Dry run ${run.id} started; its samples appear below when it is done.`
        : `Run ${run.id} started.`;
      if (dryRun) {
        samples.hidden = false;
        fill(samples, h('h2', {}, `Dry run ${run.id}`), h('p', { class: 'muted' }, 'Running…'));
      }
      follow(run);
    } catch (e) {
      if (e.name === 'AbortError') return;
      result.textContent = `Could not start the run: ${errorText(e)}`;
      if (e instanceof ApiError && e.code === 'run_in_progress') {
        await loadHistory();
        const r = runs.find((x) => x.status === 'running');
        if (r) follow(r);
      }
    }
  }

  function follow(run) {
    following = run.id;
    drawActions();
    if (!run.dryRun) drawLatest(run);
    poll(async () => {
      const now = await get(`/runs/${run.id}`, { signal });
      if (!now.dryRun) drawLatest(now);
      else if (now.status === 'running') drawProgress(now);
      if (now.status === 'running') return false;
      following = null;
      result.textContent = `Run ${now.id}${now.dryRun ? ' (dry run)' : ''} ended: ${now.status.replaceAll('_', ' ')}`
        + ` · entered ${count(now, 'entered')}, changed ${count(now, 'changed')}, left ${count(now, 'left')}`
        + (now.reason ? ` · ${now.reason}` : '');
      if (now.dryRun) { fill(progress); drawSamples(now); }
      sync = await get(`/syncs/${seg(key)}`, { signal });
      drawAbout();
      drawActions();
      await loadHistory();
      return true;
    }, POLL_MS, signal).catch((e) => {
      following = null;
      drawActions();
      status(`Could not follow run ${run.id}: ${errorText(e)}`, 'error');
    });
  }

  function drawSamples(run) {
    samples.hidden = false;
    samples.dataset.runId = run.id;
    const groups = Object.entries(run.samples || {}).filter(([, rows]) => Array.isArray(rows) && rows.length);
    fill(samples,
      h('h2', {}, `Dry run ${run.id}: what a run would send`),
      countList(run, COUNTS.slice(0, 4)),
      groups.length ? null : h('p', { class: 'muted' }, 'No samples: the dry run found nothing to send.'),
      groups.map(([kind, rows]) => h('div', { class: 'samples', 'data-kind': kind },
        h('h3', {}, `${kind} (${rows.length} shown)`), sampleTable(rows))));
  }

  async function pause(paused) {
    try {
      sync = await post(`/syncs/${seg(key)}/${paused ? 'pause' : 'resume'}`, undefined, { signal });
      result.textContent = paused ? 'Paused: scheduled runs wait until you resume.' : 'Resumed: scheduled runs go on.';
      drawAbout();
      drawActions();
    } catch (e) {
      if (e.name !== 'AbortError') result.textContent = `Could not ${paused ? 'pause' : 'resume'}: ${errorText(e)}`;
    }
  }
}

/** A sample's rows: each key of the sample objects a column; nested values as JSON. */
function sampleTable(rows) {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r || {})))].slice(0, 8);
  const cell = (v) => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => h('td', { class: 'reason' }, cell(r?.[c])))))));
}
