// A school's view: today's runs to the school (arrivals) and from it (departures) with each
// pupil's state, late and cancelled runs first, and a form to tell the control room what the
// school sees. Read from GET /api/v1/schools/{id}/today, and read again whenever the stream
// (which carries only this school's runs and alerts) says something changed, when it reconnects,
// and every 30 seconds besides. Everything from the server is put on the page as text.

import { ApiError, get, post } from './api.js';
import { $, h, clock } from './dom.js';

const REFRESH = 30_000;
const DEBOUNCE = 300;
const RECONNECT = 5_000;
const TEXT_LIMIT = 1000;

const CATEGORY = {
  pupil_not_arrived: 'A pupil has not arrived',
  late: 'A late run',
  behaviour: 'Behaviour',
  safeguarding: 'A safeguarding concern',
  other: 'Something else',
};

const SEVERITY_WORDS = { critical: 'critical', high: 'high priority', warning: 'a warning' };

/** A run's status in words, as a school sees it: where the run is going matters. */
function statusWords(run) {
  const toSchool = run.direction === 'AM';
  switch (run.status) {
    case 'planned':
      return 'Not started yet';
    case 'crew_assigned':
      return 'Crew assigned, not started yet';
    case 'started':
      return toSchool ? 'On the way to school' : 'On the way home';
    case 'arrived':
      return toSchool ? 'Arrived at school' : 'Arrived at the last stop';
    case 'completed':
      return 'Completed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return run.status;
  }
}

/** A pupil's state in words with a symbol, so it never rests on colour alone. */
function pupilWords(state, run) {
  const toSchool = run.direction === 'AM';
  switch (state) {
    case 'expected':
      return '○ Expected';
    case 'boarded':
      return '● On board';
    case 'absent':
      return '– Absent';
    case 'dropped_here':
      return toSchool ? '✓ Dropped here at school' : '✓ Dropped at their home stop';
    case 'dropped_elsewhere':
      return toSchool ? '⚠ Dropped elsewhere, not at school' : '⚠ Dropped elsewhere, not at their home stop';
    default:
      return state;
  }
}

/** The same, short, for the list of changes and the report form's choices. */
const PUPIL_SHORT = {
  expected: 'expected',
  boarded: 'on board',
  absent: 'absent',
  dropped_here: 'dropped here',
  dropped_elsewhere: 'dropped elsewhere',
};

let schoolId = null;
let active = false;
let view = null;
let known = null;
let source = null;
let loading = null;
let again = false;
let pending = null;
let timers = [];
let reconnecting = null;
let runOptions = '';
/** The service's time of the view, in milliseconds. */
let serviceNow = null;
let pupilOptions = '';
const cards = new Map();

export function initSchool() {
  $('report-toggle').addEventListener('click', () => openReport());
  $('report-cancel').addEventListener('click', closeReport);
  $('report-run').addEventListener('change', fillPupils);
  $('report-text').addEventListener('input', countCharacters);
  $('report-form').addEventListener('submit', sendReport);
  countCharacters();
}

/** Shows the school's view for a session of the role school; answers once it is on the page. */
export async function startSchool(session) {
  schoolId = session.schoolId;
  active = true;
  known = null;
  $('school').hidden = false;
  connect();
  timers.push(setInterval(() => load().catch(() => {}), REFRESH));
  await load();
}

export function stopSchool() {
  active = false;
  for (const t of timers) clearInterval(t);
  timers = [];
  clearTimeout(pending);
  pending = null;
  clearTimeout(reconnecting);
  reconnecting = null;
  disconnect();
  view = null;
  known = null;
  cards.clear();
  runOptions = '';
  pupilOptions = '';
  $('arrivals-list').replaceChildren();
  $('departures-list').replaceChildren();
  $('attention-list').replaceChildren();
  $('school-attention').hidden = true;
  for (const id of ['school-summary', 'school-changes', 'school-date', 'report-confirmation']) {
    $(id).textContent = '';
  }
  $('school-name').textContent = 'Your school';
  $('school-stream').textContent = 'connecting…';
  $('school-stream').className = 'stream-state';
  $('report-form').reset();
  clearErrors();
  fillRuns();
  closeReport();
  $('school').hidden = true;
}

function connect() {
  disconnect();
  const stream = new EventSource('/api/v1/stream');
  source = stream;
  const state = $('school-stream');
  stream.addEventListener('open', () => {
    state.textContent = '● live';
    state.className = 'stream-state connected';
    soon();
  });
  stream.addEventListener('error', () => {
    state.className = 'stream-state';
    if (stream.readyState !== EventSource.CLOSED) {
      state.textContent = '○ reconnecting…';
      return;
    }
    // The browser gave up (a refusal, the server away): try again later, and read the view,
    // which also tells whether the session is still there.
    state.textContent = '○ disconnected';
    if (source === stream) {
      source = null;
      clearTimeout(reconnecting);
      reconnecting = setTimeout(() => {
        reconnecting = null;
        if (active) {
          connect();
        }
      }, RECONNECT);
      soon();
    }
  });
  stream.addEventListener('run', soon);
  stream.addEventListener('alert', soon);
}

function disconnect() {
  if (source) {
    source.close();
    source = null;
  }
}

/** Reads the view again shortly, once, however many changes arrive together. */
function soon() {
  if (active && pending === null) {
    pending = setTimeout(() => {
      pending = null;
      load().catch(() => {});
    }, DEBOUNCE);
  }
}

/** Reads the view; a change while reading reads it once more after. */
function load() {
  if (loading) {
    again = true;
    return loading;
  }
  loading = (async () => {
    do {
      again = false;
      const today = await get(`/api/v1/schools/${encodeURIComponent(schoolId)}/today`);
      if (active) {
        render(today);
      }
    } while (again && active);
  })().finally(() => {
    loading = null;
  });
  return loading;
}

/** Before noon on the service's clock the arrivals come first, after it the departures. */
function morning(today) {
  const hour = today.at ? Number(today.at.substring(11, 13)) : new Date().getHours();
  return hour < 12;
}

function render(today) {
  view = today;
  serviceNow = today.at ? Date.parse(today.at) : null;
  $('school-name').textContent = today.schoolName;
  document.title = `TravelWatch — ${today.schoolName}`;
  $('school-date').textContent = `Today, ${today.date}, updated at ${clock(today.at)}`;

  const arrivals = $('school-arrivals');
  const departures = $('school-departures');
  if (morning(today)) {
    $('school-runs').append(arrivals, departures);
  } else {
    $('school-runs').append(departures, arrivals);
  }
  const focused = document.activeElement;
  place($('arrivals-list'), today.arrivals, 'No runs to the school today.');
  place($('departures-list'), today.departures, 'No runs from the school today.');
  if (focused && focused.isConnected && focused !== document.activeElement) {
    focused.focus();
  }
  attention(today);
  summary(today);
  changes(today);
  fillRuns();
}

/**
 * Puts the runs in the server's order, but cancelled and late ones first by this page's reckoning
 * too (a run past its arrive-by time that has not arrived is late, whatever its last estimate
 * said), rebuilding only the cards that changed.
 */
function place(list, runs, none) {
  if (runs.length === 0) {
    list.replaceChildren(h('li', { class: 'none' }, none));
    return;
  }
  const rank = (run) => (run.status === 'cancelled' ? 0 : late(run) ? 1 : 2);
  const ordered = runs
    .map((run, i) => [run, i])
    .sort(([a, i], [b, j]) => rank(a) - rank(b) || i - j)
    .map(([run]) => run);
  const wanted = ordered.map((run) => {
    const signature = JSON.stringify(run) + minutesLate(run);
    let card = cards.get(run.id);
    if (!card || card.dataset.signature !== signature) {
      const fresh = runCard(run);
      fresh.dataset.signature = signature;
      if (card) {
        card.replaceWith(fresh);
      }
      card = fresh;
      cards.set(run.id, card);
    }
    return card;
  });
  list.replaceChildren(...wanted);
}

/**
 * How late a run is: the service's minutes late, or, for a run not yet arrived whose arrive-by
 * time has passed on the service's clock, the minutes since then if that is more.
 */
function minutesLate(run) {
  if (run.status === 'cancelled') {
    return 0;
  }
  const reported = run.minutesLate || 0;
  if (run.status === 'arrived' || run.status === 'completed' || serviceNow === null) {
    return reported;
  }
  const overdue = Math.ceil((serviceNow - Date.parse(run.arriveBy)) / 60_000);
  return Math.max(reported, overdue);
}

function late(run) {
  return minutesLate(run) > 0;
}

function runCard(run) {
  const toSchool = run.direction === 'AM';
  const cancelled = run.status === 'cancelled';
  const flag = cancelled
    ? null
    : late(run)
      ? h('span', { class: 'flag late' }, `» ${minutesLate(run)} min late`)
      : null;
  const crew = [run.driverId && `driver ${run.driverId}`, run.guideId && `guide ${run.guideId}`]
    .filter(Boolean)
    .join(', ');
  let expected = '–';
  if (run.eta) {
    const passed = serviceNow !== null && Date.parse(run.eta) < serviceNow;
    expected = passed ? `overdue: was expected about ${clock(run.eta)}` : `about ${clock(run.eta)}`;
  }
  if (run.status === 'arrived' || run.status === 'completed') {
    expected = 'already arrived';
  } else if (cancelled) {
    expected = 'not coming';
  }
  const timing = cancelled
    ? 'Cancelled'
    : late(run)
      ? `${minutesLate(run)} min late`
      : run.minutesLate === 0
        ? 'On time'
        : 'No estimate yet';
  const counts = {};
  for (const p of run.pupils) {
    counts[p.state] = (counts[p.state] || 0) + 1;
  }
  const countText = Object.entries(PUPIL_SHORT)
    .filter(([state]) => counts[state])
    .map(([state, words]) => `${counts[state]} ${words}`)
    .join(', ');
  return h(
    'li',
    {
      class: `run-card status-${run.status}${late(run) ? ' late' : ''}`,
      'data-run-id': run.id,
      'data-status': run.status,
    },
    h(
      'div',
      { class: 'run-head' },
      h('h4', {}, `Run ${run.id}`),
      h('span', { class: 'run-status' }, cancelled ? '✕ ' : '', statusWords(run)),
      flag,
    ),
    h(
      'dl',
      { class: 'run-facts' },
      h('dt', {}, toSchool ? 'Due at school by' : 'Last drop-off by'),
      h('dd', {}, clock(run.arriveBy)),
      h('dt', {}, toSchool ? 'Expected at school' : 'Expected at last stop'),
      h('dd', { 'data-fact': 'eta' }, expected),
      h('dt', {}, 'Timing'),
      h('dd', { 'data-fact': 'timing' }, timing),
      h('dt', {}, 'Vehicle'),
      h('dd', { 'data-fact': 'vehicle' }, run.vehicleReg || 'not known yet'),
      h('dt', {}, 'Crew'),
      h('dd', {}, crew || 'not known yet'),
      h('dt', {}, 'Route'),
      h('dd', {}, `${run.routeId}, operator ${run.operatorId}`),
    ),
    h(
      'p',
      { class: 'pupil-counts' },
      `${run.pupils.length} ${run.pupils.length === 1 ? 'pupil' : 'pupils'}${countText ? `: ${countText}` : ''}`,
    ),
    h(
      'ul',
      { class: 'pupils', 'aria-label': `Pupils on run ${run.id}` },
      run.pupils.map((p) =>
        h(
          'li',
          { class: `pupil state-${p.state}`, 'data-pupil-id': p.pupilId, 'data-state': p.state },
          h('span', { class: 'pupil-ref' }, p.pupilId),
          h('span', { class: 'pupil-state' }, pupilWords(p.state, run)),
        ),
      ),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary report-run',
        'data-run-id': run.id,
        onclick: () => openReport(run.id),
      },
      'Report about this run',
      h('span', { class: 'visually-hidden' }, ` (${run.id})`),
    ),
  );
}

/** Cancelled and late runs and pupils dropped elsewhere, above everything else. */
function attention(today) {
  const items = [];
  for (const run of [...today.arrivals, ...today.departures]) {
    if (run.status === 'cancelled') {
      items.push(h('li', { class: 'cancelled', 'data-run-id': run.id }, `✕ Run ${run.id} is cancelled.`));
    } else if (late(run)) {
      items.push(h('li', { class: 'late', 'data-run-id': run.id }, `» Run ${run.id} is ${minutesLate(run)} min late.`));
    }
    for (const p of run.pupils) {
      if (p.state === 'dropped_elsewhere') {
        items.push(
          h(
            'li',
            { class: 'elsewhere', 'data-pupil-id': p.pupilId },
            `⚠ Pupil ${p.pupilId} was dropped elsewhere, not ${run.direction === 'AM' ? 'at school' : 'at their home stop'} (run ${run.id}).`,
          ),
        );
      }
    }
  }
  $('attention-list').replaceChildren(...items);
  $('school-attention').hidden = items.length === 0;
}

function summary(today) {
  const all = [...today.arrivals, ...today.departures];
  const elsewhere = all.flatMap((r) => r.pupils).filter((p) => p.state === 'dropped_elsewhere').length;
  const parts = [
    `${today.arrivals.length} ${today.arrivals.length === 1 ? 'arrival' : 'arrivals'}`,
    `${today.departures.length} ${today.departures.length === 1 ? 'departure' : 'departures'}`,
  ];
  const problems = [
    all.filter((r) => r.status === 'cancelled').length && `${all.filter((r) => r.status === 'cancelled').length} cancelled`,
    all.filter(late).length && `${all.filter(late).length} late`,
    elsewhere && `${elsewhere} ${elsewhere === 1 ? 'pupil' : 'pupils'} dropped elsewhere`,
  ].filter(Boolean);
  const text = `${parts.join(', ')} today${problems.length ? `; ${problems.join(', ')}` : ''}.`;
  if ($('school-summary').textContent !== text) {
    $('school-summary').textContent = text;
  }
}

/** Says what changed since the view was last read: runs' statuses and pupils' states. */
function changes(today) {
  const now = new Map();
  for (const run of [...today.arrivals, ...today.departures]) {
    now.set(run.id, { run, pupils: new Map(run.pupils.map((p) => [p.pupilId, p.state])) });
  }
  if (known) {
    const said = [];
    for (const [id, { run, pupils }] of now) {
      const before = known.get(id);
      if (!before) {
        continue;
      }
      if (before.run.status !== run.status) {
        said.push(`run ${id} ${statusWords(run).toLowerCase()}`);
      }
      for (const [pupilId, state] of pupils) {
        if (before.pupils.get(pupilId) !== state) {
          said.push(`pupil ${pupilId} ${PUPIL_SHORT[state] || state} (run ${id})`);
        }
      }
    }
    if (said.length) {
      const shown = said.length > 6 ? [...said.slice(0, 6), `and ${said.length - 6} more`] : said;
      $('school-changes').textContent = `At ${clock(today.at)}: ${shown.join('; ')}.`;
    }
  }
  known = now;
}

// The report form.

function openReport(runId) {
  const form = $('report-form');
  form.hidden = false;
  $('report-toggle').setAttribute('aria-expanded', 'true');
  if (runId) {
    fillRuns();
    $('report-run').value = runId;
    fillPupils();
  }
  $('report-category').focus();
}

function closeReport() {
  $('report-form').hidden = true;
  $('report-toggle').setAttribute('aria-expanded', 'false');
}

function allRuns() {
  return view ? [...view.arrivals, ...view.departures] : [];
}

/** The runs to choose from: the view's, kept as chosen while the view is read again. */
function fillRuns() {
  const runs = allRuns();
  const signature = JSON.stringify(runs.map((r) => [r.id, r.status, r.direction]));
  if (signature !== runOptions) {
    runOptions = signature;
    const select = $('report-run');
    const chosen = select.value;
    select.replaceChildren(
      h('option', { value: '' }, 'No particular run'),
      ...runs.map((r) =>
        h('option', { value: r.id }, `${r.id}: ${r.direction === 'AM' ? 'to school' : 'home'}, ${statusWords(r).toLowerCase()}`),
      ),
    );
    select.value = runs.some((r) => r.id === chosen) ? chosen : '';
  }
  fillPupils();
}

/** The pupils to choose from: the chosen run's, with their state, or every pupil of the day. */
function fillPupils() {
  const runId = $('report-run').value;
  const run = allRuns().find((r) => r.id === runId);
  let choices;
  if (run) {
    choices = run.pupils.map((p) => [p.pupilId, `${p.pupilId}: ${PUPIL_SHORT[p.state] || p.state}`]);
  } else {
    const ids = [...new Set(allRuns().flatMap((r) => r.pupils.map((p) => p.pupilId)))].sort();
    choices = ids.map((id) => [id, id]);
  }
  const signature = JSON.stringify(choices);
  if (signature === pupilOptions) {
    return;
  }
  pupilOptions = signature;
  const select = $('report-pupil');
  const chosen = select.value;
  select.replaceChildren(
    h('option', { value: '' }, 'No particular pupil'),
    ...choices.map(([id, label]) => h('option', { value: id }, label)),
  );
  select.value = choices.some(([id]) => id === chosen) ? chosen : '';
}

function characters(text) {
  return [...text].length;
}

function countCharacters() {
  const used = characters($('report-text').value);
  const count = $('report-text-count');
  const left = TEXT_LIMIT - used;
  count.textContent =
    left >= 0
      ? `You have ${left.toLocaleString('en-GB')} ${left === 1 ? 'character' : 'characters'} left.`
      : `You have ${(-left).toLocaleString('en-GB')} ${left === -1 ? 'character' : 'characters'} too many.`;
  count.classList.toggle('over', left < 0);
}

const FIELDS = { category: 'report-category', runId: 'report-run', pupilId: 'report-pupil', text: 'report-text' };
const LABELS = { category: 'What it is about', runId: 'The run', pupilId: 'The pupil', text: 'The report' };

function clearErrors() {
  for (const id of Object.values(FIELDS)) {
    $(id).removeAttribute('aria-invalid');
    $(`${id}-error`).textContent = '';
  }
  $('report-message').textContent = '';
}

/** Shows each problem beside its field, and moves to the first. */
function showErrors(problems, detail) {
  let first = null;
  const general = [];
  for (const { field, message } of problems) {
    const id = FIELDS[field];
    if (id) {
      $(id).setAttribute('aria-invalid', 'true');
      const error = $(`${id}-error`);
      error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
      first = first || $(id);
    } else {
      general.push(message);
    }
  }
  const count = problems.length - general.length;
  $('report-message').textContent = [
    detail || (count === 1 ? 'The report was not sent: see the problem above.' : `The report was not sent: see the ${count} problems above.`),
    ...general,
  ].join(' ');
  if (first) {
    first.focus();
  }
}

function checkReport(body) {
  const problems = [];
  if (!body.category) {
    problems.push({ field: 'category', message: 'Choose what the report is about.' });
  }
  if (body.category === 'pupil_not_arrived' && !body.pupilId) {
    problems.push({ field: 'pupilId', message: 'Choose the pupil who has not arrived.' });
  }
  const used = characters(body.text);
  if (!body.text.trim()) {
    problems.push({ field: 'text', message: 'Write what happened.' });
  } else if (used > TEXT_LIMIT) {
    problems.push({ field: 'text', message: `Shorten it to ${TEXT_LIMIT.toLocaleString('en-GB')} characters: it has ${used.toLocaleString('en-GB')}.` });
  }
  return problems;
}

/** A server's problem names the field as the API does: said in the form's words. */
function fromServer(problem) {
  const field = problem.field || '';
  const message = LABELS[field] ? `${LABELS[field]} ${problem.message}` : problem.message;
  return { field, message: /[.?!]$/.test(message) ? message : `${message}.` };
}

async function sendReport(event) {
  event.preventDefault();
  clearErrors();
  $('report-confirmation').replaceChildren();
  const body = {
    category: $('report-category').value,
    text: $('report-text').value,
  };
  if ($('report-run').value) body.runId = $('report-run').value;
  if ($('report-pupil').value) body.pupilId = $('report-pupil').value;
  const problems = checkReport(body);
  if (problems.length) {
    showErrors(problems);
    return;
  }
  const send = $('report-send');
  send.disabled = true;
  try {
    const sent = await post(`/api/v1/schools/${encodeURIComponent(schoolId)}/reports`, body);
    confirmSent(sent, body);
    $('report-form').reset();
    fillPupils();
    countCharacters();
    closeReport();
    $('report-confirmation').focus();
  } catch (e) {
    if (e instanceof ApiError && e.status === 400 && e.errors && e.errors.length) {
      showErrors(e.errors.map(fromServer));
    } else {
      $('report-message').textContent = `The report was not sent: ${e.message}`;
    }
  } finally {
    send.disabled = false;
  }
}

function confirmSent(sent, body) {
  const critical = sent.severity === 'critical';
  const about = [CATEGORY[body.category], body.pupilId && `pupil ${body.pupilId}`, body.runId && `run ${body.runId}`]
    .filter(Boolean)
    .join(', ');
  $('report-confirmation').replaceChildren(
    h('p', { class: 'confirmed' }, `✓ Sent. The control room has your report (number ${sent.reportId}): ${about}.`),
    h(
      'p',
      { class: critical ? 'severity critical' : 'severity' },
      critical
        ? '◆ It was raised as critical: the control room is alerted at once.'
        : `It was raised as ${SEVERITY_WORDS[sent.severity] || sent.severity}, not critical.`,
    ),
  );
  $('report-confirmation').dataset.severity = sent.severity;
}
