// The segment builder page (#/segments/new, #/segments/<key>/edit): key, name, description and the rule, with a
// live count and sample while editing (POST /segments/preview, debounced), validation errors and warnings placed at
// their condition, the edit impact of a saved segment (POST /segments/{key}/preview-change), and save (POST, or PUT
// with If-Match: the version read).
import { get, post, call, list, seg, session } from '../api.js';
import { h, append, status, table, debounce, errorText, uid, fmtTime } from '../ui.js';
import { createBuilder } from './rule-builder.js';
import { clearMessages, placeMessages } from './messages.js';
import { attributesUsed } from './rule-text.js';

const PREVIEW_DELAY_MS = 400;
const SAMPLE_SIZE = 10;

export async function render(container, params, { signal, navigate }) {
  const isNew = !params.key;
  const [catalog, segmentPage, existing] = await Promise.all([
    get('/catalog', { signal }),
    list('/segments', {}, { signal }),
    isNew ? null : call('GET', '/segments/' + seg(params.key), { signal }),
  ]);
  const saved = existing?.data || null;
  let version = saved?.version ?? null;
  const fileManaged = saved?.source === 'file';

  const input = (id, pointer, label, value, attrs = {}) => {
    const el = h(attrs.multiline ? 'textarea' : 'input', { id, value: value ?? '', ...attrs, multiline: null,
    });
    return h('div', { 'data-pointer': pointer }, h('label', { for: id }, label), el,
      h('p', { class: 'field-error', id: uid('err') }), h('p', { class: 'field-warning', id: uid('warn') }));
  };
  const form = h('form', { id: 'segment-form', novalidate: true },
    input('segment-key', '/key', 'Key (letters, digits, _ and -; cannot change later)', saved?.key,
      { disabled: !isNew, required: true, autocomplete: 'off', spellcheck: 'false', size: 40 }),
    input('segment-name', '/name', 'Name', saved?.name, { required: true, size: 60, disabled: fileManaged }),
    input('segment-description', '/description', 'Description (optional)', saved?.description,
      { multiline: true, rows: 2, cols: 60, disabled: fileManaged }));

  const builderRoot = h('div', { id: 'builder', 'aria-label': 'Rule' });
  const liveCount = h('span', { id: 'live-count' }, '–');
  const previewState = h('p', { class: 'muted', id: 'preview-state' });
  const sample = h('div', { id: 'preview-sample' });
  const impact = h('div', { id: 'impact' });
  const formErrors = h('div', { id: 'form-errors', class: 'field-error', role: 'alert' });
  const saveButton = h('button', { type: 'submit', id: 'save-segment', form: 'segment-form', disabled: fileManaged },
    isNew ? 'Save segment' : 'Save changes');

  append(container,
    h('h1', {}, isNew ? 'New segment' : `Edit ${saved.name}`),
    fileManaged ? h('p', { class: 'field-warning' },
      `This segment is defined by the file ${saved.sourceFile || ''}: change the file, not here. `
      + 'You can still try edits below and see their count.') : null,
    form,
    h('div', { class: 'layout-2' },
      h('section', { 'aria-labelledby': 'rule-heading' }, h('h2', { id: 'rule-heading' }, 'Rule'), builderRoot),
      h('section', { 'aria-labelledby': 'live-heading' },
        h('h2', { id: 'live-heading' }, 'Live preview'),
        h('div', { class: 'count-box', role: 'group', 'aria-labelledby': 'live-count-label', 'aria-live': 'polite',
          'aria-atomic': 'true' }, h('span', { id: 'live-count-label' }, 'Learners matching now'), liveCount),
        previewState, sample,
        isNew ? null : [h('h2', {}, 'If you save this edit'), impact])),
    formErrors,
    h('div', { class: 'actions' }, saveButton,
      h('a', { href: isNew ? '#/segments' : '#/segments/' + seg(params.key), class: 'button secondary' }, 'Cancel')));

  const others = segmentPage.items.filter((s) => s.key !== params.key);
  const builder = createBuilder(builderRoot, {
    catalog, segments: others, selfKey: params.key || null, onChange: () => schedule(),
  });
  builder.setRule(saved?.rule || { all: [] });

  let seq = 0;
  let inflight = null;
  async function refresh() {
    const mine = ++seq;
    inflight?.abort();
    inflight = new AbortController();
    const opts = { signal: inflight.signal };
    clearMessages(builderRoot);
    if (builder.conditionCount() === 0) {
      liveCount.textContent = '–';
      previewState.textContent = 'Add a condition to see who matches.';
      sample.replaceChildren();
      impact.replaceChildren();
      return;
    }
    const rule = builder.rule();
    previewState.textContent = 'Counting…';
    try {
      const attributes = usedAttributes(rule, catalog);
      const [preview, change] = await Promise.all([
        post('/segments/preview', { rule, sampleSize: SAMPLE_SIZE, attributes }, opts),
        isNew ? null : post(`/segments/${seg(params.key)}/preview-change`, { rule, sampleSize: 5 }, opts),
      ]);
      if (mine !== seq) return;
      liveCount.textContent = String(preview.count);
      previewState.textContent = `As of ${fmtTime(preview.asOf)}.`;
      sample.replaceChildren(sampleTable(preview.sample || [], attributes));
      const unplaced = placeMessages(container, preview.warnings || [], 'warning');
      if (unplaced.length) previewState.textContent += ' ' + unplaced.map((w) => w.message).join(' ');
      if (change) impact.replaceChildren(impactView(change));
    } catch (e) {
      if (e.name === 'AbortError' || mine !== seq) return;
      liveCount.textContent = '–';
      sample.replaceChildren();
      const unplaced = placeMessages(container, e.errors || [], 'error');
      placeMessages(container, e.warnings || [], 'warning');
      previewState.textContent = e.errors?.length && !unplaced.length
        ? 'Fix the marked conditions to see the count.'
        : errorText({ ...e, errors: unplaced });
    }
  }
  const schedule = debounce(refresh, PREVIEW_DELAY_MS);
  signal.addEventListener('abort', () => { schedule.cancel(); inflight?.abort(); });
  refresh();

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages(container);
    formErrors.textContent = '';
    const body = {
      name: form.querySelector('#segment-name').value.trim(),
      description: form.querySelector('#segment-description').value.trim() || undefined,
      rule: builder.rule(),
    };
    const key = isNew ? form.querySelector('#segment-key').value.trim() : params.key;
    saveButton.disabled = true;
    try {
      const answer = isNew
        ? await call('POST', '/segments', { body: { key, ...body } })
        : await call('PUT', '/segments/' + seg(key), { body, ifMatch: version });
      version = answer.data?.version ?? version;
      const warnings = answer.data?.warnings || [];
      status(`Saved “${body.name}” (version ${version}) as ${session.user.name}.`
        + (warnings.length ? ' Warnings: ' + warnings.map((w) => w.message).join(' ') : ''), warnings.length ? 'info' : 'ok');
      navigate('#/segments/' + seg(key));
    } catch (e) {
      const unplaced = placeMessages(container, e.errors || [], 'error');
      placeMessages(container, e.warnings || [], 'warning');
      formErrors.textContent = e.code === 'version_mismatch'
        ? 'Someone saved this segment after you opened it. Open it again to see their version, then redo your edit.'
        : errorText({ ...e, errors: unplaced });
      (container.querySelector('[aria-invalid="true"]') || formErrors).focus?.();
    } finally {
      saveButton.disabled = fileManaged;
    }
  });
}

/** Attribute names the rule filters on (learner attributes only), to show beside the sample. */
function usedAttributes(rule, catalog) {
  const known = new Set((catalog.attributes || []).map((a) => a.name));
  return attributesUsed(rule).filter((n) => known.has(n) && n !== catalog.learnerKey).slice(0, 6);
}

function sampleTable(members, attributes) {
  return table([
    { label: 'Learner', value: (m) => m.key },
    ...attributes.map((a) => ({ label: a, value: (m) => format(m.attributes?.[a]) })),
  ], members, { caption: `A sample of ${members.length}`, empty: 'Nobody matches.' });
}

const format = (v) => (v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** Entering / leaving / staying with their samples. */
export function impactView(change) {
  const row = (label, n, sampleKeys, id) => ({ label, n, sampleKeys: sampleKeys || [], id });
  return table([
    { label: 'Learners', value: (r) => r.label },
    { label: 'Count', num: true, value: (r) => h('span', { id: r.id }, String(r.n)) },
    { label: 'For example', value: (r) => r.sampleKeys.join(', ') || '–' },
  ], [
    row('would enter', change.entering, change.enteringSample, 'impact-entering'),
    row('would leave', change.leaving, change.leavingSample, 'impact-leaving'),
    row('would stay', change.staying, change.stayingSample, 'impact-staying'),
  ]);
}
