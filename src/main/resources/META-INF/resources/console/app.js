/*
 * ma-sync console: the shell (sign-in, navigation, router). Plain ES modules, no build step, no dependencies.
 *
 * EXTENSION POINT: adding a page
 *   1. Write pages/<name>.js exporting `render(container, params, ctx)`:
 *        container  an empty <div> to fill; start it with an <h1> (the shell focuses it after navigation)
 *        params     the route's :placeholders, decoded (e.g. {key: 'math_slipping'} for '/segments/:key')
 *        ctx        {signal, navigate(hash)}: signal aborts when the user navigates away (pass it to api calls)
 *      It may be async; a thrown ApiError is shown on the page. Use api.js for every call and ui.js for the DOM.
 *   2. Add one import and one line to the `routes` list in pages.js.
 *   Elements with data-requires="editor" (or "admin") are hidden for keys whose role lacks it; also check
 *   `can('editor')` from api.js before offering an action. See README.md in this folder for the test hooks.
 */
import { signIn, signOut, signedIn, session, can, whenUnauthorized, ApiError } from './api.js';
import { h, status, clearStatus, errorText } from './ui.js';
import { routes } from './pages.js';

const $ = (id) => document.getElementById(id);
let current = null; // AbortController of the page on screen

/** Finds the route of a hash ('#/segments/abc') → {route, params} or null. */
export function match(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  for (const route of routes) {
    const want = route.path.split('/').filter(Boolean);
    if (want.length !== parts.length) continue;
    const params = {};
    const ok = want.every((w, i) => {
      if (w.startsWith(':')) {
        try { params[w.slice(1)] = decodeURIComponent(parts[i]); } catch { return false; }
        return true;
      }
      return w === parts[i];
    });
    if (ok) return { route, params };
  }
  return null;
}

function showSignIn(message) {
  current?.abort();
  $('page').replaceChildren();
  $('nav').hidden = true;
  $('whoami').hidden = true;
  $('signout').hidden = true;
  $('signin').hidden = false;
  $('signin-error').textContent = message || '';
  $('signin-key').setAttribute('aria-invalid', message ? 'true' : 'false');
  document.title = 'Sign in · ma-sync console';
  $('signin-key').focus();
}

async function onSignIn(event) {
  event.preventDefault();
  const input = $('signin-key');
  const key = input.value;
  if (!key.trim()) {
    showSignIn('Enter an API key (it starts with msk_, or is the configured admin key).');
    return;
  }
  $('signin-submit').disabled = true;
  try {
    await signIn(key);
    input.value = '';
    $('signin-error').textContent = '';
    $('signin').hidden = true;
    showNavFor();
    $('nav').hidden = false;
    $('signout').hidden = false;
    const who = $('whoami');
    who.textContent = `${session.user.name} (${session.user.role})`;
    who.hidden = false;
    if (!match(location.hash)) location.hash = '#/segments';
    else route();
  } catch (e) {
    showSignIn(e instanceof ApiError && e.status === 401
      ? 'This key was not accepted: it is unknown or revoked.'
      : 'Could not sign in: ' + errorText(e));
  } finally {
    $('signin-submit').disabled = false;
  }
}

/**
 * Shows only the nav links whose page the signed-in role may open: each link's role is the one its route declares in
 * pages.js (e.g. Destinations: admin), so a viewer never clicks into "This page needs the admin role".
 */
function showNavFor() {
  for (const a of document.querySelectorAll('a[data-nav]')) {
    const role = match(a.getAttribute('href'))?.route.role;
    a.hidden = !!role && !can(role);
  }
}

/** Hides [data-requires] elements the signed-in role may not use. */
function applyRoles(root) {
  if (!(root instanceof Element)) return;
  const gated = root.matches('[data-requires]') ? [root] : [];
  gated.push(...root.querySelectorAll('[data-requires]'));
  for (const el of gated) if (!can(el.dataset.requires)) el.hidden = true;
}

async function route() {
  if (!signedIn()) { showSignIn(); return; }
  current?.abort();
  const controller = (current = new AbortController());
  const found = match(location.hash);
  for (const a of document.querySelectorAll('a[data-nav]')) {
    if (found && a.dataset.nav === found.route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const container = h('div', { class: 'page' });
  $('page').replaceChildren(container);
  clearStatus();
  if (!found) {
    container.append(h('h1', {}, 'Page not found'), h('p', {}, h('a', { href: '#/segments' }, 'Go to segments')));
  } else if (found.route.role && !can(found.route.role)) {
    container.append(h('h1', {}, 'Not available'),
      h('p', {}, `This page needs the ${found.route.role} role; your key has the ${session.user.role} role.`));
  } else {
    try {
      await found.route.page.render(container, found.params, {
        signal: controller.signal,
        navigate: (hash) => { location.hash = hash; },
      });
    } catch (e) {
      if (e.name === 'AbortError' || controller.signal.aborted) return;
      if (!signedIn()) return; // 401: the sign-in form is already shown
      if (!container.querySelector('h1')) container.prepend(h('h1', {}, 'Could not load this page'));
      container.append(h('p', { class: 'field-error', role: 'alert' }, errorText(e)));
    }
  }
  if (controller.signal.aborted) return;
  applyRoles(container);
  const heading = container.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
    document.title = `${heading.textContent} · ma-sync console`;
  }
}

function start() {
  whenUnauthorized(() => showSignIn('Your key is no longer accepted (revoked?). Sign in again.'));
  $('signin-form').addEventListener('submit', onSignIn);
  $('signout').addEventListener('click', () => {
    signOut();
    status('Signed out.', 'ok');
    showSignIn();
  });
  // pages add content after loading data: keep role gates on whatever appears
  new MutationObserver((records) => {
    for (const r of records) r.addedNodes.forEach(applyRoles);
  }).observe($('page'), { childList: true, subtree: true });
  window.addEventListener('hashchange', route);
  showSignIn();
}

start();
