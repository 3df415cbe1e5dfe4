// The crew app: sign in with the office's code, see today's runs, record the journey. Every tap
// is an event kept on the phone until the server has it (queue.js), so no signal loses nothing.
// Pupils appear by reference only.

import * as queue from './queue.js';

const main = document.getElementById('main');
const sync = document.getElementById('sync');
const POSITION_MS = 15_000;

let session = null; // {token, deviceId, crewId, operatorId}
let runs = []; // the runs as last read from the server
let pending = []; // events still on the device
let openRunId = localStorage.getItem('tw.crew.openRun');
let positionTimer = null;
let locationChoice = localStorage.getItem('tw.crew.location'); // 'yes' | 'no' | null

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'onclick' || k === 'onsubmit' || k === 'onchange') {
      e.addEventListener(k.slice(2), v);
    } else if (v === true) {
      e.setAttribute(k, '');
    } else if (v !== false && v !== null && v !== undefined) {
      e.setAttribute(k, v);
    }
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) {
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  return e;
}

function show(title, ...content) {
  // Parts a screen leaves out come as null: nothing is drawn for them.
  main.replaceChildren(
    el('h1', { id: 'title', tabindex: '-1' }, title),
    ...content.filter((c) => c !== null && c !== undefined),
  );
  document.title = title + ' — TravelWatch crew';
}

function focusTitle() {
  document.getElementById('title')?.focus();
}

function hhmm(iso) {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** The runs kept on the phone are today's only: older than 18 hours, they are not shown. */
const RUNS_KEPT_MS = 18 * 3600_000;

function open(runId) {
  openRunId = runId;
  if (runId) {
    localStorage.setItem('tw.crew.openRun', runId);
  } else {
    localStorage.removeItem('tw.crew.openRun');
  }
}

// ---- what the screen says about sending

function showSync() {
  const waiting = pending.filter((i) => i.state === 'waiting').length;
  const refused = pending.filter((i) => i.state === 'failed').length;
  const parts = [];
  if (waiting > 0) {
    parts.push(`${waiting} waiting to send — will send when there is signal`);
  }
  if (refused > 0) {
    parts.push(`${refused} not accepted — see below`);
  }
  sync.textContent = parts.length ? parts.join('. ') : 'All sent';
  sync.className = 'sync' + (waiting > 0 ? ' waiting' : '');
  sync.dataset.waiting = String(waiting);
}

queue.onChange((all, why) => {
  pending = all;
  showSync();
  if (why && why.signedOut) {
    signedOut('This phone has been signed out by the office. Ask for a new sign-in code.');
    return;
  }
  if (openRunId) {
    renderRun(openRunId, false);
  }
});
addEventListener('online', showSync);
addEventListener('offline', showSync);

// ---- signing in

function signedOut(message) {
  session = null;
  queue.useToken(null);
  queue.remember('session', undefined);
  signIn(message);
}

function signIn(message, code = '') {
  open(null);
  const input = el('input', {
    id: 'code',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]{8}',
    maxlength: '8',
    required: true,
    'aria-describedby': 'code-help',
  });
  input.value = code;
  const problem = el('p', { id: 'sign-in-problem', class: 'problem', role: 'alert' }, message || '');
  const form = el(
    'form',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        problem.textContent = '';
        try {
          const response = await fetch('/api/v1/crew/devices', {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ code: input.value.trim(), deviceName: deviceName() }),
          });
          if (response.status === 201) {
            session = await response.json();
            await queue.remember('session', session);
            queue.useToken(session.token, session.crewId);
            history.replaceState(null, '', location.pathname);
            await loadRuns();
            return;
          }
          problem.textContent =
            response.status === 401
              ? 'That code did not work. Codes work once, for 15 minutes: ask your office for a new one.'
              : 'Signing in failed. Try again in a moment.';
        } catch (err) {
          problem.textContent = 'No signal: signing in needs a connection. Try again when you have signal.';
        }
      },
    },
    el('label', { for: 'code' }, 'Sign-in code'),
    el('p', { id: 'code-help', class: 'note' }, 'The 8 digits your office gave you.'),
    input,
    el('button', { type: 'submit', class: 'wide' }, 'Sign in'),
    problem,
  );
  show('Sign in', form);
  input.focus();
}

function deviceName() {
  const ua = navigator.userAgent;
  const m = ua.match(/\(([^;)]+)/);
  return (m ? m[1] : 'Phone').replace(/[^A-Za-z0-9 ._-]/g, '').slice(0, 60) || 'Phone';
}

// ---- today's runs

async function loadRuns() {
  try {
    // No date: the server's service day, whatever the phone's clock and zone say.
    const response = await fetch('/api/v1/crew/me/runs', {
      headers: { Authorization: 'Bearer ' + session.token },
      cache: 'no-store',
    });
    if (response.status === 401) {
      signedOut('This phone is no longer signed in. Ask your office for a new sign-in code.');
      return;
    }
    if (response.ok) {
      runs = (await response.json()).items;
      await queue.remember('runs', { at: Date.now(), items: runs });
    }
  } catch (e) {
    // no signal: keep what the phone last saw
  }
  if (openRunId) {
    renderRun(openRunId, false);
  } else {
    renderToday();
  }
}

function status(run) {
  const s = localState(run);
  if (s.completed) return 'completed';
  if (s.cancelled) return 'cancelled';
  if (s.arrived) return 'arrived at school';
  if (s.started) return 'started';
  return 'not started';
}

function renderToday() {
  open(null);
  stopPositions();
  const order = [...runs].sort((a, b) => {
    const done = (r) => (['completed', 'cancelled'].includes(status(r)) ? 1 : 0);
    return done(a) - done(b) || a.arriveBy.localeCompare(b.arriveBy);
  });
  const list = el(
    'ul',
    { class: 'runs' },
    order.map((r) =>
      el(
        'li',
        {},
        el(
          'button',
          { type: 'button', 'data-run': r.id, onclick: () => renderRun(r.id, true) },
          el('strong', {}, `${r.direction} run ${r.id} — ${r.schoolName}`),
          `Arrive by ${hhmm(r.arriveBy)} · ${status(r)}`,
        ),
      ),
    ),
  );
  show(
    "Today's runs",
    runs.length ? list : el('p', {}, 'No runs for you today.'),
    el('button', { type: 'button', class: 'secondary wide', onclick: () => loadRuns() }, 'Refresh'),
  );
  focusTitle();
}

// ---- a run: what the server recorded, and the taps still on the phone

function localState(run) {
  const rec = run.recorded || {};
  const s = {
    started: !!rec.started,
    arrived: !!rec.arrived,
    completed: !!rec.completed,
    cancelled: run.status === 'cancelled',
    pupils: new Map(),
  };
  for (const p of rec.boarded || []) s.pupils.set(p, { state: 'boarded', sent: true });
  for (const p of rec.absent || []) s.pupils.set(p, { state: 'absent', sent: true });
  for (const d of rec.dropped || []) s.pupils.set(d.pupilId, { state: 'dropped', stopId: d.stopId, sent: true });
  for (const item of pending) {
    const e = item.event;
    if (e.runId !== run.id) continue;
    const mark = { sent: item.state === 'sent', item };
    switch (e.type) {
      case 'run.started': s.started = true; break;
      case 'run.arrived': s.arrived = true; break;
      case 'run.completed': s.completed = true; break;
      case 'run.cancelled': s.cancelled = true; break;
      case 'pupil.boarded': s.pupils.set(e.pupilId, { ...mark, state: 'boarded' }); break;
      case 'pupil.absent': s.pupils.set(e.pupilId, { ...mark, state: 'absent' }); break;
      case 'pupil.dropped': s.pupils.set(e.pupilId, { ...mark, state: 'dropped', stopId: e.stopId }); break;
      default: break;
    }
  }
  return s;
}

function find(runId) {
  return runs.find((r) => r.id === runId);
}

async function tap(type, fields) {
  await queue.record(type, fields);
}

function stateText(p) {
  if (!p) return '';
  const where = p.stopId ? ` at ${p.stopId}` : '';
  const base = { boarded: 'On board', absent: 'Absent', dropped: 'Dropped' + where }[p.state];
  if (p.item && p.item.state === 'failed') return base + ' — not accepted: ' + p.item.detail;
  return base + (p.sent ? '' : ' — waiting to send');
}

function pupilRow(run, s, pupilId, stop, kind) {
  const p = s.pupils.get(pupilId);
  const label = el('p', {}, el('span', {}, `Pupil ${pupilId} `), el('span', { class: 'state' + (p ? ' done' : '') }, stateText(p)));
  const actions = el('div', { class: 'actions' });
  const started = s.started && !s.completed && !s.cancelled;
  if (p && p.item && queue.canUndo(p.item)) {
    actions.append(
      el('button', { type: 'button', class: 'secondary', id: 'undo-' + pupilId, onclick: () => queue.undo(p.item) }, `Undo for ${pupilId}`),
    );
  } else if (p && p.item && p.item.state === 'failed') {
    actions.append(
      el('button', { type: 'button', class: 'secondary', onclick: () => queue.dismiss(p.item) }, 'Dismiss'),
    );
  }
  if (kind === 'pickup' && started && (!p || p.state === 'absent' || (p.state === 'boarded' && p.sent))) {
    if (!p || p.state === 'absent') {
      actions.append(
        el('button', { type: 'button', id: 'board-' + pupilId, onclick: () => tap('pupil.boarded', { runId: run.id, pupilId, stopId: stop.id, ...here() }) }, `Boarded ${pupilId}`),
      );
    }
    if (!p || (p.state === 'boarded' && p.sent)) {
      actions.append(absentControl(run, pupilId, p ? 'Mark absent instead' : `Absent ${pupilId}`));
    }
  }
  if (kind === 'dropoff' && started && p && p.state === 'boarded') {
    actions.append(
      el('button', { type: 'button', id: 'drop-' + pupilId, onclick: () => tap('pupil.dropped', { runId: run.id, pupilId, stopId: stop.id, ...here() }) }, `Dropped ${pupilId} here`),
    );
  }
  return el('div', { class: 'pupil', 'data-pupil': pupilId, 'data-kind': kind }, label, actions);
}

function absentControl(run, pupilId, text) {
  const id = `reason-${run.id}-${pupilId}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const select = el(
    'select',
    { id },
    ['Not at the stop', 'Unwell', 'Family said not travelling', 'Other'].map((r) => el('option', {}, r)),
  );
  return el(
    'details',
    { 'data-key': 'absent-' + pupilId },
    el('summary', {}, text),
    el('label', { for: id }, 'Reason'),
    select,
    el('button', { type: 'button', onclick: () => tap('pupil.absent', { runId: run.id, pupilId, reason: select.value }) }, `Confirm ${pupilId} absent`),
  );
}

let lastPosition = null;

function here() {
  return lastPosition ? { lat: lastPosition.lat, lon: lastPosition.lon } : {};
}

function renderRun(runId, focus) {
  const run = find(runId);
  if (!run) {
    renderToday();
    return;
  }
  open(runId);
  const s = localState(run);
  const parts = [];
  parts.push(
    el('p', {}, `${run.direction} run to ${run.schoolName} (route ${run.routeId}), arrive by ${hhmm(run.arriveBy)}.`),
    el('p', { class: 'state', id: 'run-status' }, 'Status: ' + status(run)),
  );
  const refused = pending.filter((i) => i.state === 'failed' && i.event.runId === run.id);
  for (const item of refused) {
    parts.push(
      el('p', { class: 'problem', role: 'alert' }, `Not accepted (${item.event.type}): ${item.detail} `,
        el('button', { type: 'button', class: 'secondary', onclick: () => queue.dismiss(item) }, 'Dismiss')),
    );
  }
  if (!s.started && !s.cancelled) {
    parts.push(startForm(run));
  }
  if (s.started && !s.completed && !s.cancelled) {
    parts.push(locationPrompt());
    startPositions(run);
  } else {
    stopPositions();
  }
  const dropped = new Set();
  for (const stop of run.stops) {
    const rows = [];
    for (const pupilId of stop.pickups) rows.push(pupilRow(run, s, pupilId, stop, 'pickup'));
    for (const pupilId of stop.dropoffs) {
      rows.push(pupilRow(run, s, pupilId, stop, 'dropoff'));
      dropped.add(pupilId);
    }
    // A pupil on board may be dropped somewhere else; the control room is told.
    const elsewhere = [...s.pupils.entries()].filter(
      ([id, p]) => p.state === 'boarded' && !stop.dropoffs.includes(id),
    );
    const other =
      s.started && !s.completed && elsewhere.length
        ? el(
            'details',
            { 'data-key': 'elsewhere-' + stop.id },
            el('summary', {}, 'Dropped another pupil here?'),
            elsewhere.map(([id]) =>
              el('button', { type: 'button', class: 'secondary', onclick: () => tap('pupil.dropped', { runId: run.id, pupilId: id, stopId: stop.id, ...here() }) }, `Dropped ${id} here`),
            ),
          )
        : null;
    parts.push(
      el('section', { class: 'stop', 'data-stop': stop.id, 'aria-labelledby': `stop-${stop.id}` },
        el('h2', { id: `stop-${stop.id}` }, `Stop ${stop.seq}: ${stop.id} · ${hhmm(stop.plannedTime)}`),
        rows, other),
    );
  }
  if (s.started && !s.arrived && !s.completed && !s.cancelled) {
    parts.push(el('button', { type: 'button', class: 'wide', id: 'arrived', onclick: () => tap('run.arrived', { runId: run.id }) }, 'Arrived at school'));
  }
  if (s.started && !s.completed && !s.cancelled) {
    parts.push(el('button', { type: 'button', class: 'wide', id: 'completed', onclick: () => tap('run.completed', { runId: run.id }) }, 'Completed'));
  }
  parts.push(incidentForm(run));
  if (!s.completed && !s.cancelled) {
    parts.push(cancelForm(run));
  }
  parts.push(el('button', { type: 'button', class: 'secondary wide', onclick: () => renderToday() }, "Back to today's runs"));
  // A re-render (an event sent, a tap) keeps what was open and where the focus was.
  const active = document.activeElement && document.activeElement.id;
  const opened = new Set([...main.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  show(`${run.direction} run ${run.id}`, ...parts);
  main.querySelectorAll('details').forEach((d) => {
    if (opened.has(d.dataset.key)) d.open = true;
  });
  if (focus) {
    focusTitle();
  } else if (active && document.getElementById(active)) {
    document.getElementById(active).focus();
  }
}

function startForm(run) {
  const reg = el('input', { id: 'vehicle', name: 'vehicle', autocomplete: 'off', required: true, pattern: '[A-Za-z0-9 ]{2,10}' });
  reg.value = run.vehicleReg || '';
  const yes = el('input', { type: 'radio', name: 'guide', id: 'guide-yes', value: 'yes', checked: true });
  const no = el('input', { type: 'radio', name: 'guide', id: 'guide-no', value: 'no' });
  return el(
    'form',
    {
      id: 'start-form',
      onsubmit: async (e) => {
        e.preventDefault();
        const vehicleReg = reg.value.trim().toUpperCase();
        const started = { runId: run.id, vehicleReg, ...here() };
        if (run.driverId === session.crewId) started.driverId = session.crewId;
        if (run.guideId === session.crewId) started.guideId = session.crewId;
        if (no.checked && run.driverId === session.crewId) {
          // Says who is on board: the driver, and no passenger assistant.
          await tap('crew.assigned', { runId: run.id, driverId: session.crewId, vehicleReg });
        } else if (yes.checked && run.guideId && !started.guideId) {
          started.guideId = run.guideId;
        }
        await tap('run.started', started);
      },
    },
    el('h2', {}, 'Start the run'),
    el('label', { for: 'vehicle' }, 'Vehicle registration'),
    reg,
    el('fieldset', {}, el('legend', {}, 'Passenger assistant on board?'),
      el('div', { class: 'choice' }, el('label', { for: 'guide-yes' }, yes, 'Yes'), el('label', { for: 'guide-no' }, no, 'No'))),
    el('button', { type: 'submit', class: 'wide', id: 'start' }, 'Start run'),
  );
}

function incidentForm(run) {
  const category = el('select', { id: 'incident-category' },
    [['safeguarding', 'Safeguarding concern'], ['medical', 'Medical'], ['behaviour', 'Behaviour'], ['vehicle', 'Vehicle problem'], ['other', 'Something else']]
      .map(([v, t]) => el('option', { value: v }, t)));
  const summary = el('textarea', { id: 'incident-summary', maxlength: '2000', required: true });
  return el('details', { 'data-key': 'incident' },
    el('summary', {}, 'Report an incident'),
    el('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        await tap('incident.reported', { runId: run.id, category: category.value, summary: summary.value.trim() });
        summary.value = '';
        e.target.closest('details').open = false;
      },
    },
    el('label', { for: 'incident-category' }, 'What kind'), category,
    el('label', { for: 'incident-summary' }, 'What happened (no names: use pupil references)'), summary,
    el('button', { type: 'submit', class: 'wide' }, 'Send report')));
}

function cancelForm(run) {
  const reason = el('textarea', { id: 'cancel-reason', maxlength: '500', required: true });
  return el('details', { 'data-key': 'cancel' },
    el('summary', {}, 'Cancel this run'),
    el('form', {
      onsubmit: async (e) => {
        e.preventDefault();
        await tap('run.cancelled', { runId: run.id, reason: reason.value.trim() });
      },
    },
    el('label', { for: 'cancel-reason' }, 'Why is the run cancelled?'), reason,
    el('button', { type: 'submit', class: 'danger wide' }, 'Cancel run')));
}

// ---- position while a run is going: asked once, explained, never required

function locationPrompt() {
  if (!('geolocation' in navigator) || locationChoice) {
    return null;
  }
  return el('div', { class: 'stop' },
    el('p', {}, 'Share this phone\'s location while the run is going? The control room and families then see when the vehicle will arrive. The app works without it.'),
    el('div', { class: 'row' },
      el('button', { type: 'button', onclick: () => chooseLocation('yes') }, 'Share location'),
      el('button', { type: 'button', class: 'secondary', onclick: () => chooseLocation('no') }, 'Not now')));
}

function chooseLocation(choice) {
  locationChoice = choice;
  localStorage.setItem('tw.crew.location', choice);
  if (openRunId) renderRun(openRunId, false);
}

function startPositions(run) {
  if (positionTimer || locationChoice !== 'yes' || !('geolocation' in navigator)) {
    return;
  }
  const take = () =>
    navigator.geolocation.getCurrentPosition(
      (p) => {
        lastPosition = { lat: p.coords.latitude, lon: p.coords.longitude };
        const fields = { runId: run.id, ...lastPosition };
        if (Number.isFinite(p.coords.speed) && p.coords.speed >= 0) {
          fields.speedKph = Math.min(200, Math.round(p.coords.speed * 3.6 * 10) / 10);
        }
        queue.record('vehicle.position', fields);
      },
      () => {},
      { enableHighAccuracy: true, maximumAge: 10_000, timeout: 10_000 },
    );
  take();
  positionTimer = setInterval(take, POSITION_MS);
}

function stopPositions() {
  if (positionTimer) {
    clearInterval(positionTimer);
    positionTimer = null;
  }
}

// ---- start

async function start() {
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
  await queue.forgetSentBefore(RUNS_KEPT_MS);
  pending = await queue.items();
  showSync();
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  session = await queue.recall('session');
  if (!session || code) {
    signIn('', code || '');
    return;
  }
  queue.useToken(session.token, session.crewId);
  const cached = await queue.recall('runs');
  if (cached && Date.now() - cached.at < RUNS_KEPT_MS) {
    runs = cached.items;
  }
  // A run left open mid-way opens again (a phone restarted on the road); a finished one does not.
  const last = openRunId && find(openRunId);
  if (last && !['completed', 'cancelled'].includes(status(last))) {
    renderRun(openRunId, true);
  } else {
    renderToday();
  }
  loadRuns();
}

// A sign-in link opened while the app is already open (only the #code part changes).
addEventListener('hashchange', () => {
  const code = new URLSearchParams(location.hash.slice(1)).get('code');
  if (code) {
    signIn('', code);
  }
});

start();
