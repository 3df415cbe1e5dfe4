// The control-room page: log in, then the views, each with its own address so that back and
// forward work and a link opens it: the live view (#/, run board, alerts, parents' messages,
// phones, compliance, pupil lookup), the map (#/map), a run (#/runs/ID), an alert (#/alerts/ID)
// and, for managers and above, the KPIs (#/kpi). The live view and the map show any day
// (?date=YYYY-MM-DD), read-only for a past one. A school's staff log in here too and get only
// their school's view: the control room's parts are taken out of the page for them and none of
// the control room's API is called. Everything comes from this server's API with the session
// cookie; nothing is fetched from anywhere else but the map's tiles.

import { api, get, post, useSession, forgetSession } from './api.js';
import { $ } from './dom.js';
import { initBoard, loadBoard, clearBoard, updateRun, scheduleRender, showDay } from './board.js';
import {
  initAlerts,
  startAlerts,
  clearAlerts,
  notStartedRunIds,
  onStream,
  showAlertsDay,
} from './alerts.js';
import { startMessages, clearMessages, messagesChanged } from './messages.js';
import { startPlanChanges, clearPlanChanges, loadPlanChanges } from './planchanges.js';
import { loadPhones, loadCompliance, initPupilLookup } from './panels.js';
import { loadNames, clearNames } from './names.js';
import { initKpi, showKpi } from './kpi.js';
import { initSchool, startSchool, stopSchool } from './school.js';
import { initDetail, showRun, showAlert, leaveDetail } from './run.js';
import { initMap, showMapDay } from './map.js';
import { checkIntake, showIntake } from './intake.js';

const ROLES = ['viewer', 'controller', 'manager', 'admin'];
const REFRESH = { board: 30_000, phones: 20_000, compliance: 300_000, intake: 10_000 };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
let timers = [];
let session = null;
let serviceDate = null;
let shownDay = null;
let kpiShown = false;
const TITLE = document.title;
/** The control room's own parts, out of the page while a school's staff are logged in. */
const STAFF_ONLY = ['views', 'day-form', 'live', 'map-view', 'detail', 'kpi'];
const VIEWS = { live: 'live', map: 'map-view', run: 'detail', alert: 'detail', kpi: 'kpi' };
const setAside = new Map();

function setStaffPartsAside() {
  for (const id of STAFF_ONLY) {
    const element = $(id);
    if (element) {
      const mark = document.createComment(id);
      element.replaceWith(mark);
      setAside.set(id, { element, mark });
    }
  }
}

function putStaffPartsBack() {
  for (const { element, mark } of setAside.values()) {
    mark.replaceWith(element);
  }
  setAside.clear();
}

function atLeast(role, minimum) {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

function setState(state) {
  document.body.dataset.state = state;
}

// Which ways in there are: passwords, the council's account, or both (GET /api/v1/sign-in).
let signIn = { passwords: true };

function showLogin(message, signedOut) {
  for (const id of ['live', 'map-view', 'detail', 'kpi', 'views', 'day-form', 'who']) {
    $(id).hidden = true;
  }
  $('login').hidden = false;
  $('council').hidden = !signIn.councilSignIn;
  $('login-form').hidden = !signIn.passwords;
  $('council-sign-out').hidden = !(signedOut && signIn.councilSignOut);
  if (signIn.councilSignOut) {
    $('council-sign-out-link').href = signIn.councilSignOut;
  }
  $('login-message').textContent = message || '';
  $('login-password').value = '';
  (signIn.passwords ? $('login-email') : $('council-sign-in')).focus();
  setState('login');
}

/** Where the address points: {view, id?, date?}. */
function route() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query] = raw.split('?');
  const params = new URLSearchParams(query || '');
  const parts = path.split('/').filter(Boolean);
  const date = DATE.test(params.get('date') || '') ? params.get('date') : null;
  if (parts[0] === 'runs' && parts[1]) return { view: 'run', id: decodeURIComponent(parts[1]) };
  if (parts[0] === 'alerts' && /^\d+$/.test(parts[1] || '')) return { view: 'alert', id: Number(parts[1]) };
  if (parts[0] === 'map') return { view: 'map', date };
  if (parts[0] === 'kpi' && !$('kpi-tab').hidden) return { view: 'kpi' };
  return { view: 'live', date };
}

/** The address of a view on a day (today's has no date in it). */
function address(view, day) {
  const base = view === 'map' ? '#/map' : '#/';
  return day && day !== serviceDate ? `${base}?date=${day}` : base;
}

/** Shows the view the address names; its data is the caller's. */
function showView() {
  const where = route();
  const view = where.view;
  document.body.dataset.screen = view;
  for (const id of new Set(Object.values(VIEWS))) {
    $(id).hidden = id !== VIEWS[view];
  }
  for (const link of $('views').querySelectorAll('a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  return where;
}

async function showRoute() {
  if (!session || session.role === 'school') {
    return;
  }
  const where = showView();
  const view = where.view;
  const dayed = view === 'live' || view === 'map';
  $('day-form').hidden = !dayed;
  if (dayed) {
    await showDayOf(where.date || serviceDate);
    $('live-tab').href = address('live', shownDay);
    $('map-tab').href = address('map', shownDay);
  }
  if (view !== 'run' && view !== 'alert') {
    leaveDetail();
  }
  if (view === 'map') {
    await showMapDay(shownDay, shownDay === serviceDate);
  } else if (view === 'run') {
    await showRun(where.id);
  } else if (view === 'alert') {
    await showAlert(where.id);
  } else if (view === 'kpi' && !kpiShown && serviceDate) {
    kpiShown = true;
    showKpi(serviceDate).then(() => (document.body.dataset.kpi = 'ready'));
  }
}

/** The live view and the map show this day: today live, a past day read-only. */
async function showDayOf(day) {
  const chosen = day > serviceDate ? serviceDate : day;
  $('day').value = chosen;
  if (chosen === shownDay) {
    return;
  }
  shownDay = chosen;
  const isToday = chosen === serviceDate;
  document.body.dataset.day = isToday ? 'today' : 'past';
  $('day-note').textContent = isToday ? '' : `Showing ${chosen}: read-only`;
  for (const id of ['board-day', 'map-day']) {
    $(id).textContent = isToday ? 'today' : `on ${chosen}`;
  }
  showDay(chosen, isToday);
  setState('loading');
  await Promise.all([loadBoard(chosen, isToday), showAlertsDay(chosen)]);
  setState('live');
}

function every(millis, task) {
  timers.push(setInterval(() => task().catch(() => {}), millis));
}

async function start(current) {
  session = current;
  useSession(current.csrfToken, () => end('Your session has ended: log in again.'));
  $('login').hidden = true;
  $('who-email').textContent = current.email;
  $('who-role').textContent = current.role;
  $('who').hidden = false;
  if (current.role === 'school') {
    await startSchoolView(current);
    return;
  }
  $('views').hidden = false;
  $('kpi-tab').hidden = !atLeast(current.role, 'manager');
  kpiShown = false;
  setState('loading');
  serviceDate = await loadPhones();
  shownDay = serviceDate;
  $('day').max = serviceDate;
  $('day').value = serviceDate;
  document.body.dataset.day = 'today';
  showDay(serviceDate, true);
  await loadNames();
  // The view first, so that what the address asks for can take the focus as it loads.
  showView();
  await Promise.all([
    startAlerts(atLeast(current.role, 'controller'), serviceDate, current.email),
    startMessages(atLeast(current.role, 'controller'), serviceDate),
    atLeast(current.role, 'manager') ? startPlanChanges(current.email, serviceDate) : Promise.resolve(),
    loadBoard(serviceDate, true),
    loadCompliance(),
  ]);
  await showRoute();
  every(REFRESH.board, () => (shownDay === serviceDate ? loadBoard(serviceDate, true) : Promise.resolve()));
  every(REFRESH.phones, loadPhones);
  every(REFRESH.compliance, loadCompliance);
  every(REFRESH.intake, checkIntake);
  checkIntake();
  if (atLeast(current.role, 'manager')) {
    every(REFRESH.phones, () => loadPlanChanges(serviceDate));
  }
  setState('live');
}

async function startSchoolView(current) {
  setStaffPartsAside();
  document.body.dataset.view = 'school';
  document.querySelector('.top .sub').textContent = 'school';
  setState('loading');
  await startSchool(current);
  setState('live');
}

function end(message, signedOut) {
  for (const t of timers) clearInterval(t);
  timers = [];
  showIntake(null);
  session = null;
  serviceDate = null;
  shownDay = null;
  forgetSession();
  stopSchool();
  putStaffPartsBack();
  delete document.body.dataset.view;
  delete document.body.dataset.screen;
  delete document.body.dataset.day;
  document.querySelector('.top .sub').textContent = 'control room';
  leaveDetail();
  clearAlerts();
  clearMessages();
  clearPlanChanges();
  clearBoard();
  clearNames();
  document.title = TITLE;
  showLogin(message, signedOut);
}

async function login(event) {
  event.preventDefault();
  const button = $('login-submit');
  button.disabled = true;
  $('login-message').textContent = '';
  try {
    const started = await post('/api/v1/session', {
      email: $('login-email').value.trim(),
      password: $('login-password').value,
    });
    $('login-password').value = '';
    await start(started);
  } catch (e) {
    $('login-message').textContent = e.message;
    $('login-password').focus();
  } finally {
    button.disabled = false;
  }
}

async function logout() {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    end('You have logged out.', true);
  }
}

/** A day chosen in the picker: the same view on that day, as a new address. */
function chooseDay(day) {
  if (!DATE.test(day || '')) {
    return;
  }
  const view = route().view === 'map' ? 'map' : 'live';
  location.hash = address(view, day);
}

function boot() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('day-form').addEventListener('submit', (e) => e.preventDefault());
  $('day').addEventListener('change', () => chooseDay($('day').value));
  $('day-today').addEventListener('click', () => chooseDay(serviceDate));
  window.addEventListener('hashchange', () => showRoute().catch(() => {}));
  initBoard(notStartedRunIds);
  initAlerts(updateRun, scheduleRender);
  onStream('message', messagesChanged);
  onStream('open', messagesChanged);
  initPupilLookup();
  initKpi();
  initSchool();
  initDetail();
  initMap();
  get('/api/v1/sign-in')
    .then((options) => (signIn = options), () => {})
    .then(() => get('/api/v1/session'))
    .then(start, () => showLogin());
}

boot();
