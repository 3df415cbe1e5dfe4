// The control-room page: log in, then the live view (run board, alerts, parents' messages,
// phones, compliance, pupil lookup) and, for managers and above, the KPI view. A school's staff
// log in here too and get only their school's view: the control room's panels are taken out of
// the page for them and none of the control room's API is called. Everything comes from this
// server's API with the session cookie; nothing is fetched from anywhere else.

import { api, get, post, useSession, forgetSession } from './api.js';
import { $ } from './dom.js';
import { initBoard, loadBoard, clearBoard, updateRun, scheduleRender } from './board.js';
import { initAlerts, startAlerts, clearAlerts, notStartedRunIds, onStream } from './alerts.js';
import { startMessages, clearMessages, messagesChanged } from './messages.js';
import { loadPhones, loadCompliance, initPupilLookup } from './panels.js';
import { initKpi, showKpi } from './kpi.js';
import { initSchool, startSchool, stopSchool } from './school.js';

const ROLES = ['viewer', 'controller', 'manager', 'admin'];
const REFRESH = { board: 30_000, phones: 20_000, compliance: 300_000 };
let timers = [];
let session = null;
let serviceDate = null;
let kpiShown = false;
const TITLE = document.title;
/** The control room's own parts, out of the page while a school's staff are logged in. */
const STAFF_ONLY = ['views', 'live', 'kpi'];
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
  $('live').hidden = true;
  $('kpi').hidden = true;
  $('views').hidden = true;
  $('who').hidden = true;
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

function showView(view) {
  for (const button of $('views').querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.view === view));
  }
  $('live').hidden = view !== 'live';
  $('kpi').hidden = view !== 'kpi';
  if (view === 'kpi' && !kpiShown && serviceDate) {
    kpiShown = true;
    showKpi(serviceDate).then(() => (document.body.dataset.kpi = 'ready'));
  }
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
  showView('live');
  setState('loading');
  serviceDate = await loadPhones();
  await Promise.all([
    startAlerts(atLeast(current.role, 'controller'), serviceDate),
    startMessages(atLeast(current.role, 'controller'), serviceDate),
    loadBoard(),
    loadCompliance(),
  ]);
  every(REFRESH.board, loadBoard);
  every(REFRESH.phones, loadPhones);
  every(REFRESH.compliance, loadCompliance);
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
  session = null;
  forgetSession();
  stopSchool();
  putStaffPartsBack();
  delete document.body.dataset.view;
  document.querySelector('.top .sub').textContent = 'control room';
  document.title = TITLE;
  clearAlerts();
  clearMessages();
  clearBoard();
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

function boot() {
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  for (const button of $('views').querySelectorAll('button')) {
    button.addEventListener('click', () => showView(button.dataset.view));
  }
  initBoard(notStartedRunIds);
  initAlerts(updateRun, scheduleRender);
  onStream('message', messagesChanged);
  onStream('open', messagesChanged);
  initPupilLookup();
  initKpi();
  initSchool();
  get('/api/v1/sign-in')
    .then((options) => (signIn = options), () => {})
    .then(() => get('/api/v1/session'))
    .then(start, () => showLogin());
}

boot();
