// The live run board: today's runs with counts by status, filters, and late and not-started
// runs first. Loaded from GET /api/v1/runs and kept current by the stream's run events.

import { get } from './api.js';
import { $, h, clock, STATUS_LABELS } from './dom.js';

const MAX_ROWS = 300;
const runs = new Map();
let notStartedRuns = () => new Set();
let renderPending = false;

/** {@code notStarted} gives the ids of runs with an open run.not_started alert. */
export function initBoard(notStarted) {
  notStartedRuns = notStarted;
  $('board-filter').addEventListener('change', renderBoard);
}

export function clearBoard() {
  runs.clear();
  $('board-rows').replaceChildren();
  $('board-counts').replaceChildren();
}

export async function loadBoard() {
  const loaded = [];
  let path = '/api/v1/runs';
  while (path) {
    const page = await get(path);
    loaded.push(...page.items);
    path = page.next;
  }
  runs.clear();
  for (const run of loaded) {
    runs.set(run.id, run);
  }
  fillChoices('filter-operator', loaded.map((r) => r.operatorId));
  fillChoices('filter-school', loaded.map((r) => r.schoolId));
  renderBoard();
}

/** A run's status change from the stream: merged into the board without a reload. */
export function updateRun(change) {
  const known = runs.get(change.id);
  if (!known) {
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

function fillChoices(selectId, values) {
  const select = $(selectId);
  const chosen = select.value;
  const options = [...new Set(values)].sort();
  select.replaceChildren(h('option', { value: '' }, 'All'), ...options.map((v) => h('option', { value: v }, v)));
  select.value = options.includes(chosen) ? chosen : '';
}

function late(run) {
  return (run.minutesLate || 0) > 0;
}

function rank(run, notStarted) {
  if (late(run)) return 0;
  if (notStarted.has(run.id)) return 1;
  return 2;
}

function renderBoard() {
  const notStarted = new Set(
    [...notStartedRuns()].filter((id) => {
      const run = runs.get(id);
      return run && (run.status === 'planned' || run.status === 'crew_assigned');
    }),
  );
  const all = [...runs.values()];
  renderCounts(all, notStarted);

  const operator = $('filter-operator').value;
  const school = $('filter-school').value;
  const status = $('filter-status').value;
  const shown = all
    .filter((r) => !operator || r.operatorId === operator)
    .filter((r) => !school || r.schoolId === school)
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
  const rows = shown.slice(0, MAX_ROWS).map((run) => row(run, notStarted.has(run.id)));
  $('board-rows').replaceChildren(...rows);
  $('board-summary').textContent =
    shown.length > MAX_ROWS
      ? `Showing the first ${MAX_ROWS} of ${shown.length} runs: narrow them with the filters.`
      : `${shown.length} of ${all.length} runs.`;
}

function renderCounts(all, notStarted) {
  const byStatus = {};
  for (const run of all) {
    byStatus[run.status] = (byStatus[run.status] || 0) + 1;
  }
  const items = [
    h('li', { class: 'late' }, h('b', {}, all.filter(late).length), '» Late'),
    h('li', { class: 'not-started' }, h('b', {}, notStarted.size), '⚠ Not started'),
    ...Object.entries(STATUS_LABELS).map(([status, label]) =>
      h('li', { 'data-status': status }, h('b', {}, byStatus[status] || 0), label),
    ),
  ];
  $('board-counts').replaceChildren(...items);
}

function row(run, notStarted) {
  const isLate = late(run);
  const flag = isLate
    ? h('span', { class: 'flag late' }, '» LATE')
    : notStarted
      ? h('span', { class: 'flag not-started' }, '⚠ NOT STARTED ')
      : null;
  return h(
    'tr',
    { class: isLate ? 'late' : notStarted ? 'not-started' : '', 'data-run-id': run.id },
    h('td', {}, run.id),
    h('td', {}, run.operatorId),
    h('td', {}, run.schoolId),
    h('td', {}, flag, STATUS_LABELS[run.status] || run.status),
    h('td', {}, clock(run.arriveBy)),
    h('td', {}, run.eta ? clock(run.eta) : '–'),
    h('td', { class: 'num' }, isLate ? `${run.minutesLate} min` : '–'),
    h('td', { class: 'num' }, run.openAlerts || 0),
  );
}
