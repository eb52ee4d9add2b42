// Validation messages at the element a JSON pointer designates: the problem's errors[] and the answer's warnings[]
// ({pointer, message, suggestion?}) go to the [data-pointer] element whose pointer is the longest prefix of theirs.
import { h } from '../ui.js';

/** Removes every placed message under root. */
export function clearMessages(root) {
  for (const el of root.querySelectorAll('.field-error, .field-warning')) el.replaceChildren();
  for (const el of root.querySelectorAll('[data-invalid]')) el.removeAttribute('data-invalid');
  for (const el of root.querySelectorAll('[aria-invalid]')) el.setAttribute('aria-invalid', 'false');
  for (const el of root.querySelectorAll('[data-message-ids]')) {
    const own = el.dataset.messageIds.split(' ');
    const rest = (el.getAttribute('aria-describedby') || '').split(' ').filter((x) => x && !own.includes(x));
    if (rest.length) el.setAttribute('aria-describedby', rest.join(' ')); else el.removeAttribute('aria-describedby');
    delete el.dataset.messageIds;
  }
}

/**
 * Shows messages ([{pointer, message}]) at the element whose data-pointer is the longest prefix of each pointer, in
 * its own .field-error (kind 'error') or .field-warning (kind 'warning'); the control the rest of the pointer names
 * (data-field) gets aria-invalid and aria-describedby. Returns the messages no element took.
 */
export function placeMessages(root, messages, kind = 'error') {
  const unplaced = [];
  for (const m of messages) {
    const pointer = m.pointer || '';
    let target = null;
    let cut = pointer.length;
    while (cut > 0) { // "/rule/all/2/value", then "/rule/all/2", "/rule/all", "/rule"
      target = root.querySelector(`[data-pointer="${CSS.escape(pointer.slice(0, cut))}"]`);
      if (target) break;
      cut = pointer.lastIndexOf('/', cut - 1);
    }
    const slot = target && [...target.children].find((c) => c.classList.contains(kind === 'error' ? 'field-error' : 'field-warning'));
    if (!slot) { unplaced.push(m); continue; }
    slot.append(h('span', {}, messageText(m), ' '));
    if (kind === 'error') target.dataset.invalid = 'true';
    const control = controlFor(target, pointer.slice(cut).replace(/^\//, ''));
    if (kind === 'warning' && typeof m.suggestion === 'string' && control?.matches('input[type=text][data-field=value]')) {
      slot.append(h('button', { type: 'button', class: 'link', 'data-action': 'use-suggestion', onclick: () => {
        control.value = m.suggestion;
        control.dispatchEvent(new Event('input'));
        control.focus();
      } }, `Use “${m.suggestion}”`));
    }
    if (control) {
      if (kind === 'error') control.setAttribute('aria-invalid', 'true');
      const ids = (control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean);
      if (!ids.includes(slot.id)) {
        control.setAttribute('aria-describedby', [...ids, slot.id].join(' '));
        control.dataset.messageIds = [control.dataset.messageIds, slot.id].filter(Boolean).join(' ');
      }
    }
  }
  return unplaced;
}

function controlFor(target, rest) {
  const own = (el) => el.closest('[data-pointer]') === target;
  let path = rest;
  while (path) {
    const found = [...target.querySelectorAll(`[data-field="${CSS.escape(path)}"]`)].find(own);
    if (found) return found.matches('fieldset') ? found.querySelector('input') || found : found;
    path = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  }
  return [...target.querySelectorAll('select, input')].find(own) || null;
}

/** A message's text, with the nearest known value when the API offers one. */
export function messageText(m) {
  const base = m.message || m.detail || m.code || JSON.stringify(m);
  const near = m.suggestion;
  return typeof near === 'string' && !base.includes(near) ? `${base} (did you mean “${near}”?)` : base;
}
