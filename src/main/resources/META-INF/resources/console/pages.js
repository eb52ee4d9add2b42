// The page registry: one import and one line per page. Routes match in order (put '/x/new' before '/x/:key').
// path: '#'-relative, ':name' captures a segment; nav: which a[data-nav] link is current; role: needed to open it.
import * as segmentList from './pages/segment-list.js';
import * as segmentEdit from './pages/segment-edit.js';
import * as segmentDetail from './pages/segment-detail.js';
import * as placeholder from './pages/placeholder.js';

export const routes = [
  { path: '/segments', nav: 'segments', page: segmentList },
  { path: '/segments/new', nav: 'segments', page: segmentEdit, role: 'editor' },
  { path: '/segments/:key/edit', nav: 'segments', page: segmentEdit, role: 'editor' },
  { path: '/segments/:key', nav: 'segments', page: segmentDetail },
  { path: '/syncs', nav: 'syncs', page: placeholder },
  { path: '/syncs/:key', nav: 'syncs', page: placeholder },
  { path: '/errors', nav: 'errors', page: placeholder },
  { path: '/destinations', nav: 'destinations', page: placeholder },
];
