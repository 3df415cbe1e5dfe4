// The run board: a day's runs with counts by status (each one a button that lists only those),
// filters, a search by run, route or pupil reference, and late, not-started and cancelled runs
// first. Loaded from GET /api/v1/runs?date= and, for today, kept current by the stream's run
// entries. Every run is listed: the board scrolls in its own panel.

import { ApiError, get } from './api.js';
import { $, h, clock, fillSelect, STATUS_LABELS } from './dom.js';
import { learnNames, operatorLabel, schoolLabel } from './names.js';

const runs = new Map();
const rows = new Map();
let notStartedRuns = () => new Set();
let renderPending = false;
let shownDay = null;
let live = true;
/** A pupil's runs, when the search found a pupil: {ref, ids}. */
let pupilRuns = null;

/** {@code notStarted} gives the ids of runs with an open run.not_started alert. */
export function initBoard(notStarted) {
  notStartedRuns = notStarted;
  $('board-filter').addEventListener('change', renderBoard);
  $('board-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    findPupil();
  });
  $('board-search').addEventListener('input', () => {
    pupilRuns = null;
    scheduleRender();
  });
  $('board-counts').addEventListener('click', (e) => {
    const button = e.target.closest('button[data-count]');
    if (button) {
      const status = $('filter-status');
      status.value = status.value === button.dataset.count ? '' : button.dataset.count;
      renderBoard();
    }
  });
}

export function clearBoard() {
  runs.clear();
  rows.clear();
  pupilRuns = null;
  $('board-rows').replaceChildren();
  $('board-counts').replaceChildren();
}

/** Loads the board of {@code day}; {@code isToday} says whether the stream keeps it current. */
export async function loadBoard(day = shownDay, isToday = live) {
  const loaded = [];
  let path = day ? `/api/v1/runs?date=${day}` : '/api/v1/runs';
  while (path) {
    const page = await get(path);
    loaded.push(...page.items);
    path = page.next;
  }
  if (day !== shownDay && shownDay !== null) {
    return; // another day was chosen meanwhile
  }
  runs.clear();
  for (const run of loaded) {
    learnNames(run);
    runs.set(run.id, run);
  }
  fillSelect($('filter-operator'), choices(loaded, 'operatorId', operatorLabel));
  fillSelect($('filter-school'), choices(loaded, 'schoolId', schoolLabel));
  live = isToday;
  renderBoard();
}

/** The day the board shows; the caller loads it. */
export function showDay(day, isToday) {
  if (day !== shownDay) {
    shownDay = day;
    live = isToday;
    runs.clear();
    rows.clear();
    pupilRuns = null;
  }
}

function choices(items, key, label) {
  return [...new Set(items.map((i) => i[key]).filter(Boolean))].sort().map((id) => [id, label(id)]);
}

/** A run's status change from the stream: merged into today's board without a reload. */
export function updateRun(change) {
  const known = runs.get(change.id);
  if (!known || !live) {
    return;
  }
  const merged = { ...known, ...change };
  // The stream only carries ETA and lateness while they apply.
  if (!('eta' in change)) delete merged.eta;
  if (!('minutesLate' in change)) delete merged.minutesLate;
  delete merged.previousStatus;
  runs.set(change.id, merged);
  scheduleRender();
}

/** Re-render soon, once, however many changes arrive together. */
export function scheduleRender() {
  if (!renderPending) {
    renderPending = true;
    setTimeout(() => {
      renderPending = false;
      renderBoard();
    }, 250);
  }
}

async function findPupil() {
  const ref = $('board-search').value.trim();
  if (!ref || !live) {
    return;
  }
  try {
    const today = await get(`/api/v1/pupils/${encodeURIComponent(ref)}/today`);
    pupilRuns = { ref: today.pupilId, ids: new Set(today.items.map((r) => r.id)) };
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) {
      throw e;
    }
    pupilRuns = null;
  }
  renderBoard();
}

function late(run) {
  return (run.minutesLate || 0) > 0;
}

/** Late first, then not started, then cancelled: the runs someone must do something about. */
function rank(run, notStarted) {
  if (late(run)) return 0;
  if (notStarted.has(run.id)) return 1;
  if (run.status === 'cancelled') return 2;
  return 3;
}

function matches(run, query) {
  return (
    run.id.toLowerCase().includes(query) ||
    (run.routeId || '').toLowerCase().includes(query) ||
    (run.routeName || '').toLowerCase().includes(query)
  );
}

function renderBoard() {
  const notStarted = new Set(
    [...notStartedRuns()].filter((id) => {
      const run = runs.get(id);
      return run && (run.status === 'planned' || run.status === 'crew_assigned');
    }),
  );
  const all = [...runs.values()];
  const status = $('filter-status').value;
  renderCounts(all, notStarted, status);

  const operator = $('filter-operator').value;
  const school = $('filter-school').value;
  const query = $('board-search').value.trim().toLowerCase();
  const shown = all
    .filter((r) => !operator || r.operatorId === operator)
    .filter((r) => !school || r.schoolId === school)
    .filter((r) => !query || (pupilRuns ? pupilRuns.ids.has(r.id) : matches(r, query)))
    .filter((r) => {
      if (!status) return true;
      if (status === 'late') return late(r);
      if (status === 'not_started') return notStarted.has(r.id);
      return r.status === status;
    })
    .sort(
      (a, b) =>
        rank(a, notStarted) - rank(b, notStarted) ||
        (b.minutesLate || 0) - (a.minutesLate || 0) ||
        a.arriveBy.localeCompare(b.arriveBy) ||
        a.id.localeCompare(b.id),
    );
  $('board-rows').replaceChildren(...shown.map((run) => row(run, notStarted.has(run.id))));
  const of = pupilRuns ? ` (pupil ${pupilRuns.ref}'s runs)` : '';
  $('board-summary').textContent = `${shown.length} of ${all.length} runs${of}.`;
}

function renderCounts(all, notStarted, chosen) {
  const byStatus = {};
  for (const run of all) {
    byStatus[run.status] = (byStatus[run.status] || 0) + 1;
  }
  const count = (key, n, label, cls) =>
    h(
      'li',
      { class: cls, 'data-status': key },
      h(
        'button',
        { type: 'button', 'data-count': key, 'aria-pressed': String(chosen === key) },
        h('b', {}, n),
        label,
      ),
    );
  $('board-counts').replaceChildren(
    count('late', all.filter(late).length, '» Late', 'late'),
    count('not_started', notStarted.size, '⚠ Not started', 'not-started'),
    ...Object.entries(STATUS_LABELS).map(([status, label]) =>
      count(status, byStatus[status] || 0, status === 'cancelled' ? `✕ ${label}` : label, status),
    ),
  );
}

/** One run's row, rebuilt only when something shown in it changed. */
function row(run, notStarted) {
  const signature = `${JSON.stringify(run)}|${notStarted}|${operatorLabel(run.operatorId)}|${schoolLabel(run.schoolId)}`;
  const cached = rows.get(run.id);
  if (cached && cached.signature === signature) {
    return cached.element;
  }
  const isLate = late(run);
  const cancelled = run.status === 'cancelled';
  const flag = isLate
    ? h('span', { class: 'flag late' }, '» LATE')
    : notStarted
      ? h('span', { class: 'flag not-started' }, '⚠ NOT STARTED')
      : cancelled
        ? h('span', { class: 'flag cancelled' }, '✕ CANCELLED')
        : null;
  const element = h(
    'tr',
    {
      class: isLate ? 'late' : notStarted ? 'not-started' : cancelled ? 'cancelled' : '',
      'data-run-id': run.id,
    },
    h(
      'td',
      {},
      h('a', { href: `#/runs/${encodeURIComponent(run.id)}` }, run.id),
      h('span', { class: 'sub' }, [run.direction, run.routeName || run.routeId].filter(Boolean).join(' · ')),
    ),
    h(
      'td',
      {},
      h('span', { class: 'operator' }, operatorLabel(run.operatorId)),
      h('span', { class: 'sub' }, schoolLabel(run.schoolId)),
    ),
    h('td', {}, flag, cancelled ? null : STATUS_LABELS[run.status] || run.status),
    h('td', {}, clock(run.arriveBy)),
    h('td', {}, run.eta ? clock(run.eta) : '–'),
    h('td', { class: 'num' }, isLate ? `${run.minutesLate} min` : '–'),
    h('td', { class: 'num' }, run.openAlerts || 0),
  );
  rows.set(run.id, { signature, element });
  return element;
}
