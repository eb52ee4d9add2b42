// The sync form (#/syncs/new, #/syncs/<key>/edit): segment → destination, identity, mapping rows, membership, mode,
// schedule and guard, saved with POST /syncs (or PUT with If-Match: the version read). A 422's errors[] and any
// warnings[] are placed at the control their pointer designates (messages.js); the rest go to #form-errors.
// Members the form does not show (paused, freshness, maxBytesBilled) are kept as saved when editing.
import { call, get, seg, session } from '../api.js';
import { h, append, status, errorText, uid, select } from '../ui.js';
import { clearMessages, placeMessages, messageText } from './messages.js';
import { ensureCss, listAll, fill } from './ops.js';

const KINDS = [
  { value: '', label: 'any string (the default; file and webhook destinations)' },
  { value: 'email', label: 'email' }, { value: 'external_id', label: 'external id' },
  { value: 'record_id', label: 'record id' },
];
const MODES = [
  { value: 'upsert', label: 'upsert: create or update members, leave leavers alone' },
  { value: 'update', label: 'update: only update records that exist' },
  { value: 'mirror', label: 'mirror: also tell the destination who left' },
];
const STYLES = [
  { value: '', label: 'none: leavers are removed' }, { value: 'boolean', label: 'boolean field (true / false)' },
  { value: 'value', label: 'value field (set while a member)' }, { value: 'list', label: 'list (added / removed)' },
];
const TEMPORAL_FORMATS = ['auto', 'date', 'datetime', 'epoch_millis', 'string'];
const PLAIN_FORMATS = ['auto', 'string'];
const GUARD = [
  { name: 'maxLeavePercent', id: 'sync-guard-leave', label: 'Stop if more than this % of members would leave', def: 20 },
  { name: 'maxChangePercent', id: 'sync-guard-change', label: 'Stop if more than this % would change', def: 50 },
  { name: 'minPreviousMembers', id: 'sync-guard-min', label: 'Check only from this many previous members', def: 100 },
];

const isTemporal = (type) => type === 'date' || String(type || '').startsWith('timestamp');

export async function render(container, params, { signal, navigate }) {
  ensureCss();
  const isNew = !params.key;
  const [catalog, segments, destinations, existing] = await Promise.all([
    get('/catalog', { signal }),
    listAll('/segments', { limit: 500 }, signal, 5000),
    listAll('/destinations', { limit: 100 }, signal, 1000),
    isNew ? null : call('GET', '/syncs/' + seg(params.key), { signal }),
  ]);
  const saved = existing?.data || null;
  const def = saved?.definition || {};
  let version = saved?.version ?? null;
  const fileManaged = saved?.source === 'file';
  const attributes = (catalog.attributes || []).filter((a) => a.type !== 'other');
  const typeOf = (name) => attributes.find((a) => a.name === name)?.type;
  const off = fileManaged || null;

  /** A labelled control in its own [data-pointer] wrapper with the error and warning slots messages.js fills. */
  const slot = (pointer, label, control, hint) => {
    if (!control.id) control.id = uid('c');
    const hintEl = hint ? h('p', { class: 'muted hint', id: uid('hint') }, hint) : null;
    if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
    return h('div', { 'data-pointer': pointer }, h('label', { for: control.id }, label), control, hintEl,
      h('p', { class: 'field-error', id: uid('err') }), h('p', { class: 'field-warning', id: uid('warn') }));
  };
  const slots = () => [h('p', { class: 'field-error', id: uid('err') }), h('p', { class: 'field-warning', id: uid('warn') })];
  const input = (id, field, value, attrs = {}) => h('input', { type: 'text', id, 'data-field': field, value: value ?? '',
    autocomplete: 'off', spellcheck: 'false', disabled: off, ...attrs });

  // definition
  const keyInput = input('sync-key', 'key', saved?.key, { disabled: !isNew || off, size: 32, required: true });
  const nameInput = input('sync-name', 'name', def.name, { size: 48, spellcheck: 'true' });
  const segmentSelect = select([{ value: '', label: 'Choose a segment…' },
    ...segments.items.map((s) => ({ value: s.key, label: s.name && s.name !== s.key ? `${s.name} (${s.key})` : s.key }))],
  def.segment || '', { id: 'sync-segment', 'data-field': 'segment', disabled: off, required: true });
  const destinationSelect = select([{ value: '', label: 'Choose a destination…' },
    ...destinations.items.map((d) => ({ value: d.key, label: `${d.name || d.key} (${d.key}, ${d.type})` }))],
  def.destination || '', { id: 'sync-destination', 'data-field': 'destination', disabled: off, required: true });

  // identity
  const idAttributes = attributes.filter((a) => a.type === 'string' || a.type === 'integer');
  const identity = def.identity || {};
  const idAttribute = select(idAttributes.map((a) => ({ value: a.name, label: `${a.name} (${a.type})` })),
    identity.attribute || catalog.learnerKey || idAttributes[0]?.name, { id: 'sync-identity-attribute', 'data-field': 'attribute', disabled: off });
  const idField = input('sync-identity-field', 'field', identity.field ?? idAttribute.value, { size: 24 });
  let idFieldTouched = !isNew;
  idField.addEventListener('input', () => { idFieldTouched = true; });
  idAttribute.addEventListener('change', () => { if (!idFieldTouched) idField.value = idAttribute.value; });
  const idKind = select(KINDS, identity.kind || '', { id: 'sync-identity-kind', 'data-field': 'kind', disabled: off });

  // mapping rows
  const rows = (def.mapping || []).map((m) => ({ source: m.source, target: m.target, format: m.format || 'auto', touched: true }));
  const mappingList = h('div', { id: 'mapping-rows' });
  const addRow = h('button', { type: 'button', id: 'add-mapping', class: 'secondary', disabled: off, onclick: () => {
    rows.push({ source: attributes[0]?.name || '', target: attributes[0]?.name || '', format: 'auto', touched: false });
    drawRows();
    mappingList.querySelector(`[data-pointer="/mapping/${rows.length - 1}"] [data-field="source"]`)?.focus();
  } }, 'Add a field');

  function drawRows() {
    clearMessages(mappingList);
    fill(mappingList, rows.length ? rows.map(drawRow)
      : h('p', { class: 'muted', id: 'mapping-empty' }, 'No fields mapped: only the identity (and membership) is sent.'));
  }

  function drawRow(row, i) {
    const n = i + 1;
    const source = select(attributes.map((a) => ({ value: a.name, label: `${a.name} (${a.type})` })), row.source,
      { 'data-field': 'source', id: uid('src'), disabled: off });
    const target = input(uid('tgt'), 'target', row.target, { size: 20 });
    const formats = isTemporal(typeOf(row.source)) ? TEMPORAL_FORMATS : PLAIN_FORMATS;
    if (!formats.includes(row.format)) row.format = 'auto';
    const format = select(formats, row.format, { 'data-field': 'format', id: uid('fmt'), disabled: off });
    source.addEventListener('change', () => {
      row.source = source.value;
      if (!row.touched) row.target = source.value;
      drawRows();
      mappingList.querySelector(`[data-pointer="/mapping/${i}"] [data-field="source"]`)?.focus();
    });
    target.addEventListener('input', () => { row.target = target.value; row.touched = true; });
    format.addEventListener('change', () => { row.format = format.value; });
    const remove = h('button', { type: 'button', class: 'danger', 'data-action': 'remove', disabled: off,
      'aria-label': `Remove field ${n} (${row.source} → ${row.target || row.source})`, onclick: () => {
        rows.splice(i, 1);
        drawRows();
        (mappingList.querySelector(`[data-pointer="/mapping/${Math.min(i, rows.length - 1)}"] [data-field="source"]`)
          || addRow).focus();
      } }, 'Remove');
    const cell = (label, control) => h('div', {}, h('label', { for: control.id }, label), control);
    return h('div', { 'data-pointer': `/mapping/${i}`, class: 'mapping-row', role: 'group', 'aria-label': `Field ${n}` },
      h('div', { class: 'row' },
        cell(`Attribute ${n}`, source), h('span', { 'aria-hidden': 'true', class: 'arrow' }, '→'),
        cell(`Field at the destination ${n}`, target),
        cell(`Format ${n}${formats.length > 2 ? ' (dates and times)' : ''}`, format), remove),
      ...slots());
  }
  drawRows();

  // membership, mode, schedule, guard
  const membership = def.membership || {};
  const styleSelect = select(STYLES, membership.style || '', { id: 'sync-membership-style', 'data-field': 'style', disabled: off });
  const memberField = input('sync-membership-field', 'field', membership.field, { size: 24 });
  const memberValue = input('sync-membership-value', 'value', membership.value, { size: 24 });
  const fieldWrap = slot('/membership/field', 'Field (or list name) that shows membership', memberField);
  const valueWrap = slot('/membership/value', 'Value to set while a member', memberValue);
  const showMembership = () => {
    fieldWrap.hidden = !styleSelect.value;
    valueWrap.hidden = styleSelect.value !== 'value' && styleSelect.value !== 'list';
  };
  styleSelect.addEventListener('change', showMembership);
  showMembership();

  const modeSelect = select(MODES, def.mode || 'upsert', { id: 'sync-mode', 'data-field': 'mode', disabled: off });
  const schedule = def.schedule || {};
  const scheduleKind = select([{ value: '', label: 'none: runs start from the console or the API' },
    { value: 'every', label: 'every (an interval)' }, { value: 'cron', label: 'cron (times of day)' }],
  schedule.cron ? 'cron' : schedule.every ? 'every' : '', { id: 'sync-schedule-kind', disabled: off });
  const everyInput = input('sync-schedule-every', 'every', schedule.every, { size: 12, placeholder: 'PT15M' });
  const cronInput = input('sync-schedule-cron', 'cron', schedule.cron, { size: 20, placeholder: '0 6 * * *' });
  const everyWrap = slot('/schedule/every', 'Interval (ISO-8601: PT15M, PT1H, P1D; 10 s to 31 days)', everyInput);
  const cronWrap = slot('/schedule/cron', 'Cron (5 fields, or Quartz 6-7, in the daemon’s time zone)', cronInput);
  const showSchedule = () => { everyWrap.hidden = scheduleKind.value !== 'every'; cronWrap.hidden = scheduleKind.value !== 'cron'; };
  scheduleKind.addEventListener('change', showSchedule);
  showSchedule();

  const guard = def.guard || {};
  const guardInputs = GUARD.map((g) => ({ ...g, el: h('input', { type: 'number', id: g.id, 'data-field': g.name,
    min: 0, max: g.name === 'minPreviousMembers' ? null : 100, step: g.name === 'minPreviousMembers' ? 1 : 'any',
    value: String(guard[g.name] ?? g.def), disabled: off }) }));

  const formErrors = h('div', { id: 'form-errors', class: 'field-error', role: 'alert', tabindex: '-1' });
  const saveButton = h('button', { type: 'submit', id: 'save-sync', disabled: off }, isNew ? 'Save sync' : 'Save changes');
  const form = h('form', { id: 'sync-form', novalidate: true },
    h('div', { class: 'row' }, slot('/key', 'Key (a-z, 0-9 and _; cannot change later)', keyInput),
      slot('/name', 'Name (optional)', nameInput)),
    h('div', { class: 'row' }, slot('/segment', 'Segment to send', segmentSelect),
      slot('/destination', 'Destination', destinationSelect)),
    h('fieldset', { 'data-pointer': '/identity' }, h('legend', {}, 'Identity: how the destination finds each learner'),
      h('div', { class: 'row' },
        slot('/identity/attribute', 'Attribute holding the key', idAttribute),
        slot('/identity/field', 'Field at the destination', idField),
        slot('/identity/kind', 'Kind', idKind,
          'CRMs match records by the kinds they name (e.g. email); saving with one they do not take says which they do.')),
      ...slots()),
    h('fieldset', { 'data-pointer': '/mapping' }, h('legend', {}, 'Fields to send'),
      mappingList, addRow, ...slots()),
    h('fieldset', { 'data-pointer': '/membership' }, h('legend', {}, 'Membership: how the destination sees who is in'),
      h('div', { class: 'row' }, slot('/membership/style', 'Style', styleSelect), fieldWrap, valueWrap), ...slots()),
    h('div', { class: 'row' }, slot('/mode', 'Mode', modeSelect)),
    h('fieldset', { 'data-pointer': '/schedule' }, h('legend', {}, 'Schedule'),
      h('div', { class: 'row' }, h('div', {}, h('label', { for: scheduleKind.id }, 'Runs'), scheduleKind), everyWrap, cronWrap),
      ...slots()),
    h('fieldset', { 'data-pointer': '/guard' }, h('legend', {}, 'Guard: a run that would change too much stops before sending'),
      h('div', { class: 'row' }, guardInputs.map((g) => slot('/guard/' + g.name, g.label, g.el))), ...slots()),
    formErrors,
    h('div', { class: 'actions' }, saveButton,
      h('a', { href: isNew ? '#/syncs' : '#/syncs/' + seg(params.key), class: 'button secondary' }, 'Cancel')));

  append(container,
    h('h1', {}, isNew ? 'New sync' : `Edit ${def.name || saved.key}`),
    h('p', { class: 'muted' }, 'A sync sends one segment to one destination: only the changes since its last run.'),
    fileManaged ? h('p', { class: 'field-warning', id: 'sync-file-managed' },
      `This sync is defined by the file ${saved.sourceFile || ''}: change the file, not here.`) : null,
    form);

  /** The request body from the form; members the form does not show are kept from the saved definition. */
  function body() {
    const { key: _k, version: _v, ...kept } = def;
    const out = { ...kept };
    if (isNew) out.key = keyInput.value.trim();
    const name = nameInput.value.trim();
    if (name) out.name = name; else delete out.name;
    out.segment = segmentSelect.value || null;
    out.destination = destinationSelect.value || null;
    out.identity = { attribute: idAttribute.value, field: idField.value.trim() };
    if (idKind.value) out.identity.kind = idKind.value;
    out.mapping = rows.map((r) => ({ source: r.source, target: (r.target ?? '').trim(), format: r.format }));
    if (styleSelect.value) {
      out.membership = { style: styleSelect.value, field: memberField.value.trim() };
      if (!valueWrap.hidden && memberValue.value.trim()) out.membership.value = memberValue.value.trim();
    } else delete out.membership;
    out.mode = modeSelect.value;
    if (scheduleKind.value === 'every') out.schedule = { every: everyInput.value.trim() };
    else if (scheduleKind.value === 'cron') out.schedule = { cron: cronInput.value.trim() };
    else delete out.schedule;
    out.guard = {};
    for (const g of guardInputs) {
      const v = g.el.value.trim();
      if (v !== '') out.guard[g.name] = Number.isFinite(Number(v)) ? Number(v) : v;
    }
    return out;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages(container);
    formErrors.replaceChildren();
    const request = body();
    const key = isNew ? request.key : params.key;
    saveButton.disabled = true;
    try {
      const answer = isNew
        ? await call('POST', '/syncs', { body: request })
        : await call('PUT', '/syncs/' + seg(key), { body: request, ifMatch: version });
      version = answer.data?.version ?? version;
      const warnings = answer.data?.warnings || [];
      status(`Saved sync “${request.name || key}” (version ${version}) as ${session.user.name}.`
        + (warnings.length ? ' Warnings: ' + warnings.map((w) => `${w.pointer || ''} ${messageText(w)}`).join(' · ') : ''),
      warnings.length ? 'info' : 'ok', warnings.length ? { timeout: 0 } : undefined);
      navigate('#/syncs/' + seg(answer.data?.key || key));
    } catch (e) {
      if (e.name === 'AbortError') return;
      const errors = [...(e.errors || [])];
      if (e.code === 'sync_exists') errors.push({ pointer: '/key', message: e.detail });
      const unplaced = placeMessages(container, errors, 'error');
      const unplacedWarnings = placeMessages(container, e.warnings || [], 'warning');
      formErrors.append(h('p', {}, e.code === 'version_mismatch' || e.status === 412
        ? 'Someone saved this sync after you opened it. Open it again to see their version, then redo your edit.'
        : errors.length && !unplaced.length ? 'Nothing was saved: fix the marked fields.'
          : errorText({ ...e, errors: unplaced })));
      for (const w of unplacedWarnings) formErrors.append(h('p', { class: 'field-warning' }, messageText(w)));
      status('The sync was not saved.', 'error', { timeout: 8000 });
      (container.querySelector('[aria-invalid="true"]') || formErrors).focus?.();
    } finally {
      saveButton.disabled = !!off;
    }
  });
}
