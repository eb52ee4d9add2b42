// Stands in for pages another change adds (syncs, runs, record errors, destinations).
import { h } from '../ui.js';

export function render(container) {
  container.append(h('h1', {}, 'Coming soon'),
    h('p', { class: 'muted' }, 'This page is not written yet; the REST API under /api/v1 already offers it.'));
}
