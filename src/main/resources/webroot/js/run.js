// One run (#/runs/ID) or one alert with its run (#/alerts/ID): the run's route, operator (with
// the phone and control-room email to ring or write to), school, crew with their compliance,
// vehicle, the stops in order with each pupil's state, the ETA and minutes late, the run's alerts
// with their actions, and every stored event. It follows the stream while it is open: the run's
// changes, its alerts and its positions read it again, and so does a quiet look every few
// seconds for events that change nothing the stream carries (a pupil boarded).

import { ApiError, get } from './api.js';
import { $, h, clock, named, PUPIL_STATES, STATUS_LABELS } from './dom.js';
import { alertById, alertList, alertsOfRun, loadAlert, onAlertsChanged, onStream, takeAlerts } from './alerts.js';
import { operatorName, schoolName } from './names.js';

const LOOK_AGAIN_MS = 10_000;
const SOON_MS = 1_000;
const runAlerts = alertList('run-');
const detailAlerts = alertList('detail-', { alwaysOpen: true });
let openRunId = null;
let openAlertId = null;
let shown = null;
let timer = null;
let soon = null;
const shownListeners = [];

export function initDetail() {
  $('detail-back').addEventListener('click', () => {
    if (history.length > 1) history.back();
    else location.hash = '#/';
  });
  onAlertsChanged(renderAlerts);
  const mine = (data) => openRunId && data.runId === openRunId;
  onStream('run', (e) => {
    if (openRunId && JSON.parse(e.data).id === openRunId) readSoon();
  });
  onStream('position', (e) => {
    // Hundreds a second on a busy morning: read only while a run is open.
    if (openRunId && mine(JSON.parse(e.data))) readSoon();
  });
}

/** Called with each run the view shows, whenever it is read (the map draws it). */
export function onRunShown(listener) {
  shownListeners.push(listener);
}

export function leaveDetail() {
  openRunId = null;
  openAlertId = null;
  shown = null;
  clearInterval(timer);
  clearTimeout(soon);
  timer = null;
  soon = null;
}

/** Opens a run on its own page. */
export function showRun(runId) {
  openAlertId = null;
  $('alert-detail').hidden = true;
  return openRun(runId, true);
}

/** Reads and shows a run; {@code focus} moves the keyboard to its heading. */
async function openRun(runId, focus) {
  if (runId === openRunId && shown) {
    return;
  }
  openRunId = runId;
  shown = null;
  $('detail-message').textContent = '';
  $('run-detail').hidden = true;
  try {
    await read();
  } catch (e) {
    $('detail-message').textContent =
      e instanceof ApiError && e.status === 404 ? `There is no run ${runId}.` : e.message;
    return;
  }
  if (focus) {
    $('run-title').focus();
  }
  clearInterval(timer);
  timer = setInterval(() => read().catch(() => {}), LOOK_AGAIN_MS);
}

/** Opens an alert on its own page, with its run below it when it has one. */
export async function showAlert(alertId) {
  openAlertId = alertId;
  $('alert-detail').hidden = false;
  $('detail-message').textContent = '';
  let alert;
  try {
    alert = await loadAlert(alertId);
  } catch (e) {
    $('alert-detail').hidden = true;
    $('run-detail').hidden = true;
    $('detail-message').textContent =
      e instanceof ApiError && e.status === 404 ? `There is no alert ${alertId}.` : e.message;
    return;
  }
  $('alert-detail-title').textContent = `Alert ${alertId}`;
  renderAlerts();
  if (alert.runId) {
    openRunId = null;
    await openRun(alert.runId, false);
  } else {
    leaveRunOnly();
  }
  const row = $(`detail-alert-${alertId}`);
  (row || $('alert-detail-title')).focus();
}

function leaveRunOnly() {
  openRunId = null;
  shown = null;
  clearInterval(timer);
  $('run-detail').hidden = true;
}

function readSoon() {
  if (!soon) {
    soon = setTimeout(() => {
      soon = null;
      read().catch(() => {});
    }, SOON_MS);
  }
}

async function read() {
  const runId = openRunId;
  if (!runId) {
    return;
  }
  const run = await get(`/api/v1/runs/${encodeURIComponent(runId)}`);
  if (runId !== openRunId) {
    return;
  }
  shown = run;
  takeAlerts(run.alerts || []);
  render(run);
  for (const listener of shownListeners) listener(run);
}

function renderAlerts() {
  if (openAlertId !== null && !$('alert-detail').hidden) {
    const alert = alertById(openAlertId);
    detailAlerts.place($('alert-detail-list'), alert ? [{ alert }] : []);
  }
  if (openRunId && shown) {
    runAlerts.place(
      $('run-alert-list'),
      alertsOfRun(openRunId).map((alert) => ({ alert })),
    );
  }
}

function render(run) {
  $('run-detail').hidden = false;
  const late = (run.minutesLate || 0) > 0;
  $('run-title').textContent = `Run ${run.id}`;
  $('run-detail').dataset.runId = run.id;
  $('run-detail').dataset.status = run.status;
  $('run-facts').replaceChildren(facts(run, late), crew(run));
  $('run-stops').replaceChildren(stops(run));
  $('run-timeline').replaceChildren(timeline(run));
  renderAlerts();
}

function facts(run, late) {
  const operator = run.operator || { id: run.operatorId, name: run.operatorName || operatorName(run.operatorId) };
  const school = run.school || { id: run.schoolId, name: run.schoolName || schoolName(run.schoolId) };
  const status = STATUS_LABELS[run.status] || run.status;
  const item = (label, ...value) => [h('dt', {}, label), h('dd', {}, ...value)];
  return h(
    'dl',
    { class: 'facts', id: 'run-facts-list' },
    item(
      'Status',
      h('span', { class: `status status-${run.status}${late ? ' late' : ''}` }, status),
      late ? h('span', { class: 'flag late' }, `» ${run.minutesLate} min late`) : null,
      run.feedSilent ? h('span', { class: 'flag silent' }, '? feed silent') : null,
    ),
    item('Route', [run.routeId, run.routeName].filter(Boolean).join(' '), ` (${run.direction}, ${run.date})`),
    item(
      'Operator',
      named(operator.id, operator.name),
      operator.phone ? [' · ', h('a', { href: `tel:${operator.phone.replace(/\s/g, '')}`, class: 'phone' }, operator.phone)] : null,
      operator.controlRoomEmail
        ? [' · ', h('a', { href: `mailto:${operator.controlRoomEmail}`, class: 'email' }, operator.controlRoomEmail)]
        : null,
    ),
    item('School', named(school.id, school.name)),
    item('Arrive by', clock(run.arriveBy)),
    item('ETA', run.eta ? clock(run.eta) : '–'),
    item('Minutes late', run.minutesLate === undefined ? '–' : String(run.minutesLate)),
    item('Vehicle', run.vehicleReg || '–'),
    run.position ? item('Last position', `${clock(run.position.at)} at ${run.position.lat.toFixed(5)}, ${run.position.lon.toFixed(5)}`) : null,
  );
}

function crew(run) {
  const members =
    run.crew ||
    [
      run.driverId && { crewId: run.driverId, role: 'driver' },
      run.guideId && { crewId: run.guideId, role: 'guide' },
    ].filter(Boolean);
  if (!members.length) {
    return h('p', { class: 'summary' }, 'No crew reported yet.');
  }
  const yesNo = (v) => (v === undefined || v === null ? '–' : v ? 'Yes' : 'No');
  return h(
    'table',
    { class: 'crew', id: 'run-crew' },
    h('caption', {}, 'Crew'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Crew', 'Role', 'DBS', 'HR cleared', 'Badge expires', 'Compliant'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      members.map((c) =>
        h(
          'tr',
          { 'data-crew-id': c.crewId, class: c.compliant === false ? 'not-compliant' : '' },
          h('th', { scope: 'row' }, c.crewId),
          h('td', {}, c.role),
          h('td', {}, c.dbsOutcome || '–'),
          h('td', {}, yesNo(c.hrCleared)),
          h('td', {}, c.badgeExpiresOn || '–'),
          h(
            'td',
            {},
            c.compliant === undefined
              ? '–'
              : c.compliant
                ? '✓ Compliant'
                : h('span', { class: 'flag late' }, `✕ Not compliant: ${(c.problems || []).join('; ')}`),
          ),
        ),
      ),
    ),
  );
}

function stops(run) {
  return h(
    'table',
    { class: 'stops', id: 'run-stop-table' },
    h('caption', { class: 'visually-hidden' }, `The stops of run ${run.id} in order`),
    h(
      'thead',
      {},
      h('tr', {}, ...['#', 'Stop', 'Planned', 'Reached', 'Left', 'Pupils'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      (run.stops || []).map((stop) =>
        h(
          'tr',
          { 'data-stop-id': stop.id, class: stop.reachedAt ? 'reached' : '' },
          h('td', { class: 'num' }, stop.seq),
          h('th', { scope: 'row' }, stop.id),
          h('td', {}, clock(stop.plannedTime)),
          h('td', {}, stop.reachedAt ? clock(stop.reachedAt) : '–'),
          h('td', {}, stop.leftAt ? clock(stop.leftAt) : '–'),
          h('td', {}, pupils(stop)),
        ),
      ),
    ),
  );
}

function pupils(stop) {
  const list =
    stop.pupils ||
    [
      ...(stop.pickups || []).map((pupilId) => ({ pupilId, action: 'pickup' })),
      ...(stop.dropoffs || []).map((pupilId) => ({ pupilId, action: 'dropoff' })),
    ];
  if (!list.length) {
    return '–';
  }
  return h(
    'ul',
    { class: 'stop-pupils' },
    list.map((p) =>
      h(
        'li',
        { 'data-pupil-id': p.pupilId, 'data-state': p.state, class: p.state ? `state-${p.state}` : '' },
        h('span', { class: 'pupil-ref' }, p.pupilId),
        ` ${p.action === 'dropoff' ? 'drop-off' : 'pick-up'}`,
        p.state ? [': ', h('b', {}, PUPIL_STATES[p.state] || p.state)] : null,
        p.reason ? ` (${p.reason})` : null,
        p.at ? ` ${clock(p.at)}` : null,
      ),
    ),
  );
}

/** What an event said besides its type and times, in a line. */
function details(event) {
  const skip = new Set(['eventId', 'type', 'occurredAt', 'receivedAt', 'source', 'runId']);
  return Object.entries(event)
    .filter(([key, value]) => !skip.has(key) && value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key} ${value}`)
    .join(', ');
}

function timeline(run) {
  const events = run.timeline || [];
  if (!events.length) {
    return h('p', { class: 'summary' }, 'No events stored for this run yet.');
  }
  return h(
    'table',
    { class: 'timeline', id: 'run-timeline-table' },
    h('caption', { class: 'visually-hidden' }, `Every event stored for run ${run.id}, by when it happened`),
    h(
      'thead',
      {},
      h('tr', {}, ...['Occurred', 'Event', 'Received', 'Source', 'Details'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      events.map((e) =>
        h(
          'tr',
          { 'data-event-id': e.eventId, 'data-type': e.type },
          h('td', {}, clock(e.occurredAt)),
          h('td', {}, e.type),
          h('td', {}, clock(e.receivedAt)),
          h('td', {}, e.source || '–'),
          h('td', { class: 'details' }, details(e)),
        ),
      ),
    ),
  );
}
