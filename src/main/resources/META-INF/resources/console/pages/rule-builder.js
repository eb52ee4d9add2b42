// The segment rule builder: renders a rule (the API's JSON) as nested groups and conditions driven by the catalog,
// edits it in place; messages.js places validation messages at the node a JSON pointer designates.
//
// Every node element carries data-pointer (its pointer in the request body: "/rule/all/0", "/rule/all/1/where"),
// its own .field-error and .field-warning, and its controls carry data-field (the member they edit: "value",
// "aggregate/attribute"), so a problem's errors[].pointer finds both the condition and the control.
import { h, uid, select } from '../ui.js';
import { opLabel } from './rule-text.js';

const NO_VALUE = new Set(['is_null', 'is_not_null', 'is_true', 'is_false']);
const LIST = new Set(['in', 'not_in', 'contains_any', 'contains_all']);
const DURATION = new Set(['within_last', 'before_last', 'within_next', 'after_next']);
const EVENT_OPS = ['eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'between'];
const AGGREGATES = ['count', 'count_distinct', 'sum', 'min', 'max', 'avg'];
const NUMERIC = new Set(['integer', 'number']);
const DURATIONS = ['P1D', 'P7D', 'P14D', 'P28D', 'P30D', 'P60D', 'P90D', 'PT12H', 'P1M', 'P3M', 'P1Y'];

const isGroup = (n) => n && (Array.isArray(n.all) || Array.isArray(n.any));
const groupKey = (n) => (Array.isArray(n.all) ? 'all' : 'any');

/** The shape of the value an operator takes: 'none' | 'values' | 'range' | 'duration' | 'value'. */
export function valueShape(op) {
  if (NO_VALUE.has(op)) return 'none';
  if (LIST.has(op)) return 'values';
  if (op === 'between') return 'range';
  if (DURATION.has(op)) return 'duration';
  return 'value';
}

/** A typed value from what the user typed: numbers for numeric columns when it reads as one, else the text. */
export function coerce(text, type) {
  const t = String(text).trim();
  if (NUMERIC.has(type) && /^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

/** Keeps only the members the new operator takes, carrying a value over where it fits. */
export function reshape(cond, op) {
  const old = { value: cond.value, values: cond.values, from: cond.from, to: cond.to, duration: cond.duration };
  for (const k of Object.keys(old)) delete cond[k];
  cond.op = op;
  const shape = valueShape(op);
  if (shape === 'values') cond.values = old.values ?? (old.value !== undefined && old.value !== '' ? [old.value] : []);
  if (shape === 'range') { cond.from = old.from ?? ''; cond.to = old.to ?? ''; }
  if (shape === 'duration') cond.duration = old.duration ?? 'P7D';
  if (shape === 'value') cond.value = old.value ?? (old.values?.length ? old.values[0] : '');
}

/**
 * Creates a builder in `root`.
 * options: catalog (GET /catalog), segments (saved segments for references), selfKey (the edited segment, not
 * offered as a reference), readOnly, onChange() (called after every edit).
 * Returns {rule(), setRule(rule), conditionCount()}.
 */
export function createBuilder(root, { catalog, segments = [], selfKey = null, readOnly = false, onChange = () => {} }) {
  let rule = { all: [] };
  const datalists = new Map();
  const learnerColumns = catalog.attributes || [];
  const tables = catalog.eventTables || [];
  const tableOf = (name) => tables.find((t) => t.name === name);

  const changed = () => onChange();
  const rerender = (focusPointer) => {
    const active = document.activeElement;
    const keep = active && root.contains(active)
      ? { pointer: active.closest('[data-pointer]')?.dataset.pointer, field: active.dataset.field } : null;
    root.replaceChildren(renderNode(rule, '/rule', { columns: learnerColumns, replace: (n) => { rule = n; }, root: true }),
      ...datalists.values());
    const want = focusPointer ? { pointer: focusPointer } : keep;
    if (want?.pointer) {
      const node = root.querySelector(`[data-pointer="${CSS.escape(want.pointer)}"]`);
      const control = (want.field && node?.querySelector(`[data-field="${CSS.escape(want.field)}"]`))
        || node?.querySelector('select, input, button');
      control?.focus();
    }
  };
  const structural = (focusPointer) => { rerender(focusPointer); changed(); };

  function datalistFor(column, scope) {
    if (!column?.knownValues?.length) return null;
    const key = scope + '.' + column.name;
    if (!datalists.has(key)) {
      datalists.set(key, h('datalist', { id: uid('known') }, column.knownValues.map((v) => h('option', { value: v }))));
    }
    return datalists.get(key).id;
  }

  function messageSlots() {
    return [h('p', { class: 'field-error', id: uid('err') }), h('p', { class: 'field-warning', id: uid('warn') })];
  }

  function labelled(text, control) {
    if (!control.id) control.id = uid();
    return h('div', {}, h('label', { for: control.id }, text), control);
  }

  function nodeButtons(node, pointer, ctx) {
    if (readOnly || ctx.root) return null;
    return h('div', { class: 'actions' },
      ctx.allowNot !== false ? h('button', {
        type: 'button', class: 'secondary', 'data-action': 'negate',
        onclick: () => { ctx.replace({ not: node }); structural(pointer); },
      }, 'Negate (NOT)') : null,
      h('button', {
        type: 'button', class: 'danger', 'data-action': 'remove', 'aria-label': 'Remove this condition',
        onclick: () => { ctx.replace(null); structural(); },
      }, 'Remove'));
  }

  function renderNode(node, pointer, ctx) {
    if (isGroup(node)) return renderGroup(node, pointer, ctx);
    if (node && node.not !== undefined) return renderNot(node, pointer, ctx);
    if (node && node.event !== undefined) return renderEvent(node, pointer, ctx);
    if (node && node.segment !== undefined) return renderReference(node, pointer, ctx);
    return renderAttribute(node, pointer, ctx);
  }

  function renderGroup(node, pointer, ctx) {
    const key = groupKey(node);
    const combinator = select([{ value: 'all', label: 'all of' }, { value: 'any', label: 'any of' }], key,
      { 'data-field': 'combinator', disabled: readOnly, id: uid('comb') });
    combinator.addEventListener('change', () => {
      const children = node[key];
      delete node[key];
      node[combinator.value] = children;
      changed();
    });
    const children = node[key];
    const childCtx = (i) => ({
      columns: ctx.columns, scope: ctx.scope, allowNot: true,
      replace: (n) => { if (n === null) children.splice(i, 1); else children[i] = n; },
    });
    const add = (make, id) => (readOnly ? null : h('button', {
      type: 'button', class: 'secondary', id: ctx.root ? id : null, 'data-add': id,
      onclick: () => { children.push(make()); structural(`${pointer}/${groupKey(node)}/${children.length - 1}`); },
    }, { 'add-attribute-condition': '+ Attribute condition', 'add-event-condition': '+ Event condition',
      'add-group': '+ Group', 'add-segment-reference': '+ Segment reference' }[id]));
    return h('fieldset', { class: 'group', 'data-pointer': pointer, 'data-kind': 'group' },
      h('legend', {}, h('label', { class: 'inline', for: combinator.id }, 'Match'), combinator),
      messageSlots(),
      children.length ? null : h('p', { class: 'muted' }, 'No conditions yet: add one below.'),
      children.map((c, i) => renderNode(c, `${pointer}/${key}/${i}`, childCtx(i))),
      h('div', { class: 'actions' },
        add(() => newAttribute(ctx.columns), 'add-attribute-condition'),
        ctx.scope === 'event' ? null : add(() => newEvent(), 'add-event-condition'),
        add(() => ({ any: [newAttribute(ctx.columns)] }), 'add-group'),
        ctx.scope === 'event' || !segments.some((s) => s.key !== selfKey) ? null
          : add(() => ({ segment: segments.find((s) => s.key !== selfKey).key }), 'add-segment-reference')),
      nodeButtons(node, pointer, ctx));
  }

  function renderNot(node, pointer, ctx) {
    return h('div', { class: 'group not', 'data-pointer': pointer, 'data-kind': 'not' },
      h('p', {}, h('strong', {}, 'NOT'), ' — learners for whom this does not hold:'),
      messageSlots(),
      renderNode(node.not, `${pointer}/not`, {
        columns: ctx.columns, scope: ctx.scope, allowNot: false, // no double negation
        replace: (n) => { if (n === null) ctx.replace(null); else node.not = n; },
      }),
      readOnly ? null : h('div', { class: 'actions' },
        h('button', {
          type: 'button', class: 'secondary', 'data-action': 'unnegate',
          onclick: () => { ctx.replace(node.not); structural(pointer); },
        }, 'Remove NOT')));
  }

  function newAttribute(columns) {
    const c = columns.find((x) => x.knownValues?.length) || columns[0] || { name: '', operators: ['eq'] };
    const cond = { attribute: c.name, op: c.operators[0] };
    reshape(cond, cond.op);
    if (c.knownValues?.length && 'value' in cond) cond.value = c.knownValues[0];
    return cond;
  }

  function newEvent() {
    const t = tables[0];
    return { event: t ? t.name : '', aggregate: { fn: 'count' }, within_last: 'P28D', op: 'gte', value: 1 };
  }

  function renderAttribute(node, pointer, ctx) {
    const columns = ctx.columns;
    const column = columns.find((c) => c.name === node.attribute);
    const attr = select(columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` })), node.attribute,
      { 'data-field': 'attribute', disabled: readOnly });
    if (!column) attr.prepend(h('option', { value: node.attribute, selected: true }, `${node.attribute} (unknown)`));
    attr.addEventListener('change', () => {
      const next = columns.find((c) => c.name === attr.value);
      node.attribute = attr.value;
      if (next && !next.operators.includes(node.op)) reshape(node, next.operators[0]);
      structural(pointer);
    });
    const ops = column?.operators || [node.op];
    const op = select(ops.map((o) => ({ value: o, label: opLabel(o) })), node.op, { 'data-field': 'op', disabled: readOnly });
    op.addEventListener('change', () => { reshape(node, op.value); structural(pointer); });
    return h('div', { class: 'condition', 'data-pointer': pointer, 'data-kind': 'attribute' },
      h('div', { class: 'row' }, labelled(ctx.scope === 'event' ? 'Event column' : 'Attribute', attr),
        labelled('Operator', op), valueControls(node, column, ctx.scope || 'learner')),
      messageSlots(), nodeButtons(node, pointer, ctx));
  }

  /** Inputs for the condition's value members, by operator shape and column type. */
  function valueControls(node, column, scope, type = column?.elementType || column?.type) {
    const shape = valueShape(node.op);
    const text = (field, label, value, extra = {}) => {
      const input = h('input', { type: 'text', value: value ?? '', 'data-field': field, disabled: readOnly, size: 14, ...extra });
      input.addEventListener('input', () => { node[field] = coerce(input.value, type); changed(); });
      return labelled(label, input);
    };
    if (shape === 'none') return null;
    if (shape === 'duration') return text('duration', 'Duration (ISO-8601)', node.duration,
      { list: durationList(), placeholder: 'P7D' });
    if (shape === 'range') return [text('from', 'From', node.from), text('to', 'To', node.to)];
    if (shape === 'values') {
      if (column?.knownValues?.length) {
        const chosen = new Set((node.values || []).map(String));
        return h('fieldset', { 'data-field': 'values' }, h('legend', {}, 'Values'),
          column.knownValues.map((v) => {
            const box = h('input', { type: 'checkbox', value: v, checked: chosen.has(v), disabled: readOnly, id: uid('v') });
            box.addEventListener('change', () => {
              const boxes = box.closest('fieldset').querySelectorAll('input[type=checkbox]');
              node.values = [...boxes].filter((b) => b.checked).map((b) => coerce(b.value, type));
              changed();
            });
            return h('span', {}, box, h('label', { class: 'inline', for: box.id }, v), ' ');
          }));
      }
      const input = h('input', { type: 'text', value: (node.values || []).join(', '), 'data-field': 'values',
        disabled: readOnly, size: 24, placeholder: 'a, b, c' });
      input.addEventListener('input', () => {
        node.values = input.value.split(',').map((s) => s.trim()).filter(Boolean).map((s) => coerce(s, type));
        changed();
      });
      return labelled('Values (comma-separated)', input);
    }
    const numeric = NUMERIC.has(type);
    return text('value', 'Value', node.value, {
      inputmode: numeric ? 'decimal' : null, list: datalistFor(column, scope),
      placeholder: type === 'date' || type?.startsWith('timestamp') ? '2026-01-15' : null,
    });
  }

  function durationList() {
    if (!datalists.has('durations')) {
      datalists.set('durations', h('datalist', { id: uid('durations') }, DURATIONS.map((d) => h('option', { value: d }))));
    }
    return datalists.get('durations').id;
  }

  function renderEvent(node, pointer, ctx) {
    const table = tableOf(node.event);
    const columns = table?.columns || [];
    node.aggregate = node.aggregate || { fn: 'count' };
    const ev = select(tables.map((t) => t.name), node.event, { 'data-field': 'event', disabled: readOnly });
    ev.addEventListener('change', () => {
      node.event = ev.value;
      delete node.where;
      if (node.aggregate.attribute) node.aggregate = { fn: 'count' };
      structural(pointer);
    });
    const fn = select(AGGREGATES, node.aggregate.fn, { 'data-field': 'aggregate/fn', disabled: readOnly });
    fn.addEventListener('change', () => {
      node.aggregate.fn = fn.value;
      if (fn.value === 'count') delete node.aggregate.attribute;
      else if (!node.aggregate.attribute) node.aggregate.attribute = pickColumn(columns, fn.value)?.name;
      structural(pointer);
    });
    const aggColumn = node.aggregate.fn === 'count' ? null
      : select(columns.map((c) => ({ value: c.name, label: `${c.name} (${c.type})` })), node.aggregate.attribute,
        { 'data-field': 'aggregate/attribute', disabled: readOnly });
    aggColumn?.addEventListener('change', () => { node.aggregate.attribute = aggColumn.value; changed(); });

    const windowKind = node.between ? 'between' : node.within_last !== undefined ? 'within_last' : 'all';
    const win = select([{ value: 'within_last', label: 'in the last' }, { value: 'between', label: 'between dates' },
      { value: 'all', label: 'all time' }], windowKind, { 'data-field': 'window', disabled: readOnly });
    win.addEventListener('change', () => {
      delete node.within_last; delete node.between;
      if (win.value === 'within_last') node.within_last = 'P28D';
      if (win.value === 'between') node.between = { from: '', to: '' };
      structural(pointer);
    });
    const windowInputs = [];
    if (windowKind === 'within_last') {
      const d = h('input', { type: 'text', value: node.within_last, 'data-field': 'within_last', list: durationList(),
        size: 8, disabled: readOnly, placeholder: 'P28D' });
      d.addEventListener('input', () => { node.within_last = d.value.trim(); changed(); });
      windowInputs.push(labelled('Duration', d));
    } else if (windowKind === 'between') {
      for (const end of ['from', 'to']) {
        const d = h('input', { type: 'text', value: node.between[end], 'data-field': `between/${end}`, size: 12,
          disabled: readOnly, placeholder: '2026-01-15' });
        d.addEventListener('input', () => { node.between[end] = d.value.trim(); changed(); });
        windowInputs.push(labelled(end === 'from' ? 'From' : 'To', d));
      }
    }
    const op = select(EVENT_OPS.map((o) => ({ value: o, label: opLabel(o) })), node.op,
      { 'data-field': 'op', disabled: readOnly });
    op.addEventListener('change', () => { reshape(node, op.value); structural(pointer); });
    const valueType = ['min', 'max'].includes(node.aggregate.fn)
      ? columns.find((c) => c.name === node.aggregate.attribute)?.type : 'number';

    return h('div', { class: 'condition', 'data-pointer': pointer, 'data-kind': 'event' },
      h('div', { class: 'row' },
        labelled('Event table', ev), labelled('Aggregate', fn), aggColumn ? labelled('Of column', aggColumn) : null,
        labelled('Window', win), windowInputs,
        labelled('Operator', op), valueControls(node, null, 'event', valueType)),
      renderWhere(node, pointer, columns),
      messageSlots(), nodeButtons(node, pointer, ctx));
  }

  /** An event's optional `where`: one condition, or an all/any group of them, over the event table's columns. */
  function renderWhere(node, pointer, columns) {
    const wp = `${pointer}/where`;
    const addWhere = readOnly ? null : h('button', {
      type: 'button', class: 'secondary', 'data-add': 'add-where-condition',
      onclick: () => {
        const cond = newAttribute(columns);
        if (node.where === undefined) node.where = cond;
        else if (isGroup(node.where)) node.where[groupKey(node.where)].push(cond);
        else node.where = { all: [node.where, cond] };
        structural(wp);
      },
    }, '+ Where condition');
    const replace = (n) => {
      if (n === null) delete node.where;
      else node.where = n;
    };
    let body = null;
    if (node.where !== undefined) {
      body = renderNode(node.where, wp, { columns, scope: 'event', replace });
    }
    return h('div', { class: 'where' }, h('p', { class: 'muted' }, 'Only events where…'), body, addWhere);
  }

  function pickColumn(columns, fn) {
    return fn === 'sum' || fn === 'avg' ? columns.find((c) => NUMERIC.has(c.type)) || columns[0] : columns[0];
  }

  function renderReference(node, pointer, ctx) {
    const options = segments.filter((s) => s.key !== selfKey).map((s) => ({ value: s.key, label: `${s.name} (${s.key})` }));
    if (!options.some((o) => o.value === node.segment)) options.unshift({ value: node.segment, label: node.segment });
    const ref = select(options, node.segment, { 'data-field': 'segment', disabled: readOnly });
    ref.addEventListener('change', () => { node.segment = ref.value; changed(); });
    return h('div', { class: 'condition', 'data-pointer': pointer, 'data-kind': 'segment' },
      h('div', { class: 'row' }, labelled('In segment', ref)), messageSlots(), nodeButtons(node, pointer, ctx));
  }

  function countConditions(n) {
    if (!n || typeof n !== 'object') return 0;
    if (isGroup(n)) return n[groupKey(n)].reduce((a, c) => a + countConditions(c), 0);
    if (n.not !== undefined) return countConditions(n.not);
    return 1;
  }

  return {
    rule: () => JSON.parse(JSON.stringify(rule)),
    setRule(r) {
      rule = r && typeof r === 'object' ? JSON.parse(JSON.stringify(r)) : { all: [] };
      if (!isGroup(rule)) rule = { all: [rule] }; // a top-level group gives the add buttons a home
      rerender();
    },
    conditionCount: () => countConditions(rule),
  };
}
