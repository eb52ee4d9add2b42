// Segments: every saved segment with its member count now. The API has no count on the list, so each row's count
// comes from POST /segments/preview of {"segment": key}, three at a time, filled in as they arrive.
import { list, post, can } from '../api.js';
import { h, append, table, fmtNumber, timeEl, mapLimit } from '../ui.js';

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
    { label: 'Segment', class: 'name', value: (s) => [
      h('a', { href: '#/segments/' + encodeURIComponent(s.key) }, s.name || s.key),
      h('br'), h('code', { class: 'key' }, s.key)] },
    { label: 'Members now', num: true, value: countCell },
    { label: 'Version', num: true, value: (s) => String(s.version) },
    { label: 'Source', value: sourceOf },
    { label: 'Updated', value: updatedOf },
  ], segments, { caption: `${segments.length} segments`, empty: 'No segments yet.', responsive: true,
    attrs: { id: 'segments-table', class: 'segments' } }));

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

/** "API", or "File" with the file it is read from (once: the file's name is not repeated as the author). */
function sourceOf(s) {
  if (s.source !== 'file') return 'API';
  return s.sourceFile ? ['File', h('br'), h('code', { class: 'path' }, s.sourceFile)] : 'File';
}

/** When and by whom: the local time, and the user who saved it (file-managed segments are changed by their file). */
function updatedOf(s) {
  const who = s.updatedBy || s.createdBy || '';
  return [timeEl(s.updatedAt || s.createdAt),
    who && !who.startsWith('file:') ? h('span', { class: 'muted' }, ` by ${who}`) : null];
}
