// The page registry: one import and one line per page. Routes match in order (put '/x/new' before '/x/:key').
// path: '#'-relative, ':name' captures a segment; nav: which a[data-nav] link is current; role: needed to open it.
import * as segmentList from './pages/segment-list.js';
import * as segmentEdit from './pages/segment-edit.js';
import * as segmentDetail from './pages/segment-detail.js';
import * as syncList from './pages/sync-list.js';
import * as syncDetail from './pages/sync-detail.js';
import * as syncEdit from './pages/sync-edit.js';
import * as recordErrors from './pages/errors.js';
import * as destinations from './pages/destinations.js';

export const routes = [
  { path: '/segments', nav: 'segments', page: segmentList },
  { path: '/segments/new', nav: 'segments', page: segmentEdit, role: 'editor' },
  { path: '/segments/:key/edit', nav: 'segments', page: segmentEdit, role: 'editor' },
  { path: '/segments/:key', nav: 'segments', page: segmentDetail },
  { path: '/syncs', nav: 'syncs', page: syncList },
  { path: '/syncs/new', nav: 'syncs', page: syncEdit, role: 'editor' },
  { path: '/syncs/:key/edit', nav: 'syncs', page: syncEdit, role: 'editor' },
  { path: '/syncs/:key', nav: 'syncs', page: syncDetail },
  { path: '/errors', nav: 'errors', page: recordErrors },
  { path: '/destinations', nav: 'destinations', page: destinations, role: 'admin' },
];
