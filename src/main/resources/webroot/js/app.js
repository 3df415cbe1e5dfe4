// The control-room page: log in, then the live view (run board, alerts, parents' messages,
// phones, compliance, pupil lookup) and, for managers and above, the KPI view. Everything comes
// from this server's API with the session cookie; nothing is fetched from anywhere else.

import { api, get, post, useSession, forgetSession } from './api.js';
import { $ } from './dom.js';
import { initBoard, loadBoard, clearBoard, updateRun, scheduleRender } from './board.js';
import { initAlerts, startAlerts, clearAlerts, notStartedRunIds, onStream } from './alerts.js';
import { startMessages, clearMessages, messagesChanged } from './messages.js';
import { loadPhones, loadCompliance, initPupilLookup } from './panels.js';
import { initKpi, showKpi } from './kpi.js';

const ROLES = ['viewer', 'controller', 'manager', 'admin'];
const REFRESH = { board: 30_000, phones: 20_000, compliance: 300_000 };
let timers = [];
let session = null;
let serviceDate = null;
let kpiShown = false;

function atLeast(role, minimum) {
  return ROLES.indexOf(role) >= ROLES.indexOf(minimum);
}

function setState(state) {
  document.body.dataset.state = state;
}

function showLogin(message) {
  $('live').hidden = true;
  $('kpi').hidden = true;
  $('views').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  $('login-message').textContent = message || '';
  $('login-password').value = '';
  $('login-email').focus();
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

function end(message) {
  for (const t of timers) clearInterval(t);
  timers = [];
  session = null;
  forgetSession();
  clearAlerts();
  clearMessages();
  clearBoard();
  showLogin(message);
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
    end('You have logged out.');
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
  get('/api/v1/session').then(start, () => showLogin());
}

boot();
