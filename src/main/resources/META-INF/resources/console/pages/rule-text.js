// A segment rule (the JSON of the API) as one readable line per node, for lists, explain and versions.

const OPS = {
  eq: '=', neq: '≠', lt: '<', lte: '≤', gt: '>', gte: '≥', in: 'is one of', not_in: 'is none of',
  contains: 'contains', starts_with: 'starts with', ends_with: 'ends with', is_null: 'is empty',
  is_not_null: 'is set', is_true: 'is true', is_false: 'is false', between: 'is between', before: 'is before',
  after: 'is after', within_last: 'is within the last', before_last: 'is before the last',
  within_next: 'is within the next', after_next: 'is after the next', contains_any: 'contains any of',
  contains_all: 'contains all of',
};

export const opLabel = (op) => OPS[op] || op;

/** The comparison part of a condition: "≥ 5", "is one of hs3, ronin", "is between 1 and 3". */
export function comparison(c) {
  const op = opLabel(c.op);
  if (c.values !== undefined) return `${op} ${[].concat(c.values).join(', ')}`;
  if (c.from !== undefined || c.to !== undefined) return `${op} ${c.from ?? '…'} and ${c.to ?? '…'}`;
  if (c.duration !== undefined) return `${op} ${c.duration}`;
  if (c.value !== undefined) return `${op} ${JSON.stringify(c.value)}`;
  return op;
}

/** One node in words (without its children for groups). */
export function describe(node) {
  if (!node || typeof node !== 'object') return String(node);
  if (node.all) return `all of (${node.all.length})`;
  if (node.any) return `any of (${node.any.length})`;
  if (node.not) return `not: ${describe(node.not)}`;
  if (node.segment) return `in segment ${node.segment}`;
  if (node.combinator) return `${node.combinator} of`; // explain's view of a group
  if (node.event) {
    const agg = node.aggregate || {};
    const what = agg.fn === 'count' || !agg.fn ? 'count' : `${agg.fn}(${agg.attribute || ''})`;
    const window = node.within_last ? ` in the last ${node.within_last}`
      : node.between ? ` between ${node.between.from} and ${node.between.to}` : '';
    const where = node.where ? ` where ${whole(node.where)}` : '';
    return `${what} of ${node.event}${where}${window} ${comparison(node)}`;
  }
  if (node.attribute) return `${node.attribute} ${comparison(node)}`;
  return JSON.stringify(node);
}

/** A whole rule in words, groups included. */
export function whole(node) {
  if (node?.all) return node.all.map(whole).join(' AND ');
  if (node?.any) return '(' + node.any.map(whole).join(' OR ') + ')';
  if (node?.not) return `NOT (${whole(node.not)})`;
  return describe(node);
}

/** Learner attributes a rule filters on (not event columns), in order of appearance. */
export function attributesUsed(rule) {
  const names = new Set();
  const walk = (n) => {
    if (!n || typeof n !== 'object') return;
    if (n.attribute && !n.event) names.add(n.attribute);
    [n.all, n.any].forEach((c) => c && c.forEach(walk));
    if (n.not) walk(n.not);
  };
  walk(rule);
  return [...names];
}
