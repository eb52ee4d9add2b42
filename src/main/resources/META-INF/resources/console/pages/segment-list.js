// Segments: every saved segment with its member count now. The API has no count on the list, so each row's count
// comes from POST /segments/preview of {"segment": key}, three at a time, filled in as they arrive.
import { list, post, can } from '../api.js';
import { h, append, table, fmtNumber, fmtTime, mapLimit } from '../ui.js';

const COUNT_CONCURRENCY = 3;

export async function render(container, _params, { signal }) {
  append(container, h('h1', {}, 'Segments'),
    h('div', { class: 'actions' },
      can('editor') ? h('a', { href: '#/segments/new', id: 'new-segment', class: 'button' }, 'New segment') : null));
  const segments = [];
  let cursor = null;
  do { // follow the envelope's cursor; a bare array is one page
    const page = await list('/segments', { cursor }, { signal });
    segments.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && segments.length < 5000);

  const countCells = new Map();
  const countCell = (s) => {
    const cell = h('span', { 'data-count-for': s.key, class: 'muted' }, 'counting…');
    countCells.set(s.key, cell);
    return cell;
  };
  append(container, table([
    { label: 'Segment', value: (s) => h('a', { href: '#/segments/' + encodeURIComponent(s.key) }, s.name || s.key) },
    { label: 'Key', value: (s) => h('code', {}, s.key) },
    { label: 'Members now', num: true, value: countCell },
    { label: 'Version', num: true, value: (s) => String(s.version) },
    { label: 'Source', value: (s) => (s.source === 'file' ? `file ${s.sourceFile || ''}` : 'API') },
    { label: 'Updated', value: (s) => `${fmtTime(s.updatedAt || s.createdAt)} · ${s.updatedBy || s.createdBy || ''}` },
  ], segments, { caption: `${segments.length} segments`, empty: 'No segments yet.' }));

  await mapLimit(segments, COUNT_CONCURRENCY, async (s) => {
    if (signal.aborted) return;
    const cell = countCells.get(s.key);
    try {
      const preview = await post('/segments/preview', { rule: { segment: s.key }, sampleSize: 1 }, { signal });
      cell.textContent = fmtNumber(preview.count);
      cell.className = '';
    } catch (e) {
      if (e.name === 'AbortError') return;
      cell.textContent = 'n/a';
      cell.title = e.detail || e.message;
    }
  });
}
