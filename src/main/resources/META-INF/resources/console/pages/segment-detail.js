// Filled in by the segments change (builder, detail); a placeholder keeps the routes working meanwhile.
import { h } from '../ui.js';

export function render(container, params) {
  container.append(h('h1', {}, params.key ? `Segment ${params.key}` : 'New segment'), h('p', {}, 'Coming soon.'));
}
