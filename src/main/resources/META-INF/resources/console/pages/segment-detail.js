// One segment (#/segments/<key>): its definition in words, members now with a sample, "why is this learner in or
// out" (GET /segments/{key}/explain/{learner}, condition by condition), and its versions (who and when).
import { call, get, post, del, list, seg, can } from '../api.js';
import { h, append, table, fmtNumber, fmtTime, status, errorText, uid } from '../ui.js';
import { describe, whole, attributesUsed } from './rule-text.js';

export async function render(container, params, { signal, navigate }) {
  const key = params.key;
  const { data: s } = await call('GET', '/segments/' + seg(key), { signal });
  const editable = s.source !== 'file';

  const count = h('span', { id: 'segment-count' }, '…');
  const members = h('div', { id: 'segment-members' });
  append(container,
    h('h1', {}, s.name),
    h('p', { class: 'muted' }, h('code', {}, s.key), ` · version ${s.version} · `,
      `updated ${fmtTime(s.updatedAt || s.createdAt)} by ${s.updatedBy || s.createdBy || '–'}`,
      s.source === 'file' ? ` · defined by the file ${s.sourceFile || ''} (read-only here)` : ''),
    s.description ? h('p', {}, s.description) : null,
    h('div', { class: 'actions' },
      editable ? h('a', { href: `#/segments/${seg(key)}/edit`, id: 'edit-segment', class: 'button',
        'data-requires': 'editor' }, 'Edit') : null,
      editable && can('editor') ? h('button', { type: 'button', class: 'danger', id: 'delete-segment',
        'data-requires': 'editor', onclick: () => remove(s, navigate) }, 'Delete') : null),
    h('h2', {}, 'Rule'),
    ruleList(s.rule),
    h('details', {}, h('summary', {}, 'As JSON'), h('pre', {}, JSON.stringify(s.rule, null, 2))),
    h('h2', {}, 'Members now'),
    h('p', {}, h('span', { id: 'segment-count-label' }, 'Learners in this segment: '), count),
    members,
    explainForm(key),
    h('h2', {}, 'Versions'),
    await versions(key, signal));

  const [preview, page] = await Promise.all([
    post('/segments/preview', { rule: { segment: key }, sampleSize: 1 }, { signal }),
    list(`/segments/${seg(key)}/members`, { limit: 20, attributes: attributesUsed(s.rule).slice(0, 6).join(',') },
      { signal }),
  ]);
  count.textContent = String(preview.count);
  const attrs = [...new Set(page.items.flatMap((m) => Object.keys(m.attributes || {})))];
  members.replaceChildren(table([
    { label: 'Learner', value: (m) => h('button', { type: 'button', class: 'link', 'data-explain': m.key,
      onclick: () => explainInto(container, key, m.key) }, m.key) },
    ...attrs.map((a) => ({ label: a, value: (m) => String(m.attributes?.[a] ?? '–') })),
  ], page.items, { caption: `The first ${page.items.length} by key (choose one to see why it is in)`,
    empty: 'Nobody is in this segment now.' }));
}

/** The rule as nested lists in words. */
function ruleList(node) {
  const item = (n) => {
    if (n?.all || n?.any) {
      const kids = n.all || n.any;
      return h('li', {}, n.all ? 'all of:' : 'any of:', h('ul', {}, kids.map(item)));
    }
    if (n?.not) return h('li', {}, 'not:', h('ul', {}, item(n.not)));
    return h('li', {}, describe(n));
  };
  return h('ul', { class: 'rule' }, item(node));
}

function explainForm(key) {
  const inputId = uid('learner');
  const input = h('input', { id: inputId, name: 'learner', required: true, autocomplete: 'off', size: 20 });
  const form = h('form', { id: 'explain-form', novalidate: true },
    h('h2', {}, 'Why is a learner in or out?'),
    h('label', { for: inputId }, 'Learner key'),
    h('div', { class: 'actions' }, input, h('button', { type: 'submit', id: 'explain-submit' }, 'Explain')),
    h('div', { id: 'explain-result', 'aria-live': 'polite' }));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) explainInto(form.parentElement, key, input.value.trim());
  });
  return form;
}

async function explainInto(container, key, learner) {
  const out = container.querySelector('#explain-result');
  container.querySelector('#explain-form input').value = learner;
  out.replaceChildren(h('p', { class: 'muted' }, 'Checking…'));
  try {
    const x = await get(`/segments/${seg(key)}/explain/${seg(learner)}`);
    if (!x.found) {
      out.replaceChildren(h('p', {}, `No learner ${learner} in the warehouse.`));
      return;
    }
    out.replaceChildren(
      h('p', {}, h('strong', { id: 'explain-verdict' }, x.member ? 'In' : 'Out'),
        ` — ${learner} is ${x.member ? '' : 'not '}a member as of ${fmtTime(x.asOf)}.`),
      table([
        { label: 'Condition', value: (c) => h('span', {}, h('code', {}, c.pointer), ' ', describe(c.condition)) },
        { label: 'Held', value: (c) => h('span', { class: `badge ${c.held ? 'ok' : 'bad'}` },
          c.held === null || c.held === undefined ? 'unknown' : c.held ? 'yes' : 'no') },
        { label: "Learner's value", value: (c) => (c.value === null || c.value === undefined ? '–'
          : typeof c.value === 'object' ? JSON.stringify(c.value) : String(c.value)) },
      ], x.conditions || []));
  } catch (e) {
    out.replaceChildren(h('p', { class: 'field-error' }, errorText(e)));
  }
}

async function versions(key, signal) {
  const page = await list(`/segments/${seg(key)}/versions`, {}, { signal });
  const rows = [...page.items].sort((a, b) => b.version - a.version);
  return table([
    { label: 'Version', num: true, value: (v) => String(v.version) },
    { label: 'Change', value: (v) => v.change },
    { label: 'When', value: (v) => fmtTime(v.changedAt) },
    { label: 'Who', value: (v) => v.changedBy },
    { label: 'Name', value: (v) => v.name },
    { label: 'Rule', value: (v) => h('details', {}, h('summary', {}, 'show'), h('p', {}, whole(v.rule))) },
  ], rows, { empty: 'No versions recorded.' });
}

async function remove(s, navigate) {
  if (!window.confirm(`Delete the segment “${s.name}”? Syncs and segments that use it prevent this.`)) return;
  try {
    await del('/segments/' + seg(s.key), { ifMatch: s.version });
    status(`Deleted “${s.name}”.`, 'ok');
    navigate('#/segments');
  } catch (e) {
    status('Not deleted: ' + errorText(e), 'error');
  }
}
